"""Stored registry versions: check a new file, accept it, list versions, switch back.

An official's new registry file is first *staged* (validated, nothing stored), then
*accepted*: a dated copy is written into the store and becomes the active version.
Older versions are never changed or removed, so any of them can be made active again.
Every write goes to a temporary file in the store's own folder, is flushed to disk and
then renamed over its target (``os.replace`` is atomic), so an interrupted write never
leaves a half-written version or pointer: the previous version stays active.

Layout of the store, ``sources.local_dir() / "registry"``::

    20240630-101500-台账.xlsx         a stored version (never modified)
    20240630-101500-台账.xlsx.json    what its validation found (counts, checksum)
    active                           the id of the active version, or ``base``, one line
    .lock                            serialises writers (accept, activate)
    .incoming/                       uploads waiting to be accepted (dashboard)

Besides the stored versions there is always the *base version* (id ``base``): the
file the program was started with (``COOPMAP_REGISTRY``, which ``coopmap serve
--registry`` sets) or else the shipped illustrative sample,
:func:`coopmap.data.sources.base_registry`. It is shown until a version is accepted, and it can
be made active again like any stored version (the pointer then reads ``base``). It is
referred to, never copied into the store: the sample belongs to the installed package
(a new release brings its new sample along), and a ``--registry`` file is the one the
person who started the server named, read where it is.

The dashboard calls :func:`save_upload` with the uploaded bytes, shows the report of
:func:`stage`, and on "accept" calls :func:`accept` (with ``acknowledge_rejected=True``
only after the official ticked the acknowledgement); ``list_versions(include_base=True)``
and :func:`activate` serve its version list. Which version is shown is decided by
:mod:`coopmap.data.sources`, which reads the store's pointer:
:func:`~coopmap.data.sources.current_registry` says what a page opened now shows,
:func:`~coopmap.data.sources.pointer_stamp` lets an open page notice, with one
``stat``, that another page switched, and :func:`~coopmap.data.sources.default_registry`
(the CLI, the notebooks) serves the active stored version when there is one, unless
``COOPMAP_REGISTRY`` names a file. Those names are importable from here as well.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator

from coopmap import paths
from coopmap.data import sources
from coopmap.data.registry import MAX_FILE_BYTES, Registry, load_registry
from coopmap.data.sources import (  # the store's pointer is read by sources; re-exported for the store's users
    BASE,
    POINTER,
    SUFFIXES,
    active_registry_path,
    current_registry,
    pointer_stamp,
    same_file,
    store_dir,
)
from coopmap.errors import RegistryError

__all__ = [
    "BASE", "POINTER", "SUFFIXES", "RejectedRowsError", "Version", "accept", "activate", "active_registry_path",
    "active_version", "base_version", "current_registry", "discard_upload", "get_version", "list_versions",
    "pointer_stamp", "safe_name", "same_file", "save_upload", "stage", "store_dir", "write_atomic",
]

_ID = sources.VERSION_ID
_STAMP = "%Y%m%d-%H%M%S"


class RejectedRowsError(RegistryError):
    """A file with rejected rows was accepted without acknowledging them.

    Attributes
    ----------
    registry : Registry
        The validation result, to show the rejected rows.
    """

    def __init__(self, source: str, registry: Registry) -> None:
        report = registry.report
        super().__init__(
            f"{source}: {report.rejected} row(s) are rejected and would be left out "
            f"({report.accepted} accepted, {report.skipped} skipped); fix them, or accept the file with an explicit "
            "acknowledgement (coopmap accept --acknowledge-rejected, or the tick box in the dashboard)"
        )
        self.registry = registry


@dataclass(frozen=True)
class Version:
    """One stored registry version.

    Attributes
    ----------
    id : str
        ``YYYYMMDD-HHMMSS-<file name>``, also the stored file's name; ``base`` for the
        base version.
    path : Path
        The stored file (the base version: the file itself, not a copy).
    created : datetime.datetime or None
        When it was accepted (local time); for the base version the file's
        modification time (``None`` when the file is missing).
    original_name : str
        The name of the file as uploaded or given.
    size : int
        Bytes.
    sha256 : str
        Checksum of the stored bytes ("" when its record is missing).
    rows_read, accepted, rejected, skipped : int or None
        The validation counts at acceptance (``None`` when its record is missing).
    acknowledged_rejected : bool
        Whether rejected rows were acknowledged when it was accepted.
    title : str
        The title row of the file.
    active : bool
        Whether this is the active version.
    base : bool
        Whether this is the base version (:func:`base_version`).
    """

    id: str
    path: Path
    created: dt.datetime | None
    original_name: str
    size: int
    sha256: str = ""
    rows_read: int | None = None
    accepted: int | None = None
    rejected: int | None = None
    skipped: int | None = None
    acknowledged_rejected: bool = False
    title: str = ""
    active: bool = False
    base: bool = False

    @property
    def shipped_sample(self) -> bool:
        """Whether this is the base version and the base is the shipped illustrative sample."""
        return self.base and any(same_file(self.path, sample) for sample in (paths.SAMPLE_XLSX, paths.SAMPLE_CSV))

    def to_dict(self) -> dict[str, Any]:
        """Return the version as JSON-ready data (``coopmap versions --json``)."""
        data = asdict(self)
        data["path"] = str(self.path)
        data["created"] = self.created.isoformat(timespec="seconds") if self.created else None
        data["shipped_sample"] = self.shipped_sample
        return data


# -- the store ------------------------------------------------------------------------
_is_version_name = sources.is_version_name
_read_meta = sources.version_record


def _version(path: Path, active_id: str | None) -> Version:
    meta = _read_meta(path)
    try:
        created = dt.datetime.fromisoformat(meta["created"])
    except (KeyError, TypeError, ValueError):
        created = dt.datetime.strptime(_ID.match(path.name).group(1), _STAMP)  # type: ignore[union-attr]
    counts = {k: meta.get(k) if isinstance(meta.get(k), int) else None for k in ("rows_read", "accepted", "rejected", "skipped")}
    return Version(
        id=path.name, path=path, created=created, original_name=str(meta.get("original_name") or _ID.match(path.name).group(2)),  # type: ignore[union-attr]
        size=path.stat().st_size, sha256=str(meta.get("sha256") or ""), acknowledged_rejected=bool(meta.get("acknowledged_rejected")),
        title=str(meta.get("title") or ""), active=path.name == active_id, **counts,
    )


def list_versions(root: str | Path | None = None, *, include_base: bool = False) -> list[Version]:
    """Return the stored versions, newest first; the active one has ``active=True``.

    Temporary files of an interrupted write are never listed.

    Parameters
    ----------
    root : str or Path, optional
        The store folder (default ``sources.local_dir() / "registry"``).
    include_base : bool
        Add the base version (:func:`base_version`) at the end: the list of every
        version one can switch to. It is active when no stored version is.
    """
    folder = store_dir(root)
    stored: list[Version] = []
    active_id = None
    if folder.is_dir():
        active_id = sources.active_version_id(folder)
        found = [p for p in folder.iterdir() if p.is_file() and _is_version_name(p.name)]
        stored = sorted((_version(p, active_id) for p in found), key=lambda v: (v.created, v.id), reverse=True)
    if include_base:
        stored.append(base_version(active=active_id is None))
    return stored


def base_version(*, active: bool = False) -> Version:
    """Return the base version: the file the program was started with, else the shipped sample.

    It is :func:`coopmap.data.sources.base_registry` (``COOPMAP_REGISTRY``, which ``coopmap
    serve --registry`` sets, or the shipped illustrative sample), listed under the id
    ``base`` and never copied. Its counts are not known without loading it (``None``).
    """
    path = sources.base_registry()
    try:
        stat = path.stat()
        created: dt.datetime | None = dt.datetime.fromtimestamp(stat.st_mtime)
        size = stat.st_size
    except OSError:
        created, size = None, 0
    return Version(id=BASE, path=path, created=created, original_name=path.name, size=size, active=active, base=True)


def active_version(root: str | Path | None = None) -> Version | None:
    """Return the active stored version, or ``None`` when the base version is active
    (nothing accepted yet, or the base switched back to).

    Should the pointer name a version that is no longer there (removed by hand), the
    newest stored version is used, with a warning.
    """
    return next((v for v in list_versions(root) if v.active), None)


def get_version(version_id: str, root: str | Path | None = None) -> Version:
    """Return the version with this id (``base``: the base version), or the only stored one whose id starts with it.

    Raises
    ------
    RegistryError
        When no stored version, or more than one, matches.
    """
    versions = list_versions(root, include_base=True)
    exact = [v for v in versions if v.id == version_id]
    matches = exact or [v for v in versions if version_id and not v.base and v.id.startswith(version_id)]
    if len(matches) == 1:
        return matches[0]
    listing = ", ".join(v.id for v in versions[:10])
    if not matches:
        raise RegistryError(f"no stored registry version {version_id!r} in {store_dir(root)}; the versions are: {listing}")
    raise RegistryError(f"{version_id!r} matches {len(matches)} versions ({', '.join(v.id for v in matches)}); give the whole id")


# -- writing --------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the store while writing (where the OS supports it)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: one writer is assumed
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not possible on every platform
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the new one, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    file is renamed over ``target``; on any failure the temporary file is removed and
    ``target`` is untouched.
    """
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            view = memoryview(data)
            for start in range(0, len(view), 1 << 20):
                handle.write(view[start : start + (1 << 20)])
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def safe_name(filename: str) -> str:
    """Return a harmless file name for a stored copy: no folders, no odd characters.

    ``"../../etc/passwd.csv"`` gives ``"passwd.csv"``; characters other than letters,
    digits, CJK, ``. _ - ( )`` become ``_``; the stem is cut to 60 characters.

    Raises
    ------
    RegistryError
        When the name does not end in a registry file type.
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", str(filename)))[-1]
    suffix = Path(base).suffix.lower()
    if suffix not in SUFFIXES:
        raise RegistryError(f"{filename!r}: not a registry file name; use .xlsx, .xls or .csv")
    stem = base[: -len(suffix)]
    stem = "".join(c if c.isalnum() or c in "._-()" else "_" for c in stem).strip("._ ")[:60]
    return f"{stem or 'registry'}{suffix}"


def save_upload(data: bytes, filename: str, root: str | Path | None = None) -> Path:
    """Keep uploaded bytes in the store's ``.incoming`` folder and return their path.

    The dashboard then shows :func:`stage` of that path and, on "accept", calls
    :func:`accept` with ``name=filename``; :func:`discard_upload` removes it.

    Raises
    ------
    RegistryError
        When the name is not a registry file name or the data is too large.
    """
    if len(data) > MAX_FILE_BYTES:
        raise RegistryError(f"{filename}: the file is {len(data) / 2**20:,.0f} MB, more than the {MAX_FILE_BYTES / 2**20:,.0f} MB a registry may take")
    name = safe_name(filename)
    folder = store_dir(root) / ".incoming" / secrets.token_hex(8)
    folder.mkdir(parents=True)
    target = folder / name
    write_atomic(target, data)
    return target


def discard_upload(path: str | Path, root: str | Path | None = None) -> None:
    """Remove an upload kept by :func:`save_upload` (anything else is left alone)."""
    path = Path(path).resolve()
    incoming = (store_dir(root) / ".incoming").resolve()
    if path.parent.parent != incoming:
        return
    with contextlib.suppress(OSError):
        path.unlink()
        path.parent.rmdir()


def stage(path: str | Path, *, today: dt.date | None = None) -> Registry:
    """Validate a registry file without storing anything.

    Returns
    -------
    Registry
        Its accepted rows and the report on every row, to show before accepting.

    Raises
    ------
    RegistryError
        When the file cannot be read as a registry at all.
    """
    return load_registry(path, today=today)


def _new_id(folder: Path, name: str, now: dt.datetime) -> str:
    stamp = now.strftime(_STAMP)
    candidate = f"{stamp}-{name}"
    stem, suffix = name[: -len(Path(name).suffix)], Path(name).suffix
    n = 2
    while (folder / candidate).exists() or (folder / f"{candidate}.json").exists():
        candidate = f"{stamp}-{stem}-{n}{suffix}"
        n += 1
    return candidate


def accept(
    path: str | Path,
    acknowledge_rejected: bool = False,
    *,
    name: str | None = None,
    activate: bool = True,
    root: str | Path | None = None,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
) -> Version:
    """Validate a registry file and store it as a new dated version (the active one).

    Parameters
    ----------
    path : str or Path
        The registry file.
    acknowledge_rejected : bool
        Must be true to accept a file some of whose rows are rejected (those rows
        are then not in the data the dashboard shows).
    name : str, optional
        The file's name as the official knows it (default: ``path``'s name); the
        version id is ``YYYYMMDD-HHMMSS-<name>``.
    activate : bool
        Make the new version the active one (default).
    root : str or Path, optional
        The store folder (default ``sources.local_dir() / "registry"``).
    now : datetime.datetime, optional
        The time stamp of the version (default: now).
    today : datetime.date, optional
        Passed to :func:`coopmap.data.registry.load_registry`.

    Returns
    -------
    Version
        The stored version.

    Raises
    ------
    RejectedRowsError
        When rows are rejected and ``acknowledge_rejected`` is false; nothing is stored.
    RegistryError
        When the file cannot be read as a registry, or changed while being checked.
    OSError
        When the store cannot be written; the active version is then unchanged.
    """
    path = Path(path)
    before = path.read_bytes() if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES else None
    registry = stage(path, today=today)  # says what is wrong with a missing, huge or unreadable file
    if registry.report.rejected and not acknowledge_rejected:
        raise RejectedRowsError(str(name or path.name), registry)
    data = path.read_bytes()
    if before != data:
        raise RegistryError(f"{path}: the file changed while it was being checked; accept it again")
    digest = hashlib.sha256(data).hexdigest()
    stored_name = safe_name(name or path.name)
    folder = store_dir(root)
    now = now or dt.datetime.now()
    report = registry.report
    with _locked(folder):
        version_id = _new_id(folder, stored_name, now)
        target = folder / version_id
        meta_path = folder / f"{version_id}.json"
        meta = {
            "id": version_id, "created": now.isoformat(), "original_name": str(name or path.name),
            "size": len(data), "sha256": digest, "rows_read": report.rows_read, "accepted": report.accepted,
            "rejected": report.rejected, "skipped": report.skipped, "acknowledged_rejected": bool(report.rejected and acknowledge_rejected),
            "title": report.title, "sheet": report.sheet,
        }
        try:
            write_atomic(meta_path, json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8"))
            write_atomic(target, data)
            if activate:
                write_atomic(folder / POINTER, f"{version_id}\n".encode("utf-8"))
        except BaseException:
            # leave the store as it was: the new version is not half there, the pointer unchanged
            if sources.read_pointer(folder) != version_id:
                for leftover in (target, meta_path):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
            raise
    return _version(target, version_id if activate else sources.read_pointer(folder))


def activate(version_id: str, root: str | Path | None = None, *, today: dt.date | None = None) -> Version:
    """Make a stored version, or the base version (``"base"``), the active one (a switch back is the same call).

    The version is loaded first, so a damaged file is never made active.

    Raises
    ------
    RegistryError
        When no such version is stored, or it no longer loads.
    """
    folder = store_dir(root)
    with _locked(folder):
        version = get_version(version_id, folder)
        stage(version.path, today=today)
        write_atomic(folder / POINTER, f"{version.id}\n".encode("utf-8"))
    return base_version(active=True) if version.base else _version(version.path, version.id)
