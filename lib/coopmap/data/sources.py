"""What data is shown: the one place that resolves the registry and the boundaries.

Every surface (the dashboard and its data panel, the download menu, the report, the
meeting, the CLI, ``coopmap serve`` / ``coopmap meeting``) asks this module which files
to show and gets one :class:`Provenance` record back; it is also the only module that
reads the ``COOPMAP_*`` environment variables (each through a named accessor below).

Which registry
    An explicit argument wins. Otherwise one of two named policies decides:

    :data:`NAMED_FILE_FIRST` (the CLI, the notebooks, the meeting)
        ``COOPMAP_REGISTRY``, then the active version accepted into the local store
        (:mod:`coopmap.data.versions`), then the shipped illustrative sample.
    :data:`STORE_FIRST` (the dashboard, whose data panel switches versions)
        The active stored version, then the *base version*: ``COOPMAP_REGISTRY``
        (which ``coopmap serve --registry`` sets) or the shipped sample. The base is
        always a version one can switch back to.

Which boundaries
    An explicit file; ``COOPMAP_BOUNDARIES`` (with ``COOPMAP_BOUNDARIES_CRS`` for
    ``gcj02``/``bd09`` files); a file named ``boundaries.geojson`` / ``.gpkg`` /
    ``.shp`` / ``.zip`` (or a folder ``boundaries/``) in the local data folder; the
    schematic boundaries. Loading them is :func:`coopmap.geo.boundaries.default_boundaries`.

The store's pointer (which stored version is active) is read here, so that this
module needs nothing from the store's writer (:mod:`coopmap.data.versions`, which
imports it).

Environment variables
    ``COOPMAP_REGISTRY``, ``COOPMAP_BOUNDARIES``, ``COOPMAP_BOUNDARIES_CRS`` (above),
    ``COOPMAP_DATA_LOCAL`` (the git-ignored local data folder, default
    ``<project>/data/local``), ``COOPMAP_PLUGINS`` (extra metric plug-ins),
    ``COOPMAP_CHROMIUM`` (the browser printing PDFs), ``COOPMAP_FONT_DIR`` (a folder
    with a CJK font), ``COOPMAP_CHART_BUNDLE`` (set by ``coopmap serve`` for its kernels).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional

from coopmap import paths
from coopmap.data.registry import Registry, load_registry

__all__ = [
    "BASE", "BOUNDARIES_CRS_ENV", "BOUNDARIES_ENV", "BoundarySource", "CHART_BUNDLE_ENV", "CHROMIUM_ENV",
    "DATA_LOCAL_ENV", "FONT_DIR_ENV", "LOCAL_BOUNDARY_NAMES", "NAMED_FILE_FIRST", "PLUGINS_ENV", "POINTER",
    "Policy", "Provenance", "REGISTRY_ENV", "STORE_FIRST", "active_registry_path", "base_registry",
    "boundaries_file", "chart_bundle_url", "chromium_setting", "current_registry", "default_registry",
    "font_dir_setting", "load", "local_dir", "plugins_setting", "pointer_stamp", "provenance",
    "registry_file", "same_file", "store_dir", "version_of",
]

# -- environment variables: their names, and the only code that reads them -------------
REGISTRY_ENV = "COOPMAP_REGISTRY"
BOUNDARIES_ENV = "COOPMAP_BOUNDARIES"
BOUNDARIES_CRS_ENV = "COOPMAP_BOUNDARIES_CRS"
DATA_LOCAL_ENV = "COOPMAP_DATA_LOCAL"
PLUGINS_ENV = "COOPMAP_PLUGINS"
CHROMIUM_ENV = "COOPMAP_CHROMIUM"
FONT_DIR_ENV = "COOPMAP_FONT_DIR"
CHART_BUNDLE_ENV = "COOPMAP_CHART_BUNDLE"


def _setting(name: str) -> Optional[str]:
    """The variable's value, ``None`` when unset or empty (an empty value means "not set")."""
    return os.environ.get(name) or None


def local_dir() -> Path:
    """Return the git-ignored folder for a user's own data (official files, versions, plug-ins)."""
    return Path(_setting(DATA_LOCAL_ENV) or paths.DATA_DIR / "local")


