"""The charts of one cooperative: its income streams, and its figures beside the medians of its peers.

* :func:`income_streams` — a cooperative's five income streams (:func:`income_rows`
  gives the data);
* :func:`median_comparison` — a cooperative against its township's and the county's
  medians (:func:`comparison_table` gives the numbers, :func:`comparison_rows` the data
  drawn).

The rows of two cooperatives differ only in their values, so a dashboard can build each
chart once and put another cooperative's rows in. Text is Simplified Chinese unless
``lang="en"``; the look is :mod:`coopmap.presentation.chart_style`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from coopmap.data.schema import INCOME_STREAMS, column_unit, members_label, members_unit
from coopmap.errors import CoopmapError
from coopmap.figures.relations import comparison_peers
from coopmap.i18n import STRINGS, paren, t, unit_label
from coopmap.presentation.chart_style import ACCENT, BAR, INK, configure, label_text

__all__ = ["COMPARISON_MEASURES", "comparison_rows", "comparison_table", "income_rows", "income_streams",
           "median_comparison"]

#: Measures compared in :func:`median_comparison` by default (registry column ids).
COMPARISON_MEASURES = ("revenue", "farmer_income", "collective_income", "land_mu", "members", "households")
#: Decimals of a compared measure's values (its unit is the schema's: coopmap.data.schema.column_unit;
#: members: coopmap.data.schema.members_unit, 人 or 个 for a union); others show one.
_MEASURE_DECIMALS = {"land_mu": 0, "households": 0}


def income_streams(coop: Mapping[str, Any] | pd.Series, *, lang: str = "zh", width: int = 320,
                   title: str | None = None) -> alt.LayerChart:
    """Draw a cooperative's five income streams for households (万元).

    Parameters
    ----------
    coop : mapping or pandas.Series
        One registry row with ``income_rent``, ``income_wages``, ``income_dividends``,
        ``income_commission``, ``income_inputs`` (NaN = not reported).
    lang : {"zh", "en"}
    width : int
    title : str, optional
        Chart title (default: none; the page heading names the cooperative).

    Returns
    -------
    altair.LayerChart
        Streams not reported are listed with the text 未填报 and no bar.
    """
    unit = unit_label(column_unit(INCOME_STREAMS[0]), lang)  # every stream is in 万元
    data = income_rows(coop, lang=lang)
    y = alt.Y("stream:N", sort=list(data["stream"]), title=None, axis=alt.Axis(ticks=False, domain=False))
    tooltip = [alt.Tooltip("stream:N", title=t("chart.income_stream", lang)),
               alt.Tooltip("value_text:N", title=t("chart.amount", lang))]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    x_title = t('chart.amount', lang) + paren(unit, lang)
    bars = base.mark_bar(color=ACCENT, height={"band": 0.65}).encode(
        x=alt.X("bar:Q", title=x_title, axis=alt.Axis(format=",~f", tickCount=4)))
    text = base.mark_text(align="left", dx=4, fontSize=11, color=INK).encode(x="bar:Q", text="value_text:N")
    chart = alt.layer(bars, text).properties(width=width, height=26 * len(data))
    if title:
        chart = chart.properties(title=title)
    return configure(chart)


def income_rows(coop: Mapping[str, Any] | pd.Series, *, lang: str = "zh") -> pd.DataFrame:
    """Return the data :func:`income_streams` draws: one row per income stream.

    Columns ``stream`` (label), ``value`` (万元, NaN when not reported), ``value_text``
    and ``bar`` (the value, 0 when not reported). Always five rows, in
    :data:`coopmap.data.schema.INCOME_STREAMS` order, so charts of two cooperatives differ
    only in these rows.

    Parameters
    ----------
    coop : mapping or pandas.Series
        One registry row (see :func:`income_streams`).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
    """
    rows = []
    for stream in INCOME_STREAMS:
        unit = unit_label(column_unit(stream), lang)
        value = coop.get(stream) if hasattr(coop, "get") else None
        value = None if value is None or pd.isna(value) else float(value)
        rows.append({"stream": t(stream, lang), "value": value, "value_text": label_text(value, unit, 1, lang)})
    data = pd.DataFrame(rows)
    data["bar"] = data["value"].fillna(0.0)
    return data


def comparison_table(frame: pd.DataFrame, uscc: str, measures: Sequence[str] = COMPARISON_MEASURES) -> pd.DataFrame:
    """Return a cooperative's figures beside its township's and the county's medians.

    Peers are those of :func:`coopmap.figures.relations.comparison_peers`: township
    unions (领办层级 township) are compared with the other unions, village- and
    group-led cooperatives with each other. A union is alone in its township, so its
    township median is left empty.

    Parameters
    ----------
    frame : pandas.DataFrame
        The canonical registry (``coopmap.data.registry.load_registry(...).frame``).
    uscc : str
        The cooperative's unified social credit code.
    measures : sequence of str
        Registry columns to compare.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure``, ``value``, ``township_median``,
        ``county_median``, ``township_peers``, ``county_peers`` (counts of values
        behind each median).

    Raises
    ------
    CoopmapError
        When no cooperative has that code or a measure is not a registry column.
    """
    peers = comparison_peers(frame, uscc)
    unknown = [m for m in measures if m not in frame.columns]
    if unknown:
        raise CoopmapError(f"not registry columns: {unknown}")
    coop = peers.coop
    rows = []
    for m in measures:
        county_vals = pd.to_numeric(peers.county[m], errors="coerce").dropna()
        town_vals = pd.to_numeric(peers.township[m], errors="coerce").dropna()
        rows.append({
            "measure": m,
            "value": float(coop[m]) if pd.notna(coop[m]) else np.nan,
            "township_median": np.nan if town_vals.empty else float(town_vals.median()),
            "county_median": float(county_vals.median()) if not county_vals.empty else np.nan,
            "township_peers": int(len(town_vals)),
            "county_peers": int(len(county_vals)),
        })
    return pd.DataFrame(rows)


_COMPARISON_SERIES = (("value", "chart.cooperative"), ("township_median", "chart.township_median"),
                      ("county_median", "chart.county_median"))


def comparison_rows(frame: pd.DataFrame, uscc: str, measures: Sequence[str] = COMPARISON_MEASURES, *,
                    lang: str = "zh") -> pd.DataFrame:
    """Return the data :func:`median_comparison` draws: three rows per measure.

    Columns ``measure`` (panel label with unit), ``series`` (the cooperative, its
    township's median, the county's median), ``is_coop``, ``value``, ``bar`` and
    ``value_text``; always ``3 * len(measures)`` rows in the same order.

    Parameters
    ----------
    frame : pandas.DataFrame
        The canonical registry.
    uscc : str
        The cooperative's code.
    measures : sequence of str
        Registry columns (default :data:`COMPARISON_MEASURES`).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
    """
    table = comparison_table(frame, uscc, measures)
    level = frame.loc[frame["uscc"] == uscc, "lead_level"].iloc[0]
    rows = []
    for record in table.to_dict("records"):
        if record["measure"] == "members":  # people, or a union's member cooperatives
            label, decimals = members_label(level, lang), 0
            kind = members_unit(level)
            # "Member cooperatives", not "Member cooperatives (member cooperatives)"
            unit = "" if lang == "en" and kind == "member_coops" else unit_label(kind, lang)
        else:
            kind = column_unit(record["measure"])
            unit = "" if kind == "count" else unit_label(kind, lang)
            decimals = _MEASURE_DECIMALS.get(record["measure"], 1)
            label = t(record["measure"], lang) if unit and record["measure"] in STRINGS else record["measure"]
        panel = label + paren(unit, lang) if unit else label
        for column, key in _COMPARISON_SERIES:
            value = record[column]
            rows.append({
                "measure": panel, "series": t(key, lang), "is_coop": column == "value",
                "value": None if pd.isna(value) else float(value), "bar": 0.0 if pd.isna(value) else float(value),
                "value_text": label_text(value, unit, decimals, lang),
            })
    return pd.DataFrame(rows)


def median_comparison(frame: pd.DataFrame, uscc: str, measures: Sequence[str] = COMPARISON_MEASURES, *,
                      lang: str = "zh", width: int = 300) -> alt.FacetChart:
    """Draw a cooperative against its township's and the county's medians, one panel per measure.

    Parameters
    ----------
    frame : pandas.DataFrame
        The canonical registry.
    uscc : str
        The cooperative's code.
    measures : sequence of str
        Registry columns (default :data:`COMPARISON_MEASURES`); each panel has its
        own scale and unit.
    lang : {"zh", "en"}
    width : int

    Returns
    -------
    altair.FacetChart
    """
    data = comparison_rows(frame, uscc, measures, lang=lang)
    order = [t(k, lang) for _, k in _COMPARISON_SERIES]
    base = alt.Chart().encode(
        y=alt.Y("series:N", sort=order, title=None, axis=alt.Axis(ticks=False, domain=False)),
        tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("value_text:N", title=t("map.value", lang))],
    )
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("bar:Q", title=None, axis=alt.Axis(tickCount=3, format=",~f")),
        color=alt.when("datum.is_coop").then(alt.value(ACCENT)).otherwise(alt.value(BAR)),
    )
    text = base.mark_text(align="left", dx=4, fontSize=11, color=INK).encode(x="bar:Q", text="value_text:N")
    chart = alt.layer(bars, text, data=data).properties(width=width, height=alt.Step(22)).facet(
        row=alt.Row("measure:N", sort=list(dict.fromkeys(data["measure"])), title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top", labelPadding=2,
                                      labelFontSize=12, labelFontWeight="bold")),
        spacing=10,
    ).resolve_scale(x="independent")
    return configure(chart)
