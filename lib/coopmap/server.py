"""Serve the dashboard with Voila, locally and offline.

:func:`serve` starts Voila on ``127.0.0.1`` (all interfaces, behind a token, only with
``--public``) with the dashboard notebook
(``dashboards/longling.ipynb``) at the root URL, so that ``/?coop=<uscc>`` or
``/?township=<code>&lang=en`` is a link a colleague can open. The server is set up for
an office laptop without internet:

- the project's Voila template (``coopmap/app/templates/coopmap``) extends Voila's
  ``lab`` template without its CDN links, and visitors cannot switch template or theme;
- kernels are preheated (``--pool-size``, default 2): the notebook's imports and the
  app are built before a visitor arrives, and the notebook reads the query string
  after ``voila.utils.wait_for_request()``;
- notebook sources are stripped and tracebacks are never shown in the page (the
  server log keeps them);
- the registry and boundary files reach the kernels through the ``COOPMAP_REGISTRY``,
  ``COOPMAP_BOUNDARIES`` and ``COOPMAP_BOUNDARIES_CRS`` environment variables, which
  :mod:`coopmap.data.sources` reads there;
- ``--public`` listens on every interface (``0.0.0.0``) for colleagues on the office
  network and then requires a Jupyter server token, generated at start and printed
  in the URL; ``--no-token`` turns that off explicitly, with a warning.
- a page frees its kernel when it is closed: Voila's page sends a shutdown request
  (a beacon) on leaving, with the ``_xsrf`` cookie's value, and the server sets that
  cookie with the page (Voila does not, so every request was refused with a 403:
  voila-dashboards/voila#1458). As a safety net, a kernel whose page is gone without
  saying so (a crashed browser, a laptop put to sleep) is shut down after
  ``--idle-timeout`` seconds without activity and without a connected page; an open
  page is never cut off, nor a preheated kernel;
- while a visitor waits, the page shows the title and what is being done, in the
  link's language, instead of Voila's spinner; an open page whose kernel is gone says
  that it must be reloaded (``templates/coopmap/static/page.js``).

Charts run offline. altair's offline mode (``alt.JupyterChart.enable_offline()``) puts
its 0.9 MB vega bundle into every chart widget's state; the dashboard has up to five
charts, and the page would receive (and evaluate) the bundle five times. So the server
writes the same bundle once, at start, into a static folder that Voila serves from
127.0.0.1, and tells the kernels its address (``COOPMAP_CHART_BUNDLE``): each chart
widget then imports it from there, and the browser loads it once and caches it.
Without that variable (the notebook opened in JupyterLab), the kernel falls back to
``enable_offline()`` (:func:`coopmap.app.slots.chart_widget_class`).

:func:`launch` starts Voila on a notebook with a :class:`ServeConfig`: ``coopmap serve``
(this dashboard) and ``coopmap meeting`` (:mod:`coopmap.meeting.serve`, the slides)
both go through it.
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import os
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from coopmap import i18n, paths
from coopmap.data import sources
from coopmap.errors import CoopmapError
from coopmap.presentation.html import esc

NOTEBOOK = paths.PROJECT_DIR / "dashboards" / "longling.ipynb"
TEMPLATE_DIR = paths.PACKAGE_DIR / "app" / "templates" / "coopmap"
HOST = "127.0.0.1"
#: What ``--public`` listens on: every interface.
PUBLIC_HOST = "0.0.0.0"
DEFAULT_PORT = 8866
#: Preheated kernels by default. Each holds one visitor's dashboard (~250 MB) and takes
#: ~10 s of CPU to start; two fit a 2-core laptop and serve two visitors at once warm.
DEFAULT_POOL_SIZE = 2
#: Most preheated kernels ``--pool-size`` accepts (memory: ~250 MB each).
MAX_POOL_SIZE = 16
#: Coordinate systems ``--crs`` accepts for ``--boundaries`` files that cannot say theirs.
CRS_CHOICES = ("wgs84", "gcj02", "bd09")
#: Seconds between a visitor taking the preheated kernel and the next one starting.
FILL_DELAY = 3
#: Environment variable naming the chart bundle's URL path for the kernels.
BUNDLE_ENV = sources.CHART_BUNDLE_ENV
#: Seconds a kernel may go without activity and without a connected page before it is
#: shut down (a page closed without its shutdown request getting through). Long enough
#: for a page that is slow to load (it connects within seconds of the kernel's last
#: output), short enough that a day of such pages does not fill the memory (~250 MB each).
DEFAULT_IDLE_TIMEOUT = 600
#: Shortest ``--idle-timeout`` accepted (0 aside). A page connects to its kernel only once
#: its scripts have loaded, and until then the kernel counts as idle and unconnected: with
#: a load average of 10 on 2 cores, a page took more than 10 s after its kernel's last
#: output, and a 10 s timeout shut its kernel down before it connected.
MIN_IDLE_TIMEOUT = 60




def page_texts(prefix: str) -> dict[str, dict[str, str]]:
    """Return the interface text whose keys start with ``prefix``, by language.

    The project template's ``coopmap_texts`` Jinja filter: ``{{ "page." | coopmap_texts }}``.

    Returns
    -------
    dict
        ``{"zh": {key: text}, "en": {key: text}}``.
    """
    keys = sorted(k for k in i18n.STRINGS if k.startswith(prefix))
    return {lang: {k: i18n.t(k, lang) for k in keys} for lang in i18n.LANGS}


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
    template's search path (its ``index.html.j2``, ``spinner.macro.html.j2``,
    ``page.html`` and ``error.html`` replace lab's, which extend lab's own by path).
    It also writes the chart bundle into a temporary static folder (removed at exit)
    and sets ``COOPMAP_CHART_BUNDLE``, and serves the page so that its kernel-shutdown
    request on leaving is accepted.
    """
    import tornado.web
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class PageHandler(TornadoVoilaHandler):
        """Voila's page handler, setting the ``_xsrf`` cookie with the page.

        On leaving, Voila's page posts its kernel's shutdown with the value of the
        ``_xsrf`` cookie (a double-submit check). Tornado sets that cookie only when a
        handler reads ``xsrf_token``, and nothing serving the page did, so the request
        arrived without it and was refused (``403 ... '_xsrf' argument missing from
        POST``, voila-dashboards/voila#1458) and every closed page left its kernel
        running. XSRF checks stay as they are for every request.
        """

        async def get(self, path: str | None = None) -> None:
            self.xsrf_token  # noqa: B018 -- reading it sets the cookie
            await super().get(path)

    class CoopmapVoila(Voila):
        """Voila with the project template in front of ``lab``, one shared chart bundle,
        compressed responses and pages that free their kernel when closed."""

        def setup_template_dirs(self) -> None:
            super().setup_template_dirs()
            self.template_paths.insert(0, str(TEMPLATE_DIR))
            self.static_paths.insert(0, str(TEMPLATE_DIR / "static"))
            # The template's own text comes from the interface catalog (coopmap.i18n),
            # and its page is Chinese unless the link says otherwise (<html lang>).
            exporter = self.config.VoilaExporter
            exporter.filters = {**exporter.get("filters", {}), "coopmap_texts": f"{__name__}.page_texts"}
            exporter.language_code = "zh"  # nbconvert takes ISO 639-1 codes only ("zh-CN" becomes "en")
            self._share_chart_bundle()

        def init_settings(self) -> dict:
            settings = super().init_settings()
            # gzip text responses: Voila's own JavaScript is ~4 MB uncompressed.
            settings["compress_response"] = True
            return settings

        def init_handlers(self) -> list:
            # A path that climbs out of its folder ('..', also percent-encoded) gets a plain
            # 404 before Voila's file handlers see it (one answers such paths with a 500,
            # and others' error pages fail to render: tracebacks in the log).
            climbs = r"(?:.*(?:/|\\|%2[fF]|%5[cC]))?(?:\.|%2[eE]){2}(?:(?:/|\\|%2[fF]|%5[cC]).*)?"
            handlers = [_with_page_handler(h, TornadoVoilaHandler, PageHandler) for h in super().init_handlers()]
            if not any(len(h) > 1 and h[1] is PageHandler for h in handlers):
                raise CoopmapError("Voila no longer serves the page with voila.tornado.handler.TornadoVoilaHandler: "
                                   "update coopmap.server (closed pages would keep their kernels)")
            return [(climbs, tornado.web.ErrorHandler, {"status_code": 404}), *handlers]

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
                f'<link rel="modulepreload" href="{esc(url)}">\n', encoding="utf-8")
            self.template_paths.insert(0, str(head))

        @property
        def connection_url(self) -> str:
            # Listening on 0.0.0.0 (--public), this machine's browser still goes to 127.0.0.1.
            return self._url(HOST if self.ip in ("", PUBLIC_HOST) else self.ip)

        def launch_browser(self) -> None:
            token = self.identity_provider.token if getattr(self, "identity_provider", None) else ""
            if not token:
                super().launch_browser()
                return
            # Voila's own page would open the URL without the token (a login page).
            url = f"{self.connection_url}?token={token}"
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    return CoopmapVoila


