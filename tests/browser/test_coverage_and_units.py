"""What the dashboard states about coverage and membership, read off the page.

The overview's village grid shows as many 未覆盖 squares as the registry has villages
with no cooperative of their own and no record of one serving them (the summary's
count), and says so in its legend; a township union's profile counts its members as
member cooperatives (个), not people.
"""

from __future__ import annotations

import pytest

from coopmap import paths
from coopmap.data.registry import load_registry
from coopmap.figures import tables
from coopmap.presentation.village_charts import STATUS_COLORS

from helpers.browser import LOAD_TIMEOUT_MS, VILLAGE_TILES, screenshot

LEGEND_LABELS = ".cm-village-grid svg .role-legend-label text"


@pytest.fixture(scope="module")
def sample():
    return load_registry(paths.SAMPLE_XLSX).frame


@pytest.fixture(scope="module")
def counts(sample) -> dict[str, int]:
    return tables.village_status_counts(tables.village_table(sample))


def _open(page, url: str, ready: str) -> None:
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    page.locator(ready).first.wait_for(timeout=LOAD_TIMEOUT_MS)


def test_the_village_grid_shows_the_uncovered_villages(page, dashboard, counts) -> None:
    _open(page, dashboard.url, VILLAGE_TILES)
    tiles = page.locator(VILLAGE_TILES)
    assert tiles.count() == 121
    fills = tiles.evaluate_all("els => els.map(e => (e.getAttribute('fill') || '').toLowerCase())")
    grey, pink = STATUS_COLORS["none"].lower(), STATUS_COLORS["reached"].lower()
    assert counts["none"] == 33 and counts["reached"] == 2  # the sample records only 坡头's reach
    assert fills.count(grey) == counts["none"]
    assert fills.count(pink) == counts["reached"]
    legend = page.locator(LEGEND_LABELS).evaluate_all("els => els.map(e => e.textContent)")  # SVG text
    assert f"未覆盖（{counts['none']}）" in legend
    assert f"由外村或联合社的合作社服务（{counts['reached']}）" in legend
    page.locator(".cm-village-grid").scroll_into_view_if_needed()
    screenshot(page, "coverage-grid")
    page.guard.assert_clean()


@pytest.mark.parametrize("lang, label, unit, wrong", [
    ("zh", "成员合作社", "个", "人"),
    ("en", "Member cooperatives", "member cooperatives", "people"),
])
def test_a_union_profile_counts_member_cooperatives(page, dashboard, sample, lang, label, unit, wrong) -> None:
    union = sample[sample["lead_level"] == "township"].iloc[0]
    _open(page, f"{dashboard.url}?coop={union['uscc']}&lang={lang}", ".cm-tiles-coop .cm-tile")
    tile = page.locator(".cm-tiles-coop .cm-tile", has=page.locator(".cm-tile-label", has_text=label))
    assert tile.count() == 1
    assert tile.locator(".cm-tile-number").inner_text() == str(int(union["members"]))
    assert tile.locator(".cm-tile-unit").inner_text() == unit
    assert wrong not in tile.inner_text()
    screenshot(page, f"union-profile-{lang}")
    page.guard.assert_clean()


def test_the_township_table_counts_a_unions_members_as_cooperatives(page, dashboard, sample) -> None:
    union = sample[sample["lead_level"] == "township"].iloc[0]
    _open(page, f"{dashboard.url}?township={union['township']}", ".cm-township .cm-grid tbody tr")
    row = page.locator(".cm-township .cm-grid tbody tr", has=page.locator(f'[data-uscc="{union["uscc"]}"]'))
    assert row.locator(".cm-col-members").inner_text() == f"{int(union['members'])} 个"
    others = page.locator(".cm-township .cm-grid tbody tr .cm-col-members").all_inner_texts()
    assert sum(text.endswith("人") for text in others) == len(others) - 1
    page.guard.assert_clean()
