"""Measures 1-4: the dashboard in headless Chromium against a one-widget Voila page.

Both pages are served the same way (``coopmap serve``'s Voila class and settings;
``serve_child.py`` swaps in the baseline notebook or turns preheating off) on 127.0.0.1
only, and driven with Playwright and the system Chromium.

1. time to interactive: navigation start → the overview's map drawn and clickable
   (baseline: its button drawn), read from the page's own clock
   (``performance.now()``), A/B alternating, warm (preheated kernel) and cold;
2. interaction latency: click → the new state drawn, per action, p50 and p95
   (baseline: a click on the button → its label changed by the kernel);
3. bytes to first render: every HTTP response and websocket frame the page receives
   until it is interactive, split into JavaScript (files and widget ``_esm``), widget
   state, chart data (vega-lite specs) and the rest;
4. kernel memory per visitor after the first render, and N visitors at once, each
   opening the page and clicking through.

The DOM hooks the dashboard offers are listed in :data:`HOOKS`; a measure whose hook is
missing reports "not measured: <reason>" instead of a number.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

from common import BENCH_DIR, PROJECT_DIR, PYTHON, Row, log, percentile

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
BASELINE_NOTEBOOK = BENCH_DIR / "baseline" / "one_widget.ipynb"
DASHBOARD_NOTEBOOK = PROJECT_DIR / "dashboards" / "longling.ipynb"
SERVE_CHILD = str(BENCH_DIR / "serve_child.py")
COOPMAP = PROJECT_DIR / ".venv" / "bin" / "coopmap"
TTI_TIMEOUT_MS = 120_000
ACTION_TIMEOUT_MS = 15_000
CONCURRENT_TIMEOUT_MS = 300_000

#: CSS hooks of the dashboard (classes added by ``coopmap.app``); the JS predicates below use them.
HOOKS = {
    "map": ".cm-map",
    "map_shapes": ".cm-map svg .mark-shape path",
    "township_view": ".cm-township",
    "township_heading": ".cm-township h2",
    "coop_link": ".cm-township .cm-row-name",
    "coop_view": ".cm-coop",
    "coop_heading": ".cm-coop .cm-coop-name",
    "coop_chart": ".cm-coop .cm-comparison",
    "overview_tiles": ".cm-overview-tiles",
    "crumbs": ".cm-breadcrumb .cm-crumb",
    "lang_buttons": ".cm-lang button",
    "title": ".cm-title",
    "filter_select": ".cm-filters .cm-filter select",
    "filter_summary": ".cm-filter-summary",
    "baseline_button": ".bench-button",
}

_JS_HELPERS = """
window.__bench = window.__bench || {
  visible(el) { return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'; },
  text(sel) { const el = document.querySelector(sel); return el ? el.textContent : null; },
  html(sel) { const el = document.querySelector(sel); return el ? el.innerHTML : null; },
  // a point inside a shape that the shape itself receives (the centre of a concave one may not)
  pointIn(el) {
    const r = el.getBoundingClientRect();
    for (const fy of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) for (const fx of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
      const x = r.left + r.width * fx, y = r.top + r.height * fy;
      if (document.elementFromPoint(x, y) === el) return {x, y};
    }
    return null;
  },
};
"""

READY_DASHBOARD = """(min) => {
  const shapes = document.querySelectorAll(%r);
  if (shapes.length < min) return null;
  const lang = document.querySelector(%r);
  if (!lang) return null;
  return performance.now();
}""" % (HOOKS["map_shapes"], HOOKS["lang_buttons"])

READY_BASELINE = """() => {
  const b = document.querySelector(%r);
  return b && b.getClientRects().length > 0 ? performance.now() : null;
}""" % HOOKS["baseline_button"]


# -- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _psutil():
    import psutil

    return psutil


@dataclass
class Server:
    """A Voila server this module started (and stops, by its own process ids)."""

    name: str
    argv: list[str]
    port: int
    preheated: bool
    proc: subprocess.Popen | None = None
    log_path: Path | None = None
    kernel_pids: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"coopmap-bench-{self.name}-{self.port}.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log_path.open("w") as fh:
            self.proc = subprocess.Popen(self.argv, stdout=fh, stderr=subprocess.STDOUT, cwd=PROJECT_DIR, env=env,
                                         start_new_session=True)

    def log_tail(self, lines: int = 3) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        text = [line for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
        return " | ".join(text[-lines:])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kernels(self) -> list[Any]:
        """Kernel processes of this server (children running ipykernel)."""
        psutil = _psutil()
        if not self.alive():
            return []
        out = []
        try:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                try:
                    if "ipykernel" in " ".join(child.cmdline()):
                        out.append(child)
                        self.kernel_pids.add(child.pid)
                except psutil.Error:
                    continue
        except psutil.Error:
            return []
        return out

    def kernel_by_id(self, kernel_id: str) -> Any | None:
        for k in self.kernels():
            try:
                if any(kernel_id in part for part in k.cmdline()):
                    return k
            except Exception:
                continue
        return None

    def cpu_seconds(self) -> float:
        psutil = _psutil()
        total = 0.0
        try:
            procs = [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(recursive=True)]
        except psutil.Error:
            return 0.0
        for p in procs:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                continue
        return total

    async def wait_listening(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} server exited: {self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} server did not listen within {timeout:.0f} s: {self.log_tail()}")

    async def wait_idle(self, kernels: int = 0, timeout: float = 90.0, window: float = 0.5, busy: float = 0.1) -> float:
        """Wait until ``kernels`` kernel processes exist and the process tree is quiet.

        Quiet: under ``busy`` CPU-seconds per second for two windows in a row (a
        preheated kernel has run its notebook and waits for a visitor). Returns the
        seconds waited.
        """
        start = time.monotonic()
        quiet = 0
        last = self.cpu_seconds()
        while time.monotonic() - start < timeout:
            await asyncio.sleep(window)
            now = self.cpu_seconds()
            rate = (now - last) / window
            last = now
            enough = len(self.kernels()) >= kernels
            quiet = quiet + 1 if (rate < busy and enough) else 0
            if quiet >= 2:
                return time.monotonic() - start
            if not self.alive():
                raise RuntimeError(f"{self.name} server exited: {self.log_tail()}")
        raise RuntimeError(f"{self.name} server still busy after {timeout:.0f} s")

    def stop(self) -> None:
        """Stop the server, then any of its kernels still running (by process id)."""
        stop_all([self])


def stop_all(servers: list[Server]) -> None:
    """Stop servers together: SIGTERM to each (Jupyter servers then shut their kernels
    down), wait, then end any kernel they left behind, by process id."""
    psutil = _psutil()
    running = [s for s in servers if s.proc is not None]
    for s in running:
        s.kernels()
        if s.proc.poll() is None:
            s.proc.terminate()
    deadline = time.monotonic() + 10
    for s in running:
        try:
            s.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            s.proc.kill()
            s.proc.wait(timeout=5)
    leftovers = []
    for s in running:
        for pid in s.kernel_pids:
            try:
                p = psutil.Process(pid)
                p.terminate()
                leftovers.append(p)
            except psutil.Error:
                continue
    psutil.wait_procs(leftovers, timeout=5)


def _options(cold: bool, fill_delay: float | None) -> list[str]:
    return (["--cold"] if cold else []) + ([f"--fill-delay={fill_delay:g}"] if fill_delay is not None else [])


def dashboard_server(port: int, cold: bool, fill_delay: float | None = None) -> Server:
    """The dashboard as users start it: ``coopmap serve --no-browser --port N`` (warm).

    Cold, or with another refill delay, it is ``serve_child.py`` (the same Voila class
    and settings, one setting changed).
    """
    if not cold and fill_delay is None and COOPMAP.exists() and _has_serve_command():
        argv = [str(COOPMAP), "serve", "--no-browser", "--port", str(port)]
    else:
        argv = [PYTHON, SERVE_CHILD, "--port", str(port), *_options(cold, fill_delay)]
    return Server("dashboard-cold" if cold else "dashboard", argv, port, preheated=not cold)


def baseline_server(port: int, cold: bool, fill_delay: float | None = None) -> Server:
    argv = [PYTHON, SERVE_CHILD, "--port", str(port), "--notebook", str(BASELINE_NOTEBOOK), *_options(cold, fill_delay)]
    return Server("baseline-cold" if cold else "baseline", argv, port, preheated=not cold)


def _has_serve_command() -> bool:
    try:
        out = subprocess.run([str(COOPMAP), "--help"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "serve" in out


# -- bytes ---------------------------------------------------------------------------------


def _ws_parts(payload: bytes | str) -> tuple[str, dict | None, int]:
    """Return (channel, content, total size) of a Jupyter websocket frame (v1 binary or JSON)."""
    if isinstance(payload, str):
        size = len(payload.encode("utf-8"))
        try:
            msg = json.loads(payload)
            return msg.get("channel", ""), msg.get("content"), size
        except ValueError:
            return "", None, size
    size = len(payload)
    try:
        n = int.from_bytes(payload[:8], "little")
        offsets = [int.from_bytes(payload[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
        channel = payload[offsets[0]:offsets[1]].decode("utf-8")
        content = json.loads(payload[offsets[4]:offsets[5]]) if n > 5 else None
        return channel, content, size
    except Exception:
        return "", None, size


def _json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def _attribute(node: Any, sizes: dict[str, int]) -> None:
    """Add the sizes of widget JavaScript (``_esm``) and chart specs (``spec``) found in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("_esm", "_css") and isinstance(value, str):
                sizes["js" if key == "_esm" else "other"] += _json_size(value)
            elif key == "spec" and isinstance(value, dict):
                sizes["chart_data"] += _json_size(value)
            else:
                _attribute(value, sizes)
    elif isinstance(node, list):
        for value in node:
            _attribute(value, sizes)


def classify_frame(payload: bytes | str) -> dict[str, int]:
    """Split one websocket frame into js / widget_state / chart_data / other bytes."""
    channel, content, size = _ws_parts(payload)
    sizes = {"js": 0, "widget_state": 0, "chart_data": 0, "other": 0}
    data = content.get("data") if isinstance(content, dict) else None
    is_comm = isinstance(content, dict) and "comm_id" in content
    if is_comm and data is not None:
        _attribute(data, sizes)
        sizes["widget_state"] = max(0, size - sizes["js"] - sizes["chart_data"] - sizes["other"])
    else:
        sizes["other"] = size  # kernel status, kernel info, execution replies...
    return sizes


def classify_response(url: str, resource_type: str, content_type: str) -> str:
    path = url.split("?", 1)[0]
    if resource_type == "script" or path.endswith((".js", ".mjs")) or "javascript" in content_type:
        return "js"
    return "other"


class Traffic:
    """Everything a page receives, with the time (monotonic) it arrived."""

    def __init__(self) -> None:
        self.items: list[tuple[float, str, int]] = []  # (time, kind, bytes)
        self.widget_js: list[tuple[float, int]] = []  # the part of "js" that came as widget _esm
        self.compressed: list[tuple[float, int]] = []  # (time, bytes after zlib level 6): what gzip would send
        self.pending: list[Awaitable] = []
        self.kernel_ids: list[str] = []
        self.state = ""  # the kernel's last execution_state
        self.last_busy = 0.0
        self.last_frame = 0.0

    def _status(self, payload: Any, now: float) -> None:
        self.last_frame = now
        _, content, _ = _ws_parts(payload)
        if isinstance(content, dict) and content.get("execution_state") in ("busy", "idle", "starting"):
            self.state = content["execution_state"]
            if self.state == "busy":
                self.last_busy = now

    def attach(self, page: Any) -> None:
        def on_ws(ws: Any) -> None:
            if "/api/kernels/" in ws.url:
                self.kernel_ids.append(ws.url.split("/api/kernels/", 1)[1].split("/", 1)[0])

            def on_frame(payload: Any) -> None:
                now = time.monotonic()
                self._status(payload, now)
                sizes = classify_frame(payload)
                for kind, n in sizes.items():
                    if n:
                        self.items.append((now, kind, n))
                if sizes["js"]:
                    self.widget_js.append((now, sizes["js"]))
                raw = payload.encode("utf-8") if isinstance(payload, str) else payload
                self.compressed.append((now, len(zlib.compress(raw, 6))))
            ws.on("framereceived", on_frame)

        async def on_finished(request: Any) -> None:
            now = time.monotonic()
            try:
                sizes = await request.sizes()
                response = await request.response()
                ctype = (await response.all_headers()).get("content-type", "") if response else ""
                body = await response.body() if response else b""
            except Exception:
                return
            kind = classify_response(request.url, request.resource_type, ctype)
            self.items.append((now, kind, sizes["responseBodySize"]))
            self.items.append((now, "other", sizes["responseHeadersSize"]))
            self.compressed.append((now, len(zlib.compress(body, 6)) + sizes["responseHeadersSize"]))

        page.on("websocket", on_ws)
        page.on("requestfinished", lambda r: self.pending.append(asyncio.ensure_future(on_finished(r))))

    async def until(self, moment: float) -> dict[str, int]:
        if self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)
        out = {"js": 0, "widget_state": 0, "chart_data": 0, "other": 0}
        for t, kind, n in self.items:
            if t <= moment:
                out[kind] += n
        out["total"] = sum(out.values())
        out["js_widget"] = sum(n for t, n in self.widget_js if t <= moment)
        out["compressed_total"] = sum(n for t, n in self.compressed if t <= moment)
        return out


