"""Metric plug-ins: an analyst's own township metrics, loaded by every coopmap process.

A metric registered in a notebook (:func:`coopmap.figures.catalog.register_metric`) lives only
in that notebook's kernel. To make it reach the dashboard and the command line, put
the registration in a *plug-in*: a small Python file (or an importable module) that
calls :func:`~coopmap.figures.catalog.register_metric` when it runs. :func:`load_plugins`, called
once when a dashboard kernel or the CLI starts, runs every plug-in:

1. each entry of the environment variable ``COOPMAP_PLUGINS``, in order — a ``.py``
   file, a folder of ``.py`` files (written with a path separator: ``./metrics``,
   ``/srv/metrics``), or else a module name (``mytown.metrics``, importable from
   ``sys.path``); entries are separated by :data:`os.pathsep` (``:`` on Linux and
   macOS, ``;`` on Windows) or by commas;
2. every ``*.py`` file in :func:`plugin_dir` (``data/local/metrics/``, git-ignored;
   ``$COOPMAP_DATA_LOCAL/metrics`` when that variable is set), in name order. Files
   whose name starts with ``_`` or ``.`` are skipped.

A plug-in file looks like this::

    # data/local/metrics/revenue_per_member.py
    from coopmap.figures.catalog import Metric, register_metric

    def revenue_per_member(table):
        return table["revenue"] / table["members"].where(table["members"] > 0)

    register_metric(Metric("revenue_per_member", "人均经营收入", "Revenue per member",
                           "万元/人", "CNY 10k per member", 3, revenue_per_member))

Loading is repeatable: a plug-in already loaded whose file is unchanged (and whose
metrics are still registered) is not run again; a changed file is run again after the
metrics it registered last time are removed. A plug-in that fails raises
:class:`~coopmap.errors.CoopmapError` naming the file (or module) and the exception,
and the metrics it registered before failing are removed again, so a process never
runs with half a plug-in. Plug-ins are code: put only files you trust there.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Iterable, Optional

from coopmap.data import sources as data_sources
from coopmap.errors import CoopmapError
from coopmap.figures.catalog import BUILTIN_METRICS, Metric, list_metrics, register_metric, unregister_metric

__all__ = ["PLUGINS_ENV", "load_plugins", "plugin_dir", "plugin_sources"]

#: Environment variable listing extra plug-ins (module names, ``.py`` files, folders).
PLUGINS_ENV = data_sources.PLUGINS_ENV


@dataclass(frozen=True)
class _Loaded:
    """What one plug-in did the last time it ran."""

    digest: Optional[str]
    metrics: tuple[str, ...]


_LOADED: dict[str, _Loaded] = {}


def plugin_dir() -> Path:
    """Return the folder whose ``*.py`` files are loaded as plug-ins.

    Returns
    -------
    pathlib.Path
        ``<local data folder>/metrics`` (:func:`coopmap.data.sources.local_dir`), i.e.
        ``data/local/metrics`` unless ``COOPMAP_DATA_LOCAL`` says otherwise. It may
        not exist.
    """
    return data_sources.local_dir() / "metrics"


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(rf"[,{re.escape(os.pathsep)}]", value) if part.strip()]


def _files_in(folder: Path) -> list[str]:
    return [str(p.resolve()) for p in sorted(folder.glob("*.py")) if not p.name.startswith(("_", "."))]


def _is_path(entry: str) -> bool:
    """A path names a ``.py`` file or contains a separator (``./metrics``); else a module."""
    return entry.endswith(".py") or "/" in entry or os.sep in entry


def plugin_sources(env: Optional[str] = None, folder: Optional[str | os.PathLike[str]] = None) -> list[str]:
    """Return the plug-ins :func:`load_plugins` would run, in order.

    Parameters
    ----------
    env : str, optional
        Value to read instead of the ``COOPMAP_PLUGINS`` environment variable.
    folder : path, optional
        Folder to scan instead of :func:`plugin_dir`.

    Returns
    -------
    list of str
        Module names as given, files as absolute paths; each source once.

    Raises
    ------
    CoopmapError
        When an entry of ``COOPMAP_PLUGINS`` names a file or folder that does not
        exist, or a file that is not a ``.py`` file.
    """
    env = data_sources.plugins_setting() if env is None else env
    sources: list[str] = []
    for entry in _split(env):
        sources.extend(_expand(entry, PLUGINS_ENV))
    local = Path(folder) if folder is not None else plugin_dir()
    if local.is_dir():
        sources.extend(_files_in(local))
    return list(dict.fromkeys(sources))


def _expand(entry: str, where: str) -> list[str]:
    """Return the plug-in sources one entry names: a module, a ``.py`` file or a folder's files."""
    if not _is_path(entry):
        if not all(part.isidentifier() for part in entry.split(".")):
            raise CoopmapError(f"{where}: {entry!r} is neither a module name nor a path to a .py file or folder")
        return [entry]
    path = Path(entry).expanduser()
    if path.is_dir():
        return _files_in(path)
    if not path.is_file():
        raise CoopmapError(f"{where}: plug-in {path} does not exist; fix the path or remove the entry")
    if path.suffix != ".py":
        raise CoopmapError(f"{where}: plug-in {path} is not a .py file")
    return [str(path.resolve())]


