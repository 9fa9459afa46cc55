"""Stored registry versions: check a new file, accept it, list versions, switch back.

An official's new registry file is first *staged* (validated, nothing stored), then
*accepted*: a dated copy is written into the store and becomes the active version.
Older versions are never changed or removed, so any of them can be made active again.
Every write goes to a temporary file in the store's own folder, is flushed to disk and
then renamed over its target (``os.replace`` is atomic), so an interrupted write never
leaves a half-written version or pointer: the previous version stays active.

Layout of the store, ``paths.local_dir() / "registry"``::

    20240630-101500-台账.xlsx         a stored version (never modified)
    20240630-101500-台账.xlsx.json    what its validation found (counts, checksum)
    active                           the id of the active version, one line
    .lock                            serialises writers (accept, activate)
    .incoming/                       uploads waiting to be accepted (dashboard)

The dashboard calls :func:`save_upload` with the uploaded bytes, shows the report of
:func:`stage`, and on "accept" calls :func:`accept` (with ``acknowledge_rejected=True``
only after the official ticked the acknowledgement); :func:`list_versions` and
:func:`activate` serve its version list. :func:`coopmap.paths.default_registry` serves
the active version when there is one.
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
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator

from . import paths
from .errors import RegistryError
from .registry import MAX_FILE_BYTES, Registry, load_registry

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")
POINTER = "active"
_ID = re.compile(r"^(\d{8}-\d{6})-(.+)$")
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
        ``YYYYMMDD-HHMMSS-<file name>``; also the stored file's name.
    path : Path
        The stored file.
    created : datetime.datetime
        When it was accepted (local time).
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
    """

    id: str
    path: Path
    created: dt.datetime
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

    def to_dict(self) -> dict[str, Any]:
        """Return the version as JSON-ready data (``coopmap versions --json``)."""
        data = asdict(self)
        data["path"] = str(self.path)
        data["created"] = self.created.isoformat(timespec="seconds")
        return data


# -- the store ------------------------------------------------------------------------


def store_dir(root: str | Path | None = None) -> Path:
    """Return the folder holding the versions (``paths.local_dir() / "registry"`` by default)."""
    return Path(root) if root is not None else paths.local_dir() / "registry"


def _is_version_name(name: str) -> bool:
    return bool(_ID.match(name)) and not name.endswith(".json") and Path(name).suffix.lower() in SUFFIXES


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


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


def _pointer(root: Path) -> str | None:
    try:
        text = (root / POINTER).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def list_versions(root: str | Path | None = None) -> list[Version]:
    """Return the stored versions, newest first; the active one has ``active=True``.

    Temporary files of an interrupted write are never listed.
    """
    folder = store_dir(root)
    if not folder.is_dir():
        return []
    active_id = _resolved_active_id(folder)
    found = [p for p in folder.iterdir() if p.is_file() and _is_version_name(p.name)]
    versions = [_version(p, active_id) for p in found]
    return sorted(versions, key=lambda v: (v.created, v.id), reverse=True)


def _resolved_active_id(folder: Path) -> str | None:
    pointed = _pointer(folder)
    if pointed and _is_version_name(pointed) and (folder / pointed).is_file():
        return pointed
    stored = sorted((p.name for p in folder.iterdir() if p.is_file() and _is_version_name(p.name)), reverse=True)
    if pointed and stored:
        warnings.warn(f"{folder / POINTER} names {pointed!r}, which is not stored; using the newest version {stored[0]}", stacklevel=3)
        return stored[0]
    return None


def active_version(root: str | Path | None = None) -> Version | None:
    """Return the active version, or ``None`` when nothing has been accepted yet.

    Should the pointer name a version that is no longer there (removed by hand), the
    newest stored version is used, with a warning.
    """
    return next((v for v in list_versions(root) if v.active), None)


def active_registry_path(root: str | Path | None = None) -> Path | None:
    """Return the active version's file, or ``None``; never raises (used on every start)."""
    try:
        folder = store_dir(root)
        if not folder.is_dir():
            return None
        active_id = _resolved_active_id(folder)
        return folder / active_id if active_id else None
    except OSError:
        return None


def get_version(version_id: str, root: str | Path | None = None) -> Version:
    """Return the version with this id, or the only one whose id starts with it.

    Raises
    ------
    RegistryError
        When no stored version, or more than one, matches.
    """
    versions = list_versions(root)
    exact = [v for v in versions if v.id == version_id]
    matches = exact or [v for v in versions if version_id and v.id.startswith(version_id)]
    if len(matches) == 1:
        return matches[0]
    listing = ", ".join(v.id for v in versions[:10]) or "none yet"
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
        The store folder (default ``paths.local_dir() / "registry"``).
    now : datetime.datetime, optional
        The time stamp of the version (default: now).
    today : datetime.date, optional
        Passed to :func:`coopmap.registry.load_registry`.

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
            if _pointer(folder) != version_id:
                for leftover in (target, meta_path):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
            raise
    return _version(target, version_id if activate else _pointer(folder))


def activate(version_id: str, root: str | Path | None = None, *, today: dt.date | None = None) -> Version:
    """Make a stored version the active one (a switch back is the same call).

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
    return _version(version.path, version.id)
