"""Serve the dashboard with Voila, locally and offline.

:func:`serve` starts Voila on ``127.0.0.1`` with the dashboard notebook
(``dashboards/longling.ipynb``) at the root URL, so that ``/?coop=<uscc>`` or
``/?township=<code>&lang=en`` is a link a colleague can open. The server is set up for
an office laptop without internet:

- the project's Voila template (``coopmap/app/templates/coopmap``) extends Voila's
  ``lab`` template without its CDN links, and visitors cannot switch template or theme;
- kernels are preheated: the notebook's imports and the app are built before a visitor
  arrives, and the notebook reads the query string after
  ``voila.utils.wait_for_request()``;
- notebook sources are stripped and tracebacks are never shown in the page (the
  server log keeps them);
- the registry and boundary files reach the kernels through the ``COOPMAP_REGISTRY``
  and ``COOPMAP_BOUNDARIES`` environment variables (see :mod:`coopmap.paths`).

Charts run offline. altair's offline mode (``alt.JupyterChart.enable_offline()``) puts
its 0.9 MB vega bundle into every chart widget's state; the dashboard has up to five
charts, and the page would receive (and evaluate) the bundle five times. So the server
writes the same bundle once, at start, into a static folder that Voila serves from
127.0.0.1, and tells the kernels its address (``COOPMAP_CHART_BUNDLE``): each chart
widget then imports it from there, and the browser loads it once and caches it.
Without that variable (the notebook opened in JupyterLab), the kernel falls back to
``enable_offline()`` (:func:`coopmap.app.slots.chart_widget_class`).
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import html
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from . import paths
from .errors import CoopmapError

NOTEBOOK = paths.PROJECT_DIR / "dashboards" / "longling.ipynb"
TEMPLATE_DIR = paths.PACKAGE_DIR / "app" / "templates" / "coopmap"
HOST = "127.0.0.1"
DEFAULT_PORT = 8866
#: Seconds between a visitor taking the preheated kernel and the next one starting.
FILL_DELAY = 3
#: Environment variable naming the chart bundle's URL path for the kernels.
BUNDLE_ENV = "COOPMAP_CHART_BUNDLE"


def write_chart_bundle(folder: Path) -> str:
    """Write altair's offline chart bundle (vega, vega-lite, vega-embed) into ``folder``.

    Returns
    -------
    str
        The file's name, which holds a hash of its content (browsers may cache it).
    """
    import altair as alt

    alt.JupyterChart.enable_offline()
    source = alt.JupyterChart._esm  # what enable_offline() bundled with vl-convert
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    name = f"coopmap-charts-{digest}.js"
    (folder / name).write_text(source, encoding="utf-8")
    return name


def _voila_class():
    """Return a Voila application class that looks in the project template first.

    Voila finds templates by name in the Jupyter data directories; the project's
    template lives in the package instead, so it is put in front of the ``lab``
    template's search path (its ``index.html.j2``, ``page.html`` and ``error.html``
    replace lab's, which extend lab's own by path). It also writes the chart bundle
    into a temporary static folder (removed at exit) and sets ``COOPMAP_CHART_BUNDLE``.
    """
    from voila.app import Voila

    class CoopmapVoila(Voila):
        """Voila with the project template in front of ``lab``, one shared chart bundle
        and compressed responses."""

        def setup_template_dirs(self) -> None:
            super().setup_template_dirs()
            self.template_paths.insert(0, str(TEMPLATE_DIR))
            self.static_paths.insert(0, str(TEMPLATE_DIR / "static"))
            self._share_chart_bundle()

        def init_settings(self) -> dict:
            settings = super().init_settings()
            # gzip text responses: Voila's own JavaScript is ~4 MB uncompressed.
            settings["compress_response"] = True
            return settings

        def _share_chart_bundle(self) -> None:
            # Kernels inherit the environment, so set it before the pool starts them.
            folder = Path(tempfile.mkdtemp(prefix="coopmap-static-"))
            atexit.register(shutil.rmtree, folder, True)
            name = write_chart_bundle(folder)
            self.static_paths.insert(0, str(folder))
            base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
            url = f"{base}voila/static/{name}"
            os.environ[BUNDLE_ENV] = url
            # The page starts fetching and compiling the bundle while Voila's own
            # scripts load, so the first chart widget finds it ready (anywidget gives
            # a widget two seconds to initialise).
            head = folder / "templates"
            head.mkdir()
            (head / "coopmap_head.html").write_text(
                f'<link rel="modulepreload" href="{html.escape(url)}">\n', encoding="utf-8")
            self.template_paths.insert(0, str(head))

    return CoopmapVoila


def voila_argv(port: int, open_browser: bool = False, pool_size: int = 1) -> list[str]:
    """Return the Voila command-line settings :func:`serve` uses.

    Parameters
    ----------
    port : int
        TCP port on 127.0.0.1. Voila does not try another one when it is taken.
    open_browser : bool
        Open the dashboard in the default browser once the server listens.
    pool_size : int
        How many preheated kernels wait for visitors.

    Returns
    -------
    list of str
        Arguments for ``Voila.initialize``, the notebook path last.
    """
    return [
        f"--Voila.ip={HOST}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--Voila.open_browser={open_browser}",
        f"--Voila.root_dir={NOTEBOOK.parent}",
        "--VoilaConfiguration.template=lab",
        "--VoilaConfiguration.theme=light",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaConfiguration.default_pool_size={pool_size}",
        # Refill the pool a little after a visitor takes a kernel, not while their page loads.
        f"--VoilaKernelManager.fill_delay={FILL_DELAY}",
        str(NOTEBOOK),
    ]


def check_port(port: int) -> None:
    """Raise :class:`CoopmapError` when ``port`` on 127.0.0.1 is not free."""
    if not 0 < port < 65536:
        raise CoopmapError(f"port {port} is not a TCP port: give a number from 1024 to 65535")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server will: a closed connection's TIME_WAIT does not block the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise CoopmapError(f"port {port} on {HOST} is in use ({exc.strerror}): choose another with --port") from None


def check_sources(registry: Path | None, boundaries: Path | None) -> None:
    """Load the registry and boundary files once, so a bad file fails before serving.

    Raises
    ------
    RegistryError, BoundaryError
        When a file cannot be used; the message says which and why.
    """
    from .boundaries import load_townships
    from .errors import BoundaryError, RegistryError
    from .registry import load_registry

    if registry is not None:
        if not registry.is_file():
            raise RegistryError(f"registry file {registry} does not exist: give the path of an .xlsx or .csv registry")
        load_registry(registry)
    if boundaries is not None:
        if not boundaries.exists():
            raise BoundaryError(f"boundary file {boundaries} does not exist: give a GeoJSON, Shapefile or GeoPackage")
        load_townships(boundaries)


def serve(
    port: int = DEFAULT_PORT,
    registry: str | os.PathLike[str] | None = None,
    boundaries: str | os.PathLike[str] | None = None,
    open_browser: bool = True,
    pool_size: int = 1,
) -> None:
    """Serve the dashboard on ``http://127.0.0.1:<port>/`` until interrupted.

    Parameters
    ----------
    port : int
        Port on 127.0.0.1.
    registry : path, optional
        A registry file (.xlsx or .csv) shown instead of the default
        (:func:`coopmap.paths.default_registry`).
    boundaries : path, optional
        Official township boundaries shown instead of the schematic default.
    open_browser : bool
        Open the dashboard in the default browser.
    pool_size : int
        Preheated kernels kept ready (each holds one visitor's dashboard).

    Raises
    ------
    CoopmapError
        When the port is taken or a file cannot be used (before anything starts).
    """
    if not NOTEBOOK.is_file():
        raise CoopmapError(f"dashboard notebook {NOTEBOOK} is missing: run from a full clone of the project")
    registry_path = Path(registry).resolve() if registry else None
    boundaries_path = Path(boundaries).resolve() if boundaries else None
    check_port(port)
    check_sources(registry_path, boundaries_path)
    # Kernels inherit the server's environment: that is how they learn the files.
    if registry_path is not None:
        os.environ["COOPMAP_REGISTRY"] = str(registry_path)
    if boundaries_path is not None:
        os.environ["COOPMAP_BOUNDARIES"] = str(boundaries_path)
    app = _voila_class()()
    app.initialize(voila_argv(port, open_browser=open_browser, pool_size=pool_size))
    print(f"龙陵县党组织领办合作社 dashboard: http://{HOST}:{port}/  (Ctrl+C to stop)", flush=True)
    app.start()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options to ``parser`` (used by ``coopmap serve``)."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on {HOST} (default {DEFAULT_PORT})")
    parser.add_argument("--registry", type=Path, help="registry file (.xlsx/.csv) instead of the shipped sample")
    parser.add_argument("--boundaries", type=Path, help="official township boundaries instead of the schematic default")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")


def run(args: argparse.Namespace) -> int:
    """Run ``serve`` from parsed arguments; return the exit code (2 on unusable input)."""
    try:
        serve(port=args.port, registry=args.registry, boundaries=args.boundaries, open_browser=not args.no_browser)
    except CoopmapError as exc:
        print(f"coopmap serve: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m coopmap.server [--port N] [--registry PATH] [--boundaries PATH] [--no-browser]``."""
    parser = argparse.ArgumentParser(prog="coopmap serve", description="Serve the Longling cooperative dashboard")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
