"""The published figures: the YAML holds every figure of the facts sheet, as published."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coopmap import load_divisions
from coopmap.data.reported import load_reported, to_wan
from coopmap.errors import CoopmapError

FACTS = Path(__file__).resolve().parents[1].parent / "shared" / "facts" / "longling-2023.md"


def _facts_rows() -> list[tuple[str, str]]:
    """(id, value text) of every row of the facts sheet's programme-figures table."""
    text = FACTS.read_text(encoding="utf-8")
    section = text.split("## Programme figures", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"[a-z_0-9]+", cells[0]) and cells[0] != "id":
            rows.append((cells[0], cells[2]))
    return rows


def _parse(value: str) -> tuple[float, str]:
    """A facts-sheet value as (number in its base unit, qualifier)."""
    qualifier = "about" if value.startswith("about") else ("at_least" if "+" in value else "exact")
    number = float(re.search(r"[\d,.]+", value).group().replace(",", ""))
    if "million" in value:
        number *= 1_000_000
    return number, qualifier


@pytest.fixture(scope="module")
def reported():
    return load_reported()


def test_every_facts_sheet_figure_is_in_the_yaml_with_its_value(reported):
    if not FACTS.is_file():
        pytest.skip(f"facts sheet not found at {FACTS} (it lives in ../shared beside the project)")
    rows = _facts_rows()
    assert len(rows) >= 19
    assert [fid for fid, _ in rows] == [f.id for f in reported]
    for fid, text in rows:
        number, qualifier = _parse(text)
        fig = reported[fid]
        assert fig.value == pytest.approx(number), fid
        assert fig.qualifier == qualifier, fid


def test_each_figure_carries_unit_source_and_note(reported):
    for fig in reported:
        assert fig.unit and fig.label_zh and fig.label_en
        assert fig.source.date.isoformat() == "2024-08-02"
        assert "加速度" in fig.source.headline
        assert "龙陵县委组织部" in fig.source.author_zh
        assert isinstance(fig.note, str)


def test_money_is_published_in_yuan_and_compared_in_wan(reported):
    revenue = reported["coop_revenue_2023"]
    assert revenue.unit == "元"
    assert revenue.compare_unit == "万元"
    assert revenue.compare_value == revenue.value / 10_000
    assert reported["funds_integrated_2023"].compare_value == pytest.approx(8696.0)
    assert to_wan(1, "亿元") == 10_000
    with pytest.raises(CoopmapError, match="not a money unit"):
        to_wan(5, "亩")


def test_lower_bounds_and_rounded_figures_are_bounds_not_points(reported):
    revenue = reported["coop_revenue_2023"]
    assert revenue.qualifier == "at_least"
    assert revenue.accepts(revenue.compare_value) and revenue.accepts(revenue.compare_value + 1)
    assert not revenue.accepts(revenue.compare_value - 0.1)
    land = reported["land_transferred"]
    assert land.qualifier == "about" and land.tolerance > 0
    assert land.accepts(land.value + land.tolerance) and not land.accepts(land.value + land.tolerance + 1)
    count = reported["coops_total"]
    assert count.accepts(count.value) and not count.accepts(count.value + 1)
    assert revenue.published("zh").endswith("以上")
    assert land.published("en").startswith("about")


def test_coverage_figure_keeps_its_numerator_and_denominator(reported):
    cov = reported["village_coverage_pct"]
    num, den = cov.extra["numerator"], cov.extra["denominator"]
    assert round(100 * num / den, 2) == cov.value
    assert num == reported["coops_village_led"].value


def test_named_cases_are_in_real_villages_of_their_townships(reported):
    divisions = load_divisions()
    assert len(reported.cases) == 6
    for case in reported.cases.values():
        town = divisions.resolve_township(case.township)
        if case.level == "township":
            assert case.village is None
        else:
            assert divisions.resolve_village(case.village, town).startswith(town)
        if case.level == "group":
            assert case.group
    tianpo = reported.cases["tianpo_chu_orange"]
    assert tianpo.figure("rent_and_dividends").compare_value == pytest.approx(503.0)
    assert tianpo.figure("rent_and_dividends").columns == ("income_rent", "income_dividends")


def test_unusable_files_raise_with_the_path(tmp_path):
    with pytest.raises(CoopmapError, match="not found"):
        load_reported(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "sources:\n  s: {headline: h, author_zh: a, author_en: a, publisher_zh: p, publisher_en: p, date: 2024-01-01}\n"
        "figures:\n  - {id: x, unit: 个, qualifier: exact, source: s}\n",
        encoding="utf-8",
    )
    with pytest.raises(CoopmapError, match=r"figure x: missing 'value'"):
        load_reported(bad)
    bad.write_text(
        "sources: {}\nfigures:\n  - {id: x, value: 1, unit: 个, qualifier: exact, source: nowhere}\n", encoding="utf-8"
    )
    with pytest.raises(CoopmapError, match="source 'nowhere'"):
        load_reported(bad)
