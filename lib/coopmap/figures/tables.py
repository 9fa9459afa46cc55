"""County, township and village figures computed from a registry.

Everything here is a pure function of a canonical registry frame (as
:func:`coopmap.data.registry.load_registry` returns it) and the official divisions:

* :func:`county_summary` — the programme figures under the facts sheet's ids;
* :func:`township_table` — one row per township (all 10, official order);
* :func:`village_table` — one row per village (all 121) with its coverage status;
* :func:`township_ranks`, :func:`village_status_counts` — ranks and counts read off them.

A metric registered in the catalog (:mod:`coopmap.figures.catalog`) becomes a column of
:func:`township_table`. The reconciliation with the published figures is
:mod:`coopmap.figures.reconcile`.

Counting rules
--------------
* A village is *covered* when it has a village- or group-led cooperative; coverage is
  covered villages over all village-level units of the division list (121 in 2023).
  A village without one is *reached* only where the registry says a cooperative serves
  it (a ``serves_villages`` list, of a union or of another village's cooperative), and
  *not covered* otherwise: a township union is not assumed to reach every village of
  its township. Its member cooperatives are village- or group-led cooperatives of the
  registry, so the villages it reaches through them are covered in their own right.
  Reached villages do not count towards coverage (the programme's rate counts villages
  with a cooperative of their own).
* ``members`` and ``households`` add up village- and group-led cooperatives only: the
  members of a township union (联合社) are cooperatives, and the households it reaches
  are those of its member cooperatives, so adding them would count people twice.
* Money is in 万元 throughout; published yuan figures are converted by
  :mod:`coopmap.data.reported`.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
import pandas as pd

from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.schema import SERVES_SEPARATOR, column_unit, members_unit
from coopmap.errors import CoopmapError
from coopmap.figures.catalog import get_metric, list_metrics
from coopmap.figures.relations import union_member_mask

__all__ = [
    "VILLAGE_STATUSES",
    "county_summary",
    "covered_villages",
    "township_ranks",
    "total_unit",
    "township_table",
    "village_status_counts",
    "village_table",
]


# -- helpers ---------------------------------------------------------------------------

_NEEDED = ("uscc", "lead_level", "township", "village", "formation", "standardized", "chair_is_secretary",
           "cross_appointed", "members", "households", "land_mu", "revenue", "farmer_income",
           "collective_income")


def _check_frame(frame: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise CoopmapError(
            f"the registry table lacks column(s) {', '.join(missing)}; pass the .frame of "
            "coopmap.data.registry.load_registry(...) or coopmap.data.sample.generate()"
        )


def covered_villages(frame: pd.DataFrame, divisions: Divisions) -> pd.Index:
    """Return the villages covered: those with a village- or group-led cooperative of their own.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    divisions : Divisions
        Official divisions.

    Returns
    -------
    pandas.Index
        Distinct village codes of the division list (text), in the list's order. Their
        number over all villages is the programme's coverage rate.
    """
    rows = frame["village"][frame["lead_level"].isin(["village", "group"]) & frame["village"].notna()]
    seen = pd.Index(pd.unique(rows.to_numpy(dtype=object))).astype(str)  # each code once, then as text
    codes = pd.Index(pd.unique(divisions.villages["code"].to_numpy(dtype=object)))
    return codes[codes.isin(seen)]


def _reached_codes(frame: pd.DataFrame, divisions: Divisions, covered: pd.Index) -> pd.Index:
    """Village codes (of the division list) without a cooperative of their own (not in
    ``covered``) that a cooperative's ``serves_villages`` lists."""
    if "serves_villages" not in frame.columns:
        return pd.Index([], dtype=object)
    lists = frame["serves_villages"].dropna()
    listed = pd.unique(lists.astype(str).str.split(SERVES_SEPARATOR).explode().to_numpy(dtype=object)) if len(lists) else []
    codes = pd.Index(pd.unique(divisions.villages["code"].to_numpy(dtype=object)))
    return codes[codes.isin(pd.Index(listed).astype(str)) & ~codes.isin(covered)]


def _sum(values: pd.Series) -> float:
    total = pd.to_numeric(values, errors="coerce").sum(min_count=1)
    return float(total) if pd.notna(total) else math.nan


# -- county ----------------------------------------------------------------------------


