"""The server's status for the office's IT person: kernels in use and in the pool, memory, data.

``coopmap serve`` answers ``<base>/coopmap/status`` with a small page (Simplified Chinese,
``?lang=en`` for English) and ``<base>/coopmap/status.json`` with the same figures for a
monitoring script. Both need what the dashboard needs (the token under ``--public``).

The kernels are told apart from what Voila and Jupyter keep: a kernel is *in the pool*
while Voila holds it preheated for the next visitor (``VoilaKernelManager._pools``, a
private attribute: the status says ``pool: null`` if a Voila release renames it), *with a
page* while a browser's websocket is connected to it, and *without a page* otherwise (a
page closed without its shutdown request, or a connection lost: the culler stops those
after ``--idle-timeout``).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Optional

import tornado.web
from jupyter_server.base.handlers import JupyterHandler

from coopmap import i18n, paths
from coopmap.data import sources
from coopmap.presentation.html import esc

__all__ = ["StatusHandler", "server_status"]


def _rss_mb(pid: Optional[int], *, children: bool = True) -> Optional[float]:
    """Resident memory of a process (and its children) in MB, ``None`` when it is gone."""
    import psutil  # ipykernel's own dependency: always installed with Jupyter

    if pid is None:
        return None
    try:
        process = psutil.Process(pid)
        total = process.memory_info().rss
        for child in process.children(recursive=True) if children else ():
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
    except psutil.Error:
        return None
    return round(total / 2**20, 1)


def _kernel_pid(kernel_manager: Any, kernel_id: str) -> Optional[int]:
    try:
        kernel = kernel_manager.get_kernel(kernel_id)
    except KeyError:
        return None
    provisioner = getattr(kernel, "provisioner", None)
    pid = getattr(provisioner, "pid", None)
    process = getattr(provisioner, "process", None)
    return pid if isinstance(pid, int) else getattr(process, "pid", None)


def _pool(kernel_manager: Any) -> Optional[tuple[set[str], int]]:
    """Return (kernel ids ready in the pool, kernels still starting), ``None`` if unknown."""
    pools = getattr(kernel_manager, "_pools", None)
    if not isinstance(pools, dict):
        return None
    ready: set[str] = set()
    starting = 0
    for tasks in pools.values():
        for task in tasks:
            if not task.done():
                starting += 1
                continue
            try:
                ready.add(task.result()["kernel_id"])
            except Exception:  # a kernel that failed to start: Voila drops it on the next take
                continue
    return ready, starting


def server_status(kernel_manager: Any, *, pool_size: Optional[int] = None,
                  idle_timeout: Optional[int] = None) -> dict[str, Any]:
    """Return the server's status: kernels (in use, in the pool, without a page), memory, data.

    Parameters
    ----------
    kernel_manager : jupyter_server MappingKernelManager
        The server's kernel manager (Voila's, with its preheated pool).
    pool_size : int, optional
        The pool size the server was started with, reported as is.
    idle_timeout : int, optional
        Seconds after which a kernel without a page is stopped (0: never).

    Returns
    -------
    dict
        ``{"time", "kernels": {"total", "with_page", "pool_ready", "pool_starting",
        "without_page", "pool_size", "idle_timeout"}, "memory_mb": {"server", "kernels",
        "per_kernel"}, "data": {...}}``; JSON-serialisable.
    """
    ids = list(kernel_manager.list_kernel_ids())
    connections = getattr(kernel_manager, "_kernel_connections", {})
    pool = _pool(kernel_manager)
    ready = pool[0] if pool else set()
    with_page = [k for k in ids if k not in ready and connections.get(k, 0) > 0]
    without_page = [k for k in ids if k not in ready and connections.get(k, 0) == 0]
    per_kernel = {k: _rss_mb(_kernel_pid(kernel_manager, k)) for k in ids}
    kernels_mb = round(sum(v for v in per_kernel.values() if v is not None), 1)
    registry = sources.current_registry()
    version_id, version_name = sources.version_of(registry)
    boundaries = sources.boundaries_file()
    return {
        "time": dt.datetime.now().isoformat(timespec="seconds"),
        "kernels": {
            "total": len(ids),
            "with_page": len(with_page),
            "pool_ready": len(ready) if pool else None,
            "pool_starting": pool[1] if pool else None,
            "without_page": len(without_page),
            "pool_size": pool_size,
            "idle_timeout": idle_timeout,
        },
        "memory_mb": {
            "server": _rss_mb(os.getpid(), children=False),  # the kernels are its children: counted apart
            "kernels": kernels_mb,
            "per_kernel": per_kernel,
        },
        "data": {
            "registry_file": str(registry),
            "version_id": version_id,
            "version_name": version_name,
            "shipped_sample": sources.same_file(registry, paths.SAMPLE_XLSX),
            "boundaries": boundaries.kind,
            "boundaries_file": str(boundaries.path) if boundaries.path else None,
        },
    }


def status_html(status: dict[str, Any], lang: str = "zh") -> str:
    """Return the status as a small self-contained HTML page in ``lang``."""
    k, m, d = status["kernels"], status["memory_mb"], status["data"]

    def number(value: Any, unit: str = "", decimals: int = 0) -> str:
        return i18n.format_number(value, "count", lang, decimals, label=unit or None)

    rows = [
        ("server.status.with_page", number(k["with_page"])),
        ("server.status.pool", f'{number(k["pool_ready"])} / {number(k["pool_size"])}'
         + ("" if not k["pool_starting"] else i18n.paren(i18n.t("server.status.starting", lang, n=k["pool_starting"]), lang))),
        ("server.status.without_page", number(k["without_page"])),
        ("server.status.total", number(k["total"])),
        ("server.status.idle_timeout", number(k["idle_timeout"], "s")),
        ("server.status.memory_kernels", number(m["kernels"], "MB", 1)),
        ("server.status.memory_server", number(m["server"], "MB", 1)),
        ("server.status.registry", f'{d["version_name"]}' + i18n.paren(d["version_id"] or "—", lang)
         + (f' · {i18n.t("server.status.sample", lang)}' if d["shipped_sample"] else "")),
        ("server.status.boundaries", i18n.t(f"server.status.boundaries_{d['boundaries']}", lang)),
    ]
    body = "\n".join(f"<tr><th>{esc(i18n.t(key, lang))}</th><td>{esc(value)}</td></tr>" for key, value in rows)
    return (f'<!doctype html><html lang="{"zh" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="10"><title>{esc(i18n.t("server.status.title", lang))}</title>'
            '<style>body{font:16px/1.5 "Noto Sans CJK SC",sans-serif;margin:2em}th{text-align:left;padding-right:2em}'
            'td,th{padding:.2em .5em;border-bottom:1px solid #ddd}</style></head><body>'
            f'<h1>{esc(i18n.t("server.status.title", lang))}</h1><table>{body}</table>'
            f'<p>{esc(i18n.t("server.status.time", lang, time=status["time"].replace("T", " ")))}</p></body></html>')


class StatusHandler(JupyterHandler):
    """``/coopmap/status`` (page) and ``/coopmap/status.json`` (figures), behind the server's login."""

    @tornado.web.authenticated
    def get(self, suffix: str = "") -> None:
        manager = self.kernel_manager
        pools = getattr(manager, "kernel_pools_config", {}) or {}
        status = server_status(manager, pool_size=pools.get("default", {}).get("pool_size"),
                               idle_timeout=getattr(manager, "cull_idle_timeout", None))
        self.set_header("Cache-Control", "no-store")
        if suffix == ".json":
            self.finish(status)
            return
        lang = self.get_argument("lang", "zh")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(status_html(status, "en" if lang == "en" else "zh"))