def plugins_setting() -> str:
    """Return ``COOPMAP_PLUGINS`` (extra metric plug-ins, see :mod:`coopmap.figures.plugins`), ``""`` when unset."""
    return os.environ.get(PLUGINS_ENV, "")


def chromium_setting() -> Optional[str]:
    """Return ``COOPMAP_CHROMIUM`` (the browser that prints PDFs), or ``None``."""
    return _setting(CHROMIUM_ENV)


def font_dir_setting() -> Optional[Path]:
    """Return ``COOPMAP_FONT_DIR`` (a folder holding a CJK font), or ``None``."""
    value = _setting(FONT_DIR_ENV)
    return Path(value) if value else None


def chart_bundle_url() -> Optional[str]:
    """Return the URL path of the chart bundle ``coopmap serve`` shares with its kernels, or ``None``."""
    return _setting(CHART_BUNDLE_ENV)


def base_registry() -> Path:
    """Return the registry the program was started with: ``COOPMAP_REGISTRY``, else the shipped sample.

    It is the *base version* of the local store (:func:`coopmap.data.versions.base_version`):
    shown until a version is accepted, and always one to switch back to.
    """
    named = _setting(REGISTRY_ENV)
    return Path(named) if named else paths.SAMPLE_XLSX


# -- the store's pointer ------------------------------------------------------------------
#: File in the store naming the active version (or :data:`BASE`).
POINTER = "active"
#: The id of the base version (the pointer's text when it is active).
BASE = "base"
#: Suffixes of registry files a version may have.
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")
VERSION_ID = re.compile(r"^(\d{8}-\d{6})-(.+)$")


def store_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder holding the registry versions (``local_dir() / "registry"`` by default)."""
    return Path(root) if root is not None else local_dir() / "registry"


def is_version_name(name: str) -> bool:
    """Whether ``name`` is the file name of a stored version (not its record, not a temporary file)."""
    return bool(VERSION_ID.match(name)) and not name.endswith(".json") and Path(name).suffix.lower() in SUFFIXES


def version_record(path: Path) -> dict[str, Any]:
    """Return what was recorded when a stored version was accepted (``{}`` when missing or unreadable)."""
    try:
        data = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def read_pointer(folder: Path) -> Optional[str]:
    """Return the pointer's text (a version id or :data:`BASE`), or ``None``."""
    try:
        text = (folder / POINTER).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def active_version_id(folder: Path, *, stacklevel: int = 3) -> Optional[str]:
    """Return the id of the active stored version, or ``None`` when the base version is active.

    Should the pointer name a version that is no longer there (removed by hand), the
    newest stored version is used, with a warning.
    """
    pointed = read_pointer(folder)
    if pointed == BASE:
        return None
    if pointed and is_version_name(pointed) and (folder / pointed).is_file():
        return pointed
    stored = sorted((p.name for p in folder.iterdir() if p.is_file() and is_version_name(p.name)), reverse=True)
    if pointed and stored:
        warnings.warn(f"{folder / POINTER} names {pointed!r}, which is not stored; using the newest version {stored[0]}",
                      stacklevel=stacklevel)
        return stored[0]
    return None


def active_registry_path(root: str | os.PathLike[str] | None = None) -> Optional[Path]:
    """Return the active stored version's file, or ``None`` (the base version is active); never raises."""
    try:
        folder = store_dir(root)
        if not folder.is_dir():
            return None
        active_id = active_version_id(folder)
        return folder / active_id if active_id else None
    except OSError:
        return None


def pointer_stamp(root: str | os.PathLike[str] | None = None) -> Optional[tuple[int, int, int]]:
    """Return what identifies the pointer's last write (inode, mtime in ns, size), or ``None``.

    One ``stat``, cheap enough to call every few seconds from every open page. Every
    write of the pointer renames a new file over it, so two writes look alike only if
    they fall within one tick of the file system's clock, get the same inode and have
    the same length.
    """
    try:
        stat = (store_dir(root) / POINTER).stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file (no file system access beyond resolving links)."""
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return str(a) == str(b)


# -- which registry ------------------------------------------------------------------------
class Policy(enum.Enum):
    """Who wins when no registry is named: a file named for the program, or the store's choice."""

    NAMED_FILE_FIRST = "named file first"
    STORE_FIRST = "store first"


