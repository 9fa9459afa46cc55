"""Starting the server: the checks made before anything starts, then Voila until interrupted.

:func:`launch` starts Voila on a notebook with a :class:`~coopmap.server.config.ServeConfig`:
``coopmap serve`` (:func:`serve`, the dashboard) and ``coopmap meeting``
(:mod:`coopmap.meeting.serve`, the slides) both go through it. A taken port
(:func:`check_port`) or an unusable registry or boundary file (:func:`check_sources`)
fails with one message before the server starts. The registry and boundary files reach
the kernels through the environment they inherit (``COOPMAP_REGISTRY``,
``COOPMAP_BOUNDARIES``, ``COOPMAP_BOUNDARIES_CRS``), which :mod:`coopmap.data.sources`
reads there.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Sequence

from coopmap.errors import CoopmapError
from coopmap.server.config import DEFAULT_IDLE_TIMEOUT, DEFAULT_POOL_SIZE, DEFAULT_PORT, HOST, ServeConfig
from coopmap.server.voila import voila_class

__all__ = ["check_port", "check_sources", "launch", "serve"]



def check_port(port: int, host: str = HOST) -> None:
    """Raise :class:`CoopmapError` when ``port`` on ``host`` (default 127.0.0.1) is not free."""
    if not 0 < port < 65536:
        raise CoopmapError(f"port {port} is not a TCP port: give a number from 1024 to 65535")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server will: a closed connection's TIME_WAIT does not block the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CoopmapError(f"port {port} on {host} is in use ({exc.strerror}): choose another with --port") from None


def check_sources(registry: Path | None, boundaries: Path | None, crs: str | None = None) -> None:
    """Load the registry and boundary files once, so a bad file fails before serving.

    ``crs`` (``wgs84``, ``gcj02``, ``bd09``) is how the boundary file's coordinates
    are read when the file cannot say (see :func:`coopmap.geo.official.load_townships`).

    Raises
    ------
    RegistryError, BoundaryError
        When a file cannot be used; the message says which and why.
    """
    from coopmap.data.registry import load_registry
    from coopmap.errors import BoundaryError, RegistryError
    from coopmap.geo.official import load_townships

    if registry is not None:
        if not registry.is_file():
            raise RegistryError(f"registry file {registry} does not exist: give the path of an .xlsx or .csv registry")
        load_registry(registry)
    if boundaries is not None:
        if not boundaries.exists():
            raise BoundaryError(f"boundary file {boundaries} does not exist: give a GeoJSON, Shapefile or GeoPackage")
        load_townships(boundaries, crs=crs)


def serve(
    port: int = DEFAULT_PORT,
    registry: str | os.PathLike[str] | None = None,
    boundaries: str | os.PathLike[str] | None = None,
    open_browser: bool = True,
    pool_size: int = DEFAULT_POOL_SIZE,
    crs: str | None = None,
    public: bool = False,
    token: bool = True,
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
) -> None:
    """Serve the dashboard on ``http://127.0.0.1:<port>/`` until interrupted.

    Parameters
    ----------
    port : int
        Port on 127.0.0.1.
    registry : path, optional
        A registry file (.xlsx or .csv): the base version the dashboard shows until
        one is accepted (:data:`coopmap.data.sources.STORE_FIRST`).
    boundaries : path, optional
        Official township boundaries shown instead of the schematic default.
    open_browser : bool
        Open the dashboard in the default browser.
    pool_size : int
        Preheated kernels kept ready (each holds one visitor's dashboard, ~250 MB).
    crs : {"wgs84", "gcj02", "bd09"}, optional
        Coordinates of a ``boundaries`` file that cannot state its own (AMap/Gaode
        and Tencent files are GCJ-02, Baidu's BD-09).
    public : bool
        Listen on every interface (``0.0.0.0``) instead of 127.0.0.1 only.
    token : bool
        With ``public``: require a generated Jupyter server token (printed in the
        URL). ``False`` serves the office network without one, after a warning.
    idle_timeout : int
        Seconds after which the kernel of a page that is gone without closing (no
        activity, no connection) is shut down; 0: never.

    Raises
    ------
    CoopmapError
        When an option is out of range, the port is taken or a file cannot be used
        (before anything starts).
    """
    config = ServeConfig.build(port=port, registry=registry, boundaries=boundaries, open_browser=open_browser,
                               pool_size=pool_size, crs=crs, public=public, token=token,
                               idle_timeout=idle_timeout)
    launch(config, name="dashboard", banner=config.banner())


def launch(config: ServeConfig, *, name: str, banner: Sequence[str]) -> None:
    """Check the files and the port, then serve ``config.notebook`` with Voila until interrupted.

    The one launcher of ``coopmap serve`` and ``coopmap meeting``: the project
    template, the shared chart bundle, preheated kernels, and the registry and
    boundary files passed to the kernels (:meth:`ServeConfig.environment`).

    Parameters
    ----------
    config : ServeConfig
        What to serve and how; its ``notebook`` is served at the root URL.
    name : str
        What the notebook is (``dashboard``, ``meeting``), for messages.
    banner : sequence of str
        Lines printed once the server is set up.

    Raises
    ------
    CoopmapError
        When the notebook is missing, the port is taken or a file cannot be used
        (before anything starts).
    """
    if not config.notebook.is_file():
        raise CoopmapError(f"{name} notebook {config.notebook} is missing: run from a full clone of the project")
    check_port(config.port, config.host)
    check_sources(config.registry, config.boundaries, config.crs)
    for line in config.warnings():
        print(f"coopmap serve: warning: {line}", file=sys.stderr, flush=True)
    # Kernels inherit the server's environment: that is how they learn the files.
    os.environ.update(config.environment())
    app = voila_class()()
    app.initialize(config.argv())
    for line in banner:
        print(line, flush=True)
    app.start()

