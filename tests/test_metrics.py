"""County summary, township and village tables, reconciliation and the metric registry."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from coopmap import load_divisions
from coopmap.data import uscc
from coopmap.data.reported import load_reported
from coopmap.data.schema import CANONICAL_DTYPES, RegistrySchema
from coopmap.errors import CoopmapError
from coopmap.figures.catalog import (
    BUILTIN_METRICS,
    Metric,
    get_metric,
    list_metrics,
    register_metric,
    unregister_metric,
)
from coopmap.figures.reconcile import reconcile
from coopmap.figures.tables import county_summary, township_table, village_table

MENGNUO, BIZHAI = "530523103", "530523203"
TIANPO, CONGGANG, HAITOU, POTOU = "530523103206", "530523103204", "530523103205", "530523203212"


def _coop(serial: int, level: str, township: str, village: str | None, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "uscc": uscc.make("530523", serial), "name": f"测试合作社{serial}", "lead_level": level,
        "township": township, "village": village, "group": None, "formation": "new", "standardized": False,
        "founded": pd.Timestamp("2021-05-06"), "industry": "茶叶", "chair_is_secretary": False,
        "cross_appointed": 0, "members": 10, "households": 20, "land_mu": 0.0, "revenue": 0.0,
        "farmer_income": 0.0, "collective_income": 0.0, "sales": math.nan, "partner": None,
        "union_uscc": None, "serves_villages": None, "income_rent": math.nan, "income_wages": math.nan, "income_dividends": math.nan,
        "income_commission": math.nan, "income_inputs": math.nan, "leader": None, "year": 2023, "source_row": 2 + serial,
    }
    row.update(kw)
    return row


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    """A union in 勐糯 with two members, a group-led coop beside one of them, and 坡头 in 碧寨."""
    union = uscc.make("530523", 1)
    rows = [
        _coop(1, "township", MENGNUO, None, members=5, households=300, revenue=10.0, sales=100.0),
        _coop(2, "village", MENGNUO, TIANPO, union_uscc=union, formation="upgraded", standardized=True,
              chair_is_secretary=True, cross_appointed=4, members=30, households=335, land_mu=2000.0,
              revenue=20.5, farmer_income=2400.0, collective_income=25.0, sales=700.0),
        _coop(3, "village", MENGNUO, CONGGANG, union_uscc=union, chair_is_secretary=True, cross_appointed=2,
              members=12, households=40, land_mu=50.5, revenue=3.0, farmer_income=4.0, collective_income=1.0),
        _coop(4, "group", MENGNUO, CONGGANG, group="松坡村民小组", industry="红白理事公益服务", chair_is_secretary=True,
              cross_appointed=1, members=8, households=60, revenue=1.0, collective_income=0.5),
        _coop(5, "village", BIZHAI, POTOU, formation="upgraded", standardized=True, cross_appointed=3, members=20,
              households=430, land_mu=10.0, revenue=30.0, farmer_income=310.0, collective_income=31.0, sales=400.0),
    ]
    frame = pd.DataFrame(rows).astype(CANONICAL_DTYPES)
    RegistrySchema.validate(frame)
    return frame


@pytest.fixture
def scratch_metric():
    """Register metrics inside a test and remove them afterwards."""
    added: list[str] = []

    def add(metric: Metric) -> Metric:
        register_metric(metric)
        added.append(metric.id)
        return metric

    yield add
    for metric_id in added:
        unregister_metric(metric_id)


def test_county_summary_counts_what_an_official_would_count(small):
    s = county_summary(small)
    assert (s["coops_total"], s["coops_township_led"], s["coops_village_led"], s["coops_group_led"]) == (5, 1, 3, 1)
    assert (s["formed_new"], s["formed_upgraded"], s["standardized"]) == (3, 2, 2)
    assert s["secretaries_as_chair"] == 3 and s["cross_appointed"] == 10
    # 田坡, 丛岗 (village- and group-led count once) and 坡头: 3 of 121 villages
    assert s["village_coverage_pct"] == round(100 * 3 / 121, 2)
    assert s["land_transferred"] == pytest.approx(2060.5)
    assert s["coop_revenue_2023"] == pytest.approx(64.5)
    assert s["member_income_2023"] == pytest.approx(2714.0)
    assert s["collective_income_2023"] == pytest.approx(57.5)
    assert s["sales_driven_2023"] == pytest.approx(1200.0)


def test_summary_keys_are_the_facts_sheet_ids(small):
    ids = {f.id for f in load_reported()}
    assert set(county_summary(small)) <= ids


def test_sales_is_none_when_the_registry_has_no_sales(small):
    frame = small.assign(sales=math.nan)
    assert county_summary(frame)["sales_driven_2023"] is None
    row = reconcile(frame).set_index("id").loc["sales_driven_2023"]
    assert row["status"] == "not_computable" and math.isnan(row["computed"])


def test_township_table_has_all_ten_townships_in_official_order(small):
    table = township_table(small)
    divisions = load_divisions()
    assert list(table["code"]) == list(divisions.townships["code"])
    m = table.set_index("code").loc[MENGNUO]
    assert (m["coops"], m["coops_township"], m["coops_village"], m["coops_group"]) == (4, 1, 2, 1)
    assert (m["villages_total"], m["villages_covered"]) == (6, 2)
    assert m["coverage_pct"] == pytest.approx(100 * 2 / 6)
    assert m["union_members"] == 2
    # the union's members are cooperatives: people are counted in its member cooperatives only
    assert m["members"] == 30 + 12 + 8 and m["households"] == 335 + 40 + 60
    assert m["revenue"] == pytest.approx(34.5) and m["sales"] == pytest.approx(800.0)
    empty = table.set_index("code").loc["530523101"]
    assert empty["coops"] == 0 and empty["coverage_pct"] == 0 and math.isnan(empty["sales"])
    assert table["villages_total"].sum() == len(divisions.villages)
    assert table["coops"].sum() == len(small)


def test_village_table_gives_every_village_a_status(small):
    v = village_table(small)
    assert len(v) == 121 and set(v["status"]) <= {"coop", "reached", "none"}
    by = v.set_index("code")
    assert by.loc[CONGGANG, "coops"] == 2 and by.loc[CONGGANG, "status"] == "coop"
    assert by.loc[TIANPO, "short"] == "田坡社区"
    assert by.loc[HAITOU, "status"] == "none"  # 勐糯's union reaches 海头 only where the registry says so
    assert by.loc["530523203201", "status"] == "none"  # 碧寨 has no union in this registry
    assert (v["status"] == "coop").sum() == 3


def test_reconcile_compares_without_forcing_anything(small):
    table = reconcile(small)
    assert list(table.columns) == ["id", "label_zh", "label_en", "reported", "computed", "unit", "difference", "status", "explanation"]
    assert list(table["id"]) == [f.id for f in load_reported()]
    by = table.set_index("id")
    assert by.loc["coops_total", "status"] == "differs"
    assert by.loc["coops_total", "computed"] == 5 and by.loc["coops_total", "difference"] == 5 - 98
    for fid in ("coops_screened", "working_groups", "study_trips", "funds_integrated_2023"):
        assert by.loc[fid, "status"] == "not_computable"
        assert by.loc[fid, "explanation"]
    assert by.loc["coop_revenue_2023", "status"] == "differs"  # 64.5 万元 is below the 1,300 lower bound
    assert by.loc["coop_revenue_2023", "reported"] == pytest.approx(1300.0)
    assert by.loc["coop_revenue_2023", "unit"] == "万元"


def test_reconcile_explains_coverage_and_standardized(small):
    en = reconcile(small, lang="en").set_index("id")
    coverage = en.loc["village_coverage_pct", "explanation"]
    assert "120" in coverage and "121" in coverage and "3/121" in coverage
    assert "44" in en.loc["standardized", "explanation"] and "54" in en.loc["standardized", "explanation"]
    zh = reconcile(small).set_index("id")
    assert "120" in zh.loc["village_coverage_pct", "explanation"] and "121" in zh.loc["village_coverage_pct", "explanation"]
    assert "规范运行" in zh.loc["standardized", "explanation"]


def test_bounds_give_within_bound_and_counts_match(small):
    """A registry that meets the figures: scale the small one up to the published money."""
    frame = small.copy()
    frame["revenue"] = frame["revenue"] * 100
    frame["land_mu"] = frame["land_mu"] * 12000 / frame["land_mu"].sum() + 100  # 12,500: still within ±500
    by = reconcile(frame).set_index("id")
    assert by.loc["coop_revenue_2023", "status"] == "within_bound"
    assert by.loc["land_transferred", "status"] == "within_bound"
    frame["land_mu"] = frame["land_mu"] + 1
    assert reconcile(frame).set_index("id").loc["land_transferred", "status"] == "differs"


def test_reconcile_notes_a_registry_of_another_year(small):
    by = reconcile(small.assign(year=2022), lang="en").set_index("id")
    assert "2022" in by.loc["coop_revenue_2023", "explanation"]


def test_builtin_metrics_are_registered():
    ids = [m.id for m in list_metrics()]
    for metric_id in ("coverage_pct", "coops", "revenue", "farmer_income", "collective_income", "land_mu"):
        assert metric_id in ids and metric_id in BUILTIN_METRICS
    assert get_metric("revenue").unit("en") == "CNY 10k"
    with pytest.raises(CoopmapError, match="no metric 'nope'"):
        get_metric("nope")


def test_a_registered_metric_becomes_a_township_column(small, scratch_metric):
    scratch_metric(Metric("revenue_per_coop", "社均经营收入", "Revenue per cooperative", "万元", "CNY 10k", 1,
                          lambda t: t["revenue"] / t["coops"].where(t["coops"] > 0)))
    table = township_table(small).set_index("code")
    assert table.loc[MENGNUO, "revenue_per_coop"] == pytest.approx(34.5 / 4)
    assert math.isnan(table.loc["530523101", "revenue_per_coop"])
    assert get_metric("revenue_per_coop").label("zh") == "社均经营收入"


def test_duplicate_or_clashing_metric_ids_raise(scratch_metric):
    metric = scratch_metric(Metric("dup_metric", "重复", "Duplicate", "个", "", 0, lambda t: t["coops"]))
    with pytest.raises(CoopmapError, match="already registered"):
        register_metric(metric)
    with pytest.raises(CoopmapError, match="already registered"):
        register_metric(Metric("revenue", "经营收入", "Revenue", "万元", "CNY 10k", 1, lambda t: t["revenue"]))
    with pytest.raises(CoopmapError, match="column of the township table"):
        register_metric(Metric("members", "成员", "Members", "人", "people", 0, lambda t: t["members"]))
    with pytest.raises(CoopmapError, match="built-in"):
        unregister_metric("revenue")


def test_a_broken_metric_names_itself(small, scratch_metric):
    scratch_metric(Metric("short_metric", "错", "Wrong", "", "", 0, lambda t: [1, 2, 3]))
    with pytest.raises(CoopmapError, match="short_metric"):
        township_table(small)


def test_a_frame_without_registry_columns_is_refused():
    with pytest.raises(CoopmapError, match="lacks column"):
        county_summary(pd.DataFrame({"uscc": ["x"]}))