#: The CLI, the notebooks, the meeting: ``COOPMAP_REGISTRY`` wins over the store.
NAMED_FILE_FIRST = Policy.NAMED_FILE_FIRST
#: The dashboard: the store's active version wins over the base (``--registry`` / sample).
STORE_FIRST = Policy.STORE_FIRST


def registry_file(registry: str | os.PathLike[str] | None = None, *, policy: Policy = NAMED_FILE_FIRST,
                  root: str | os.PathLike[str] | None = None) -> Path:
    """Return the registry file to show.

    Parameters
    ----------
    registry : path, optional
        An explicit file (a ``--registry`` option, an argument): it always wins.
    policy : Policy
        :data:`NAMED_FILE_FIRST` (default) or :data:`STORE_FIRST` (see the module text).
    root : path, optional
        The version store (default :func:`store_dir`).

    Never raises: whether the file loads is for the loader to say.
    """
    if registry:
        return Path(registry)
    if policy is NAMED_FILE_FIRST:
        named = _setting(REGISTRY_ENV)
        if named:
            return Path(named)
    return active_registry_path(root) or base_registry()


def default_registry() -> Path:
    """Return the registry the CLI and the notebooks use when none is named (:data:`NAMED_FILE_FIRST`)."""
    return registry_file(policy=NAMED_FILE_FIRST)


def current_registry(root: str | os.PathLike[str] | None = None) -> Path:
    """Return the file a dashboard page opened now shows (:data:`STORE_FIRST`): the active stored version, else the base.

    Unlike :func:`default_registry`, ``COOPMAP_REGISTRY`` does not win over the store:
    it is the base version, which the data panel switches away from and back to.
    """
    return registry_file(policy=STORE_FIRST, root=root)


# -- which boundaries ----------------------------------------------------------------------
#: Names of a boundary file (or folder) in the local data folder that is used by default.
LOCAL_BOUNDARY_NAMES = ("boundaries.geojson", "boundaries.json", "boundaries.gpkg", "boundaries.shp",
                        "boundaries.zip", "boundaries")
SCHEMATIC_DESCRIPTION = "示意边界 (schematic boundaries built from the county outline and township points)"


@dataclass(frozen=True)
class BoundarySource:
    """Which township boundaries to draw.

    Attributes
    ----------
    kind : {"official", "schematic"}
        A user's file, or the schematic boundaries built from the shipped outline.
    path : Path or None
        The file (``None`` for schematic boundaries).
    crs : str or None
        How the file's coordinates are read (``gcj02``, ``bd09``; ``None``: as stated).
    """

    kind: Literal["official", "schematic"]
    path: Optional[Path] = None
    crs: Optional[str] = None

    @property
    def schematic(self) -> bool:
        """Whether the boundaries are schematic."""
        return self.kind == "schematic"

    @property
    def description(self) -> str:
        """The file's path, or a sentence saying the boundaries are schematic."""
        return SCHEMATIC_DESCRIPTION if self.path is None else str(self.path)


def _local_boundaries() -> Optional[Path]:
    folder = local_dir()
    return next((folder / name for name in LOCAL_BOUNDARY_NAMES if (folder / name).exists()), None)


def boundaries_file(path: str | os.PathLike[str] | None = None, crs: Optional[str] = None) -> BoundarySource:
    """Return which boundaries to draw: ``path``; ``COOPMAP_BOUNDARIES`` (and ``_CRS``); a local file; schematic.

    Parameters
    ----------
    path : path, optional
        An explicit boundary file (a ``--boundaries`` option).
    crs : str, optional
        Coordinate option for that file (:func:`coopmap.geo.official.load_townships`).
    """
    if path is None and _setting(BOUNDARIES_ENV):
        path, crs = _setting(BOUNDARIES_ENV), crs or _setting(BOUNDARIES_CRS_ENV)
    if path is None:
        path = _local_boundaries()
    if path is None:
        return BoundarySource("schematic")
    return BoundarySource("official", Path(path), crs or None)


