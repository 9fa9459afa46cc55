"""Figure tiles (coopmap.presentation.tiles): one markup for every surface, one way to show a briefing's programme figures."""

from __future__ import annotations

from coopmap.presentation.briefing import FigureView
from coopmap.presentation.tiles import TileStyle, programme_tiles

STYLE = TileStyle("t", "d", "l", "v", "f")
FIGURES = [
    FigureView("coops_total", "合作社数", "98个", "98个", "match"),
    FigureView("village_coverage_pct", "行政村覆盖率", "71.07%", "71.67%", "differs"),
]


def test_programme_tiles_show_the_computed_value_large_and_the_published_beneath() -> None:
    tiles = programme_tiles(FIGURES, "zh", style=STYLE, mark="<i>示例</i>")
    assert tiles == [
        '<div class="t"><div class="l">合作社数</div><div class="v">98个<i>示例</i></div><div class="f">报告：98个</div></div>',
        '<div class="t d"><div class="l">行政村覆盖率</div><div class="v">71.07%<i>示例</i></div>'
        '<div class="f">报告：71.67%</div></div>',
    ]
    english = programme_tiles(FIGURES[1:], "en", style=STYLE)
    assert english == ['<div class="t d"><div class="l">行政村覆盖率</div><div class="v">71.07%</div>'
                       '<div class="f">Published: 71.67%</div></div>']
