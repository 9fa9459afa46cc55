"""County, township and village figures computed from a registry, and their reconciliation.

Everything here is a pure function of a canonical registry frame (as
:func:`coopmap.data.registry.load_registry` returns it) and the official divisions:

* :func:`county_summary` — the programme figures under the facts sheet's ids;
* :func:`township_table` — one row per township (all 10, official order);
* :func:`village_table` — one row per village (all 121) with its coverage status;
* :func:`reconcile` — published against computed, with the known explanations.

The metric catalog (:mod:`coopmap.figures.catalog`) is the analysts' extension point:
a registered metric becomes a column of :func:`township_table`, and charts look
metrics up by id.

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
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd

from coopmap.data.divisions import Divisions, load_divisions
from coopmap.errors import CoopmapError
from coopmap.figures.catalog import get_metric, list_metrics
from coopmap.data.reported import Figure, Reported, load_reported
from coopmap.data.schema import SERVES_SEPARATOR

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


def _covered_codes(frame: pd.DataFrame, divisions: Divisions) -> pd.Index:
    """Distinct village codes (of the division list) with a village- or group-led cooperative."""
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


def _covered_villages(frame: pd.DataFrame, divisions: Divisions) -> set[str]:
    """Village codes (of the division list) with a village- or group-led cooperative."""
    return set(_covered_codes(frame, divisions))


def _union_members(frame: pd.DataFrame) -> pd.Series:
    """Boolean mask: the row belongs to a township union that is in the same registry."""
    unions = set(frame.loc[frame["lead_level"] == "township", "uscc"].astype(str))
    if "union_uscc" not in frame.columns:
        return pd.Series(False, index=frame.index)
    linked = frame["union_uscc"].notna().to_numpy()
    codes = frame["union_uscc"].to_numpy(dtype=object)[linked]
    member = np.zeros(len(frame), dtype=bool)
    # set membership of the linked codes only (Series.isin over a column mostly <NA> took
    # 15-250 ms at 100k rows, varying from run to run)
    member[linked] = np.fromiter(map(unions.__contains__, codes), dtype=bool, count=len(codes))
    return pd.Series(member, index=frame.index)


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
    covered = _covered_codes(frame, divisions)

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
    covered_codes = _covered_codes(frame, divisions)
    covered = pd.Series(covered_codes, dtype=str)
    reached = pd.Series(_reached_codes(frame, divisions, covered_codes), dtype=str)
    table["villages_covered"] = covered.str[:9].value_counts().reindex(codes, fill_value=0).astype(int)
    table["villages_reached"] = reached.str[:9].value_counts().reindex(codes, fill_value=0).astype(int)
    table["villages_not_covered"] = table["villages_total"] - table["villages_covered"] - table["villages_reached"]
    table["coverage_pct"] = (100.0 * table["villages_covered"] / table["villages_total"].where(table["villages_total"] > 0)).fillna(0.0)
    table["union_members"] = count(_union_members(frame))
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


# -- reconciliation --------------------------------------------------------------------

_NOT_COMPUTABLE = {
    "coops_screened": (
        "这是全县所有合作社的筛查数，不限于党组织领办合作社，台账中没有。",
        "Counts every cooperative screened in the county, not only party-led ones; a registry of party-led cooperatives cannot give it.",
    ),
    "working_groups": (
        "工作组属于工作部署情况，不是合作社台账的内容。",
        "Working groups are programme administration, not a registry column.",
    ),
    "study_trips": (
        "考察学习属于工作部署情况，不是合作社台账的内容。",
        "Study trips are programme administration, not a registry column.",
    ),
    "funds_integrated_2023": (
        "整合涉农资金是县级投入，不是合作社台账的列。",
        "Integrated agricultural funds are county spending, not a registry column.",
    ),
}
_NO_VALUES = ("台账中没有这一列的数值。", "The registry holds no values for this figure.")
RECONCILE_COLUMNS = ("id", "label_zh", "label_en", "reported", "computed", "unit", "difference", "status", "explanation")
STATUSES = ("match", "differs", "within_bound", "not_computable")


def _num(value: float, decimals: int = 2) -> str:
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _explain(fig: Figure, computed: Optional[float], summary: dict[str, Any], published: dict[str, float],
             frame: pd.DataFrame, divisions: Divisions, lang: str) -> str:
    zh = lang != "en"
    parts: list[str] = []
    fid = fig.id
    if fid == "village_coverage_pct":
        num = fig.extra.get("numerator")
        den = fig.extra.get("denominator")
        total = len(divisions.villages)
        covered = len(_covered_villages(frame, divisions))
        if zh:
            parts.append(f"报告的{_num(fig.value)}%按{den}个行政村计算（{num}/{den}）；2023年区划名录有{total}个村级单位，"
                         f"台账中有村级或村民小组领办合作社的村{covered}个，{covered}/{total} = {_num(100 * covered / total)}%。")
        else:
            parts.append(f"The report's {_num(fig.value)}% is {num}/{den}: it assumes {den} villages, while the 2023 division list "
                         f"has {total} village-level units; {covered} of them have a village- or group-led cooperative in the "
                         f"registry, so {covered}/{total} = {_num(100 * covered / total)}%.")
        if den and round(100 * covered / den, 2) == round(fig.value, 2):
            parts.append("差异只来自分母。" if zh else "The difference comes from the denominator only.")
    elif fid in ("standardized", "formed_new", "formed_upgraded") and not {"formed_new", "formed_upgraded", "coops_total"} <= set(published):
        pass
    elif fid == "standardized":
        new, upg, n = (int(published[k]) for k in ("formed_new", "formed_upgraded", "coops_total"))
        if zh:
            parts.append(f"报告中新组建{new} + 改造提升{upg} = {new + upg}，已是全部{n}个合作社，所以“规范运行”"
                         f"{_num(fig.value)}个理解为其中部分合作社的运行状态，按台账中标为规范运行的合作社计数。")
        else:
            parts.append(f"In the report {new} newly formed + {upg} upgraded = {new + upg}, already all {n} cooperatives, "
                         f"so the {_num(fig.value)} 'standardized' are read as a status of some of them and counted "
                         "from the registry's 规范运行 column.")
    elif fid in ("formed_new", "formed_upgraded"):
        new, upg, n = (int(published[k]) for k in ("formed_new", "formed_upgraded", "coops_total"))
        cnew, cupg, cn = summary["formed_new"], summary["formed_upgraded"], summary["coops_total"]
        parts.append(f"报告：{new} + {upg} = {n}；台账：新组建{cnew} + 改造提升{cupg} = {cnew + cupg}（共{cn}个）。" if zh
                     else f"Report: {new} + {upg} = {n}; registry: {cnew} new + {cupg} upgraded = {cnew + cupg} (of {cn}).")
    elif fid == "coops_township_led":
        members = int(_union_members(frame).sum())
        parts.append(f"乡镇领办的是联合社；台账中有{members}个合作社登记了所属联合社。" if zh
                     else f"Township-led cooperatives are unions (联合社); {members} cooperatives in the registry name their union.")
    elif fid in _NOT_COMPUTABLE:
        parts.append(_NOT_COMPUTABLE[fid][0 if zh else 1])

    if computed is None and fid not in _NOT_COMPUTABLE:
        parts.append(_NO_VALUES[0 if zh else 1])
    elif computed is not None:
        shown = fig.published("zh" if zh else "en")
        if fig.qualifier == "at_least":
            ok = fig.accepts(computed)
            if zh:
                parts.append(f"报告为下限（{shown}）；台账合计{_num(computed)}{'达到' if ok else '低于'}该下限。")
            else:
                parts.append(f"Published as a lower bound ({shown}); the registry total {_num(computed)} is {'at or above' if ok else 'below'} it.")
        elif fig.qualifier == "about":
            tol = fig.compare_tolerance or 0.0
            if zh:
                parts.append(f"报告为约数（{shown}，按±{_num(tol)}理解）；台账合计{_num(computed)}。")
            else:
                parts.append(f"Published as a rounded figure ({shown}, read as ±{_num(tol)}); the registry total is {_num(computed)}.")
        elif not fig.accepts(computed) and fid != "village_coverage_pct":
            diff = computed - fig.compare_value
            rel = f"，相差{_num(100 * diff / fig.compare_value, 1)}%" if zh and fig.compare_value else ""
            rel_en = f" ({_num(100 * diff / fig.compare_value, 1)}%)" if fig.compare_value else ""
            parts.append(f"台账计算为{_num(computed)}，报告为{_num(fig.compare_value)}{rel}。" if zh
                         else f"The registry gives {_num(computed)}, the report {_num(fig.compare_value)}: a difference of {_num(diff)}{rel_en}.")
    if fig.year is not None and computed is not None and "year" in frame.columns and len(frame):
        years = sorted({int(y) for y in frame["year"].dropna()})
        if years != [fig.year]:
            listed = "、".join(map(str, years)) if zh else ", ".join(map(str, years))
            parts.append(f"注意：报告数为{fig.year}年，台账年度为{listed}。" if zh
                         else f"Note: the figure is for {fig.year}; the registry holds year(s) {listed}.")
    return ("" if zh else " ").join(parts)


def reconcile(frame: pd.DataFrame, reported: Optional[Reported] = None, *, divisions: Optional[Divisions] = None,
              lang: str = "zh") -> pd.DataFrame:
    """Compare every published figure with what the registry gives.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    reported : Reported, optional
        Published figures (default: :func:`coopmap.data.reported.load_reported`).
    divisions : Divisions, optional
        Official divisions (default: the shipped list).
    lang : {"zh", "en"}
        Language of ``unit`` and ``explanation``.

    Returns
    -------
    pandas.DataFrame
        One row per published figure, in the facts sheet's order, columns
        :data:`RECONCILE_COLUMNS`. ``reported`` and ``computed`` are in the registry's
        unit (money in 万元); ``difference`` is computed − reported. ``status``:
        ``match`` (equal), ``within_bound`` (a lower bound met, or a rounded figure
        within its tolerance), ``differs`` or ``not_computable`` (the registry cannot
        give it). Nothing is adjusted to make figures agree.
    """
    reported = reported or load_reported()
    divisions = divisions or load_divisions()
    summary = county_summary(frame, divisions)
    published = {f.id: f.compare_value for f in reported}
    rows = []
    for fig in reported:
        computable = fig.id in summary and fig.id not in _NOT_COMPUTABLE
        computed = summary.get(fig.id) if computable else None
        if computed is None:
            status, difference = "not_computable", math.nan
        else:
            difference = round(float(computed) - fig.compare_value, 6)
            if fig.qualifier == "exact":
                status = "match" if fig.accepts(computed) else "differs"
            else:
                status = "within_bound" if fig.accepts(computed) else "differs"
        unit = fig.compare_unit if lang != "en" else ("CNY 10k" if fig.is_money else fig.unit_en)
        rows.append({
            "id": fig.id,
            "label_zh": fig.label_zh,
            "label_en": fig.label_en,
            "reported": fig.compare_value,
            "computed": math.nan if computed is None else float(computed),
            "unit": unit,
            "difference": difference,
            "status": status,
            "explanation": _explain(fig, None if computed is None else float(computed), summary, published, frame, divisions, lang),
        })
    return pd.DataFrame(rows, columns=list(RECONCILE_COLUMNS))
