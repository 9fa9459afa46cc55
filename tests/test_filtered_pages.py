"""Under filters every sentence and rank is true of the filtered view and says it is filtered.

On the shipped sample: a union only filtered out is not "absent"; a township none of
whose cooperatives match has no data and no rank (not 全县第 1 位 among zeros); an
empty result says so; the map and the ranking draw such townships as no data.
Expected values are computed here from the registry frame, not taken from the app.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from coopmap import paths
from coopmap.app import App, AppData, Filters
from coopmap.app.parts import find_part
from coopmap.data.industries import split_industries
from coopmap.figures import tables


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture(scope="module")
def data() -> AppData:
    return AppData.load(paths.SAMPLE_CSV)


@pytest.fixture
def app(data: AppData) -> App:
    return App(data)


def _lists(frame: pd.DataFrame, industry: str) -> pd.Series:
    return frame["industry"].map(lambda cell: industry in split_industries(cell))


def _sparse_industry(data: AppData) -> tuple[str, set[str]]:
    """An industry listed in some townships but not all, and the townships that list it."""
    frame = data.frame
    for industry in reversed(data.industries):
        towns = set(frame.loc[_lists(frame, industry), "township"].astype(str))
        if 2 <= len(towns) <= 8:
            return industry, towns
    raise AssertionError("the sample has no industry found in only some townships")


def _spec(chart: Any) -> dict[str, Any]:
    return chart.chart.to_dict()


# -- ranks ------------------------------------------------------------------------------------
def test_township_ranks_leave_townships_without_data_unranked() -> None:
    table = pd.DataFrame({"code": list("abcde"), "name": list("abcde"), "coops": [3, 0, 3, 1, 2],
                          "coverage_pct": [50.0, 0.0, 50.0, np.nan, 10.0]})
    ranks = tables.township_ranks(table, "coverage_pct", no_data={"b"})
    assert ranks.to_dict() == {"a": 1, "b": None, "c": 1, "d": None, "e": 3}
    assert int(ranks.notna().sum()) == 3
    # without no_data the zero is ranked like any value
    assert tables.township_ranks(table, "coverage_pct")["b"] == 4


# -- the township page ------------------------------------------------------------------------
def test_a_union_filtered_out_is_not_said_to_be_missing(app: App, data: AppData) -> None:
    frame = data.frame
    code = str(frame.loc[frame["lead_level"] == "township", "township"].iloc[0])
    unions = int(((frame["township"] == code) & (frame["lead_level"] == "township")).sum())
    app.state.update(township=code)
    assert find_part(app.township.widget, "cm-union-name").layout.display != "none"
    app.state.update(filters=Filters(lead_level="village"))
    said = text(find_part(app.township.widget, "cm-union-info").value)
    assert "台账中本乡镇没有" not in said
    assert said == f"筛选后本乡镇没有乡镇领办的联合社（共有 {unions} 个联合社未显示）。"
    assert find_part(app.township.widget, "cm-union-name").layout.display == "none"
    app.state.update(lang="en")
    assert f"({unions} not shown)" in text(find_part(app.township.widget, "cm-union-info").value)


def test_a_township_without_matching_cooperatives_has_no_rank(app: App, data: AppData) -> None:
    industry, towns = _sparse_industry(data)
    frame = data.frame
    empty = next(c for c in data.township_codes if c not in towns)
    total = int((frame["township"] == empty).sum())
    app.state.update(metric="coops", filters=Filters(industry=industry), township=empty)
    heading = text(find_part(app.township.widget, "cm-township-heading").value)
    assert "全县第" not in heading and "位" not in heading.replace("单位", "")
    assert "合作社数：筛选后无数据" in heading
    assert f"筛选后无数据：本乡镇的 {total} 个合作社都不符合筛选条件（主导产业：{industry}）" in heading
    assert find_part(app.township.widget, "cm-township-tiles").value == ""  # no zeros standing for figures
    assert f"（筛选后 0/{total} 个）" in text(find_part(app.township.widget, "cm-township-table-title").value)
    app.state.update(lang="en")
    heading = text(find_part(app.township.widget, "cm-township-heading").value)
    assert "no data under the filters" in heading
    assert "ranked" not in heading


def test_a_township_with_matching_cooperatives_is_ranked_among_those_with_data(app: App, data: AppData) -> None:
    industry, towns = _sparse_industry(data)
    frame = data.frame
    counts = frame[_lists(frame, industry)].groupby(frame["township"].astype(str)).size()
    app.state.update(metric="coops", filters=Filters(industry=industry))
    for code in sorted(towns):
        app.state.update(township=code)
        rank = 1 + int((counts > counts[code]).sum())
        heading = text(find_part(app.township.widget, "cm-township-heading").value)
        assert f"合作社数 {counts[code]} 个 · 筛选后全县第 {rank} 位（{len(towns)} 个乡镇有数据）" in heading, heading
        total = int((frame["township"] == code).sum())
        assert (f"已筛选（主导产业：{industry}）：本页的数值、村覆盖情况和名录只含本乡镇符合条件的 "
                f"{counts[code]} 个合作社（共 {total} 个）") in heading
        share = 100.0 * counts[code] / counts.sum()
        tiles = text(find_part(app.township.widget, "cm-township-tiles").value)
        assert f"占筛选结果 {share:.1f}%" in tiles
        assert "占全县" not in tiles


def test_without_filters_the_rank_is_of_the_county(app: App, data: AppData) -> None:
    table = tables.township_table(data.frame)
    code = data.township_codes[0]
    rank = 1 + int((table["coops"] > table.set_index("code").at[code, "coops"]).sum())
    app.state.update(metric="coops", township=code)
    heading = find_part(app.township.widget, "cm-township-heading").value
    assert f"全县第 {rank} 位" in text(heading)
    assert "筛选" not in heading


# -- the map and the ranking ------------------------------------------------------------------
def test_map_and_ranking_draw_townships_without_matches_as_no_data(app: App, data: AppData) -> None:
    industry, towns = _sparse_industry(data)
    app.state.update(filters=Filters(industry=industry))
    spec = _spec(app.map.charts["map"].chart)
    shapes = spec["layer"][0]["data"]["values"]
    grey = {f["code"] for f in shapes if f["value"] is None}
    assert grey == set(data.township_codes) - towns
    assert all(f["value_text"] == "无数据" for f in shapes if f["code"] in grey)
    color = spec["layer"][0]["encoding"]["color"]
    assert color["value"] == "#dddddd" and color["condition"]["title"].endswith("（筛选后）")
    legends = [layer["encoding"]["fill"] for layer in spec["layer"] if "fill" in layer.get("encoding", {})]
    assert [legend["scale"]["domain"] for legend in legends] == [["无数据"]]
    hint = text(find_part(app.map.widget, "cm-hint").value)
    assert "灰色的" in hint and f"主导产业：{industry}" in hint

    app.overview.refresh_charts()
    ranking = _spec(app.overview.charts["ranking"].chart)
    values = ranking["datasets"][ranking["data"]["name"]]  # one row per township, in ranked order
    assert {r["code"] for r in values if r["value"] is None} == grey
    assert all(r["value_text"] == "无数据" for r in values if r["code"] in grey)
    assert {r["code"] for r in values[-len(grey):]} == grey  # listed last
    assert "（筛选后）" in text(find_part(app.overview.widget, "cm-ranking-title").value)


def test_unfiltered_map_has_no_no_data_entry(app: App) -> None:
    spec = _spec(app.map.charts["map"].chart)
    assert all(f["value"] is not None for f in spec["layer"][0]["data"]["values"])
    assert not any("fill" in layer.get("encoding", {}) for layer in spec["layer"])
    assert "筛选" not in find_part(app.map.widget, "cm-hint").value


def test_an_empty_result_says_so_everywhere(app: App, data: AppData) -> None:
    frame = data.frame
    combo = next(((level, industry) for industry in data.industries for level in ("township", "village", "group")
                  if not ((frame["lead_level"] == level) & _lists(frame, industry)).any()), None)
    assert combo is not None
    level, industry = combo
    app.state.update(filters=Filters(lead_level=level, industry=industry))
    assert data.tables(app.state.filters).frame.empty
    tiles = text(find_part(app.overview.widget, "cm-overview-tiles").value)
    assert tiles.startswith("筛选结果为空") and "全县没有合作社符合筛选条件" in tiles
    assert "cm-tile" not in find_part(app.overview.widget, "cm-overview-tiles").value
    assert "筛选结果为空" in text(find_part(app.filters.widget, "cm-filter-summary").value)
    assert "筛选结果为空" in text(find_part(app.map.widget, "cm-hint").value)
    spec = _spec(app.map.charts["map"].chart)
    assert all(f["value"] is None for f in spec["layer"][0]["data"]["values"])
    assert spec["layer"][0]["encoding"]["color"]["condition"]["legend"] is None  # no gradient of no values
    fill = next(layer["encoding"]["fill"] for layer in spec["layer"] if "fill" in layer.get("encoding", {}))
    assert fill["scale"]["domain"] == ["无数据"] and fill["legend"]["title"] == "筛选结果为空"
    app.state.update(township=data.township_codes[0])
    heading = text(find_part(app.township.widget, "cm-township-heading").value)
    assert "筛选后无数据" in heading and "位" not in heading


# -- downloads ------------------------------------------------------------------------------------
def test_downloads_say_which_files_are_filtered(app: App, data: AppData) -> None:
    industry, towns = _sparse_industry(data)
    app.state.update(filters=Filters(industry=industry))
    app.downloads.open()
    strip = text(" ".join(getattr(w, "value", "") for w in app.downloads.widget.children))
    assert "报告和表格包含本页的全部合作社，不受筛选影响。" in strip
    assert f"地图、排名和村级覆盖图是筛选后的结果（主导产业：{industry}），文件名注明“筛选后”。" in strip
    app.map.refresh()
    assert app.downloads.payload("chart-map-svg").name == "龙陵县党组织领办合作社_地图_筛选后.svg"
    app.state.update(filters=Filters())
    app.map.refresh()
    assert app.downloads.payload("chart-map-svg").name == "龙陵县党组织领办合作社_地图.svg"
    assert "筛选" not in " ".join(getattr(w, "value", "") for w in app.downloads.widget.children)


def test_the_reconciliation_says_it_ignores_the_filters(app: App) -> None:
    assert find_part(app.overview.footer, "cm-reconciliation").get_title(0) == "报告数与计算数核对"
    app.state.update(filters=Filters(lead_level="village"))
    assert find_part(app.overview.footer, "cm-reconciliation").get_title(0) == "报告数与计算数核对（按全部合作社计算，不受筛选影响）"
    app.state.update(lang="en")
    assert find_part(app.overview.footer, "cm-reconciliation").get_title(0).endswith("(all cooperatives, whatever the filters)")
    app.state.update(filters=Filters())
    assert find_part(app.overview.footer, "cm-reconciliation").get_title(0) == "Published and computed figures"


def test_villages_without_a_matching_cooperative_are_not_called_uncovered(app: App, data: AppData) -> None:
    industry, towns = _sparse_industry(data)
    code = sorted(towns)[0]
    app.state.update(township=code)
    assert "未覆盖" in text(find_part(app.township.widget, "cm-township-villages").value)  # unfiltered: the registry's own statement
    app.state.update(filters=Filters(industry=industry))
    villages = data.tables(app.state.filters).villages
    own = villages[villages["township"] == code]
    chips = find_part(app.township.widget, "cm-township-villages").value
    assert "未覆盖" not in text(chips) and 'title="未覆盖"' not in chips
    none = int((own["status"] == "none").sum())
    assert f"无符合筛选的合作社（{none}）" in text(chips)
    assert f"有符合筛选的村级或组级合作社（{int((own['status'] == 'coop').sum())}）" in text(chips)
    assert "（筛选后）" in text(find_part(app.township.widget, "cm-township-villages-title").value)
    app.state.update(township=None)
    app.overview.refresh_charts()
    color = _spec(app.overview.charts["villages"].chart)["encoding"]["color"]
    assert color["title"] == "覆盖情况（筛选后）"
    assert not any(label.startswith("未覆盖") for label in color["scale"]["domain"])
    assert any(label.startswith("无符合筛选的合作社") for label in color["scale"]["domain"])
