"""Browser Back and Forward in headless Chromium: each view is a history entry.

An official opens the overview, a township (its ranking bar) and a cooperative, then
goes Back and Forward with the browser; a link to a cooperative opens its profile
without an extra entry, and Back from a view opened there returns to the profile.
"""

from __future__ import annotations

import pytest

from coopmap import paths
from coopmap.data.registry import load_registry

from helpers.browser import LOAD_TIMEOUT_MS, MAP_SHAPES, MENGNUO, click_inside, open_dashboard, shoot

RANKING_BARS = ".cm-ranking svg .role-mark.mark-rect path"
TOWNSHIP_HEADING = ".cm-township h2"
COOP_NAME = ".cm-coop .cm-coop-name"


def search(page) -> str:
    return page.evaluate("() => window.location.search")


def entries(page) -> int:
    return page.evaluate("() => window.history.length")


def wait_for_search(page, expected: str) -> None:
    """Wait until the address bar's query is ``expected`` (``""``: none)."""
    page.wait_for_function("expected => window.location.search === expected", arg=expected)


@pytest.fixture(scope="module")
def sample():
    return load_registry(paths.SAMPLE_XLSX).frame


def test_back_and_forward_move_between_views(page, dashboard) -> None:
    open_dashboard(page, dashboard.url)
    overview = page.locator(".cm-overview")
    heading = page.locator(TOWNSHIP_HEADING)
    crumb = page.locator(".cm-breadcrumb")
    start = entries(page)
    assert search(page) == ""

    # overview → 勐糯镇 (its ranking bar) → its first cooperative
    click_inside(page, page.locator(f'{RANKING_BARS}[aria-label*="勐糯镇"]'))
    heading.filter(has_text="勐糯镇").wait_for(state="visible")
    wait_for_search(page, f"?township={MENGNUO}")
    first = page.locator(".cm-township .cm-row-name").first
    name = first.inner_text()
    first.click()
    page.locator(COOP_NAME, has_text=name).wait_for(state="visible")
    page.wait_for_function("() => window.location.search.startsWith('?coop=')")
    coop_search = search(page)
    assert entries(page) == start + 2, "a township and a cooperative: two history entries"

    # Back: the township again, as the breadcrumb and the address say
    page.go_back()
    wait_for_search(page, f"?township={MENGNUO}")
    heading.filter(has_text="勐糯镇").wait_for(state="visible")
    assert page.locator(".cm-coop").is_hidden() and overview.is_hidden()
    assert "勐糯镇" in crumb.inner_text() and name not in crumb.inner_text()
    shoot(page, "history-back-township")

    # Back: the overview; Forward: the township, then the cooperative
    page.go_back()
    wait_for_search(page, "")
    overview.wait_for(state="visible")
    assert heading.is_hidden() and "勐糯镇" not in crumb.inner_text()
    page.go_forward()
    wait_for_search(page, f"?township={MENGNUO}")
    heading.filter(has_text="勐糯镇").wait_for(state="visible")
    page.go_forward()
    wait_for_search(page, coop_search)
    page.locator(COOP_NAME, has_text=name).wait_for(state="visible")
    assert "勐糯镇" in crumb.inner_text() and name in crumb.inner_text()
    assert entries(page) == start + 2, "going back and forth added no entry"

    # English is not an entry: Back keeps it and shows the township in English
    page.locator(".cm-lang button", has_text="English").click()
    page.wait_for_function("() => window.location.search.includes('lang=en')")
    assert entries(page) == start + 2
    page.go_back()
    page.locator(TOWNSHIP_HEADING, has_text="Mengnuo").wait_for(state="visible")
    wait_for_search(page, f"?township={MENGNUO}&lang=en")
    assert "Longling County" in crumb.inner_text()
    page.guard.assert_clean()


def test_a_link_opens_its_view_and_back_returns_to_it(page, dashboard, sample) -> None:
    coop = sample[(sample["township"] == MENGNUO) & (sample["lead_level"] == "village")].iloc[0]
    before = entries(page)
    page.goto(f"{dashboard.url}?coop={coop['uscc']}", timeout=LOAD_TIMEOUT_MS)
    title = page.locator(COOP_NAME)
    title.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    page.locator(MAP_SHAPES).first.wait_for()
    assert title.inner_text() == coop["name"]
    assert search(page) == f"?coop={coop['uscc']}"
    loaded = entries(page)
    assert loaded <= before + 1, "opening the link added an entry of its own"

    # the breadcrumb's township is a new entry; Back returns to the profile of the link
    page.locator(".cm-breadcrumb .cm-crumb").nth(1).click()
    page.locator(TOWNSHIP_HEADING, has_text="勐糯镇").wait_for(state="visible")
    wait_for_search(page, f"?township={MENGNUO}")
    assert entries(page) == loaded + 1
    page.go_back()
    wait_for_search(page, f"?coop={coop['uscc']}")
    page.locator(COOP_NAME, has_text=coop["name"]).wait_for(state="visible")
    # the views switch in one kernel message, but the browser may draw it a frame later
    # (a one-shot is_hidden() failed once under load)
    page.locator(TOWNSHIP_HEADING).wait_for(state="hidden", timeout=10_000)
    shoot(page, "history-back-link")
    # the page still answers: the county crumb opens the overview
    page.locator(".cm-breadcrumb .cm-crumb").first.click()
    page.locator(".cm-overview").wait_for(state="visible")
    wait_for_search(page, "")
    page.guard.assert_clean()
