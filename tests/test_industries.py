"""Industries one at a time: the 主导产业 filter finds every cooperative that lists an industry."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from coopmap import paths
from coopmap.app import App, AppData, Filters
from coopmap.app.parts import find_part
from coopmap.data.industries import industry_counts, industry_mask, split_industries


@pytest.mark.parametrize("cell, parts", [
    ("茶叶", ("茶叶",)),
    ("核桃、茶叶", ("核桃", "茶叶")),
    ("茶叶、核桃", ("茶叶", "核桃")),
    ("茶叶，核桃", ("茶叶", "核桃")),
    ("茶叶,核桃", ("茶叶", "核桃")),
    ("石斛/蔬菜", ("石斛", "蔬菜")),
    ("石斛 ／ 蔬菜", ("石斛", "蔬菜")),
    ("咖啡；乡村旅游;火腿", ("咖啡", "乡村旅游", "火腿")),
    ("茶叶 核桃", ("茶叶", "核桃")),
    (" 茶叶、、茶叶 ", ("茶叶",)),
    ("Yunnan tea、咖啡", ("Yunnan tea", "咖啡")),
    ("", ()),
    (None, ()),
    (float("nan"), ()),
])
def test_split_industries(cell, parts) -> None:
    assert split_industries(cell) == parts


def test_industry_mask_matches_any_listed_industry_in_any_order() -> None:
    cells = pd.Series(["核桃、茶叶", "茶叶", "茶叶，核桃", "咖啡", None, "乡村茶叶旅游"], index=[10, 11, 12, 13, 14, 15])
    assert list(industry_mask(cells, "茶叶")) == [True, True, True, False, False, False]
    assert list(industry_mask(cells, ["咖啡", "核桃"])) == [True, False, True, True, False, False]
    assert list(industry_mask(cells, "茶叶").index) == [10, 11, 12, 13, 14, 15]
    assert industry_counts(cells) == {"茶叶": 3, "核桃": 2, "咖啡": 1, "乡村茶叶旅游": 1}


def _sample_cells() -> dict[str, str]:
    """USCC → 主导产业 of the shipped sample CSV, read without coopmap."""
    with paths.SAMPLE_CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[1]  # row 0 is the title
    code, industry = header.index("统一社会信用代码"), header.index("主导产业")
    return {row[code]: row[industry] for row in rows[2:] if row and row[code]}


@pytest.fixture(scope="module")
def sample() -> AppData:
    return AppData.load(paths.SAMPLE_CSV)


def test_tea_finds_every_sample_cooperative_that_lists_tea(sample: AppData) -> None:
    cells = _sample_cells()
    tea = {code for code, cell in cells.items() if "茶叶" in cell.split("、")}
    alone = {code for code, cell in cells.items() if cell == "茶叶"}
    assert len(tea) > len(alone), "the sample lists tea together with other industries too"
    found = set(Filters(industry="茶叶").apply(sample.frame)["uscc"])
    assert found == tea


def test_industry_options_are_single_industries(sample: AppData) -> None:
    cells = _sample_cells()
    singles = {part for cell in cells.values() for part in cell.split("、")}
    assert set(sample.industries) == singles
    assert not any("、" in option for option in sample.industries)
    assert sample.industries[0] == "茶叶"  # listed most often
    app = App(sample)
    offered = [value for _, value in find_part(app.filters.widget, "cm-filter-industry").options if value]
    assert offered == list(sample.industries)
    find_part(app.filters.widget, "cm-filter-industry").value = "核桃"
    walnut = {code for code, cell in cells.items() if "核桃" in cell.split("、")}
    assert len(app.data.tables(app.state.filters).frame) == len(walnut)
    assert f"已筛选：{len(walnut)} 个合作社" in find_part(app.filters.widget, "cm-filter-summary").value


def test_industry_links_keep_working(sample: AppData) -> None:
    app = App(sample)
    app.open("industry=%E8%8C%B6%E5%8F%B6")  # 茶叶
    assert app.state.filters == Filters(industry="茶叶") and not app.state.notices
    assert "industry=%E8%8C%B6%E5%8F%B6" in app.state.query_string()
    app.open("industry=+%E8%8C%B6%E5%8F%B6+")  # spaces around it
    assert app.state.filters == Filters(industry="茶叶")
    # a link from when whole cells were offered: said so, not silently narrowed
    app.open("industry=%E6%A0%B8%E6%A1%83%E3%80%81%E8%8C%B6%E5%8F%B6")  # 核桃、茶叶
    assert app.state.filters == Filters()
    assert [n.key for n in app.state.notices] == ["app.notice.industry_several"]
    notices = find_part(app.notices.widget, "cm-notices").value
    assert "核桃、茶叶" in notices and "单一产业" in notices
    app.open("industry=%E7%8C%AB")  # 猫: no cooperative lists it
    assert app.state.filters == Filters()
    assert [n.key for n in app.state.notices] == ["app.notice.bad_param"]


def test_filters_set_from_code_with_several_industries_match_any_and_show(sample: AppData) -> None:
    cells = _sample_cells()
    app = App(sample)
    app.state.update(filters=Filters(industry="核桃、咖啡"))
    either = {code for code, cell in cells.items() if {"核桃", "咖啡"} & set(cell.split("、"))}
    assert set(app.data.tables(app.state.filters).frame["uscc"]) == either
    assert find_part(app.filters.widget, "cm-filter-industry").value == "核桃、咖啡"
