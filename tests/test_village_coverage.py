"""Village coverage: a village is covered by a cooperative of its own; a union reaches
only the villages the registry says it reaches; every surface gives the same counts.

A small registry shows the rule (a union without links, a union with member
cooperatives, a ``serves_villages`` list); the shipped sample shows that the village
grid, the township view, the summary JSON, the report, the meeting's coverage slide
and the exports all count the same 未覆盖 villages.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from coopmap import paths
from coopmap.app import App, AppData
from coopmap.app.parts import find_part
from coopmap.data import uscc
from coopmap.data.divisions import load_divisions
from coopmap.data.registry import load_registry, write_registry
from coopmap.data.schema import CANONICAL_DTYPES, RegistrySchema
from coopmap.figures import tables
from coopmap.meeting.slides import coverage_slide
from coopmap.outputs.report import render_html
from coopmap.outputs.tables import table_bytes
from coopmap.presentation.briefing import Briefing

from helpers import HEADER, coop_row, write_csv

MENGNUO, BIZHAI = "530523103", "530523203"
TIANPO, CONGGANG, HAITOU, GOUXINZHAI = "530523103206", "530523103204", "530523103205", "530523103201"
POTOU, BANPO, ZHONGZHAI = "530523203212", "530523203211", "530523203204"
DIVISIONS = load_divisions()


def _coop(serial: int, level: str, township: str, village: str | None, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "uscc": uscc.make("530523", serial), "name": f"测试合作社{serial}", "lead_level": level,
        "township": township, "village": village, "group": None, "formation": "new", "standardized": False,
        "founded": pd.Timestamp("2021-05-06"), "industry": "茶叶", "chair_is_secretary": False,
        "cross_appointed": 0, "members": 10 if level != "township" else 3, "households": 20, "land_mu": 0.0,
        "revenue": 0.0, "farmer_income": 0.0, "collective_income": 0.0, "sales": math.nan, "partner": None,
        "union_uscc": None, "serves_villages": None, "income_rent": math.nan, "income_wages": math.nan,
        "income_dividends": math.nan, "income_commission": math.nan, "income_inputs": math.nan, "leader": None,
        "year": 2023, "source_row": 2 + serial,
    }
    row.update(kw)
    return row


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).astype(CANONICAL_DTYPES)
    RegistrySchema.validate(frame)
    return frame


def _status(frame: pd.DataFrame) -> pd.Series:
    return tables.village_table(frame).set_index("code")["status"]


# -- the rule -------------------------------------------------------------------------------


def test_a_union_without_links_reaches_no_village():
    union = _coop(1, "township", MENGNUO, None)
    frame = _frame([union, _coop(2, "village", MENGNUO, TIANPO)])
    status = _status(frame)
    assert status[TIANPO] == "coop"
    # 勐糯 has a union, but nothing in the registry says it reaches its other villages
    others = [c for c in DIVISIONS.villages_of(MENGNUO)["code"] if c != TIANPO]
    assert (status[others] == "none").all() and len(others) == 5
    assert tables.village_status_counts(tables.village_table(frame)) == {"coop": 1, "reached": 0, "none": 120}


def test_a_unions_member_cooperatives_cover_their_villages_and_no_others():
    code = uscc.make("530523", 1)
    frame = _frame([_coop(1, "township", MENGNUO, None),
                    _coop(2, "village", MENGNUO, TIANPO, union_uscc=code),
                    _coop(3, "village", MENGNUO, CONGGANG, union_uscc=code)])
    status = _status(frame)
    assert status[TIANPO] == status[CONGGANG] == "coop"  # reached through the union's members: covered
    assert status[HAITOU] == status[GOUXINZHAI] == "none"


def test_a_serves_list_reaches_the_villages_it_names_without_counting_them_as_covered():
    frame = _frame([_coop(1, "township", MENGNUO, None, serves_villages=f"{HAITOU};{TIANPO}"),
                    _coop(2, "village", MENGNUO, TIANPO),
                    _coop(3, "village", BIZHAI, POTOU, serves_villages=f"{POTOU};{BANPO}")])
    status = _status(frame)
    assert status[HAITOU] == "reached"  # by the union's list
    assert status[BANPO] == "reached"  # by 坡头's cooperative
    assert status[TIANPO] == status[POTOU] == "coop"  # a village with its own cooperative stays covered
    assert status[GOUXINZHAI] == status[ZHONGZHAI] == "none"
    towns = tables.township_table(frame).set_index("code")
    assert tuple(towns.loc[MENGNUO, ["villages_covered", "villages_reached", "villages_not_covered"]]) == (1, 1, 4)
    assert towns.loc[MENGNUO, "coverage_pct"] == pytest.approx(100 / 6)  # reached villages are not covered
    assert tables.county_summary(frame)["village_coverage_pct"] == round(100 * 2 / 121, 2)
    assert (towns["villages_covered"] + towns["villages_reached"] + towns["villages_not_covered"] == towns["villages_total"]).all()


def test_the_schema_refuses_a_served_village_of_another_township():
    frame = pd.DataFrame([_coop(1, "village", BIZHAI, POTOU, serves_villages=f"{POTOU};{TIANPO}")]).astype(CANONICAL_DTYPES)
    with pytest.raises(Exception, match="serves_villages_in_township"):
        RegistrySchema.validate(frame)


# -- the registry column ----------------------------------------------------------------------


def test_the_loader_reads_resolves_and_writes_back_villages_served(tmp_path: Path):
    rows = [coop_row(1, **{"服务村（社区）": "坡头村、半坡村，中寨"}), coop_row(2)]  # 中寨: a short form
    loaded = load_registry(write_csv(tmp_path / "r.csv", rows, header=HEADER + ["服务村（社区）"]))
    assert loaded.report.rejected == 0, loaded.report.errors
    frame = loaded.frame.set_index("source_row")
    assert frame.loc[2, "serves_villages"] == f"{POTOU};{BANPO};{ZHONGZHAI}"
    assert pd.isna(frame.loc[3, "serves_villages"])
    again = load_registry(write_registry(loaded.frame, tmp_path / "again.xlsx"))
    assert again.frame["serves_villages"].tolist() == loaded.frame["serves_villages"].tolist()
    written = pd.read_csv(write_registry(loaded.frame, tmp_path / "again.csv"), dtype=str)
    assert written["服务村（社区）"].tolist()[0] == "坡头村、半坡村、中寨村"


def test_a_served_village_outside_the_township_rejects_the_row_and_says_which(tmp_path: Path):
    rows = [coop_row(1, **{"服务村（社区）": "坡头村、田坡社区"})]
    loaded = load_registry(write_csv(tmp_path / "r.csv", rows, header=HEADER + ["服务村（社区）"]))
    assert (loaded.report.accepted, loaded.report.rejected) == (0, 1)
    error = loaded.report.errors[0]
    assert (error.row, error.column, error.value) == (2, "serves_villages", "坡头村、田坡社区")
    assert "'田坡社区' is not a village of 碧寨乡; it is in 勐糯镇" in error.message
    assert "“田坡社区”不是碧寨乡的村（社区）" in error.text("zh")


# -- every surface agrees on the shipped sample ----------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_registry(paths.SAMPLE_XLSX)


@pytest.fixture(scope="module")
def counts(sample) -> dict[str, int]:
    return tables.village_status_counts(tables.village_table(sample.frame))


def test_the_shipped_sample_records_only_the_ham_cooperatives_reach(sample, counts):
    """The rate's 35 villages without a cooperative of their own: 2 reached by 坡头's list, 33 未覆盖."""
    summary = tables.county_summary(sample.frame)
    assert summary["village_coverage_pct"] == round(100 * 86 / 121, 2)
    assert counts == {"coop": 86, "reached": 2, "none": 33}
    lists = sample.frame.loc[sample.frame["serves_villages"].notna()]
    assert len(lists) == 1 and lists.iloc[0]["village"] == POTOU
    assert not sample.frame.loc[sample.frame["lead_level"] == "township", "serves_villages"].notna().any()


@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
def test_summary_json_counts_the_villages_by_status(counts):
    out = subprocess.run([sys.executable, "-m", "coopmap.cli", "summary", "--json", "--registry", str(paths.SAMPLE_XLSX)],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["villages"] == {"total": 121, **counts}
    towns = pd.DataFrame(data["townships"])
    assert towns["villages_not_covered"].sum() == counts["none"] and towns["villages_reached"].sum() == counts["reached"]


@pytest.mark.parametrize("lang, line", [
    ("zh", "其余35个中，{reached}个由外村或联合社的合作社服务（台账所记），{none}个未覆盖。"),
    ("en", "Of the other 35, {reached} are served by a cooperative based elsewhere (as the registry records) and {none} are not covered."),
])
@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
def test_the_report_and_the_coverage_slide_say_the_same(sample, counts, lang: str, line: str):
    briefing = Briefing.from_registry(sample, lang=lang)
    html = render_html(briefing)
    assert line.format(**counts) in html.replace("&#x27;", "'")
    slide = coverage_slide(briefing).html
    shown = dict(re.findall(r'cm-status-(\w+)"><span class="cm-swatch"></span><span class="cm-status-label">[^<]*</span>'
                            r'<span class="cm-status-count">(\d+)</span>', slide))
    assert {s: int(n) for s, n in shown.items()} == counts
    # the village grid in the report carries the same counts in its legend
    label = "未覆盖" if lang == "zh" else "Not covered"
    assert (f"{label}（{counts['none']}）" if lang == "zh" else f"{label} ({counts['none']})") in html


def test_the_dashboard_grid_and_township_views_agree(sample, counts):
    data = AppData.load(paths.SAMPLE_XLSX)
    app = App(data)
    # the overview's grid: one square per village, and a legend that counts them
    grid = app.overview.charts["villages"].chart.spec
    squares = next(d for d in grid["datasets"].values() if isinstance(d, list) and d and "status" in d[0])
    assert sum(r["status"] == "未覆盖" for r in squares) == counts["none"]
    assert sum(r["status"] == "由外村或联合社的合作社服务" for r in squares) == counts["reached"]
    assert {r["legend"] for r in squares} == {f"有村级或组级领办合作社（{counts['coop']}）",
                                              f"由外村或联合社的合作社服务（{counts['reached']}）", f"未覆盖（{counts['none']}）"}
    # the township views' chips add up to the same counts
    shown = {"coop": 0, "reached": 0, "none": 0}
    for code in data.township_codes:
        app.state.update(township=code)
        chips = find_part(app.township.widget, "cm-township-villages").value.split("cm-chip-legend")[0]
        for status, css in (("coop", "cm-v-coop"), ("reached", "cm-v-reached"), ("none", "cm-v-none")):
            shown[status] += chips.count(f'cm-chip {css}"')
    assert shown == counts


def test_an_exported_table_keeps_the_villages_served(sample, tmp_path: Path):
    data = table_bytes(sample.frame, "xlsx", township=BIZHAI, illustrative=True)
    path = tmp_path / "bizhai.xlsx"
    path.write_bytes(data)
    again = load_registry(path)
    assert again.frame["serves_villages"].dropna().tolist() == sample.frame["serves_villages"].dropna().tolist()
    before = tables.village_table(sample.frame)
    after = tables.village_table(again.frame)
    assert (after.loc[after["township"] == BIZHAI, "status"].tolist()
            == before.loc[before["township"] == BIZHAI, "status"].tolist())
