"""How registry rows relate: a union's members, a cooperative's comparison peers, a named case's row."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from coopmap import load_divisions
from coopmap.data.reported import load_reported
from coopmap.data.sample import generate
from coopmap.errors import CoopmapError
from coopmap.figures import relations
from coopmap.figures.tables import township_table
from coopmap.presentation import cooperative_charts
from coopmap.presentation.briefing import Briefing

MENGNUO, BIZHAI = "530523103", "530523203"


@pytest.fixture(scope="module")
def divisions():
    return load_divisions()


@pytest.fixture(scope="module")
def frame():
    return generate()


def _union_of(frame: pd.DataFrame, township: str) -> pd.Series:
    unions = relations.township_unions(frame, township)
    assert len(unions) == 1, "the sample has one union per township"
    return unions.iloc[0]


def test_a_unions_members_are_the_cooperatives_that_name_it(frame):
    union = _union_of(frame, MENGNUO)
    members = relations.union_members(frame, union["uscc"])
    assert len(members) > 0
    assert (members["union_uscc"] == union["uscc"]).all()
    named = frame["union_uscc"].astype("string") == union["uscc"]
    assert len(members) == int(named.fillna(False).sum())
    assert relations.union_members(frame, "no such code").empty


def test_the_township_table_and_the_mask_count_the_same_members(frame, divisions):
    mask = relations.union_member_mask(frame)
    per_union = sum(len(relations.union_members(frame, u)) for u in frame.loc[frame["lead_level"] == "township", "uscc"])
    assert int(mask.sum()) == per_union == int(township_table(frame, divisions)["union_members"].sum())


def test_a_member_in_another_township_counts_on_every_page(frame, divisions):
    # a cooperative of Bizhai that names Mengnuo's union: the dashboard and the
    # briefing's township page both list it among the union's members
    union = _union_of(frame, MENGNUO)
    before = len(relations.union_members(frame, union["uscc"]))
    moved = frame.copy()
    row = moved.index[(moved["township"] == BIZHAI) & (moved["lead_level"] != "township")][0]
    moved.loc[row, "union_uscc"] = union["uscc"]
    assert len(relations.union_members(moved, union["uscc"])) == before + 1
    briefing = Briefing(moved, None, None, divisions=divisions)
    assert briefing.township(MENGNUO).union_members == before + 1


def test_a_union_is_compared_with_the_other_unions_and_has_no_township_peers(frame):
    union = _union_of(frame, MENGNUO)
    peers = relations.comparison_peers(frame, union["uscc"])
    assert set(peers.county["lead_level"]) == {"township"}
    assert len(peers.county) == int((frame["lead_level"] == "township").sum())
    assert peers.township.empty
    table = cooperative_charts.comparison_table(frame, union["uscc"])
    assert (table["township_peers"] == 0).all() and table["township_median"].isna().all()


def test_a_village_cooperative_is_compared_with_non_unions_of_its_township_and_county(frame):
    coop = frame[(frame["township"] == BIZHAI) & (frame["lead_level"] == "village")].iloc[0]
    peers = relations.comparison_peers(frame, coop["uscc"])
    assert "township" not in set(peers.county["lead_level"])
    assert len(peers.county) == int((frame["lead_level"] != "township").sum())
    assert set(peers.township["township"]) == {BIZHAI}
    assert coop["uscc"] in set(peers.township["uscc"])
    table = cooperative_charts.comparison_table(frame, coop["uscc"], ["members"])
    assert table.loc[0, "township_peers"] == int(peers.township["members"].notna().sum())
    with pytest.raises(CoopmapError, match="no cooperative with USCC"):
        relations.comparison_peers(frame, "91530523MA00000000")


def test_each_named_case_has_its_cooperative_in_its_place(frame, divisions):
    reported = load_reported()
    for case in reported.cases.values():
        coop = relations.case_cooperative(frame, case, divisions)
        assert coop is not None, case.id
        town = divisions.resolve_township(case.township)
        assert coop["township"] == town and coop["lead_level"] == case.level, case.id
        if case.village:
            assert coop["village"] == divisions.resolve_village(case.village, town), case.id
        assert case.industry_keyword in coop["industry"], case.id
    shown = {c.id: c.coop_uscc for c in Briefing(frame, None, None, divisions=divisions).cases()}
    assert shown == {c.id: relations.case_cooperative(frame, c, divisions)["uscc"] for c in reported.cases.values()}


def test_a_case_whose_place_is_not_in_the_division_list_has_no_cooperative(frame, divisions):
    case = next(iter(load_reported().cases.values()))
    elsewhere = dataclasses.replace(case, township="不存在乡")
    assert relations.case_rows(frame, elsewhere, divisions).empty
    assert relations.case_cooperative(frame, elsewhere, divisions) is None
