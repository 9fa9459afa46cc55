"""Hostile content and hostile links in headless Chromium: no script runs, nothing leaks.

``coopmap serve --registry`` on the hostile registry of ``tests/helpers/hostile.py`` (markup,
Vega expressions and formula starts in every name, industry, partner and chair; markup
in the file name). A visitor walks the overview, a township and hostile cooperatives'
profiles, hovers the map's tooltips and opens hostile links; ``coopmap meeting`` shows
every slide of the same registry. Throughout, ``window.__pwned`` stays undefined, no
dialog opens, and the payloads are on screen as literal text.

Then the server itself: links with unknown codes, path fragments, 10 kB values and
markup land on the overview with a notice, and requests for files outside the served
folders (``/voila/files/../../etc/passwd`` and friends, plain and percent-encoded) are
refused without serving anything or logging a traceback.
"""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlsplit

import pandas as pd
import pytest

from coopmap.data.industries import split_industries

from helpers.browser import LOAD_TIMEOUT_MS, MAP_SHAPES, MENGNUO, VILLAGE_TILES, Dashboard, start_dashboard
from helpers.hostile import IMG, SCRIPT, SVG, load_hostile

PWNED = "() => typeof window.__pwned"


def start(tmp_dir: Path, command: str, notebook: str, *extra: str) -> Dashboard:
    """Start ``coopmap <command> --no-browser --port <free> [extra]``; wait for its kernel pool."""
    return start_dashboard(tmp_dir, *extra, command=command, notebook=notebook, timeout=120)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    return load_hostile(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def server(hostile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    running = start(tmp_path_factory.mktemp("serve-hostile"), "serve", "longling.ipynb", "--registry", str(hostile[0]))
    yield running
    running.stop()


@pytest.fixture
def dialogs(page) -> list[str]:
    """Dialogs the page tried to open (each dismissed)."""
    seen: list[str] = []

    def dismiss(dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)
    return seen


def assert_unharmed(page, dialogs: list[str]) -> None:
    assert page.evaluate(PWNED) == "undefined", "a payload from the registry ran as script"
    assert not dialogs, f"dialogs opened: {dialogs}"
    app = page.locator(".cm-app")
    assert app.locator("img, script, iframe, object, embed").count() == 0
    assert app.locator("[onerror], [onload], [onclick]").count() == 0
    assert app.locator(".cm-tiles svg, .cm-coop svg[onload]").count() == 0


def goto(page, url: str) -> None:
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    page.locator(MAP_SHAPES).first.wait_for(timeout=LOAD_TIMEOUT_MS)


def test_hostile_registry_shows_as_text_and_runs_nothing(page, server, hostile, dialogs) -> None:
    frame = hostile[1]
    goto(page, server.url)
    assert_unharmed(page, dialogs)
    assert "hostile<img src=x onerror=window.__pwned=1>.xlsx" in page.locator(".cm-provenance").inner_text()

    # map and village grid tooltips
    shape = page.locator(f'{MAP_SHAPES}[aria-label*="勐糯镇"]')
    shape.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    assert "勐糯镇" in tooltip.inner_text()
    page.locator(VILLAGE_TILES).nth(3).hover()
    page.wait_for_timeout(200)
    assert_unharmed(page, dialogs)

    # a township: its union's name (a <script> payload) on its button, its table's names
    page.locator(".cm-picker select").select_option(label="勐糯镇")
    page.locator(".cm-township h2", has_text="勐糯镇").wait_for(state="visible")
    coops = frame[frame["township"] == MENGNUO]
    union = coops[coops["lead_level"] == "township"].iloc[0]
    button = page.locator(".cm-township .cm-union-name")
    assert button.inner_text().strip() == union["name"]
    assert union["partner"] in page.locator(".cm-township").inner_text()
    rows = page.locator(".cm-township .cm-row-name")
    rows.first.wait_for()
    names = set(coops["name"])
    assert rows.count() >= 3 and all(rows.nth(i).inner_text() in names for i in range(rows.count()))
    assert_unharmed(page, dialogs)

    # the union's profile: every text field as literal text; then its charts are drawn
    button.click()
    title = page.locator(".cm-coop .cm-coop-name")
    title.wait_for(state="visible")
    assert title.inner_text() == union["name"]
    profile = page.locator(".cm-coop").inner_text()
    for column in ("industry", "partner", "leader"):
        assert union[column] in profile, column
    assert union["name"] in page.locator(".cm-breadcrumb").inner_text()
    page.locator(".cm-coop .cm-comparison svg").first.wait_for()
    page.locator(".cm-coop .cm-comparison svg .role-mark.mark-rect path >> visible=true").first.hover()
    page.wait_for_timeout(200)
    assert_unharmed(page, dialogs)
    page.guard.assert_clean()


@pytest.mark.parametrize("payload", [IMG, SVG])
def test_deep_link_to_a_hostile_cooperative(page, server, hostile, dialogs, payload: str) -> None:
    frame = hostile[1]
    coop = frame[frame["name"].str.startswith(payload) & (frame["lead_level"] == "village")].iloc[0]
    page.goto(f"{server.url}?coop={coop['uscc']}", timeout=LOAD_TIMEOUT_MS)
    title = page.locator(".cm-coop .cm-coop-name")
    title.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    assert title.inner_text() == coop["name"]
    text = page.locator(".cm-coop").inner_text()
    for column in ("industry", "partner", "leader"):
        assert coop[column] in text, column
    # the filter lists the hostile industries as options; choosing one filters
    industry = page.locator(".cm-filters select").nth(3)
    industry.select_option(label=f"主导产业：{split_industries(coop['industry'])[0]}")  # one of the industries it lists
    page.locator(".cm-filter-summary .cm-badge").wait_for()
    page.wait_for_function("() => window.location.search.includes('industry=')")
    assert_unharmed(page, dialogs)
    page.guard.assert_clean()


# -- hostile links ---------------------------------------------------------------------------------
LINKS = [
    # (query, text the notice quotes)
    ("township=../../etc/passwd&coop=" + quote(SCRIPT) + "&lang=xx&level=%3Cb%3E&standardized=maybe",
     "../../etc/passwd"),
    ("township=%2e%2e%2f%2e%2e%2fetc%2fpasswd&township=530523103&" + quote('"><svg onload=alert(1)>') + "=1",
     "../../etc/passwd"),
    ("coop=" + "A" * 10_000 + "&industry=" + quote(IMG), "AAAAAAAAAA"),
]


@pytest.mark.parametrize("query, quoted", LINKS, ids=["path-and-markup", "encoded-and-repeated", "10kB"])
def test_hostile_link_lands_on_the_overview_with_a_notice(page, server, dialogs, query: str, quoted: str) -> None:
    page.goto(f"{server.url}?{query}", timeout=LOAD_TIMEOUT_MS)
    notice = page.locator(".cm-notice").first
    notice.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    notices = page.locator(".cm-notices").inner_text()
    assert quoted in notices
    assert page.locator(".cm-overview").is_visible() and page.locator(".cm-township").is_hidden()
    assert "Traceback" not in page.content() and "root:" not in page.content()
    assert_unharmed(page, dialogs)
    page.guard.assert_clean()


def test_server_log_has_no_traceback_after_the_links(server) -> None:
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log, server.log_tail(60)


# -- files outside the served folders ------------------------------------------------------------------
TRAVERSALS = [
    "/voila/files/../../etc/passwd",
    "/voila/files/../../../../../../etc/passwd",
    "/voila/files/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/voila/files/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/files//etc/passwd",
    "/voila/files/%2fetc%2fpasswd",
    "/voila/files/../pyproject.toml",
    "/voila/files/longling.ipynb",
    "/voila/static/../../../../../../etc/passwd",
    "/voila/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fapp%2fmain.py",
    "/voila/templates/lab/static/../../../../../../../etc/passwd",
    "/voila/templates/lab/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/labextensions/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/../../../../../../etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
]


def fetch(url: str, path: str, hops: int = 3) -> tuple[int, bytes, list[str]]:
    """GET ``path`` exactly as written (no client-side clean-up), following redirects on 127.0.0.1."""
    parts = urlsplit(url)
    seen = []
    for _ in range(hops):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        seen.append(f"{response.status} {path}")
        location = response.getheader("Location")
        if response.status in (301, 302, 303, 307, 308) and location:
            target = urlsplit(location)
            assert target.hostname in (None, "127.0.0.1", "localhost"), f"redirect off this machine: {location}"
            path = target.path + (f"?{target.query}" if target.query else "")
            continue
        return response.status, body, seen
    return response.status, body, seen


def test_no_file_outside_the_served_folders_is_served(server) -> None:
    before = len(server.log.read_text(errors="replace"))
    for path in TRAVERSALS:
        status, body, seen = fetch(server.url, path)
        assert status in (403, 404), f"{path}: {seen}"
        assert b"root:" not in body and b"[project]" not in body and b"def " not in body, path
    log = server.log.read_text(errors="replace")[before:]
    assert "Traceback" not in log, log[-3000:]
    # the folders still serve what they are for
    status, body, _ = fetch(server.url, "/voila/static/coopmap.css")
    assert status == 200 and b".cm-" in body


# -- the meeting slides (put into the page with innerHTML) --------------------------------------------------
@pytest.fixture(scope="module")
def meeting(hostile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    running = start(tmp_path_factory.mktemp("meeting-hostile"), "meeting", "meeting.ipynb",
                    "--registry", str(hostile[0]))
    yield running
    running.stop()


def test_meeting_slides_of_a_hostile_registry_run_nothing(page, meeting, hostile, dialogs) -> None:
    frame = hostile[1]
    page.goto(meeting.url, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(".cm-deck .cm-slide", timeout=LOAD_TIMEOUT_MS)
    count = int(page.locator(".cm-counter").inner_text().split("/")[1])
    seen = ""
    for i in range(count):
        seen += page.locator(".cm-deck-stage").inner_text()
        if i < count - 1:
            page.keyboard.press("ArrowRight")
            page.wait_for_function("n => document.querySelector('.cm-counter').textContent.startsWith(n + ' /')",
                                   arg=str(i + 2))
    page.locator(".cm-pick select").select_option(MENGNUO)
    page.wait_for_function(f"() => document.querySelector('.cm-deck').dataset.slide === 'township-{MENGNUO}'")
    seen += page.locator(".cm-deck-stage").inner_text()
    assert page.evaluate(PWNED) == "undefined" and not dialogs
    stage = page.locator(".cm-deck-stage")
    assert stage.locator("img, script, iframe, [onerror], [onload]").count() == 0
    union = frame[(frame["township"] == MENGNUO) & (frame["lead_level"] == "township")].iloc[0]["name"]
    assert union in seen and any(p in seen for p in (SCRIPT, IMG, SVG))
    page.guard.assert_clean()