def _where(exc: BaseException, filename: Optional[str]) -> str:
    """Return ``line N`` of the plug-in file where ``exc`` was raised, if it was."""
    if filename is None:
        return ""
    if isinstance(exc, SyntaxError) and exc.filename == filename and exc.lineno:
        return f" (line {exc.lineno})"
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == filename]
    return f" (line {lines[-1]})" if lines else ""


def _module_name(path: Path) -> str:
    stem = re.sub(r"\W", "_", path.stem)
    return f"coopmap_plugin_{stem}_{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"


def _run_file(path: Path) -> None:
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - only for non-.py suffixes
        raise CoopmapError(f"metric plug-in {path}: Python cannot load this file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise


def _run_module(name: str) -> ModuleType:
    module = sys.modules.get(name)
    return importlib.reload(module) if module is not None else importlib.import_module(name)


def _registered() -> dict[str, Metric]:
    return {m.id: m for m in list_metrics()}


def _restore(before: dict[str, Metric]) -> None:
    """Put the metric registry back as it was in ``before``."""
    for metric_id, metric in _registered().items():
        if metric_id not in before:
            unregister_metric(metric_id)
        elif before[metric_id] is not metric:
            register_metric(before[metric_id], replace=True)
    for metric_id, metric in before.items():
        if metric_id not in _registered():
            register_metric(metric)


def _load_one(source: str) -> None:
    is_file = os.path.isabs(source)
    path = Path(source) if is_file else None
    label = f"metric plug-in {source}" if is_file else f"metric plug-in module {source!r} (from {PLUGINS_ENV})"
    digest = None
    if path is not None:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise CoopmapError(f"{label}: cannot read the file ({exc.strerror or exc})") from None
    previous = _LOADED.get(source)
    if path is None and previous is None and source in sys.modules:
        # imported already (by a notebook, say): its metrics are registered; do not re-run
        _LOADED[source] = _Loaded(None, ())
        return
    registered = _registered()
    if previous is not None and previous.digest == digest and all(m in registered for m in previous.metrics):
        return
    if previous is not None:
        for metric_id in previous.metrics:
            if metric_id in registered and metric_id not in BUILTIN_METRICS:
                unregister_metric(metric_id)
        del _LOADED[source]
    before = _registered()
    try:
        if path is not None:
            _run_file(path)
        else:
            _run_module(source)
    except (Exception, SystemExit) as exc:
        _restore(before)
        where = _where(exc, str(path) if path is not None else None)
        hint = ""
        if isinstance(exc, ModuleNotFoundError) and path is None and exc.name and (source + ".").startswith(exc.name + "."):
            hint = "; install it, add its folder to PYTHONPATH, or give the path of its .py file instead"
        raise CoopmapError(f"{label} failed{where}: {type(exc).__name__}: {exc}{hint}") from exc
    after = _registered()
    added = tuple(m for m in after if m not in before or before[m] is not after[m])
    _LOADED[source] = _Loaded(digest, added)


def load_plugins(sources: Optional[Iterable[str | os.PathLike[str]]] = None) -> list[str]:
    """Run every metric plug-in, so that the metrics they register are available.

    The dashboard calls this once per kernel before it builds the page, and the
    command line once before it runs a command; a notebook may call it too.

    Parameters
    ----------
    sources : iterable of str or path-like, optional
        Plug-ins to run instead of :func:`plugin_sources`: module names, ``.py``
        files or folders of them.

    Returns
    -------
    list of str
        The plug-ins now loaded, in the order run: module names as given, files as
        absolute paths. Empty when there are none.

    Raises
    ------
    CoopmapError
        When a plug-in cannot be found or raises (for instance a duplicate metric id):
        the message names the file and line, or the module, and the exception. The
        plug-ins before it stay loaded; the failed one leaves nothing registered.

    Examples
    --------
    >>> from coopmap.figures.plugins import load_plugins
    >>> load_plugins()  # doctest: +SKIP
    ['/home/me/coopmap/data/local/metrics/revenue_per_member.py']
    """
    if sources is None:
        chosen = plugin_sources()
    else:
        chosen = list(dict.fromkeys(s for entry in sources for s in _expand(os.fspath(entry), "load_plugins")))
    for source in chosen:
        _load_one(source)
    return chosen
