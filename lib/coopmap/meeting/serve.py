"""Serve the meeting slides (``dashboards/meeting.ipynb``) offline, the way ``coopmap serve`` serves the dashboard.

``coopmap meeting`` starts Voila on ``127.0.0.1`` (port 8867 by default, so the
dashboard on 8866 can run beside it) with the meeting notebook at the root URL, using
:mod:`coopmap.server`'s set-up unchanged: the project template without CDN links,
preheated kernels (the slides are built before the presenter opens the page), stripped
sources, no tracebacks in the page, and the registry and boundary files passed to the
kernels through ``COOPMAP_REGISTRY`` / ``COOPMAP_BOUNDARIES``.

Links: ``/?slide=3``, ``/?slide=coverage``, ``/?township=勐糯镇``, ``/?lang=en``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from coopmap import paths, server
from coopmap.errors import CoopmapError

__all__ = ["DEFAULT_PORT", "NOTEBOOK", "add_arguments", "serve", "voila_argv"]

NOTEBOOK = paths.PROJECT_DIR / "dashboards" / "meeting.ipynb"
DEFAULT_PORT = server.DEFAULT_PORT + 1


def voila_argv(port: int, open_browser: bool = False, pool_size: int = 1) -> list[str]:
    """Return :func:`coopmap.server.voila_argv` with the meeting notebook in place of the dashboard."""
    argv = server.voila_argv(port, open_browser=open_browser, pool_size=pool_size)
    dashboard = str(server.NOTEBOOK)
    if dashboard not in argv:
        raise CoopmapError("coopmap.server.voila_argv no longer names the dashboard notebook; update coopmap.meeting.serve")
    return [str(NOTEBOOK) if arg == dashboard else arg for arg in argv]


def serve(port: int = DEFAULT_PORT, registry: str | os.PathLike[str] | None = None,
          boundaries: str | os.PathLike[str] | None = None, open_browser: bool = True, pool_size: int = 1) -> None:
    """Serve the meeting on ``http://127.0.0.1:<port>/`` until interrupted.

    Parameters
    ----------
    port : int
        Port on 127.0.0.1 (default 8867).
    registry : path, optional
        A registry file shown instead of the default (:func:`coopmap.paths.default_registry`).
    boundaries : path, optional
        Official township boundaries instead of the schematic default.
    open_browser : bool
        Open the slides in the default browser (then press F for full screen).
    pool_size : int
        Preheated kernels kept ready.

    Raises
    ------
    CoopmapError
        When the notebook is missing, the port is taken or a file cannot be used.
    """
    if not NOTEBOOK.is_file():
        raise CoopmapError(f"meeting notebook {NOTEBOOK} is missing: run from a full clone of the project")
    registry_path = Path(registry).resolve() if registry else None
    boundaries_path = Path(boundaries).resolve() if boundaries else None
    server.check_port(port)
    server.check_sources(registry_path, boundaries_path)
    if registry_path is not None:
        os.environ["COOPMAP_REGISTRY"] = str(registry_path)
    if boundaries_path is not None:
        os.environ["COOPMAP_BOUNDARIES"] = str(boundaries_path)
    app = server._voila_class()()
    app.initialize(voila_argv(port, open_browser=open_browser, pool_size=pool_size))
    print(f"龙陵县党组织领办合作社 meeting slides: http://{server.HOST}:{port}/  "
          "(F: full screen; arrows, PageUp/PageDown, space: move; Ctrl+C to stop)", flush=True)
    app.start()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``meeting`` options to ``parser`` (used by ``coopmap meeting``)."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on {server.HOST} (default {DEFAULT_PORT})")
    parser.add_argument("--registry", type=Path, help="registry file (.xlsx/.csv) instead of the shipped sample")
    parser.add_argument("--boundaries", type=Path, help="official township boundaries instead of the schematic default")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
