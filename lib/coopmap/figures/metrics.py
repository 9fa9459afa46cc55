"""The reconciliation: every published figure against what the registry gives.

:func:`reconcile` compares the facts sheet's figures (:mod:`coopmap.data.reported`)
with :func:`coopmap.figures.tables.county_summary` and explains each difference it
knows the reason for (a denominator, a lower bound, a rounded figure, a figure the
registry cannot give). Nothing is adjusted to make figures agree.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import pandas as pd

from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.reported import Figure, Reported, load_reported
from coopmap.figures.relations import union_member_mask
from coopmap.figures.tables import county_summary, covered_villages

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
        covered = len(covered_villages(frame, divisions))
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
        members = int(union_member_mask(frame).sum())
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