def county_summary(frame: pd.DataFrame, divisions: Optional[Divisions] = None) -> dict[str, Any]:
    """Compute the county's programme figures under the facts sheet's ids.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    divisions : Divisions, optional
        Official divisions (default: the shipped list).

    Returns
    -------
    dict
        ``coops_total``, ``coops_township_led``, ``coops_village_led``,
        ``coops_group_led``, ``formed_new``, ``formed_upgraded``, ``standardized``,
        ``village_coverage_pct`` (covered villages / all villages × 100, 2 decimals),
        ``secretaries_as_chair``, ``cross_appointed`` (ints) and ``land_transferred``
        (亩), ``sales_driven_2023``, ``coop_revenue_2023``, ``member_income_2023``,
        ``collective_income_2023`` (万元, 2 decimals; ``None`` when the registry holds
        no value for it).
    """
    _check_frame(frame)
    divisions = divisions or load_divisions()
    level = frame["lead_level"]
    covered = covered_villages(frame, divisions)

    def money(column: str) -> Optional[float]:
        if column not in frame.columns:
            return None
        total = _sum(frame[column])
        return None if math.isnan(total) else round(total, 2)

    return {
        "coops_total": int(len(frame)),
        "coops_township_led": int((level == "township").sum()),
        "coops_village_led": int((level == "village").sum()),
        "coops_group_led": int((level == "group").sum()),
        "formed_new": int((frame["formation"] == "new").sum()),
        "formed_upgraded": int((frame["formation"] == "upgraded").sum()),
        "standardized": int(frame["standardized"].astype(bool).sum()),
        "village_coverage_pct": round(100.0 * len(covered) / len(divisions.villages), 2),
        "secretaries_as_chair": int(frame["chair_is_secretary"].astype(bool).sum()),
        "cross_appointed": int(pd.to_numeric(frame["cross_appointed"]).sum()),
        "land_transferred": money("land_mu"),
        "sales_driven_2023": money("sales"),
        "coop_revenue_2023": money("revenue"),
        "member_income_2023": money("farmer_income"),
        "collective_income_2023": money("collective_income"),
    }


# -- townships and villages ------------------------------------------------------------

def total_unit(column: str) -> str:
    """Return the unit of a registry column's township total, as a unit id of :data:`coopmap.i18n.UNITS`.

    The schema's unit (:func:`coopmap.data.schema.column_unit`: 万元 → ``money``, 户 →
    ``households``...). ``members`` has no unit of its own (people, or a union's member
    cooperatives: :func:`coopmap.data.schema.members_unit`); its totals add up village- and
    group-led cooperatives only (the counting rules above), whose members are people.

    Examples
    --------
    >>> total_unit("members"), total_unit("households"), total_unit("revenue")
    ('people', 'households', 'money')
    """
    return members_unit("village") if column == "members" else column_unit(column)



def township_table(frame: pd.DataFrame, divisions: Optional[Divisions] = None) -> pd.DataFrame:
    """Return one row per township (all 10, official order) with counts and sums.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    divisions : Divisions, optional
        Official divisions (default: the shipped list).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`coopmap.figures.catalog.TOWNSHIP_COLUMNS` (``coverage_pct`` 0–100; money in 万元; land in
        亩; ``sales`` NaN where the registry has none) followed by one column per
        registered metric. Townships without cooperatives have zeros.

    Raises
    ------
    CoopmapError
        When a registered metric's ``compute`` fails or returns the wrong length.
    """
    _check_frame(frame)
    divisions = divisions or load_divisions()
    towns = divisions.townships
    codes = list(towns["code"])
    n_towns = len(codes)
    # one integer per row: the township's position in the official order (-1: not a
    # township of the list); every count and sum below is one pass over these integers
    key = pd.Categorical(frame["township"].astype(str), categories=pd.Index(codes)).codes.astype(np.intp)
    known = key >= 0
    key_known = key[known]
    level = frame["lead_level"].to_numpy()

    def count(mask: Any) -> np.ndarray:
        mask = np.asarray(mask, dtype=bool)[known]
        return np.bincount(key_known[mask], minlength=n_towns).astype(int)

    sum_columns = [c for c in ("cross_appointed", "land_mu", "revenue", "farmer_income", "collective_income", "sales") if c in frame.columns]
    sums = frame[sum_columns].groupby(key).sum() if sum_columns else pd.DataFrame()
    people_columns = [c for c in ("members", "households") if c in frame.columns]
    people = level != "township"
    people_sums = frame.loc[people, people_columns].groupby(key[people]).sum() if people_columns else pd.DataFrame()

    def total(column: str, grouped: pd.DataFrame) -> np.ndarray:
        if column not in grouped.columns:
            return np.full(n_towns, math.nan)
        return grouped[column].reindex(range(n_towns)).astype(float).to_numpy()

    table = pd.DataFrame(index=pd.Index(codes, name=None))
    table["code"] = codes
    table["name"] = list(towns["name"])
    table["coops"] = np.bincount(key_known, minlength=n_towns).astype(int)
    table["coops_township"] = count(level == "township")
    table["coops_village"] = count(level == "village")
    table["coops_group"] = count(level == "group")
    formation = frame["formation"].to_numpy()
    table["formed_new"] = count(formation == "new")
    table["formed_upgraded"] = count(formation == "upgraded")
    table["standardized"] = count(frame["standardized"].astype(bool))
    table["secretaries_as_chair"] = count(frame["chair_is_secretary"].astype(bool))
    table["cross_appointed"] = sums["cross_appointed"].reindex(range(n_towns), fill_value=0).astype(int).to_numpy()
    table["villages_total"] = divisions.villages.groupby("township").size().reindex(codes, fill_value=0).astype(int)
    covered_codes = covered_villages(frame, divisions)
    covered = pd.Series(covered_codes, dtype=str)
    reached = pd.Series(_reached_codes(frame, divisions, covered_codes), dtype=str)
    table["villages_covered"] = covered.str[:9].value_counts().reindex(codes, fill_value=0).astype(int)
    table["villages_reached"] = reached.str[:9].value_counts().reindex(codes, fill_value=0).astype(int)
    table["villages_not_covered"] = table["villages_total"] - table["villages_covered"] - table["villages_reached"]
    table["coverage_pct"] = (100.0 * table["villages_covered"] / table["villages_total"].where(table["villages_total"] > 0)).fillna(0.0)
    table["union_members"] = count(union_member_mask(frame))
    table["members"] = pd.Series(total("members", people_sums), index=table.index).fillna(0).astype(int)
    table["households"] = pd.Series(total("households", people_sums), index=table.index).fillna(0).astype(int)
    for column in ("land_mu", "revenue", "farmer_income", "collective_income"):
        table[column] = pd.Series(total(column, sums), index=table.index).fillna(0.0)
    if "sales" in frame.columns:
        sales = frame["sales"].groupby(key).sum(min_count=1).reindex(range(n_towns))
        table["sales"] = sales.astype(float).to_numpy()
    else:
        table["sales"] = math.nan
    table = table.reset_index(drop=True)
    return _add_metrics(table)


