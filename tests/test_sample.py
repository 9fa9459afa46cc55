"""The illustrative sample reproduces the published figures and is marked as illustrative."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from coopmap import load_divisions, paths
from coopmap.data import uscc
from coopmap.data.reported import load_reported
from coopmap.data.sample import DEFAULT_SEED, LAW_DATE, MIN_UNION_MEMBERS, TITLE, generate, write_sample
from coopmap.data.schema import BY_ID, CANONICAL_DTYPES, INCOME_STREAMS, SERVES_SEPARATOR, RegistrySchema
from coopmap.figures.tables import county_summary, township_table

COUNTS = ("coops_total", "coops_township_led", "coops_village_led", "coops_group_led", "formed_new",
          "formed_upgraded", "standardized", "secretaries_as_chair", "cross_appointed")
INDUSTRIES = {"茶叶", "咖啡", "石斛", "龙陵黄山羊", "核桃", "柑橘", "褚橙", "甘蔗", "火腿", "蔬菜", "中药材", "乡村旅游",
              "农贸市场管理服务", "红白理事公益服务"}


@pytest.fixture(scope="module")
def reported():
    return load_reported()


@pytest.fixture(scope="module")
def divisions():
    return load_divisions()


@pytest.fixture(scope="module")
def frame():
    return generate()


@pytest.fixture(scope="module")
def summary(frame):
    return county_summary(frame)


def test_every_count_is_reproduced_exactly(summary, reported):
    for fid in COUNTS:
        assert summary[fid] == reported[fid].compare_value, fid


def test_coverage_is_the_village_led_count_over_all_villages(frame, summary, reported, divisions):
    village_led = frame[frame["lead_level"] == "village"]
    assert village_led["village"].nunique() == len(village_led) == reported["coops_village_led"].value
    group_villages = set(frame.loc[frame["lead_level"] == "group", "village"])
    assert group_villages <= set(village_led["village"])  # group-led coops sit beside a village-led one
    covered = reported["village_coverage_pct"].extra["numerator"]
    assert summary["village_coverage_pct"] == round(100 * covered / len(divisions.villages), 2)


def test_money_lies_within_the_published_bounds(summary, reported):
    for fid in ("coop_revenue_2023", "member_income_2023", "collective_income_2023", "land_transferred"):
        fig = reported[fid]
        assert fig.qualifier in ("at_least", "about")
        assert fig.accepts(summary[fid]), (fid, summary[fid])
    for fid in ("land_transferred", "sales_driven_2023"):
        assert summary[fid] == pytest.approx(reported[fid].compare_value, rel=0.02), fid


def test_one_union_per_township_with_linked_members(frame, divisions):
    unions = frame[frame["lead_level"] == "township"]
    assert sorted(unions["township"]) == sorted(divisions.townships["code"])
    assert unions["village"].isna().all() and unions["union_uscc"].isna().all()
    assert unions["name"].str.endswith("联合社").all()
    by_code = unions.set_index("uscc")
    linked = frame[frame["union_uscc"].notna()]
    assert set(linked["union_uscc"]) <= set(by_code.index)
    assert (linked["township"].to_numpy() == by_code.loc[linked["union_uscc"], "township"].to_numpy()).all()
    assert (linked["lead_level"] != "township").all()
    sizes = linked.groupby("union_uscc").size()
    assert (sizes >= 3).all() and len(sizes) == len(unions)
    # a union's members are cooperatives: its 成员数 is the number of member cooperatives
    assert (by_code["members"] == sizes.reindex(by_code.index)).all()
    assert (sizes >= MIN_UNION_MEMBERS).all()
    assert (township_table(frame)["union_members"] >= 3).all()


def test_usccs_are_valid_unique_farmer_cooperative_codes(frame):
    assert frame["uscc"].is_unique
    for code in frame["uscc"]:
        assert uscc.problem(code) is None
        assert code.startswith("93" + paths.COUNTY_CODE)


def test_frame_is_a_canonical_registry(frame):
    assert list(frame.columns) == list(CANONICAL_DTYPES)
    assert {c: str(t) for c, t in frame.dtypes.items()} == {c: str(pd.Series(dtype=t).dtype) for c, t in CANONICAL_DTYPES.items()}
    RegistrySchema.validate(frame)
    assert frame["name"].is_unique
    assert frame["source_row"].tolist() == list(range(3, 3 + len(frame)))


def test_same_seed_same_frame_other_seed_other_frame_same_counts(frame, summary, reported):
    pd.testing.assert_frame_equal(generate(DEFAULT_SEED), frame)
    other = generate(DEFAULT_SEED + 1)
    assert not other["uscc"].equals(frame["uscc"])
    assert not other["village"].equals(frame["village"]) or not other["revenue"].equals(frame["revenue"])
    other_summary = county_summary(other)
    for fid in COUNTS + ("village_coverage_pct",):
        assert other_summary[fid] == summary[fid], fid
    for fid in ("coop_revenue_2023", "member_income_2023", "collective_income_2023", "land_transferred"):
        assert reported[fid].accepts(other_summary[fid]), fid


def test_named_cases_are_in_their_villages_with_their_figures(frame, reported, divisions):
    for case in reported.cases.values():
        town = divisions.resolve_township(case.township)
        rows = frame[(frame["township"] == town) & (frame["lead_level"] == case.level)]
        if case.village:
            rows = rows[rows["village"] == divisions.resolve_village(case.village, town)]
        if case.group:
            rows = rows[rows["group"] == case.group]
        rows = rows[rows["industry"].str.contains(case.industry_keyword)]
        assert len(rows) == 1, case.id
        row = rows.iloc[0]
        assert row["industry"] == case.industry_zh, case.id
        if case.with_enterprise:
            assert pd.notna(row["partner"]), case.id
        for fig in case.figures:
            if not fig.columns:
                continue
            # a list of villages (serves_villages: 坡头's 7) counts its villages, each of the case's township
            value = sum(len(row[c].split(SERVES_SEPARATOR)) if BY_ID[c].kind == "villages" else row[c] for c in fig.columns)
            for c in fig.columns:
                if BY_ID[c].kind == "villages":
                    assert row["village"] in row[c].split(SERVES_SEPARATOR), case.id
                    assert all(code[:9] == town for code in row[c].split(SERVES_SEPARATOR)), case.id
            if fig.qualifier == "at_least":
                assert value >= fig.compare_value, (case.id, fig.id)
            else:
                assert value == pytest.approx(fig.compare_value), (case.id, fig.id)


def test_tianpo_has_the_five_income_streams(frame, reported, divisions):
    case = reported.cases["tianpo_chu_orange"]
    town = divisions.resolve_township(case.township)
    row = frame[frame["village"] == divisions.resolve_village(case.village, town)].iloc[0]
    assert row[list(INCOME_STREAMS)].notna().all()
    wages = case.figure("orchard_households").value * case.figure("orchard_income_avg").compare_value
    assert row["income_wages"] == pytest.approx(wages)
    household = row[["income_rent", "income_wages", "income_dividends", "income_inputs"]].sum()
    assert row["farmer_income"] >= household - 1e-6
    assert row["collective_income"] >= row["income_commission"]
    assert "褚橙" in row["partner"]


def test_mengnuo_union_holds_the_chu_orange_cooperative(frame, reported, divisions):
    case = reported.cases["mengnuo_union"]
    town = divisions.resolve_township(case.township)
    union = frame[(frame["township"] == town) & (frame["lead_level"] == "township")].iloc[0]
    members = frame[frame["union_uscc"] == union["uscc"]]
    assert members["industry"].str.contains("褚橙").any()


def test_household_streams_never_exceed_farmer_income(frame):
    household = frame[["income_rent", "income_wages", "income_dividends", "income_inputs"]].sum(axis=1, min_count=1)
    filled = household.notna()
    assert filled.sum() >= 10
    assert (household[filled] <= frame.loc[filled, "farmer_income"] + 1e-6).all()


def test_records_look_registered_and_are_plainly_fictional(frame, reported):
    year = max(f.year for f in reported if f.year)
    assert (frame["year"] == year).all()
    assert frame["name"].str.startswith("龙陵县").all()
    assert frame["name"].str.endswith(("专业合作社", "专业合作社联合社")).all()
    assert frame["leader"].str.contains("某").all()  # anonymised the way reports write it
    partners = frame["partner"].dropna()
    assert len(partners) >= 10 and partners.str.contains("某|褚橙").all()
    local = frame[frame["lead_level"] != "township"]
    assert set(local["industry"]) <= INDUSTRIES
    founded = frame["founded"].dt.date
    assert (founded > LAW_DATE).all() and (founded <= dt.date(year, 12, 31)).all()
    assert (founded < dt.date(year, 1, 1)).mean() > 0.5


def test_title_says_illustrative():
    assert "示例" in TITLE and "Illustrative" in TITLE


def test_write_sample_reads_back_unchanged(tmp_path, frame):
    registry = pytest.importorskip("coopmap.data.registry", reason="coopmap.data.registry (the loader) is not importable yet")
    xlsx, csv = write_sample(tmp_path)
    for path in (xlsx, csv):
        loaded = registry.load_registry(path)
        assert loaded.report.illustrative
        assert (loaded.report.accepted, loaded.report.rejected) == (len(frame), 0)
        pd.testing.assert_frame_equal(loaded.frame.reset_index(drop=True), frame, check_dtype=False)


@pytest.mark.parametrize("path", [paths.SAMPLE_XLSX, paths.SAMPLE_CSV], ids=["xlsx", "csv"])
def test_shipped_sample_files_load_and_match_the_generator(path, frame, summary):
    registry = pytest.importorskip("coopmap.data.registry", reason="coopmap.data.registry (the loader) is not importable yet")
    loaded = registry.load_registry(path)
    report = loaded.report
    assert (report.accepted, report.rejected, report.skipped) == (98, 0, 0)
    assert report.illustrative
    assert county_summary(loaded.frame) == summary
    assert loaded.frame["uscc"].tolist() == frame["uscc"].tolist()  # regenerate with coopmap.data.sample.write_sample()


def test_reconciling_the_sample_shows_only_the_known_differences(frame, reported):
    from coopmap.figures.reconcile import reconcile

    by = reconcile(frame, lang="en").set_index("id")
    for fid in COUNTS:
        assert by.loc[fid, "status"] == "match", fid
    assert by.loc["village_coverage_pct", "status"] == "differs"
    assert "denominator only" in by.loc["village_coverage_pct", "explanation"]
    for fid in ("coop_revenue_2023", "member_income_2023", "collective_income_2023", "land_transferred"):
        assert by.loc[fid, "status"] == "within_bound", fid
    assert set(by.index[by["status"] == "not_computable"]) == {"coops_screened", "working_groups", "study_trips", "funds_integrated_2023"}
