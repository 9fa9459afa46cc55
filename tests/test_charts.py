"""Chart builders: what a person reading the chart would check, and that they render."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from coopmap import i18n
from coopmap.data import uscc
from coopmap.data.divisions import load_divisions
from coopmap.errors import CoopmapError, FontError
from coopmap.figures import catalog, tables
from coopmap.geo.schematic import schematic_townships
from coopmap.presentation import chart_style, cooperative_charts, township_charts, village_charts
from coopmap.presentation.chart_images import chart_to_bytes
from coopmap.presentation.fonts import find_cjk_font

from helpers.png import decode_png

DIVISIONS = load_divisions()
CODES = list(DIVISIONS.townships["code"])


@pytest.fixture(scope="module")
def towns() -> pd.DataFrame:
    """A hand-made township table: the columns charts read, with round numbers."""
    table = DIVISIONS.townships[["code", "name"]].copy()
    table["coverage_pct"] = [50.0, 60.0, 70.0, 80.0, 90.0, 55.5555, 65.0, 75.0, 85.0, np.nan]
    table["coops"] = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    table["revenue"] = [1234.5, 10, 20, 30, 40, 50, 60, 70, 80, 0]
    table["farmer_income"] = 1.0
    table["collective_income"] = 1.0
    table["land_mu"] = 100.0
    return table


@pytest.fixture(scope="module")
def villages() -> pd.DataFrame:
    v = DIVISIONS.villages.copy()
    v["township_name"] = v["township"].map(DIVISIONS.township_name)
    v["coops"] = [i % 3 for i in range(len(v))]
    v["status"] = np.where(v["coops"] > 0, "coop", np.where(v["township"] == "530523103", "reached", "none"))
    return v


@pytest.fixture(scope="module")
def schematic():
    return schematic_townships()


def spec_of(chart) -> dict:
    return chart.to_dict()


def text_of(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False)


def datasets(spec: dict) -> list:
    """Every inline data row of a spec (top-level datasets and inline values)."""
    rows = []
    for values in spec.get("datasets", {}).values():
        rows += values

    def walk(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                rows.extend(data["values"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return rows


def params(spec: dict) -> dict:
    found = {}

    def walk(node):
        if isinstance(node, dict):
            for p in node.get("params", []) or []:
                found[p["name"]] = p
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def png(chart) -> np.ndarray:
    try:
        find_cjk_font()
    except FontError as exc:
        pytest.skip(f"no CJK font on this machine: {exc}")
    return decode_png(chart_to_bytes(chart, "png", scale=2))


# -- the map -------------------------------------------------------------------------------
def test_map_selection_tooltips_labels_and_font(schematic, towns):
    spec = spec_of(township_charts.township_map(schematic, towns, "coverage_pct"))
    selection = params(spec)["township"]
    assert selection["select"]["type"] == "point" and selection["select"]["fields"] == ["code"]
    assert "Noto Sans CJK SC" in spec["config"]["font"]
    rows = datasets(spec)
    features = [r for r in rows if r.get("type") == "Feature"]
    assert sorted(f["code"] for f in features) == sorted(CODES)
    by_code = {f["code"]: f for f in features}
    assert by_code["530523201"]["value_text"] == "55.6%"
    assert by_code["530523207"]["value_text"] == "未填报" and by_code["530523207"]["value"] is None
    labels = {r["short"] for r in rows if "short" in r}
    assert labels == {"龙山", "镇安", "勐糯", "腊勐", "象达", "龙江", "碧寨", "龙新", "平达", "木城"}
    text = text_of(spec)
    assert '"title": "乡镇"' in text and '"title": "村覆盖率"' in text and "村覆盖率（%）" in text


def test_map_tooltips_carry_units(schematic, towns):
    rows = datasets(spec_of(township_charts.township_map(schematic, towns, "revenue")))
    assert {r["value_text"] for r in rows if r.get("code") == "530523101"} == {"1,234.5 万元"}
    rows = datasets(spec_of(township_charts.township_map(schematic, towns, "revenue", lang="en")))
    assert {r["value_text"] for r in rows if r.get("code") == "530523101"} == {"1,234.5 CNY 10k"}


def test_schematic_maps_say_so_and_official_maps_do_not(schematic, towns, real_like):
    assert "示意边界" in text_of(spec_of(township_charts.township_map(schematic, towns)))
    assert "Schematic boundaries" in text_of(spec_of(township_charts.township_map(schematic, towns, lang="en")))
    titled = spec_of(township_charts.township_map(schematic, towns, title="村覆盖率"))
    assert titled["title"]["text"] == "村覆盖率" and "示意边界" in titled["title"]["subtitle"]
    assert "示意边界" not in text_of(spec_of(township_charts.township_map(real_like, towns)))


@pytest.fixture(scope="module")
def real_like(schematic):
    """The schematic shapes presented as official boundaries (attrs say not schematic)."""
    official = schematic.copy()
    official.attrs = {"schematic": False, "source": "test"}
    return official


def test_map_geometry_is_clockwise_and_small(schematic, towns):
    spec = spec_of(township_charts.township_map(schematic, towns))
    features = [r for r in datasets(spec) if r.get("type") == "Feature"]
    for feature in features:
        for polygon in shapely.get_parts(shapely.geometry.shape(feature["geometry"])):
            assert not polygon.exterior.is_ccw
    assert len(text_of(spec).encode("utf-8")) < 100_000


def test_highlight_and_unknown_codes(schematic, towns):
    spec = spec_of(township_charts.township_map(schematic, towns, highlight="530523103"))
    outlined = [r for r in datasets(spec) if r.get("type") == "Feature" and r["code"] == "530523103"]
    assert len(outlined) == 2  # the township's shape plus its accent outline
    assert chart_style.ACCENT in text_of(spec)
    with pytest.raises(CoopmapError, match="530523999"):
        township_charts.township_map(schematic, towns, highlight="530523999")
    with pytest.raises(CoopmapError, match="no metric 'nope'"):
        township_charts.township_map(schematic, towns, "nope")


def test_registered_metric_is_drawn(schematic, towns):
    metric = catalog.Metric("revenue_per_coop_test", "社均经营收入", "Revenue per cooperative", "万元", "CNY 10k", 2,
                            lambda t: t["revenue"] / t["coops"].where(t["coops"] > 0))
    catalog.register_metric(metric)
    try:
        rows = datasets(spec_of(township_charts.township_map(schematic, towns, metric.id)))
        texts = {r["code"]: r["value_text"] for r in rows if r.get("type") == "Feature"}
        assert texts["530523102"] == "1.25 万元" and texts["530523207"] == "未填报"
    finally:
        catalog.unregister_metric(metric.id)


def dominant_fill(pixels: np.ndarray) -> float:
    """Share of the image covered by its most common non-white colour."""
    rgb = pixels[..., :3].reshape(-1, 3)
    coloured = rgb[~np.all(rgb > 245, axis=1)]
    _, counts = np.unique(coloured, axis=0, return_counts=True)
    return counts.max() / len(rgb)


@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
def test_map_renders_shapes_not_a_filled_frame(schematic, towns):
    pixels = png(township_charts.township_map(schematic, towns, width=300, height=280))
    rgb = pixels[..., :3].reshape(-1, 3)
    white = np.all(rgb > 245, axis=1).mean()
    assert 0.15 < white < 0.85, f"{white:.0%} of the image is background"
    assert dominant_fill(pixels) < 0.2
    blues = rgb[(rgb[:, 2] > rgb[:, 0] + 40)]
    assert len(np.unique(blues // 8, axis=0)) >= 5  # several township shades, not one fill


@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
def test_the_frame_check_catches_reversed_rings(schematic, towns):
    """Counter-clockwise rings (RFC 7946 order) fill the globe; the check above sees it."""
    spec = spec_of(township_charts.township_map(schematic, towns, width=300, height=280))

    def reverse(node):
        if isinstance(node, dict):
            if node.get("type") == "Feature":
                geom = shapely.geometry.shape(node["geometry"])
                node["geometry"] = shapely.geometry.mapping(shapely.geometry.polygon.orient(geom, 1))
            for value in node.values():
                reverse(value)
        elif isinstance(node, list):
            for value in node:
                reverse(value)

    reverse(spec)
    assert dominant_fill(png(spec)) > 0.5


def test_map_with_township_table_from_metrics(schematic):
    from coopmap.data import sample

    frame = sample.generate()
    table = tables.township_table(frame)
    spec = spec_of(township_charts.township_map(schematic, table, "farmer_income"))
    assert len([r for r in datasets(spec) if r.get("type") == "Feature"]) == 10


# -- ranking --------------------------------------------------------------------------------
def test_ranking_is_sorted_with_the_same_selection(towns):
    spec = spec_of(township_charts.township_ranking(towns, "coverage_pct", highlight="530523105"))
    assert params(spec)["township"]["select"]["fields"] == ["code"]
    rows = [r for r in datasets(spec) if "value_text" in r]
    values = [r["value"] for r in rows]
    assert values[:-1] == sorted(values[:-1], reverse=True) and values[-1] is None
    assert rows[0]["name"] == "象达镇" and rows[0]["highlight"] is True
    assert "Noto Sans CJK SC" in spec["config"]["font"]
    en = spec_of(township_charts.township_ranking(towns, "coverage_pct", lang="en"))
    assert [r for r in datasets(en) if "value_text" in r][0]["name"] == "Xiangda"


def test_ranking_renders(towns):
    pixels = png(township_charts.township_ranking(towns, "revenue", highlight="530523101"))
    red = np.all(np.abs(pixels[..., :3].astype(int) - [0xB0, 0x30, 0x2A]) < 12, axis=-1)
    assert red.sum() > 500  # the highlighted bar is drawn in the accent colour


# -- village grid -----------------------------------------------------------------------
def test_village_grid_one_square_per_village(villages):
    spec = spec_of(village_charts.village_grid(villages, highlight="530523103"))
    rows = [r for r in datasets(spec) if "status" in r]
    assert len(rows) == 121
    assert not any(key in rows[0] for key in ("lon", "lat", "longitude", "latitude"))
    assert {r["status"] for r in rows} == {"有村级或组级领办合作社", "由外村或联合社的合作社服务", "未覆盖"}
    # the legend counts the villages of each status
    expected = pd.Series([r["status"] for r in rows]).value_counts()
    assert {r["legend"] for r in rows} == {f"{label}（{n}）" for label, n in expected.items()}
    counts = pd.DataFrame(rows).groupby("township")["column"].max() + 1
    assert counts["龙山镇"] == 18 and counts["木城彝族傈僳族乡"] == 5
    assert sum(not r["faded"] for r in rows) == 6  # 勐糯镇 has 6 villages
    assert "village" in params(spec)
    en = spec_of(village_charts.village_grid(villages, lang="en"))
    assert {r["status"] for r in datasets(en) if "status" in r} >= {"Served by a cooperative based elsewhere", "Not covered"}


def test_village_grid_rejects_unknown_status(villages):
    bad = villages.copy()
    bad.loc[0, "status"] = "maybe"
    with pytest.raises(CoopmapError, match="maybe"):
        village_charts.village_grid(bad)


def test_village_grid_renders(villages):
    pixels = png(village_charts.village_grid(villages))
    red = np.all(np.abs(pixels[..., :3].astype(int) - [0xB0, 0x30, 0x2A]) < 12, axis=-1)
    assert red.sum() > 80 * 30 * 4  # about 80 'coop' squares of ~36×36 px at 2×


# -- one cooperative -------------------------------------------------------------------
def test_income_streams(tmp_path):
    coop = {"income_rent": 12.5, "income_wages": 30.0, "income_dividends": np.nan,
            "income_commission": 1.25, "income_inputs": 0.0}
    spec = spec_of(cooperative_charts.income_streams(coop))
    rows = [r for r in datasets(spec) if "stream" in r]
    assert [r["stream"] for r in rows] == ["租金", "薪金", "分红", "佣金", "农资销售"]
    assert [r["value_text"] for r in rows] == ["12.5 万元", "30.0 万元", "未填报", "1.2 万元", "0.0 万元"]
    en = [r for r in datasets(spec_of(cooperative_charts.income_streams(coop, lang="en"))) if "stream" in r]
    assert en[2]["value_text"] == "not reported" and en[0]["stream"] == "Land rent"


def _registry() -> pd.DataFrame:
    rows = []
    # a union and 4 village cooperatives in 勐糯镇; 3 village cooperatives in 龙山镇
    for i, (level, town, revenue) in enumerate([
        ("township", "530523103", 500.0), ("village", "530523103", 10.0), ("village", "530523103", 20.0),
        ("village", "530523103", 30.0), ("village", "530523103", 40.0),
        ("village", "530523101", 100.0), ("village", "530523101", 200.0), ("village", "530523101", np.nan),
        ("township", "530523101", 900.0),
    ]):
        rows.append({"uscc": uscc.make("530523", i + 1), "lead_level": level, "township": town,
                     "revenue": revenue, "members": 10 + i})
    return pd.DataFrame(rows)


def test_comparison_table_medians():
    frame = _registry()
    table = cooperative_charts.comparison_table(frame, frame["uscc"][1], ["revenue", "members"]).set_index("measure")
    assert table.at["revenue", "value"] == 10.0
    assert table.at["revenue", "township_median"] == 25.0  # 10, 20, 30, 40 (the union is not a peer)
    assert table.at["revenue", "county_median"] == 35.0  # 10, 20, 30, 40, 100, 200
    assert table.at["revenue", "county_peers"] == 6
    union = cooperative_charts.comparison_table(frame, frame["uscc"][0], ["revenue"]).iloc[0]
    assert np.isnan(union["township_median"]) and union["county_median"] == 700.0
    with pytest.raises(CoopmapError, match="no cooperative"):
        cooperative_charts.comparison_table(frame, "X" * 18)


def test_median_comparison_chart():
    frame = _registry()
    spec = spec_of(cooperative_charts.median_comparison(frame, frame["uscc"][1], ["revenue", "members"]))
    rows = [r for r in datasets(spec) if "series" in r]
    assert {r["series"] for r in rows} == {"本社", "乡镇中位数", "全县中位数"}
    assert {r["measure"] for r in rows} == {"经营收入（万元）", "成员数（人）"}
    assert "Noto Sans CJK SC" in spec["config"]["font"]
    assert png(cooperative_charts.median_comparison(frame, frame["uscc"][1], ["revenue"])).shape[0] > 100


# -- i18n -------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, unit, lang, expected", [
    (1234.56, "万元", "zh", "1,234.6 万元"),
    (1234.56, "money", "en", "1,234.6 CNY 10k"),
    (71.0744, "pct", "zh", "71.1%"),
    (12000, "亩", "en", "12,000.0 mu"),
    (98, "个", "zh", "98 个"),
    (None, "万元", "zh", "—"),
    (float("nan"), "pct", "en", "—"),
])
def test_format_number(value, unit, lang, expected):
    assert i18n.format_number(value, unit, lang) == expected


def test_interface_text():
    assert i18n.t("map.schematic") == "示意边界"
    assert i18n.t("map.schematic", "en") == "Schematic boundaries"
    with pytest.raises(KeyError, match="map.nope"):
        i18n.t("map.nope")
    with pytest.raises(ValueError, match="zh, en"):
        i18n.t("map.schematic", "fr")
    assert i18n.township_label("530523207", "木城彝族傈僳族乡", short=True) == "木城"
    assert i18n.township_label("530523102", "镇安镇", short=True) == "镇安"
    assert i18n.township_label("530523102", "镇安镇", "en") == "Zhen'an"
