"""What the browser tests share: ``coopmap serve`` on a free port, and pages in headless Chromium with the network cut.

Every page from :func:`guarded_page` gets a guard that aborts any request not addressed
to 127.0.0.1/localhost and records it, and records console errors and uncaught page
errors; the fixtures (``tests/browser/conftest.py``: ``browser``, ``page``,
``dashboard``, ``real_dashboard``) are built from these. The dashboard's selectors and
the steps the walks through it share (open it, click inside a map shape, a screenshot
once the charts are drawn) are here too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers import PROJECT

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

#: Where screenshots go: tests/artifacts/screenshots (git-ignored), or the folder in
#: COOPMAP_SCREENSHOTS (`make screenshots` sets it to docs/screenshots, shown in the README).
SCREENSHOTS = Path(os.environ.get("COOPMAP_SCREENSHOTS") or PROJECT / "tests" / "artifacts" / "screenshots").resolve()
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
VIEWPORT = {"width": 1600, "height": 900}
#: Time for a page to show the dashboard (a preheated kernel may still be building it).
LOAD_TIMEOUT_MS = 120_000

#: The township shapes of the dashboard's map, and the village tiles of its coverage grid.
MAP_SHAPES = ".cm-map svg .role-mark.mark-shape path"
VILLAGE_TILES = ".cm-village-grid svg .role-mark.mark-rect path"
#: 勐糯镇, the township the walks through the shipped data open.
MENGNUO = "530523103"

# A point inside an SVG shape that the shape itself receives (labels drawn over a
# township must not take the click).
POINT_IN = """el => {
  const box = el.getBoundingClientRect();
  for (let i = 1; i < 12; i++) {
    for (let j = 1; j < 12; j++) {
      const x = box.left + box.width * i / 12, y = box.top + box.height * j / 12;
      if (document.elementFromPoint(x, y) === el) { return {x, y}; }
    }
  }
  return null;
}"""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def coopmap_command() -> list[str]:
    script = Path(sys.executable).with_name("coopmap")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "coopmap.cli"]

@dataclass
class Dashboard:
    """A ``coopmap serve`` process started by a test (and stopped by its process id)."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # Voila shuts its kernels down on SIGTERM
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_dashboard(tmp_dir: Path, *extra: str, command: str = "serve", notebook: str = "longling.ipynb",
                    timeout: float = 90, ready: str | None = None) -> Dashboard:
    """Start ``coopmap <command> --no-browser --port <free> [extra]`` (``serve`` or
    ``meeting``) and wait until the kernel pool of ``notebook`` is filled (or, with
    ``ready``, until the server's log says that: for ``--pool-size 0``)."""
    port = free_port()
    log = tmp_dir / f"{command}-{port}.log"
    env = dict(os.environ)
    env.pop("COOPMAP_REGISTRY", None)
    env.pop("COOPMAP_BOUNDARIES", None)
    with log.open("wb") as out:
        process = subprocess.Popen([*coopmap_command(), command, "--no-browser", "--port", str(port), *extra],
                                   cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT, env=env)
    dashboard = Dashboard(f"http://127.0.0.1:{port}/", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"coopmap {command} exited with {process.returncode}:\n{dashboard.log_tail()}")
        if (ready or f"Kernel pool of {notebook} is filled") in log.read_text(errors="replace"):
            return dashboard
        time.sleep(0.25)
    dashboard.stop()
    raise RuntimeError(f"coopmap {command} did not start within {timeout:.0f} s:\n{dashboard.log_tail()}")

@dataclass
class Guard:
    """What a page tried that it must not: requests off this machine, console errors."""

    offsite: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.offsite, f"requests left localhost: {self.offsite}"
        assert not self.errors, f"console errors: {self.errors}"


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


def guarded_page(browser: "playwright_api.Browser", locale: str = "zh-CN") -> "playwright_api.Page":
    """A page in a context of its own (its own cookies: another visitor) whose requests off
    127.0.0.1/localhost are aborted and recorded, with console errors, in ``page.guard``."""
    context = browser.new_context(viewport=VIEWPORT, locale=locale, service_workers="block")
    guard = Guard()

    def route(route: "playwright_api.Route") -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            guard.offsite.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda request: None if is_local(request.url) else guard.offsite.append(request.url))
    page.on("websocket", lambda ws: None if is_local(ws.url) else guard.offsite.append(ws.url))
    page.on("console", lambda message: guard.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: guard.errors.append(f"uncaught: {error}"))
    page.guard = guard  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    return page


def close_page(page: "playwright_api.Page") -> None:
    """Close the page as a visitor leaves it and close its context.

    Leaving, Voila's page asks the server to shut its kernel down (a beacon); closing the
    context at once would cancel that request, so the context stays until it has been
    answered, or for 2 s (the event is not always reported from a closing page; the
    request takes milliseconds on 127.0.0.1; a page whose kernel is gone sends none).
    """
    if not page.is_closed():
        try:
            with page.context.expect_event("requestfinished", predicate=lambda r: "/voila/api/shutdown/" in r.url,
                                           timeout=2_000):
                with page.expect_event("close"):
                    page.close(run_before_unload=True)
        except playwright_api.TimeoutError:
            pass
    page.context.close()

def screenshot(page: "playwright_api.Page", name: str) -> Path:
    """Save a screenshot of the page in :data:`SCREENSHOTS`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def shoot(page: "playwright_api.Page", name: str) -> None:
    """Save a screenshot of the page in :data:`SCREENSHOTS` once its charts are drawn, with no tooltip left over."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(2, 2)  # no tooltip left over from the last click
    page.wait_for_timeout(400)  # let charts finish drawing
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def open_dashboard(page: "playwright_api.Page", url: str) -> None:
    """Open the dashboard at ``url`` and wait until its map shows its township shapes."""
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    page.locator(MAP_SHAPES).first.wait_for(timeout=LOAD_TIMEOUT_MS)


def click_inside(page: "playwright_api.Page", locator: "playwright_api.Locator") -> None:
    """Click a point of an SVG shape that is really on the shape."""
    locator.scroll_into_view_if_needed()
    point = locator.evaluate(POINT_IN)
    assert point is not None, "no visible point inside the shape"
    page.mouse.click(point["x"], point["y"])