# -- the provenance record ------------------------------------------------------------------
@dataclass(frozen=True)
class Provenance:
    """What data is shown: one record for the header, the data panel, the briefing and the CLI.

    Attributes
    ----------
    registry_file : Path
        The registry file read.
    version_id : str or None
        The store's id of that file (``base`` for the base version), ``None`` when it
        is a file named outside the store.
    version_name : str
        The name the official gave the file (for the base version: its file name).
    file_date : datetime.date or None
        The file's modification date (``None`` when it is not a file).
    years : tuple of int
        The registry years (年度) in the data.
    illustrative : bool
        Whether the data are the illustrative sample (示例数据).
    title : str
        The registry's title row.
    boundaries : BoundarySource
        The township boundaries drawn.
    """

    registry_file: Path
    version_id: Optional[str]
    version_name: str
    file_date: Optional[dt.date]
    years: tuple[int, ...]
    illustrative: bool
    title: str
    boundaries: BoundarySource

    @property
    def boundaries_kind(self) -> str:
        """``official`` or ``schematic``."""
        return self.boundaries.kind

    @property
    def boundaries_file(self) -> Optional[Path]:
        """The boundary file drawn, ``None`` for schematic boundaries."""
        return self.boundaries.path

    @property
    def crs(self) -> Optional[str]:
        """How the boundary file's coordinates were read (``None``: as the file states)."""
        return self.boundaries.crs

    @property
    def schematic(self) -> bool:
        """Whether the boundaries are schematic."""
        return self.boundaries.schematic


def version_of(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> tuple[Optional[str], str]:
    """Return ``(version id, name)`` of a registry file: a stored version's id and original name,
    ``("base", file name)`` for the base version, ``(None, file name)`` for any other file.
    """
    path = Path(path)
    folder = store_dir(root)
    if path.parent.resolve() == folder.resolve() and is_version_name(path.name):
        match = VERSION_ID.match(path.name)
        return path.name, str(version_record(path).get("original_name") or match.group(2))  # type: ignore[union-attr]
    if same_file(path, base_registry()):
        return BASE, path.name
    return None, path.name


def provenance(registry: Registry, boundaries: Optional[BoundarySource] = None, *,
               path: str | os.PathLike[str] | None = None, root: str | os.PathLike[str] | None = None) -> Provenance:
    """Return the provenance record of a loaded registry and the boundaries drawn with it.

    Parameters
    ----------
    registry : Registry
        The loaded registry (:func:`coopmap.data.registry.load_registry`).
    boundaries : BoundarySource, optional
        Default :func:`boundaries_file` ``()``.
    path : path, optional
        The file it was read from (default: the registry's own ``report.source``).
    root : path, optional
        The version store (default :func:`store_dir`).
    """
    file = Path(path) if path is not None else Path(registry.report.source)
    version_id, version_name = version_of(file, root)
    frame = registry.frame
    years = tuple(sorted({int(y) for y in frame["year"].dropna()})) if "year" in frame else ()
    return Provenance(
        registry_file=file, version_id=version_id, version_name=version_name,
        file_date=dt.date.fromtimestamp(file.stat().st_mtime) if file.is_file() else None,
        years=years, illustrative=bool(registry.illustrative), title=str(registry.report.title or ""),
        boundaries=boundaries if boundaries is not None else boundaries_file(),
    )


def load(registry: str | os.PathLike[str] | None = None, boundaries: str | os.PathLike[str] | None = None, *,
         crs: Optional[str] = None, policy: Policy = NAMED_FILE_FIRST) -> tuple[Registry, Provenance]:
    """Resolve and load the registry to show, and say where it and the boundaries come from.

    Returns
    -------
    tuple
        ``(registry, provenance)``; draw ``provenance.boundaries`` with
        :func:`coopmap.geo.boundaries.default_boundaries`.

    Raises
    ------
    RegistryError
        When the registry file cannot be read.
    """
    path = registry_file(registry, policy=policy)
    loaded = load_registry(path)
    return loaded, provenance(loaded, boundaries_file(boundaries, crs), path=path)