def _with_page_handler(handler: tuple, voila_class: type, page_class: type) -> tuple:
    """Return a tornado handler spec with ``page_class`` in place of ``voila_class``."""
    if len(handler) > 1 and handler[1] is voila_class:
        return (handler[0], page_class, *handler[2:])
    return handler


def voila_argv(port: int, open_browser: bool = False, pool_size: int = 1, host: str = HOST,
               token: str | None = None, idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
               notebook: Path = NOTEBOOK) -> list[str]:
    """Return the Voila command-line settings :func:`launch` uses.

    Parameters
    ----------
    port : int
        TCP port. Voila does not try another one when it is taken.
    open_browser : bool
        Open the dashboard in the default browser once the server listens.
    pool_size : int
        How many preheated kernels wait for visitors (0: none, every visitor waits
        for a kernel to start).
    host : str
        Address to listen on: ``127.0.0.1`` (default) or ``0.0.0.0`` (``--public``).
    token : str, optional
        Jupyter server token every visitor must present (``?token=...`` once, then a
        cookie). ``None``: no token (Voila's default).
    idle_timeout : int
        Seconds after which a kernel with no activity and no connected page is shut
        down (0: never). Connected pages and preheated kernels are kept.
    notebook : Path
        The notebook served at the root URL (default: the dashboard).

    Returns
    -------
    list of str
        Arguments for ``Voila.initialize``, the notebook path last.
    """
    auth = [f"--Voila.token={token}"] if token else []
    # Checked every fifth of the timeout (at most every minute): a kernel goes at most
    # 20% after its time.
    interval = min(60, max(1, idle_timeout // 5))
    return [
        f"--Voila.ip={host}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--Voila.open_browser={open_browser}",
        f"--Voila.root_dir={notebook.parent}",
        "--VoilaConfiguration.template=lab",
        "--VoilaConfiguration.theme=light",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaConfiguration.preheat_kernel={pool_size > 0}",
        f"--VoilaConfiguration.default_pool_size={pool_size}",
        # Refill the pool a little after a visitor takes a kernel, not while their page loads.
        f"--VoilaKernelManager.fill_delay={FILL_DELAY}",
        # Kernels talk to the server over Unix sockets beside their connection files, not
        # TCP ports: a TCP port is picked free, released, then bound by the kernel, and
        # another Jupyter server starting kernels in that moment can take it; the pool then
        # hands a visitor a dead kernel ("Kernel didn't respond in 60 seconds").
        "--KernelManager.transport=ipc",
        # A page that went without its shutdown request getting through (a crashed browser,
        # a laptop put to sleep) leaves an idle kernel with no connection: shut it down.
        # A connected page is never cut off (cull_connected), nor a running cell
        # (cull_busy); preheated kernels are busy in wait_for_request() and Voila's pool
        # skips its own kernels as well.
        f"--MappingKernelManager.cull_idle_timeout={idle_timeout}",
        f"--MappingKernelManager.cull_interval={interval}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
        *auth,
        str(notebook),
    ]


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


def launch(config: "ServeConfig", *, name: str, banner: Sequence[str]) -> None:
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
    app = _voila_class()()
    app.initialize(config.argv())
    for line in banner:
        print(line, flush=True)
    app.start()


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``coopmap serve`` starts Voila with, checked and decided before it starts.

    Build it with :meth:`build` (which checks the options and generates the token);
    :meth:`argv` gives Voila's settings, :meth:`environment` what the kernels
    inherit, :meth:`banner` and :meth:`warnings` what is printed.
    """

    port: int
    host: str
    pool_size: int
    open_browser: bool
    registry: Path | None
    boundaries: Path | None
    crs: str | None
    token: str | None
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT
    #: The notebook served at the root URL.
    notebook: Path = NOTEBOOK

    @classmethod
    def build(cls, port: int = DEFAULT_PORT, registry: str | os.PathLike[str] | None = None,
              boundaries: str | os.PathLike[str] | None = None, open_browser: bool = True,
              pool_size: int = DEFAULT_POOL_SIZE, crs: str | None = None, public: bool = False,
              token: bool = True, idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
              notebook: Path = NOTEBOOK) -> "ServeConfig":
        """Check the options and decide host and token (``notebook``: what is served, default the dashboard).

        Raises
        ------
        CoopmapError
            For a pool size out of 0..16, an unknown ``crs``, ``crs`` without
            ``boundaries``, or an idle timeout that is negative or under a minute.
        """
        if idle_timeout != 0 and not MIN_IDLE_TIMEOUT <= idle_timeout:
            raise CoopmapError(f"--idle-timeout {idle_timeout} is out of range: give 0 (never) or at least "
                               f"{MIN_IDLE_TIMEOUT} seconds (a page connects to its kernel only once it has "
                               f"loaded; default {DEFAULT_IDLE_TIMEOUT})")
        if not 0 <= pool_size <= MAX_POOL_SIZE:
            raise CoopmapError(f"--pool-size {pool_size} is out of range: give 0 to {MAX_POOL_SIZE} preheated kernels "
                               f"(each takes ~250 MB; {DEFAULT_POOL_SIZE} suits a 2-core laptop)")
        if crs is not None:
            if crs not in CRS_CHOICES:
                raise CoopmapError(f"--crs {crs!r} is not known: use one of {', '.join(CRS_CHOICES)}")
            if boundaries is None:
                raise CoopmapError("--crs says how a --boundaries file's coordinates are read: give --boundaries too")
        return cls(
            port=port,
            host=PUBLIC_HOST if public else HOST,
            pool_size=pool_size,
            open_browser=open_browser,
            registry=Path(registry).resolve() if registry else None,
            boundaries=Path(boundaries).resolve() if boundaries else None,
            crs=crs,
            token=secrets.token_urlsafe(32) if public and token else None,
            idle_timeout=idle_timeout,
            notebook=Path(notebook),
        )

    @property
    def public(self) -> bool:
        """Whether the server listens beyond this machine."""
        return self.host != HOST

    def argv(self) -> list[str]:
        """Voila's settings (:func:`voila_argv`)."""
        return voila_argv(self.port, open_browser=self.open_browser, pool_size=self.pool_size,
                          host=self.host, token=self.token, idle_timeout=self.idle_timeout, notebook=self.notebook)

    def environment(self) -> dict[str, str]:
        """Variables the kernels inherit: the files to show and the boundaries' coordinates."""
        env = {}
        if self.registry is not None:
            env[sources.REGISTRY_ENV] = str(self.registry)
        if self.boundaries is not None:
            env[sources.BOUNDARIES_ENV] = str(self.boundaries)
        if self.crs is not None:
            env[sources.BOUNDARIES_CRS_ENV] = self.crs
        return env

    def urls(self) -> list[str]:
        """Where to open the dashboard: this machine, and with ``public`` this machine's
        network name (with the token when there is one)."""
        query = f"?token={self.token}" if self.token else ""
        urls = [f"http://{HOST}:{self.port}/{query}"]
        if self.public:
            urls.append(f"http://{socket.gethostname()}:{self.port}/{query}")
        return urls

    def banner(self) -> list[str]:
        """Lines printed once the server is set up."""
        lines = [f"龙陵县党组织领办合作社 dashboard: {self.urls()[0]}  (Ctrl+C to stop)"]
        if self.public:
            lines.append(f"  on the office network: {self.urls()[1]}  (or this machine's IP address)")
            if self.token:
                lines.append("  visitors need the token in the link once; keep it among colleagues")
        return lines

    def warnings(self) -> list[str]:
        """Warnings printed before the server starts."""
        if self.public and not self.token:
            return [f"--public --no-token: anyone who can reach this machine on port {self.port} "
                    "sees the dashboard and its registry, with no token asked"]
        return []


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options to ``parser`` (used by ``coopmap serve``)."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on {HOST} (default {DEFAULT_PORT})")
    parser.add_argument("--registry", type=Path, help="registry file (.xlsx/.csv) instead of the shipped sample")
    parser.add_argument("--boundaries", type=Path, help="official township boundaries instead of the schematic default")
    parser.add_argument("--crs", choices=CRS_CHOICES,
                        help="coordinates of a --boundaries file that cannot state them: gcj02 (AMap/Gaode, "
                             "Tencent), bd09 (Baidu); default wgs84")
    parser.add_argument("--pool-size", type=int, default=DEFAULT_POOL_SIZE, metavar="N",
                        help=f"preheated kernels kept ready, ~250 MB each (default {DEFAULT_POOL_SIZE}; 0: none)")
    parser.add_argument("--idle-timeout", type=int, default=DEFAULT_IDLE_TIMEOUT, metavar="SECONDS",
                        help="shut down the kernel of a page that is gone without closing (crashed browser, laptop "
                             "asleep) after this many seconds without activity; open pages are kept (default "
                             f"{DEFAULT_IDLE_TIMEOUT}; 0: never). Closed pages free their kernel at once")
    parser.add_argument("--public", action="store_true",
                        help=f"listen on every interface ({PUBLIC_HOST}) for the office network, with a generated "
                             "token in the printed URL (default: 127.0.0.1 only)")
    parser.add_argument("--no-token", action="store_true",
                        help="with --public: ask visitors for no token (a warning is printed)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")


def options(args: argparse.Namespace) -> dict:
    """Return :func:`serve`'s keyword arguments from parsed ``serve`` arguments.

    Raises
    ------
    CoopmapError
        For ``--no-token`` without ``--public`` (there is no token to turn off).
    """
    if args.no_token and not args.public:
        raise CoopmapError("--no-token only applies with --public (on 127.0.0.1 no token is asked)")
    return {"port": args.port, "registry": args.registry, "boundaries": args.boundaries,
            "open_browser": not args.no_browser, "pool_size": args.pool_size, "crs": args.crs,
            "public": args.public, "token": not args.no_token, "idle_timeout": args.idle_timeout}


def run(args: argparse.Namespace) -> int:
    """Run ``serve`` from parsed arguments; return the exit code (2 on unusable input)."""
    try:
        serve(**options(args))
    except CoopmapError as exc:
        print(f"coopmap serve: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m coopmap.server [--port N] [--registry PATH] [--boundaries PATH [--crs C]] [--pool-size N]
    [--idle-timeout SECONDS] [--public [--no-token]] [--no-browser]``."""
    parser = argparse.ArgumentParser(prog="coopmap serve", description="Serve the Longling cooperative dashboard")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
