"""The 示例 mark sits beside the value computed from the illustrative sample, never beside a published figure.

Tiles pair a computed value with the published one (the dashboard's overview, the
report, the meeting's figures and case slides); only the computed one is illustrative.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from coopmap import paths
from coopmap.app import App, AppData
from coopmap.app.parts import find_part
from coopmap.data.registry import load_registry
from coopmap.meeting import core_slides
from coopmap.outputs.report import render_html
from coopmap.presentation.briefing import Briefing

NOW = dt.datetime(2025, 3, 4, 9, 30)


def _divs(html: str, css: str) -> list[str]:
    """Inner HTML of every ``<div class="{css}">`` (these divs hold no nested div)."""
    return re.findall(rf'<div class="{re.escape(css)}">(.*?)</div>', html, flags=re.S)


def _tiles(html: str, css: str) -> list[str]:
    """Each tile's HTML: the text from one ``<div class="{css}`` to the next."""
    start = rf'<div class="{re.escape(css)}[ "]'
    return [part for part in re.split(f"(?={start})", html) if re.match(start, part)]


@pytest.fixture(scope="module")
def sample_app() -> App:
    data = AppData.load(paths.SAMPLE_CSV)
    assert data.illustrative
    return App(data)


def test_overview_tiles_mark_the_computed_value_not_the_published_one(sample_app: App) -> None:
    tiles = _tiles(find_part(sample_app.overview.widget, "cm-overview-tiles").value, "cm-tile")
    assert len(tiles) >= 10
    for tile in tiles:
        value, = _divs(tile, "cm-tile-value")
        assert "cm-badge sample" in value and ">示例<" in value, tile
        for foot in _divs(tile, "cm-tile-foot"):
            assert "示例" not in foot, tile
    first = tiles[0]
    assert "报告 98个" in _divs(first, "cm-tile-foot")[0]
    assert first.index(">示例<") < first.index("报告 98个")


def test_township_tiles_mark_their_values(sample_app: App) -> None:
    sample_app.state.update(township="530523103")
    for tile in _tiles(find_part(sample_app.township.widget, "cm-township-tiles").value, "cm-tile"):
        value, = _divs(tile, "cm-tile-value")
        assert ">示例<" in value
        assert all("示例" not in foot for foot in _divs(tile, "cm-tile-foot"))


def test_a_profile_marks_the_values_it_has_not_the_ones_left_blank(sample_app: App) -> None:
    frame = sample_app.data.frame
    blank = frame[frame["sales"].isna()].iloc[0]  # 带动农产品销售额 is optional; the sample leaves some out
    sample_app.state.update(township=blank["township"], coop=blank["uscc"])
    tiles = _tiles(find_part(sample_app.coop.widget, "cm-coop-tiles").value, "cm-tile")
    marked = {">示例<" in _divs(tile, "cm-tile-value")[0] for tile in tiles}
    assert marked == {True, False}
    for tile in tiles:
        value, = _divs(tile, "cm-tile-value")
        assert (">示例<" in value) == ("—" not in value), tile  # nothing is there to mark


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return Briefing.from_registry(load_registry(paths.SAMPLE_XLSX), now=NOW)


def test_report_tiles_mark_the_computed_value(briefing: Briefing) -> None:
    page = render_html(briefing)
    tiles = _tiles(page, "tile")
    assert len(tiles) == len(briefing.programme_figures())
    for tile in tiles:
        value, = _divs(tile, "value")
        published, = _divs(tile, "published")
        assert '<span class="sample">示例</span>' in value
        assert "示例" not in published and published.startswith("报告：")
    # the tables pairing published and computed name the computed column as the sample's
    assert "<th class=num>台账（示例）</th>" in page


def test_report_of_a_real_registry_has_no_marks(tmp_path, briefing: Briefing) -> None:
    from dataclasses import replace

    real = Briefing(briefing.frame, replace(briefing.provenance, illustrative=False), briefing.boundaries)
    page = render_html(real)
    assert all("示例" not in _divs(tile, "value")[0] for tile in _tiles(page, "tile"))
    assert "台账（示例）" not in page


def test_slides_mark_the_registry_values(briefing: Briefing) -> None:
    slides = {s.id: s for s in core_slides(briefing)}
    figures = _tiles(slides["figures"].html, "cm-tile")
    assert figures
    for tile in figures:
        value, = _divs(tile, "cm-tile-value")
        foot, = _divs(tile, "cm-tile-foot")
        assert '<span class="cm-sample-mark">示例</span>' in value
        assert "示例" not in foot and foot.startswith("报告：")
    # a case slide shows the published figure large and the registry's value beneath: the mark goes beneath
    case = _tiles(slides["case-potou_ham"].html, "cm-tile")
    with_registry = [tile for tile in case if _divs(tile, "cm-tile-foot")]
    assert with_registry
    for tile in case:
        assert "示例" not in _divs(tile, "cm-tile-value")[0]
    for tile in with_registry:
        assert '<span class="cm-sample-mark">示例</span>' in _divs(tile, "cm-tile-foot")[0]
    assert "台账（示例）" in slides["reconciliation"].html
