"""Statements that must be true on screen: 示例 beside the computed value, and filtered pages.

On the shipped data in headless Chromium: each overview tile's 示例 badge sits on the
line of its computed value (not after the published figure); with an industry filter
that leaves townships without a matching cooperative, the map draws them grey with a
无数据 legend entry, and such a township's page says 筛选后无数据 instead of a rank.
"""

from __future__ import annotations

import pytest

from coopmap import paths
from coopmap.data.divisions import load_divisions
from coopmap.data.industries import split_industries
from coopmap.data.registry import load_registry

from helpers.browser import MAP_SHAPES, click_inside, open_dashboard, shoot

MISSING_FILL = "#dddddd"


@pytest.fixture(scope="module")
def sparse():
    """An industry of the shipped data listed in only some townships, those townships, and one without it."""
    frame = load_registry(paths.SAMPLE_XLSX).frame
    names = dict(zip(load_divisions().townships["code"], load_divisions().townships["name"]))
    counts: dict[str, set[str]] = {}
    for cell, town in zip(frame["industry"], frame["township"].astype(str)):
        for industry in split_industries(cell):
            counts.setdefault(industry, set()).add(town)
    industry = next(i for i, towns in sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0])) if 2 <= len(towns) <= 8)
    towns = counts[industry]
    empty = next(code for code in names if code not in towns)
    return industry, towns, names[empty], names


def test_sample_badge_sits_beside_the_computed_value(page, dashboard) -> None:
    open_dashboard(page, dashboard.url)
    tiles = page.locator(".cm-overview-tiles .cm-tile")
    n = tiles.count()
    assert n >= 10
    assert page.locator(".cm-overview-tiles .cm-tile-value .cm-badge.sample").count() == n
    assert page.locator(".cm-overview-tiles .cm-tile-foot .cm-badge").count() == 0
    first = tiles.first
    assert "报告 98个" in first.locator(".cm-tile-foot").inner_text()
    number = first.locator(".cm-tile-number").bounding_box()
    badge = first.locator(".cm-tile-value .cm-badge.sample").bounding_box()
    foot = first.locator(".cm-tile-foot").bounding_box()
    assert badge["x"] > number["x"] + number["width"] - 1, "the badge follows the number"
    assert badge["y"] < number["y"] + number["height"] and badge["y"] + badge["height"] > number["y"], "on its line"
    assert badge["y"] + badge["height"] <= foot["y"] + 1, "above the published figure, not after it"
    page.guard.assert_clean()


def test_filter_leaving_townships_empty_draws_them_as_no_data(page, dashboard, sparse) -> None:
    industry, towns, empty_name, names = sparse
    open_dashboard(page, dashboard.url)
    page.locator(".cm-filters select").nth(3).select_option(label=f"主导产业：{industry}")
    page.wait_for_function("() => window.location.search.includes('industry=')")
    hint = page.locator(".cm-map-panel .cm-filter-note")
    hint.wait_for()
    assert f"主导产业：{industry}" in hint.inner_text() and f"灰色的 {10 - len(towns)} 个乡镇" in hint.inner_text()

    # the map: every township without the industry is grey, and the legend says why
    shape = page.locator(f'{MAP_SHAPES}[aria-label*="{empty_name}"]')
    page.wait_for_function(
        "([sel, fill]) => { const el = document.querySelector(sel); return el && el.getAttribute('fill') === fill; }",
        arg=[f'{MAP_SHAPES}[aria-label*="{empty_name}"]', MISSING_FILL])
    for code, name in names.items():
        fill = page.locator(f'{MAP_SHAPES}[aria-label*="{name}"]').get_attribute("fill")
        assert (fill == MISSING_FILL) == (code not in towns), (name, fill)
    legend = page.locator(".cm-map svg .role-legend-label text").all_text_contents()
    assert "无数据" in legend
    titles = page.locator(".cm-map svg .role-legend-title text").all_text_contents()
    assert any(title.endswith("（筛选后）") for title in titles), titles
    assert "无数据" in (shape.get_attribute("aria-label") or "")
    # the ranking lists them last, as 无数据
    ranking = page.locator(".cm-ranking svg").first
    ranking.wait_for()
    assert page.locator(".cm-overview h3", has_text="乡镇排名（筛选后）").count() == 1
    shoot(page, "filtered-overview")

    # the township's page: no rank, it says it has no data under the filters
    click_inside(page, shape)
    heading = page.locator(".cm-township h2")
    heading.wait_for(state="visible")
    assert empty_name in heading.inner_text()
    page_text = page.locator(".cm-township").inner_text()
    assert "筛选后无数据" in page_text and f"主导产业：{industry}" in page_text
    assert "全县第" not in page_text
    assert "筛选后 0/" in page_text
    shoot(page, "filtered-township")
    page.guard.assert_clean()
