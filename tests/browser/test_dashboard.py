"""The dashboard in headless Chromium with the network cut: what an official does with it.

One walk through the views (overview → township → cooperative → back → English) on the
shipped data, a deep link, a bad link, and the real township boundaries from
``../shared`` when they are present. Screenshots of the shipped data go to
``tests/artifacts/screenshots`` (``make screenshots``: to ``docs/screenshots``, for the
README); never of the real boundaries: nothing derived from them is kept in the project.
"""

from __future__ import annotations

import re

import pytest

from coopmap import paths
from coopmap.data.registry import load_registry

from helpers.browser import LOAD_TIMEOUT_MS, MAP_SHAPES, MENGNUO, VILLAGE_TILES, click_inside, open_dashboard, shoot


@pytest.fixture(scope="module")
def sample():
    """The shipped illustrative registry."""
    return load_registry(paths.SAMPLE_XLSX).frame


def test_overview_to_township_to_cooperative_and_back(page, dashboard) -> None:
    open_dashboard(page, dashboard.url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=dashboard.url.rstrip("/"))

    # 1. the overview: provenance, tiles beside the published figures, map, grid
    header = page.locator(".cm-header")
    assert "示例数据" in header.inner_text() and "示意边界" in header.inner_text()
    tiles = page.locator(".cm-overview-tiles .cm-tile")
    assert tiles.count() >= 10
    assert "报告 98个" in page.locator(".cm-overview-tiles").inner_text()
    assert page.locator(".cm-overview-tiles .cm-tile-differs").count() >= 1  # 71.07% against 71.67%
    assert page.locator(MAP_SHAPES).count() == 10
    page.locator(VILLAGE_TILES).first.wait_for()
    assert page.locator(VILLAGE_TILES).count() == 121
    assert "示意边界" in page.locator(".cm-map").inner_text()
    shoot(page, "overview")

    # 2. a click on 勐糯镇 on the map opens the township
    click_inside(page, page.locator(f'{MAP_SHAPES}[aria-label*="勐糯镇"]'))
    heading = page.locator(".cm-township h2")
    heading.wait_for(state="visible")
    assert "勐糯镇" in heading.inner_text()
    assert page.locator(".cm-township .cm-chip").count() >= 6
    page.wait_for_function(f"() => window.location.search.includes('township={MENGNUO}')")
    shoot(page, "township")

    # 3. the table sorts (largest revenue first); a click on a cooperative opens its profile
    page.locator(".cm-township .cm-th", has_text="经营收入").click()
    page.locator(".cm-township .cm-th", has_text="▼").wait_for()
    first = page.locator(".cm-township .cm-row-name").first
    name = first.inner_text()
    first.click()
    title = page.locator(".cm-coop .cm-coop-name")
    title.wait_for(state="visible")
    assert title.inner_text() == name
    profile = page.locator(".cm-coop").inner_text()
    for label in ("统一社会信用代码", "领办层级", "成员数", "村集体增收", "合作企业", "年度"):
        assert label in profile
    page.locator(".cm-coop .cm-comparison svg").first.wait_for()
    page.locator(".cm-coop .cm-income svg").first.wait_for()
    page.wait_for_function("() => window.location.search.includes('coop=')")
    shoot(page, "cooperative")

    # the copy button copies this view's link
    page.locator(".cm-link-button").click()
    page.locator(".cm-link-status").filter(has_text=re.compile("链接已复制|http")).wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith(dashboard.url) and "coop=" in copied

    # 4. the breadcrumb goes back: township, then county
    crumbs = page.locator(".cm-breadcrumb .cm-crumb")
    assert "勐糯镇" in page.locator(".cm-breadcrumb").inner_text()
    crumbs.nth(1).click()
    heading.wait_for(state="visible")
    assert "勐糯镇" in heading.inner_text()
    crumbs.first.click()
    page.locator(".cm-overview").wait_for(state="visible")
    assert page.locator(".cm-township").is_hidden()

    # 5. English: labels, units and number formats change
    page.locator(".cm-lang button", has_text="English").click()
    page.locator(".cm-title", has_text="Party-led cooperatives of Longling County").wait_for()
    page.locator(".cm-overview-tiles", has_text="CNY 10k").wait_for()
    tiles_text = page.locator(".cm-overview-tiles").inner_text()
    assert "CNY 10k" in tiles_text and "万元" not in tiles_text
    assert "Longling County" in page.locator(".cm-breadcrumb").inner_text()
    page.locator(f'{MAP_SHAPES}[aria-label*="Mengnuo"]').wait_for()
    shoot(page, "english")
    page.guard.assert_clean()


def test_deep_link_opens_a_cooperative_directly(page, dashboard, sample) -> None:
    coop = sample[(sample["township"] == MENGNUO) & (sample["lead_level"] == "village")].iloc[0]
    page.goto(f"{dashboard.url}?coop={coop['uscc']}", timeout=LOAD_TIMEOUT_MS)
    title = page.locator(".cm-coop .cm-coop-name")
    title.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    assert title.inner_text() == coop["name"]
    assert "勐糯镇" in page.locator(".cm-breadcrumb").inner_text()
    assert page.locator(".cm-overview").is_hidden()
    page.locator(MAP_SHAPES).first.wait_for()
    page.guard.assert_clean()


def test_unknown_code_lands_on_the_overview_with_a_notice(page, dashboard) -> None:
    page.goto(f"{dashboard.url}?township=999999999&lang=en", timeout=LOAD_TIMEOUT_MS)
    notice = page.locator(".cm-notice")
    notice.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    assert "999999999" in notice.inner_text() and "county overview" in notice.inner_text()
    assert page.locator(".cm-overview").is_visible()
    assert "Traceback" not in page.content()
    page.guard.assert_clean()


def test_real_boundaries(page, real_dashboard) -> None:
    open_dashboard(page, real_dashboard.url)
    assert page.locator(MAP_SHAPES).count() == 10
    assert "正式边界" in page.locator(".cm-header").inner_text()
    assert "示意边界" not in page.locator(".cm-map").inner_text()
    click_inside(page, page.locator(f'{MAP_SHAPES}[aria-label*="龙山镇"]'))
    page.locator(".cm-township h2", has_text="龙山镇").wait_for(state="visible")
    page.guard.assert_clean()
