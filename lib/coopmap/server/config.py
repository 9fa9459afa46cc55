"""What ``coopmap serve`` starts Voila with: the defaults, Voila's settings and :class:`ServeConfig`.

:func:`voila_argv` turns the options into Voila's command-line settings: the project
template (``lab`` without CDN links, no template or theme switching), stripped sources
and no tracebacks in the page, preheated kernels (``--pool-size``) refilled a little
after a visitor takes one, kernels on Unix sockets, and the culling of kernels whose
page is gone without saying so (``--idle-timeout``). :class:`ServeConfig` checks the
options once, decides host and token (``--public``), and says what the kernels inherit
and what is printed. Nothing here starts a server (:mod:`coopmap.server.launch` does).
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from coopmap import paths
from coopmap.data import sources
from coopmap.errors import CoopmapError

__all__ = ["CRS_CHOICES", "DEFAULT_IDLE_TIMEOUT", "DEFAULT_POOL_SIZE", "DEFAULT_PORT", "FILL_DELAY", "HOST",
           "MAX_POOL_SIZE", "MIN_IDLE_TIMEOUT", "NOTEBOOK", "PUBLIC_HOST", "ServeConfig", "voila_argv"]

NOTEBOOK = paths.PROJECT_DIR / "dashboards" / "longling.ipynb"
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


def voila_argv(port: int, open_browser: bool = False, pool_size: int = 1, host: str = HOST,
               token: str | None = None, idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
               notebook: Path = NOTEBOOK) -> list[str]:
    """Return the Voila command-line settings :func:`coopmap.server.launch.launch` uses.

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

    def status_url(self) -> str:
        """The server's status page on this machine (:mod:`coopmap.server.status`)."""
        query = f"?token={self.token}" if self.token else ""
        return f"http://{HOST}:{self.port}/coopmap/status{query}"

    def banner(self) -> list[str]:
        """Lines printed once the server is set up."""
        lines = [f"龙陵县党组织领办合作社 dashboard: {self.urls()[0]}  (Ctrl+C to stop)",
                 f"  server status (kernels, memory, data served): {self.status_url()}"]
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
