"""The dashboard app driven without a browser: set widget values, read what the views show.

A small registry (two townships: a union with members in 碧寨乡, village and group
cooperatives in 勐糯镇) on the schematic boundaries keeps each test quick.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from coopmap.app import App, AppData, Filters
from coopmap.app.parts import find_part
from coopmap.app.state import Notice
from coopmap.data import uscc
from coopmap.data.divisions import load_divisions
from coopmap.data.registry import load_registry
from coopmap.data.schema import COLUMNS
from coopmap.figures import catalog
from coopmap.geo.schematic import schematic_townships

from helpers import HEADER, coop_row, write_csv

BIZHAI, MENGNUO = "530523203", "530523103"
EXTRA = ["合作企业", "所属联合社", "租金（万元）", "薪金（万元）", "分红（万元）", "佣金（万元）", "农资销售（万元）", "理事长"]
UNION = uscc.make("530523", 900)
HOSTILE = '<script>alert("x")</script>合作社'


def _rows() -> list[dict[str, object]]:
    rows = [
        coop_row(900, **{"合作社名称": "龙陵县碧寨乡火腿专业合作社联合社", "领办层级": "乡镇", "村（社区）": "",
                         "合作企业": "龙陵某火腿有限公司", "成员数": "30", "经营收入（万元）": "80"}),
        coop_row(901, **{"合作社名称": "龙陵县碧寨乡坡头村火腿专业合作社", "村（社区）": "坡头村", "所属联合社": UNION,
                         "合作企业": "龙陵某火腿有限公司", "租金（万元）": "12.5", "薪金（万元）": "30", "分红（万元）": "8",
                         "佣金（万元）": "2", "农资销售（万元）": "1.5", "成员数": "40", "经营收入（万元）": "60", "理事长": "李某"}),
        coop_row(902, **{"合作社名称": "龙陵县碧寨乡中寨村茶叶专业合作社", "村（社区）": "中寨村", "所属联合社": UNION,
                         "主导产业": "茶叶", "组建方式": "改造提升", "规范运行": "否", "成员数": "9", "经营收入（万元）": "5"}),
        coop_row(903, **{"合作社名称": "龙陵县碧寨乡碧寨村蔬菜专业合作社", "村（社区）": "碧寨村", "所属联合社": UNION,
                         "主导产业": "蔬菜", "成员数": "15", "经营收入（万元）": "20"}),
        coop_row(904, **{"合作社名称": "龙陵县勐糯镇田坡社区褚橙种植专业合作社", "乡镇": "勐糯镇", "村（社区）": "田坡社区",
                         "主导产业": "褚橙", "成员数": "335", "经营收入（万元）": "500"}),
        coop_row(905, **{"合作社名称": "龙陵县勐糯镇丛岗村松坡红白理事公益服务专业合作社", "乡镇": "勐糯镇",
                         "领办层级": "村民小组", "村（社区）": "丛岗村", "村民小组": "松坡村民小组",
                         "主导产业": "公益服务", "书记兼任理事长": "否", "成员数": "72", "经营收入（万元）": "1.2"}),
        coop_row(906, **{"合作社名称": HOSTILE, "乡镇": "勐糯镇", "村（社区）": "丛岗村", "主导产业": "甘蔗",
                         "成员数": "20", "经营收入（万元）": "7"}),
    ]
    return rows


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> AppData:
    path = write_csv(tmp_path_factory.mktemp("registry") / "registry.csv", _rows(),
                     title="龙陵县党组织领办合作社台账（测试）", header=HEADER + EXTRA)
    loaded = load_registry(path)
    assert loaded.report.rejected == 0, loaded.report.errors
    towns = schematic_townships()
    return AppData(frame=loaded.frame, divisions=load_divisions(), boundaries=towns, schematic=True,
                   boundaries_source=towns.attrs["source"], registry_source=str(path), illustrative=False,
                   title=loaded.report.title, report=loaded.report,
                   file_date=dt.date.fromtimestamp(path.stat().st_mtime))


@pytest.fixture
def app(data: AppData) -> App:
    return App(data)


def text(html: str) -> str:
    """Visible text of an HTML fragment."""
    return re.sub(r"<[^>]+>", " ", html)


def click_map(app: App, code: str) -> None:
    """What the browser sends when a township shape is clicked."""
    app.map.charts["map"].chart._vl_selections = {"township": {"value": {"vlPoint": {"or": [{"code": code}]}}, "store": []}}


# -- overview -------------------------------------------------------------------------------
def test_overview_tiles_show_computed_beside_published_and_mark_differences(app: App) -> None:
    tiles = text(find_part(app.overview.widget, "cm-overview-tiles").value)
    assert "党组织领办合作社" in tiles
    assert re.search(r"\b7\b", tiles), "7 cooperatives in the fixture"
    assert "报告 98个" in tiles
    assert "与报告数不同" in tiles
    assert "乡镇领办 1" in tiles and "村民小组领办 1" in tiles


def test_provenance_names_registry_and_schematic_boundaries(app: App, data: AppData) -> None:
    line = text(find_part(app.header.widget, "cm-provenance").value)
    assert Path(data.registry_source).name in line
    assert "示意边界" in line
    assert "示例数据" not in line  # this registry is not the illustrative sample


def test_provenance_marks_illustrative_data(data: AppData) -> None:
    sample = App(data.with_frame(data.frame))
    sample.data.illustrative = True
    sample.header.refresh()
    assert "示例数据" in text(find_part(sample.header.widget, "cm-provenance").value)


def test_reconciliation_lists_every_published_figure(app: App, data: AppData) -> None:
    table = find_part(app.overview.footer, "cm-reconciliation-table").value
    assert table.count("<tr") == len(data.reported) + 1
    assert "71.67%" in table


def test_overview_draws_map_ranking_and_village_grid(app: App) -> None:
    spec = app.map.charts["map"].chart.spec
    assert spec is not None and "township" in app.map.charts["map"].chart._vl_selections
    assert app.overview.charts["ranking"].chart is not None
    grid = app.overview.charts["villages"].chart.spec
    village_rows = [d for d in grid["datasets"].values() if isinstance(d, list) and d and "status" in d[0]]
    assert len(village_rows[0]) == 121


# -- township view ----------------------------------------------------------------------------
def test_clicking_a_township_on_the_map_opens_its_view(app: App) -> None:
    click_map(app, BIZHAI)
    assert app.view == "township"
    assert "碧寨乡" in text(find_part(app.township.widget, "cm-township-heading").value)
    assert app.township.widget.layout.display is None
    assert app.overview.widget.layout.display == "none"
    assert len(app.township.table.matching) == 4
    assert "township=530523203" in find_part(app.header.widget, "cm-link").query


def test_township_view_shows_villages_union_and_members(app: App) -> None:
    find_part(app.map.widget, "cm-picker").value = BIZHAI
    chips = find_part(app.township.widget, "cm-township-villages").value
    assert chips.count('cm-chip cm-v-coop"') == 3  # 坡头, 中寨, 碧寨
    # the union reaches no village the registry does not name: the rest are not covered (未覆盖)
    assert chips.count('cm-chip cm-v-none"') == 12 - 3 and "cm-v-reached" not in chips.split("cm-chip-legend")[0]
    union = find_part(app.township.widget, "cm-union-name")
    assert union.description == "龙陵县碧寨乡火腿专业合作社联合社"
    info = find_part(app.township.widget, "cm-union-info")
    assert "成员合作社 3 个" in text(info.value)
    names = ("龙陵县碧寨乡坡头村火腿专业合作社", "龙陵县碧寨乡中寨村茶叶专业合作社", "龙陵县碧寨乡碧寨村蔬菜专业合作社")
    listed = re.search(r'<div class="cm-member-list">(.*?)</div>', info.value).group(1)
    assert sorted(listed.split("、")) == sorted(names)
    app.state.update(lang="en")  # names that may hold commas: one per "; "
    listed = re.search(r'<div class="cm-member-list">(.*?)</div>', info.value).group(1)
    assert sorted(listed.split("; ")) == sorted(names)
    app.state.update(lang="zh")
    union.click()
    assert app.view == "coop" and app.state.coop == UNION
    assert sorted(app.coop.members.matching) == sorted(uscc.make("530523", s) for s in (901, 902, 903))


def test_ranking_click_opens_the_township_and_map_follows(app: App) -> None:
    app.overview.charts["ranking"].chart._vl_selections = {"township": {"value": {"vlPoint": {"or": [{"code": MENGNUO}]}}, "store": []}}
    assert app.state.township == MENGNUO
    assert app.map.charts["map"].key[-1] == MENGNUO  # the map redrawn with 勐糯镇 outlined


def test_coop_table_searches_and_sorts(app: App) -> None:
    app.state.update(township=BIZHAI)
    table = app.township.table
    table.search = "茶叶"
    assert table.visible == [uscc.make("530523", 902)]
    assert table.widget.rows[0]["cells"][2] == "茶叶"
    table.search = ""
    table.sort_by("members")
    assert table.visible[0] == uscc.make("530523", 901)  # 40 members, the most
    table.sort_by("members")
    assert table.visible[0] == uscc.make("530523", 902)  # 9 members, reversed
    assert table.header("members") == "成员 ▲"
    assert table.widget.sort == {"column": "members", "descending": False}


# -- cooperative profile ----------------------------------------------------------------------
def test_clicking_a_cooperative_opens_its_profile_with_every_field(app: App) -> None:
    app.state.update(township=BIZHAI)
    target = uscc.make("530523", 901)
    app.township.table.click(target)
    assert app.view == "coop"
    heading = text(find_part(app.coop.widget, "cm-coop-heading").value)
    assert "坡头村火腿专业合作社" in heading and target in heading
    for word in ("村级领办", "新组建", "规范运行", "书记兼任理事长"):
        assert word in heading
    fields = text(find_part(app.coop.widget, "cm-coop-fields").value)
    for col in COLUMNS:
        assert col.header.split("（")[0] in fields
    assert "龙陵某火腿有限公司" in text(find_part(app.coop.widget, "cm-coop-partner").value)
    assert find_part(app.coop.widget, "cm-union-name").description == "龙陵县碧寨乡火腿专业合作社联合社"
    income = app.coop.charts["income"].chart.spec
    assert "12.5 万元" in str(income)
    comparison = app.coop.charts["comparison"].chart.spec
    assert "乡镇中位数" in str(comparison)


def test_breadcrumb_goes_back(app: App) -> None:
    app.state.update(coop=uscc.make("530523", 904))
    assert find_part(app.breadcrumb.widget, "cm-crumb-township").description == "勐糯镇"
    assert "田坡社区褚橙" in find_part(app.breadcrumb.widget, "cm-crumb-current").value
    find_part(app.breadcrumb.widget, "cm-crumb-township").click()
    assert app.view == "township" and app.state.township == MENGNUO
    find_part(app.breadcrumb.widget, "cm-crumb-county").click()
    assert app.view == "overview"


def test_names_from_the_registry_are_escaped(app: App) -> None:
    hostile = uscc.make("530523", 906)
    app.state.update(coop=hostile)
    heading = find_part(app.coop.widget, "cm-coop-heading").value
    assert "<script>" not in heading
    assert "&lt;script&gt;" in heading
    app.state.update(township=MENGNUO)
    # the table is drawn with textContent: the name travels as text and shows as text
    assert HOSTILE in [row["name"] for row in app.township.table.widget.rows]


# -- filters and language -----------------------------------------------------------------------
def test_filters_hold_across_views_and_go_into_the_link(app: App) -> None:
    find_part(app.filters.widget, "cm-filter-lead-level").value = "village"
    assert app.state.filters == Filters(lead_level="village")
    tiles = text(find_part(app.overview.widget, "cm-overview-tiles").value)
    assert "已筛选" in tiles and "报告 98" not in tiles
    click_map(app, BIZHAI)
    assert len(app.township.table.matching) == 3  # the union is township-led
    assert "level=village" in find_part(app.header.widget, "cm-link").query
    find_part(app.filters.widget, "cm-filter-clear").click()
    assert not app.state.filters.active
    assert len(app.township.table.matching) == 4


def test_language_switch_changes_labels_units_and_numbers(app: App) -> None:
    find_part(app.header.widget, "cm-lang").value = "en"
    assert "Party-led cooperatives of Longling County" in find_part(app.header.widget, "cm-title").value
    tiles = text(find_part(app.overview.widget, "cm-overview-tiles").value)
    assert "CNY 10k" in tiles and "万元" not in tiles
    assert find_part(app.breadcrumb.widget, "cm-crumb-county").description == "Longling County"
    assert find_part(app.filters.widget, "cm-filter-lead-level").options[0][0] == "Led by: All"
    app.state.update(coop=uscc.make("530523", 901))
    fields = text(find_part(app.coop.widget, "cm-coop-fields").value)
    assert "Land transferred" in fields and "mu" in fields
    assert "Land rent" in str(app.coop.charts["income"].chart.spec)
    assert "lang=en" in find_part(app.header.widget, "cm-link").query


def test_each_language_keeps_its_chart_widget_and_switching_back_sends_nothing(app: App) -> None:
    zh_widget = app.map.charts["map"].chart
    first = zh_widget.chart
    app.state.update(lang="en")
    en_widget = app.map.charts["map"].chart
    assert en_widget is not zh_widget and "Mengnuo" in str(en_widget.spec)
    assert zh_widget.layout.display == "none" and en_widget.layout.display is None
    sent: list[object] = []
    zh_widget.observe(sent.append, "spec")
    en_widget.observe(sent.append, "spec")
    app.state.update(lang="zh")
    assert app.map.charts["map"].chart is zh_widget and zh_widget.chart is first  # shown again, not redrawn
    assert en_widget.layout.display == "none" and zh_widget.layout.display is None
    assert sent == []
    click_map(app, BIZHAI)  # selection made in the browser: no redraw needed
    assert zh_widget.chart is first and sent == []
    app.state.update(filters=Filters(lead_level="village"))
    assert zh_widget.chart is not first and len(sent) == 1  # the filtered map is swapped in the same widget
    assert len(app.map.charts["map"].widget.children) == 2


def test_registered_metric_appears_in_the_selector(app: App, data: AppData) -> None:
    metric = catalog.Metric("members_per_coop", "社均成员", "Members per cooperative", "人", "people", 1,
                            lambda t: t["members"] / t["coops"].where(t["coops"] > 0))
    catalog.register_metric(metric)
    try:
        fresh = App(data)
        metric = find_part(fresh.map.widget, "cm-metric")
        assert "members_per_coop" in [value for _, value in metric.options]
        metric.value = "members_per_coop"
        assert fresh.state.metric == "members_per_coop"
        assert "社均成员" in str(fresh.map.charts["map"].chart.spec)
        assert "metric=members_per_coop" in find_part(fresh.header.widget, "cm-link").query
    finally:
        catalog.unregister_metric("members_per_coop")


# -- links --------------------------------------------------------------------------------------
def test_deep_link_opens_a_cooperative_in_english(app: App) -> None:
    target = uscc.make("530523", 905)
    app.open(f"coop={target}&lang=en&standardized=yes")
    assert app.view == "coop" and app.state.coop == target
    assert app.state.township == MENGNUO
    assert app.state.lang == "en" and app.state.filters == Filters(standardized=True)
    assert find_part(app.header.widget, "cm-link").query == f"coop={target}&lang=en&standardized=yes"


def test_link_round_trip(app: App, data: AppData) -> None:
    app.state.update(township=BIZHAI, lang="en", metric="revenue", filters=Filters(formation="new"))
    other = App(data)
    other.open(find_part(app.header.widget, "cm-link").query)
    assert other.state.snapshot() == app.state.snapshot()


@pytest.mark.parametrize("query, key", [
    ("township=999999999", "app.notice.unknown_township"),
    ("coop=93530523XXXXXXXXXX", "app.notice.unknown_coop"),
    ("township=../../etc/passwd", "app.notice.unknown_township"),
    ("township=" + "9" * 5000, "app.notice.unknown_township"),
    ("lang=fr", "app.notice.bad_param"),
    ("level=<b>x</b>", "app.notice.bad_param"),
])
def test_unknown_codes_land_on_the_overview_with_a_notice(app: App, query: str, key: str) -> None:
    app.state.update(township=BIZHAI)
    app.open(query)
    assert app.view == "overview"
    assert [n.key for n in app.state.notices] == [key]
    shown = find_part(app.notices.widget, "cm-notices").value
    assert shown and app.notices.widget.layout.display is None
    assert "<b>" not in shown and "etc/passwd" not in shown or "../../etc/passwd" in text(shown)
    assert len(shown) < 400


def test_township_names_and_aliases_are_accepted_in_links(app: App) -> None:
    app.open("township=碧寨")
    assert app.state.township == BIZHAI and not app.state.notices
    app.open("")
    assert app.view == "overview"


def test_each_app_keeps_its_own_state(data: AppData) -> None:
    one, two = App(data), App(data)
    click_map(one, BIZHAI)
    assert one.view == "township" and two.view == "overview"
    assert Notice.quote("x" * 100).endswith("…")


# -- the notebook ---------------------------------------------------------------------------------
NOTEBOOK = Path(__file__).resolve().parents[1] / "dashboards" / "longling.ipynb"


def test_dashboard_notebook_is_a_few_clean_cells_without_logic() -> None:
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert 2 <= len(code) <= 5
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, "commit the notebook without outputs"
        assert "def " not in cell.source and "class " not in cell.source
    assert "wait_for_request()" in "".join(c.source for c in code)


@pytest.mark.slow
def test_dashboard_notebook_runs_top_to_bottom(tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = nb.cells[-1].outputs
    assert any("application/vnd.jupyter.widget-view+json" in out.get("data", {}) for out in shown)


def test_provenance_gives_a_real_registry_its_file_date(app: App, data: AppData) -> None:
    assert data.file_date is not None
    assert data.file_date.isoformat() in find_part(app.header.widget, "cm-provenance").value
