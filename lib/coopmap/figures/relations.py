"""How registry rows relate: a union's members, a cooperative's peers, a named case's row.

These are the questions several pages, reports and tables ask of a registry; each is
answered here once, so that the dashboard, the briefing (report and meeting slides),
the charts and the tables agree:

* :func:`union_members`, :func:`union_member_mask`, :func:`township_unions` — who
  belongs to a township union (联合社): the cooperatives whose ``union_uscc`` names it,
  wherever they are in the registry;
* :func:`comparison_peers` — the cooperatives a profile is compared with: township
  unions with the other unions, village- and group-led cooperatives with each other;
* :func:`case_rows`, :func:`case_cooperative` — which registry row is one of the
  report's named cases (:attr:`coopmap.data.reported.Reported.cases`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd

from coopmap.data.divisions import Divisions
from coopmap.data.reported import Case
from coopmap.errors import CoopmapError, DivisionError

__all__ = [
    "Peers",
    "case_cooperative",
    "case_rows",
    "comparison_peers",
    "is_union",
    "township_unions",
    "union_member_mask",
    "union_members",
]

#: ``lead_level`` of a township union (联合社): its members are cooperatives.
UNION_LEVEL = "township"


def is_union(lead_level: object) -> bool:
    """Return whether a ``lead_level`` is that of a township union (联合社).

    Parameters
    ----------
    lead_level : object
        A value of the registry's ``lead_level`` column.

    Returns
    -------
    bool
    """
    return lead_level == UNION_LEVEL


# -- unions ----------------------------------------------------------------------------


def union_member_mask(frame: pd.DataFrame) -> pd.Series:
    """Mark the rows that belong to a township union of the same registry.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry (``uscc``, ``lead_level``; ``union_uscc`` if it has one).

    Returns
    -------
    pandas.Series
        Booleans aligned to ``frame``: true where ``union_uscc`` is the code of a
        township union in ``frame``. A code naming no union of the registry (the loader
        warns about it) makes no member.
    """
    if "union_uscc" not in frame.columns:
        return pd.Series(False, index=frame.index)
    unions = set(frame.loc[frame["lead_level"] == UNION_LEVEL, "uscc"].astype(str))
    linked = frame["union_uscc"].notna().to_numpy()
    codes = frame["union_uscc"].to_numpy(dtype=object)[linked]
    member = np.zeros(len(frame), dtype=bool)
    # set membership of the linked codes only (Series.isin over a column mostly <NA> took
    # 15-250 ms at 100k rows, varying from run to run)
    member[linked] = np.fromiter(map(unions.__contains__, codes), dtype=bool, count=len(codes))
    return pd.Series(member, index=frame.index)


def union_members(frame: pd.DataFrame, union_uscc: str) -> pd.DataFrame:
    """Return the member cooperatives of one township union.

    A union's members are a fact about it: they are the rows of the whole registry
    whose ``union_uscc`` names it, in whatever township they are, whatever filters a
    page applies to the cooperatives it lists.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    union_uscc : str
        The union's unified social credit code.

    Returns
    -------
    pandas.DataFrame
        The member rows, in registry order (empty when it has none).
    """
    if "union_uscc" not in frame.columns:
        return frame.iloc[0:0]
    named = (frame["union_uscc"].astype("string") == str(union_uscc)).fillna(False).to_numpy(dtype=bool)
    return frame[named]


def township_unions(frame: pd.DataFrame, township: str) -> pd.DataFrame:
    """Return the township union(s) of one township (the programme has one per township).

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry (or the rows a filter keeps).
    township : str
        The township's 9-digit code.

    Returns
    -------
    pandas.DataFrame
        Rows of ``frame`` with ``lead_level`` township in that township, in registry
        order; the first is the one pages name.
    """
    mask = (frame["township"].astype(str) == str(township)) & (frame["lead_level"] == UNION_LEVEL)
    return frame[mask.to_numpy(dtype=bool)]


# -- comparison peers ------------------------------------------------------------------


@dataclass(frozen=True)
class Peers:
    """The cooperatives one cooperative is compared with.

    Attributes
    ----------
    coop : pandas.Series
        The cooperative's registry row.
    county : pandas.DataFrame
        Cooperatives of the same kind in the county, the cooperative included: the
        township unions for a union, village- and group-led cooperatives otherwise.
    township : pandas.DataFrame
        Those of them in its township; empty for a union (it is alone in its township,
        so a township median would be its own value).
    """

    coop: pd.Series
    county: pd.DataFrame
    township: pd.DataFrame


def comparison_peers(frame: pd.DataFrame, uscc: str) -> Peers:
    """Return the cooperatives a cooperative's profile is compared with.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    uscc : str
        The cooperative's unified social credit code.

    Returns
    -------
    Peers

    Raises
    ------
    CoopmapError
        When no cooperative has that code.
    """
    match = frame[frame["uscc"] == uscc]
    if match.empty:
        raise CoopmapError(f"no cooperative with USCC {uscc!r} in the registry")
    coop = match.iloc[0]
    union = is_union(coop["lead_level"])
    county = frame[(frame["lead_level"] == UNION_LEVEL) == union]
    township = county.iloc[0:0] if union else county[county["township"] == coop["township"]]
    return Peers(coop, county, township)


# -- named cases -----------------------------------------------------------------------


def case_rows(frame: pd.DataFrame, case: Case, divisions: Divisions) -> pd.DataFrame:
    """Return the registry rows that can be a named case of the report.

    A row matches when it is in the case's township (and village, if the case names
    one) at the case's lead level; among those, the rows whose industry contains the
    case's keyword are preferred, and the others are kept when none does.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    case : Case
        A named case (:attr:`coopmap.data.reported.Reported.cases`).
    divisions : Divisions
        Official divisions, to resolve the case's place names.

    Returns
    -------
    pandas.DataFrame
        The matching rows in registry order; empty when there is none, or when the
        case's township or village is not in the division list.
    """
    try:
        town = divisions.resolve_township(case.township)
    except DivisionError:
        return frame.iloc[0:0]
    rows = frame[(frame["township"].astype(str) == town) & (frame["lead_level"] == case.level)]
    if case.village:
        try:
            village = divisions.resolve_village(case.village, town)
        except DivisionError:
            return frame.iloc[0:0]
        rows = rows[rows["village"].astype("string") == village]
    keyword = rows["industry"].astype(str).str.contains(case.industry_keyword, regex=False)
    return rows[keyword] if keyword.any() else rows


def case_cooperative(frame: pd.DataFrame, case: Case, divisions: Divisions) -> Optional[pd.Series]:
    """Return the registry's cooperative for a named case: the first of :func:`case_rows`.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    case : Case
        A named case.
    divisions : Divisions
        Official divisions.

    Returns
    -------
    pandas.Series or None
        The row, or ``None`` when the registry holds no cooperative for the case.
    """
    rows = case_rows(frame, case, divisions)
    return rows.iloc[0] if len(rows) else None