def _add_metrics(table: pd.DataFrame) -> pd.DataFrame:
    for metric in list_metrics():
        try:
            values = metric.compute(table)
        except Exception as exc:  # an analyst's function: say which metric failed
            raise CoopmapError(f"metric {metric.id!r} failed on the township table: {exc}") from exc
        if isinstance(values, pd.Series) and values.index.is_unique and set(values.index) == set(table.index):
            values = values.reindex(table.index)
        values = np.asarray(values)
        if values.shape != (len(table),):
            raise CoopmapError(f"metric {metric.id!r} returned shape {values.shape}; expected one value per township ({len(table)})")
        table[metric.id] = values
    return table


def township_ranks(table: pd.DataFrame, metric_id: str, *, no_data: Any = ()) -> pd.Series:
    """Rank the townships by a metric (1 = the highest value; ties share the better rank).

    Only townships with a value are ranked: a township without one (NaN), or named in
    ``no_data`` (under filters, the townships none of whose cooperatives match), has
    no rank, so that it is never "ranked first" among zeros it does not have.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`township_table` (``code`` and the metric's column).
    metric_id : str
        A registered metric's id.
    no_data : collection of str
        Township codes to leave unranked.

    Returns
    -------
    pandas.Series
        Nullable integers (``Int64``) indexed by township code; ``<NA>`` for a
        township without a rank. The number ranked is ``ranks.notna().sum()``.
    """
    metric = get_metric(metric_id)
    values = pd.to_numeric(pd.Series(metric.compute(table) if metric.id not in table else table[metric.id]),
                           errors="coerce")
    values.index = table["code"].astype(str).to_numpy()
    values[values.index.isin(list(no_data))] = np.nan
    return values.rank(ascending=False, method="min").astype("Int64")


VILLAGE_STATUSES = ("coop", "reached", "none")
"""A village's coverage: a cooperative of its own, reached by one based elsewhere (the
registry says so), or not covered (未覆盖)."""


def village_table(frame: pd.DataFrame, divisions: Optional[Divisions] = None) -> pd.DataFrame:
    """Return one row per village-level unit (all 121) with its coverage status.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    divisions : Divisions, optional
        Official divisions (default: the shipped list).

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name``, ``short``, ``township``, ``township_name``,
        ``coops`` (village- and group-led cooperatives in the village) and ``status``:
        ``coop`` (it has one), ``reached`` (it has none, and a cooperative's
        ``serves_villages`` lists it) or ``none`` (未覆盖: neither). A township union
        reaches a village only where the registry says so (see the module's counting
        rules).
    """
    _check_frame(frame)
    divisions = divisions or load_divisions()
    v = divisions.villages[["code", "name", "short", "township"]].copy().reset_index(drop=True)
    names = dict(zip(divisions.townships["code"], divisions.townships["name"]))
    v["township_name"] = v["township"].map(names)
    own = frame[frame["lead_level"].isin(["village", "group"]) & frame["village"].notna()]
    counts = own["village"].astype(str).value_counts()
    v["coops"] = v["code"].map(counts).fillna(0).astype(int)
    reached = _reached_codes(frame, divisions, pd.Index(v.loc[v["coops"] > 0, "code"]))
    v["status"] = np.where(v["coops"] > 0, "coop", np.where(v["code"].isin(reached), "reached", "none"))
    return v


def village_status_counts(villages: pd.DataFrame) -> dict[str, int]:
    """Count the villages of each coverage status.

    Parameters
    ----------
    villages : pandas.DataFrame
        :func:`village_table` (of a registry, or of the rows a filter keeps).

    Returns
    -------
    dict
        ``{"coop": …, "reached": …, "none": …}`` in :data:`VILLAGE_STATUSES` order;
        ``none`` is the number of villages not covered (未覆盖). Every page, report,
        slide and export that counts villages by status counts them here.
    """
    counts = villages["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in VILLAGE_STATUSES}
