"""Serve the meeting slides (``dashboards/meeting.ipynb``) offline, the way ``coopmap serve`` serves the dashboard.

``coopmap meeting`` starts Voila on ``127.0.0.1`` (port 8867 by default, so the
dashboard on 8866 can run beside it) with the meeting notebook at the root URL, through
:func:`coopmap.server.launch.launch`, the dashboard's own launcher: the project template
without CDN links, preheated kernels (the slides are built before the presenter opens
the page), stripped sources, no tracebacks in the page, and the registry and boundary
files passed to the kernels (``COOPMAP_REGISTRY`` / ``COOPMAP_BOUNDARIES``, read there
by :mod:`coopmap.data.sources`).

Links: ``/?slide=3``, ``/?slide=coverage``, ``/?township=勐糯镇``, ``/?lang=en``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from coopmap import paths
from coopmap.server import config as server_config
from coopmap.server.launch import launch

__all__ = ["DEFAULT_PORT", "NOTEBOOK", "add_arguments", "serve", "voila_argv"]

NOTEBOOK = paths.PROJECT_DIR / "dashboards" / "meeting.ipynb"
DEFAULT_PORT = server_config.DEFAULT_PORT + 1


def voila_argv(port: int, open_browser: bool = False, pool_size: int = 1) -> list[str]:
    """Return :func:`coopmap.server.config.voila_argv` for the meeting notebook."""
    return server_config.voila_argv(port, open_browser=open_browser, pool_size=pool_size, notebook=NOTEBOOK)


def serve(port: int = DEFAULT_PORT, registry: str | os.PathLike[str] | None = None,
          boundaries: str | os.PathLike[str] | None = None, open_browser: bool = True, pool_size: int = 1) -> None:
    """Serve the meeting on ``http://127.0.0.1:<port>/`` until interrupted.

    Parameters
    ----------
    port : int
        Port on 127.0.0.1 (default 8867).
    registry : path, optional
        A registry file shown instead of the default (:func:`coopmap.data.sources.default_registry`).
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
    config = server_config.ServeConfig.build(port=port, registry=registry, boundaries=boundaries,
                                             open_browser=open_browser, pool_size=pool_size, notebook=NOTEBOOK)
    launch(config, name="meeting", banner=[
        f"龙陵县党组织领办合作社 meeting slides: http://{server_config.HOST}:{port}/  "
        "(F: full screen; arrows, PageUp/PageDown, space: move; Ctrl+C to stop)"])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``meeting`` options to ``parser`` (used by ``coopmap meeting``)."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on {server_config.HOST} (default {DEFAULT_PORT})")
    parser.add_argument("--registry", type=Path, help="registry file (.xlsx/.csv) instead of the shipped sample")
    parser.add_argument("--boundaries", type=Path, help="official township boundaries instead of the schematic default")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
