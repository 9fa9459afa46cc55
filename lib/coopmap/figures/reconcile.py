"""The reconciliation: every published figure against what the registry gives.

:func:`reconcile` compares the facts sheet's figures (:mod:`coopmap.data.reported`)
with :func:`coopmap.figures.tables.county_summary` and explains each difference it
knows the reason for (a denominator, a lower bound, a rounded figure, a figure the
registry cannot give). Nothing is adjusted to make figures agree.

The explanations are interface text: their Chinese and English live in the string
catalog (:mod:`coopmap.strings.reconcile`, keys ``reconcile.*``), and their numbers
are written by :func:`coopmap.i18n.format_number`.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import pandas as pd

from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.reported import Figure, Reported, load_reported
from coopmap.figures.relations import union_member_mask
from coopmap.figures.tables import county_summary, covered_villages
from coopmap.i18n import format_number, join, t

__all__ = ["NOT_COMPUTABLE", "RECONCILE_COLUMNS", "STATUSES", "reconcile"]

#: Published figures a registry of cooperatives cannot give (programme administration).
NOT_COMPUTABLE = ("coops_screened", "working_groups", "study_trips", "funds_integrated_2023")
RECONCILE_COLUMNS = ("id", "label_zh", "label_en", "reported", "computed", "unit", "difference", "status", "explanation")
STATUSES = ("match", "differs", "within_bound", "not_computable")
_PART_SEPARATOR = {"zh": "", "en": " "}  # Chinese sentences end in 。 and need no space


def _explain(fig: Figure, computed: Optional[float], summary: dict[str, Any], published: dict[str, float],
             frame: pd.DataFrame, divisions: Divisions, lang: str) -> str:
    def num(value: float, decimals: int = 2) -> str:
        return format_number(value, "count", lang, decimals, trim=True)

    parts: list[str] = []
    fid = fig.id
    if fid == "village_coverage_pct":
        den = fig.extra.get("denominator")
        total = len(divisions.villages)
        covered = len(covered_villages(frame, divisions))
        parts.append(t("reconcile.coverage", lang, reported=num(fig.value), num=fig.extra.get("numerator"), den=den,
                       total=total, covered=covered, rate=num(100 * covered / total)))
        if den and round(100 * covered / den, 2) == round(fig.value, 2):
            parts.append(t("reconcile.coverage_denominator", lang))
    elif fid in ("standardized", "formed_new", "formed_upgraded") and not {"formed_new", "formed_upgraded", "coops_total"} <= set(published):
        pass
    elif fid == "standardized":
        new, upg, n = (int(published[k]) for k in ("formed_new", "formed_upgraded", "coops_total"))
        parts.append(t("reconcile.standardized", lang, new=new, upgraded=upg, formed=new + upg, total=n, value=num(fig.value)))
    elif fid in ("formed_new", "formed_upgraded"):
        new, upg, n = (int(published[k]) for k in ("formed_new", "formed_upgraded", "coops_total"))
        cnew, cupg, cn = summary["formed_new"], summary["formed_upgraded"], summary["coops_total"]
        parts.append(t("reconcile.formation", lang, new=new, upgraded=upg, total=n, c_new=cnew, c_upgraded=cupg,
                       c_formed=cnew + cupg, c_total=cn))
    elif fid == "coops_township_led":
        parts.append(t("reconcile.unions", lang, members=int(union_member_mask(frame).sum())))
    elif fid in NOT_COMPUTABLE:
        parts.append(t(f"reconcile.not_computable.{fid}", lang))

    if computed is None and fid not in NOT_COMPUTABLE:
        parts.append(t("reconcile.no_values", lang))
    elif computed is not None:
        shown = fig.published(lang)
        if fig.qualifier == "at_least":
            key = "reconcile.at_least_met" if fig.accepts(computed) else "reconcile.at_least_below"
            parts.append(t(key, lang, shown=shown, computed=num(computed)))
        elif fig.qualifier == "about":
            parts.append(t("reconcile.about", lang, shown=shown, tolerance=num(fig.compare_tolerance or 0.0), computed=num(computed)))
        elif not fig.accepts(computed) and fid != "village_coverage_pct":
            diff = computed - fig.compare_value
            relative = (t("reconcile.differs_relative", lang, pct=num(100 * diff / fig.compare_value, 1))
                        if fig.compare_value else "")
            parts.append(t("reconcile.differs", lang, computed=num(computed), reported=num(fig.compare_value),
                           difference=num(diff), relative=relative))
    if fig.year is not None and computed is not None and "year" in frame.columns and len(frame):
        years = sorted({int(y) for y in frame["year"].dropna()})
        if years != [fig.year]:
            parts.append(t("reconcile.years", lang, year=fig.year, years=join(years, lang)))
    return _PART_SEPARATOR[lang].join(parts)


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
    lang = "en" if lang == "en" else "zh"  # as before the catalog: any other value gave Chinese
    reported = reported or load_reported()
    divisions = divisions or load_divisions()
    summary = county_summary(frame, divisions)
    published = {f.id: f.compare_value for f in reported}
    rows = []
    for fig in reported:
        computable = fig.id in summary and fig.id not in NOT_COMPUTABLE
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
