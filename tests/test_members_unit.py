"""A township-led union's members are cooperatives (个), a cooperative's members people (人).

The unit is decided once (:func:`coopmap.data.schema.members_unit`); these tests read what
each surface shows for a union of the shipped sample and for a village-led cooperative.
"""

from __future__ import annotations

import re

import pytest

from coopmap.app import App, AppData
from coopmap.app.parts import find_part
from coopmap.data.registry import load_registry
from coopmap.data.schema import members_label, members_unit
from coopmap.figures.tables import total_unit
from coopmap.i18n import t
from coopmap.outputs.report import render_html
from coopmap.presentation import cooperative_charts
from coopmap.presentation.briefing import Briefing


def text(html: str) -> str:
    """Visible text of an HTML fragment."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def data() -> AppData:
    return AppData.load()  # the shipped sample on schematic boundaries


@pytest.fixture(scope="module")
def union(data: AppData):
    return data.frame[data.frame["lead_level"] == "township"].iloc[0]


@pytest.fixture(scope="module")
def village_coop(data: AppData):
    return data.frame[data.frame["lead_level"] == "village"].iloc[0]


def test_the_unit_follows_the_lead_level() -> None:
    assert members_unit("township") == "member_coops"
    assert members_unit("village") == members_unit("group") == "people"
    assert (members_label("township"), members_label("township", "en")) == ("成员合作社", "Member cooperatives")
    assert (members_label("village"), members_label("village", "en")) == ("成员数", "Members")


def _members_tile(html: str) -> str:
    """``label number unit`` of the one tile about members."""
    found = []
    for tile in re.split(r'<div class="cm-tile(?: [^"]*)?">', html)[1:]:
        label = re.search(r'-label">(.*?)</div>', tile)
        if label and re.search(r"成员|Member", label.group(1)):
            number = re.search(r'class="cm-tile-number">(.*?)</span>', tile).group(1)
            unit = re.search(r'class="cm-tile-unit">(.*?)</span>', tile).group(1)
            found.append(f"{label.group(1)} {number} {unit}")
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("lang, label, unit, header", [("zh", "成员合作社", "个", "成员数"),
                                                      ("en", "Member cooperatives", "member cooperatives", "Members")])
def test_a_union_profile_counts_member_cooperatives(data: AppData, union, lang: str, label: str, unit: str, header: str) -> None:
    app = App(data)
    app.state.update(lang=lang, coop=str(union["uscc"]))
    n = int(union["members"])
    assert _members_tile(find_part(app.coop.widget, "cm-coop-tiles").value) == f"{label} {n} {unit}"
    # the full record keeps the registry's header and gives the value its unit
    fields = find_part(app.coop.widget, "cm-coop-fields").value
    value = re.search(rf"<tr><th>{header}</th><td>(.*?)</td></tr>", fields).group(1)
    assert value == f"{n} {unit}"


@pytest.mark.parametrize("lang, expected", [("zh", "成员数 {n} 人"), ("en", "Members {n} people")])
def test_a_village_cooperative_profile_counts_people(data: AppData, village_coop, lang: str, expected: str) -> None:
    app = App(data)
    app.state.update(lang=lang, coop=str(village_coop["uscc"]))
    assert _members_tile(find_part(app.coop.widget, "cm-coop-tiles").value) == expected.format(n=int(village_coop["members"]))


@pytest.mark.parametrize("lang, unit", [("zh", "个"), ("en", "member cooperatives")])
def test_the_table_shows_a_unions_members_as_cooperatives(data: AppData, union, lang: str, unit: str) -> None:
    app = App(data)
    app.state.update(lang=lang, township=str(union["township"]))
    table = app.township.table.widget
    column = [c["id"] for c in table.columns].index("members") - 1  # the name is not a cell
    cells = {row["uscc"]: row["cells"][column] for row in table.rows}
    assert cells[str(union["uscc"])] == f"{int(union['members'])} {unit}"
    others = [cell for uscc, cell in cells.items() if uscc != str(union["uscc"])]
    assert others and all(cell.endswith("人" if lang == "zh" else "people") for cell in others)


@pytest.mark.parametrize("lang, panel", [("zh", "成员合作社（个）"), ("en", "Member cooperatives")])
def test_the_comparison_chart_labels_a_unions_members_as_cooperatives(data: AppData, union, lang: str, panel: str) -> None:
    rows = cooperative_charts.comparison_rows(data.frame, str(union["uscc"]), lang=lang)
    assert panel in set(rows["measure"])
    assert not any("人" in m or "people" in m for m in rows["measure"])


def test_the_comparison_chart_of_a_cooperative_says_people(data: AppData, village_coop) -> None:
    assert "成员数（人）" in set(cooperative_charts.comparison_rows(data.frame, str(village_coop["uscc"]), lang="zh")["measure"])


@pytest.mark.parametrize("lang, unit, wrong", [("zh", "个", "人"), ("en", "member cooperatives", "people")])
def test_the_township_report_lists_a_unions_members_as_cooperatives(data: AppData, union, lang: str, unit: str, wrong: str) -> None:
    briefing = Briefing.from_registry(load_registry(data.registry_source), lang=lang)
    html = render_html(briefing, township=str(union["township"]))
    name = re.escape(str(union["name"]))
    row = re.search(rf"<tr><td>{name}</td>(.*?)</tr>", html, re.S)
    assert row, "the union is not listed"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert f"{int(union['members'])} {unit}" in cells
    assert not any(cell.endswith(wrong) for cell in cells)


@pytest.mark.parametrize("lang, unit", [("zh", "人"), ("en", "people")])
def test_a_townships_members_total_counts_the_people_of_its_cooperatives(data: AppData, union, lang: str, unit: str) -> None:
    # the total leaves the union's member cooperatives out: its unit is total_unit's, people
    assert total_unit("members") == "people"
    town = str(union["township"])
    coops = data.frame[(data.frame["township"].astype(str) == town) & (data.frame["lead_level"] != "township")]
    briefing = Briefing.from_registry(load_registry(data.registry_source), lang=lang)
    tiles = dict(briefing.township(town).tiles)
    assert tiles[t("members", lang)] == f"{int(coops['members'].sum()):,} {unit}"