# -- visits --------------------------------------------------------------------------------


@dataclass
class Visit:
    tti_ms: float
    bytes: dict[str, int]
    kernel_id: str | None
    page: Any
    context: Any
    traffic: Traffic
    kernel_ms: list[float] = field(default_factory=list)


async def visit(browser: Any, url: str, ready_js: str, ready_arg: Any = None, keep: bool = False,
                timeout_ms: int = TTI_TIMEOUT_MS) -> Visit:
    """Open ``url`` in a fresh browser context; return time to interactive and bytes."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    traffic = Traffic()
    traffic.attach(page)
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        handle = await page.wait_for_function(ready_js, arg=ready_arg, polling="raf", timeout=timeout_ms)
        moment = time.monotonic()
        tti = float(await handle.json_value())
        await page.add_script_tag(content=_JS_HELPERS)
        received = await traffic.until(moment)
    except Exception:
        await context.close()
        raise
    result = Visit(tti, received, traffic.kernel_ids[0] if traffic.kernel_ids else None, page, context, traffic)
    if not keep:
        await close_visit(result)
    return result


async def close_visit(v: Visit) -> None:
    try:
        await v.page.close(run_before_unload=True)
    except Exception:
        pass
    await v.context.close()


# -- interactions ------------------------------------------------------------------------


async def click_point(page: Any, selector: str, index: int) -> None:
    point = await page.evaluate("([s, i]) => { const els = [...document.querySelectorAll(s)].filter(e => __bench.visible(e));"
                                " const el = els[i % els.length]; return el ? __bench.pointIn(el) : null; }", [selector, index])
    if point is None:
        raise LookupError(f"nothing clickable matches {selector}")
    await page.mouse.click(point["x"], point["y"])


SETTLE_MS = 200.0

SNAPSHOT_JS = """(html) => {
  const b = window.__bench;
  if (!b.observer) {
    b.lastMutation = performance.now();
    b.observer = new MutationObserver((records) => {
      // vega's tooltip lives outside the app; hovering must not count as drawing
      if (records.some(r => !(r.target.closest && r.target.closest('#vg-tooltip-element')))) b.lastMutation = performance.now();
    });
    b.observer.observe(document.querySelector('.cm-app') || document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  }
  b.before = html.map(s => { const el = document.querySelector(s); return el && b.visible(el) ? el.innerHTML : null; });
}"""

STATE_JS = """(html) => {
  const b = window.__bench;
  // a hook counts when it is visible and either new content or newly shown
  const changed = html.every((s, i) => { const el = document.querySelector(s); return el && b.visible(el) && el.innerHTML !== b.before[i]; });
  return {changed, last: b.lastMutation, now: performance.now()};
}"""


async def act_and_wait(v: "Visit", act: Callable[[], Awaitable[None]], html: list[str]) -> float:
    """Milliseconds from just before ``act`` until the page has finished redrawing.

    Finished: every hook in ``html`` is visible with new content (or was hidden before), the kernel has gone
    busy and back to idle since the action and sent nothing for :data:`SETTLE_MS`, and
    the page's DOM has not changed for as long. The latency is the time of the last DOM
    change (charts included: vega draws its SVG into the page), on the page's clock.
    """
    page, traffic = v.page, v.traffic
    await page.evaluate(SNAPSHOT_JS, list(html))
    t0 = await page.evaluate("performance.now()")
    py0 = time.monotonic()
    await act()
    deadline = py0 + ACTION_TIMEOUT_MS / 1000
    while True:
        state = await page.evaluate(STATE_JS, list(html))
        now = time.monotonic()
        kernel_done = (traffic.last_busy >= py0 and traffic.state == "idle"
                       and now - traffic.last_frame >= SETTLE_MS / 1000)
        if state["changed"] and kernel_done and state["now"] - state["last"] >= SETTLE_MS:
            v.kernel_ms.append((traffic.last_frame - py0) * 1000)  # last kernel message, on Python's clock
            return float(state["last"]) - t0
        if now > deadline:
            what = "hooks unchanged" if not state["changed"] else ("kernel not idle" if not kernel_done else "page still changing")
            raise TimeoutError(f"no redraw within {ACTION_TIMEOUT_MS / 1000:.0f} s ({what}: {', '.join(html)})")
        await asyncio.sleep(0.04)


async def _to_overview(v: Visit) -> None:
    """Back to the county overview by the breadcrumb (not timed)."""
    page = v.page
    if await page.locator(HOOKS["township_view"]).first.is_visible() or await page.locator(HOOKS["coop_view"]).first.is_visible():
        await act_and_wait(v, lambda: page.locator(HOOKS["crumbs"]).first.click(), [HOOKS["overview_tiles"]])


async def _to_township(v: Visit, index: int) -> float:
    """Click the ``index``-th township on the map; return the latency."""
    return await act_and_wait(v, lambda: click_point(v.page, HOOKS["map_shapes"], index), [HOOKS["township_heading"]])


async def _to_coop(v: Visit, index: int) -> float:
    links = v.page.locator(HOOKS["coop_link"])
    count = await links.count()
    if not count:
        raise LookupError(f"no cooperative link {HOOKS['coop_link']} in the township view")
    return await act_and_wait(v, lambda: links.nth(index % count).click(), [HOOKS["coop_heading"]])


async def _switch_language(v: Visit, index: int) -> float:
    target = v.page.locator(HOOKS["lang_buttons"]).nth((index + 1) % 2)
    return await act_and_wait(v, lambda: target.click(), [HOOKS["title"]])


async def _change_filter(v: Visit, index: int) -> float:
    select = v.page.locator(HOOKS["filter_select"]).first
    option = 2 if index % 2 == 0 else 0  # 村级领办 ↔ 全部
    return await act_and_wait(v, lambda: select.select_option(index=option), [HOOKS["overview_tiles"]])


async def latency_actions(v: Visit, clicks: int) -> tuple[dict[str, list[float] | str], dict[str, list[float]]]:
    """Run each dashboard action ``clicks`` times.

    Returns latencies (ms) or why not, per action, and for each timed click the time
    of the kernel's last message (ms after the click).
    """
    out: dict[str, list[float] | str] = {}
    kernel: dict[str, list[float]] = {}

    async def township(i: int) -> float:
        await _to_overview(v)
        return await _to_township(v, i * 3)

    async def coop(i: int) -> float:
        if not await v.page.locator(HOOKS["township_view"]).first.is_visible():
            await _to_overview(v)
            await _to_township(v, i)
        latency = await _to_coop(v, i)
        await act_and_wait(v, lambda: v.page.locator(HOOKS["crumbs"]).nth(1).click(), [HOOKS["township_heading"]])
        return latency

    async def language(i: int) -> float:
        if i == 0:
            await _to_overview(v)
        return await _switch_language(v, i)

    async def filter_(i: int) -> float:
        if i == 0:
            await _to_overview(v)
        return await _change_filter(v, i)

    for key, step in (("township", township), ("coop", coop), ("language", language), ("filter", filter_)):
        samples: list[float] = []
        kernel[key] = []
        try:
            for i in range(clicks):
                samples.append(await step(i))
                # the timed act_and_wait is the step's last, except for "coop" (it goes back after)
                kernel[key].append(v.kernel_ms[-2] if key == "coop" else v.kernel_ms[-1])
            out[key] = samples
        except Exception as exc:
            out[key] = f"not measured: {_short(exc)}" + (f" (after {len(samples)} clicks)" if samples else "")
    # leave the page as it was: Chinese, no filter
    for i, restore in ((clicks, _switch_language), (clicks, _change_filter)):
        if i % 2:
            try:
                await restore(v, i)
            except Exception:
                pass
    return out, kernel


async def baseline_clicks(v: Visit, clicks: int) -> list[float]:
    button = v.page.locator(HOOKS["baseline_button"])
    return [await act_and_wait(v, lambda: button.click(), [HOOKS["baseline_button"]]) for _ in range(clicks)]


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def kernel_rss_mb(server: Server, kernel_id: str | None) -> float | None:
    if kernel_id is None:
        return None
    proc = server.kernel_by_id(kernel_id)
    if proc is None:
        return None
    try:
        return proc.memory_info().rss / 2**20
    except Exception:
        return None


# -- the measures ----------------------------------------------------------------------------


@dataclass
class Plan:
    warm_pairs: int
    cold_pairs: int
    clicks: int
    visitors: int
    fill_delay: float | None = None  # None: as `coopmap serve` (refill at once)


FULL = Plan(warm_pairs=7, cold_pairs=3, clicks=20, visitors=10)
QUICK = Plan(warm_pairs=1, cold_pairs=0, clicks=3, visitors=0, fill_delay=300)
QUICK_SKIPS = "not measured: --quick skips it (each visitor beyond the preheated kernel waits for a cold kernel, 10-40 s here)"

ACTIONS = (("township", "township click → township view drawn"), ("coop", "cooperative click → profile drawn"),
           ("language", "language switch → page redrawn"), ("filter", "filter change → map redrawn"))


def _rows() -> dict[str, Row]:
    rows = [
        Row("dash.tti.warm", "1 time to interactive, warm (preheated)", "ms", baseline_label="one-widget page, warm", target="ratio ≤ 1.2"),
        Row("dash.tti.cold", "1 time to interactive, cold (no preheating)", "ms", baseline_label="one-widget page, cold"),
    ]
    for key, label in ACTIONS:
        rows.append(Row(f"dash.latency.{key}.p50", f"2 {label}, p50", "ms", baseline_label="one-widget button click", target="≤ 150 ms"))
        rows.append(Row(f"dash.latency.{key}.p95", f"2 {label}, p95", "ms", baseline_label="one-widget button click", target="≤ 300 ms"))
    rows += [
        Row("dash.bytes.total", "3 bytes to first render, total", "MB", baseline_label="one-widget page", target="< 3 MB"),
        Row("dash.bytes.js", "3 bytes to first render, JavaScript", "MB", baseline_label="one-widget page"),
        Row("dash.bytes.widget_state", "3 bytes to first render, widget state", "MB", baseline_label="one-widget page"),
        Row("dash.bytes.chart_data", "3 bytes to first render, chart data", "MB", baseline_label="one-widget page"),
        Row("dash.bytes.other", "3 bytes to first render, HTML/CSS/kernel messages", "MB", baseline_label="one-widget page"),
        Row("dash.memory.kernel", "4 kernel memory per visitor after first render (RSS)", "MB", baseline_label="one-widget kernel"),
        Row("dash.concurrency.ok", "4 concurrent visitors who got through", ""),
        Row("dash.concurrency.tti_p95", "4 concurrent visitors: time to interactive, p95", "ms", baseline_label="one visitor, warm"),
        Row("dash.concurrency.kernel", "4 concurrent visitors: kernel memory per visitor (RSS)", "MB", baseline_label="one visitor"),
    ]
    return {r.key: r for r in rows}


def _not_measured(rows: dict[str, Row], reason: str, prefix: str = "dash.") -> None:
    for key, row in rows.items():
        if key.startswith(prefix) and not row.samples and row.value is None and not row.note:
            row.note = f"not measured: {reason}"


def prerequisites() -> str | None:
    """Why the dashboard measures cannot run here, or ``None``."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed in .venv"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
    try:
        import psutil  # noqa: F401
    except ImportError:
        return "psutil is not installed in .venv"
    return None


def dashboard_missing() -> str | None:
    if not DASHBOARD_NOTEBOOK.exists():
        return f"the dashboard notebook {DASHBOARD_NOTEBOOK.relative_to(PROJECT_DIR)} does not exist yet"
    return None


def run(quick: bool) -> list[Row]:
    rows = _rows()
    why = prerequisites()
    if why:
        _not_measured(rows, why)
        return list(rows.values())
    try:
        asyncio.run(_run(rows, QUICK if quick else FULL, quick))
    except Exception as exc:  # a broken harness run is reported, never a made-up number
        log(f"dashboard measures stopped: {exc!r}")
        _not_measured(rows, f"harness stopped: {_short(exc)}")
    return list(rows.values())


async def _run(rows: dict[str, Row], plan: Plan, quick: bool) -> None:
    from playwright.async_api import async_playwright

    missing = dashboard_missing()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await _warm(browser, rows, plan, missing)
            if plan.cold_pairs:
                await _cold(browser, rows, plan, missing)
            else:
                rows["dash.tti.cold"].note = QUICK_SKIPS
        finally:
            await browser.close()
    if missing:
        _not_measured(rows, missing)


def _mb(n: int) -> float:
    return n / 1e6


async def _warm(browser: Any, rows: dict[str, Row], plan: Plan, missing: str | None) -> None:
    servers = [baseline_server(free_port(), cold=False, fill_delay=plan.fill_delay)]
    if not missing:
        servers.insert(0, dashboard_server(free_port(), cold=False, fill_delay=plan.fill_delay))
    for s in servers:
        s.start()
    dash = servers[0] if not missing else None
    base = servers[-1]
    started = time.monotonic()
    try:
        for s in servers:
            await s.wait_listening()
        for s in servers:
            await s.wait_idle(kernels=1, timeout=180)
        log(f"warm servers ready (kernels preheated) in {time.monotonic() - started:.1f} s")
        dash_visits: list[Visit] = []
        base_visits: list[Visit] = []
        dash_error = None
        # 1 + 3 + 4: warm time to interactive, A/B alternating, with the bytes of each visit
        for i in range(plan.warm_pairs):
            order = [("A", dash), ("B", base)] if i % 2 == 0 else [("B", base), ("A", dash)]
            for label, server in order:
                if server is None or (label == "A" and dash_error):
                    continue
                # the pool has refilled: one kernel per open visit plus the preheated one
                await server.wait_idle(kernels=1 if i == 0 else 2, timeout=180)
                ready, arg = (READY_DASHBOARD, 10) if label == "A" else (READY_BASELINE, None)
                keep = i == 0  # the first visit of each stays open: latency and kernel memory
                try:
                    v = await visit(browser, server.url, ready, arg, keep=keep)
                except Exception as exc:
                    if label == "A":
                        dash_error = f"the dashboard did not become interactive: {_short(exc)}; server log: {server.log_tail(2)}"
                        continue
                    raise
                (dash_visits if label == "A" else base_visits).append(v)
                log(f"warm {'dashboard' if label == 'A' else 'baseline'} visit {i + 1}: {v.tti_ms:.0f} ms, {_mb(v.bytes['total']):.2f} MB")
        if dash_error:
            _not_measured(rows, dash_error)
        tti = rows["dash.tti.warm"]
        tti.samples = [v.tti_ms for v in dash_visits]
        tti.baseline_samples = [v.tti_ms for v in base_visits]
        tti.baseline = _median(tti.baseline_samples)
        if tti.samples and tti.baseline:
            tti.met = tti.ratio <= 1.2
        for kind in ("total", "js", "widget_state", "chart_data", "other"):
            row = rows[f"dash.bytes.{kind}"]
            row.samples = [_mb(v.bytes[kind]) for v in dash_visits]
            row.baseline_samples = [_mb(v.bytes[kind]) for v in base_visits]
            row.baseline = _median(row.baseline_samples)
        total = rows["dash.bytes.total"]
        if total.samples:
            total.met = total.median < 3.0
            gz = _median([_mb(v.bytes["compressed_total"]) for v in dash_visits])
            gz_base = _median([_mb(v.bytes["compressed_total"]) for v in base_visits]) if base_visits else None
            total.note = (f"with gzip on HTTP and deflate on the websocket it would be ~{gz:.2f} MB"
                          + (f" (one-widget page ~{gz_base:.2f} MB)" if gz_base is not None else ""))
            total.extra["compressed_mb"] = gz
            js = rows["dash.bytes.js"]
            widget_js = _median([_mb(v.bytes["js_widget"]) for v in dash_visits])
            js.note = f"{widget_js:.2f} MB of it is widget JavaScript (_esm) sent over the websocket, the rest JS files"
            js.extra["widget_js_mb"] = widget_js
        # memory of the kernel behind each open first visit, after its first render
        base_first = base_visits[0] if base_visits else None
        dash_first = dash_visits[0] if dash_visits else None
        mem = rows["dash.memory.kernel"]
        if base_first:
            b = kernel_rss_mb(base, base_first.kernel_id)
            mem.baseline = b
        if dash_first:
            m = kernel_rss_mb(dash, dash_first.kernel_id)
            if m is not None:
                mem.samples = [m]
            else:
                mem.note = "not measured: the kernel of the visit was not found among the server's processes"
        # 2: interaction latency on the open pages, once the pools have refilled
        t_lat = time.monotonic()
        for server, first in ((dash, dash_first), (base, base_first)):
            if server is not None and first is not None:
                await server.wait_idle(kernels=1 if plan.fill_delay else 2, timeout=180)
        if base_first:
            base_lat = await baseline_clicks(base_first, plan.clicks)
        else:
            base_lat = []
        for key, _ in ACTIONS:
            p50, p95 = rows[f"dash.latency.{key}.p50"], rows[f"dash.latency.{key}.p95"]
            for row in (p50, p95):
                row.baseline_samples = base_lat
            p50.baseline = _median(base_lat)
            p95.baseline = percentile(base_lat, 95) if base_lat else None
        if dash_first:
            lat, kernel_ms = await latency_actions(dash_first, plan.clicks)
            for key, _ in ACTIONS:
                p50, p95 = rows[f"dash.latency.{key}.p50"], rows[f"dash.latency.{key}.p95"]
                result = lat.get(key)
                if isinstance(result, str):
                    p50.note = p95.note = result
                    continue
                p50.samples = list(result)
                p95.value = percentile(result, 95)
                p95.extra["samples"] = list(result)
                p50.note = f"the kernel's last message (its idle status) came {percentile(kernel_ms[key], 50):.0f} ms after the click (p50)"
                p95.note = f"n={len(result)}"
                p50.met = p50.median <= 150
                p95.met = p95.value <= 300
        log(f"latency measured in {time.monotonic() - t_lat:.1f} s")
        for v in (base_first, dash_first):
            if v is not None:
                await close_visit(v)
        # 4: concurrent visitors on the warm dashboard server as `coopmap serve` runs it
        if not plan.visitors:
            for key in ("dash.concurrency.ok", "dash.concurrency.tti_p95", "dash.concurrency.kernel"):
                rows[key].note = QUICK_SKIPS
        elif dash and not dash_error:
            await dash.wait_idle(kernels=1, timeout=180)
            t_conc = time.monotonic()
            await _concurrency(browser, dash, rows, plan, single_tti=_median(tti.samples), single_mem=mem.median)
            log(f"{plan.visitors} concurrent visitors in {time.monotonic() - t_conc:.1f} s")
    finally:
        stop_all(servers)


async def _visitor(browser: Any, server: Server) -> dict[str, Any]:
    """One of the concurrent visitors: open, then township → cooperative → language."""
    try:
        v = await visit(browser, server.url, READY_DASHBOARD, 10, keep=True, timeout_ms=CONCURRENT_TIMEOUT_MS)
    except Exception as exc:
        return {"ok": False, "error": _short(exc)}
    result: dict[str, Any] = {"ok": True, "tti_ms": v.tti_ms, "kernel_id": v.kernel_id, "visit": v}
    try:
        await _to_township(v, 1)
        await _to_coop(v, 0)
        await _switch_language(v, 0)
    except Exception as exc:
        result.update(ok=False, error=f"clicking through: {_short(exc)}")
    return result


async def _concurrency(browser: Any, server: Server, rows: dict[str, Row], plan: Plan, single_tti: float | None, single_mem: float | None) -> None:
    results = await asyncio.gather(*[_visitor(browser, server) for _ in range(plan.visitors)])
    ok = [r for r in results if r["ok"]]
    row = rows["dash.concurrency.ok"]
    row.value = float(len(ok))
    row.target = f"{plan.visitors}/{plan.visitors}"
    row.met = len(ok) == plan.visitors
    errors = sorted({r["error"] for r in results if not r["ok"]})
    row.note = f"{len(ok)} of {plan.visitors} visitors at once" + (f"; failures: {'; '.join(errors)[:200]}" if errors else "")
    t = rows["dash.concurrency.tti_p95"]
    ttis = [r["tti_ms"] for r in results if "tti_ms" in r]
    if ttis:
        t.value = percentile(ttis, 95)
        t.extra["samples"] = ttis
        t.baseline = single_tti
        from coopmap.server.config import DEFAULT_POOL_SIZE

        t.note = (f"{len(ttis)} visitors at once, pool of {DEFAULT_POOL_SIZE} preheated kernels (coopmap serve's default); "
                  "the others wait for kernels started on arrival")
    mems = [kernel_rss_mb(server, r.get("kernel_id")) for r in results if r.get("kernel_id")]
    mems = [m for m in mems if m is not None]
    k = rows["dash.concurrency.kernel"]
    if mems:
        k.samples = mems
        k.baseline = single_mem
    for r in results:
        if "visit" in r:
            await close_visit(r["visit"])


async def _cold(browser: Any, rows: dict[str, Row], plan: Plan, missing: str | None) -> None:
    servers = [baseline_server(free_port(), cold=True)]
    if not missing:
        servers.insert(0, dashboard_server(free_port(), cold=True))
    dash = servers[0] if not missing else None
    base = servers[-1]
    row = rows["dash.tti.cold"]
    for s in servers:
        s.start()
    try:
        for s in servers:
            await s.wait_listening()
            await s.wait_idle(kernels=0, timeout=60)
        for i in range(plan.cold_pairs):
            order = [("A", dash), ("B", base)] if i % 2 == 0 else [("B", base), ("A", dash)]
            for label, server in order:
                if server is None:
                    continue
                await server.wait_idle(kernels=0, timeout=60)
                ready, arg = (READY_DASHBOARD, 10) if label == "A" else (READY_BASELINE, None)
                try:
                    v = await visit(browser, server.url, ready, arg)
                except Exception as exc:
                    if label == "A":
                        row.note = f"not measured: {_short(exc)}"
                        dash = None
                        continue
                    raise
                (row.samples if label == "A" else row.baseline_samples).append(v.tti_ms)
                log(f"cold {'dashboard' if label == 'A' else 'baseline'} visit {i + 1}: {v.tti_ms:.0f} ms")
        row.baseline = _median(row.baseline_samples)
    finally:
        stop_all(servers)


def _median(values: list[float]) -> float | None:
    return percentile(values, 50) if values else None


if __name__ == "__main__":  # pragma: no cover - manual check: python benchmarks/dashboard.py [--quick]
    import sys

    from common import render_table

    print(render_table(run("--quick" in sys.argv)))
