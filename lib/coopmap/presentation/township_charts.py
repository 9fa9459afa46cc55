"""The charts of one metric across the townships: the map and the ranking.

* :func:`township_map` — choropleth of one registered metric, click selection
  ``township``, labels, legend, Chinese tooltips with units, 示意边界 on schematic maps;
  :func:`outline_township` moves its highlight without building the map again;
* :func:`township_ranking` — the same metric as ranked bars, click selection ``township``.

Both take :func:`coopmap.figures.tables.township_table` and a metric id of
:mod:`coopmap.figures.catalog`, and read their values the same way (a township without
data is 无数据, one not reported 未填报). Data travel inline and small: township geometry
is simplified with :func:`coopmap.geo.web_shapes.simplify_for_web`. Text is Simplified
Chinese unless ``lang="en"``; the look is :mod:`coopmap.presentation.chart_style`.
"""

from __future__ import annotations

from typing import Any, Collection

import altair as alt
import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from coopmap.errors import CoopmapError
from coopmap.geo import web_shapes
from coopmap.i18n import paren, t, township_label
from coopmap.presentation.chart_style import ACCENT, BAR, INK, configure, label_text

__all__ = ["MAP_SCHEME", "outline_township", "township_map", "township_ranking"]

#: Sequential single-hue scheme for the map.
MAP_SCHEME = "blues"
_MISSING = "#dddddd"


def _metric(metric_id: str):
    from coopmap.figures.catalog import get_metric  # lazy: the catalog is needed only when a chart names a metric

    return get_metric(metric_id)


def _metric_values(table: pd.DataFrame, metric) -> pd.Series:
    if metric.id in table.columns:
        values = table[metric.id]
    else:
        values = pd.Series(metric.compute(table), index=table.index)
    return pd.to_numeric(values, errors="coerce")


def _township_frame(table: pd.DataFrame, metric_id: str, lang: str,
                    no_data: Collection[str] = ()) -> tuple[pd.DataFrame, Any]:
    """Return code, name, label, value, value_text and missing for each township of ``table``.

    A township in ``no_data`` has no value (text 无数据); one whose value is NaN is
    未填报. ``missing`` holds that text for the townships without a value, else None.
    """
    for column in ("code", "name"):
        if column not in table.columns:
            raise CoopmapError(f"the township table lacks column {column!r}; pass coopmap.figures.tables.township_table(...)")
    metric = _metric(metric_id)
    values = _metric_values(table, metric)
    unit = metric.unit(lang)
    codes = table["code"].astype(str).to_numpy()
    empty = {str(c) for c in no_data}
    no_data_text = t("chart.no_data", lang)
    out = pd.DataFrame({
        "code": codes,
        "name": [township_label(c, n, lang) for c, n in zip(codes, table["name"])],
        "short": [township_label(c, n, lang, short=True) for c, n in zip(codes, table["name"])],
        "value": [None if c in empty or pd.isna(v) else round(float(v), 6) for c, v in zip(codes, values)],
        "value_text": [no_data_text if c in empty else label_text(v, unit, metric.decimals, lang) for c, v in zip(codes, values)],
    })
    out["missing"] = [text if pd.isna(v) else None for v, text in zip(out["value"], out["value_text"])]
    return out, metric


def _legend_title(metric, lang: str, filtered: bool = False) -> str:
    unit = metric.unit(lang)
    title = metric.label(lang)
    if unit:
        title = title + paren(unit, lang)
    return f"{title}{t('chart.filtered_suffix', lang)}" if filtered else title


def _selection(name: str) -> alt.Parameter:
    return alt.selection_point(name=name, fields=["code"], on="click", clear="dblclick", toggle=False, empty=False)


# -- township map --------------------------------------------------------------------------
def township_map(
    boundaries: gpd.GeoDataFrame,
    table: pd.DataFrame,
    metric: str = "coverage_pct",
    *,
    schematic: bool | None = None,
    highlight: str | None = None,
    lang: str = "zh",
    width: int = 460,
    height: int = 440,
    tolerance: float = 0.002,
    title: str | None = None,
    no_data: Collection[str] = (),
    filtered: bool = False,
) -> alt.LayerChart:
    """Draw a township choropleth of one registered metric.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        10 townships (``code``, ``name``, ``geometry``, EPSG:4326), e.g. from
        :func:`coopmap.geo.boundaries.default_boundaries`.
    table : pandas.DataFrame
        :func:`coopmap.figures.tables.township_table` (``code``, ``name`` and the metric's
        column, or what the metric's ``compute`` needs).
    metric : str, default "coverage_pct"
        A metric id of the :mod:`coopmap.figures.catalog`.
    schematic : bool, optional
        Say 示意边界 above the map (title, or subtitle under ``title``) and draw
        dashed edges. Default: the boundaries' ``attrs["schematic"]``.
    highlight : str, optional
        9-digit code of a township to outline in the accent colour.
    lang : {"zh", "en"}, default "zh"
    width, height : int
        Size in pixels.
    tolerance : float
        Simplification tolerance (degrees) for the browser.
    title : str, optional
        Chart title.
    no_data : collection of str
        Codes of townships to draw as having no data (grey, labelled 无数据): under
        filters, those none of whose cooperatives match.
    filtered : bool
        The table counts only the cooperatives that match filters: the legend says
        （筛选后）.

    Returns
    -------
    altair.LayerChart
        With a point selection parameter ``township`` on field ``code`` (click to
        select, double-click to clear). Townships without a value are grey, with a
        legend entry saying why (无数据 or 未填报).
    """
    if schematic is None:
        schematic = bool(boundaries.attrs.get("schematic", False))
    rows, metric_obj = _township_frame(table, metric, lang, no_data)
    by_code = rows.set_index("code")
    unknown = sorted(set(boundaries["code"]) - set(by_code.index))
    if unknown:
        raise CoopmapError(f"the township table has no row for boundary codes {unknown}")
    web = web_shapes.simplify_for_web(boundaries, tolerance=tolerance)
    features = []
    for code, geom in zip(web["code"], web.geometry):
        row = by_code.loc[code]
        value = None if pd.isna(row["value"]) else float(row["value"])
        features.append({
            "type": "Feature", "geometry": mapping(geom), "properties": {},
            "code": code, "name": row["name"], "value_text": row["value_text"],
            # the colour's field is never empty: Vega-Lite drops (or colours as 0) a
            # shape whose colour field is null; "value" says whether it is shaded
            "value": value, "shade": 0.0 if value is None else value,
        })
    labels = web_shapes.label_points(web).merge(rows[["code", "short", "value_text"]], on="code")
    shapes = alt.Data(values=features)
    township = _selection("township")
    tooltip = [alt.Tooltip("name:N", title=t("map.township", lang)),
               alt.Tooltip("value_text:N", title=metric_obj.label(lang))]
    stroke_dash = [4, 3] if schematic else [1, 0]

    shaded = any(f["value"] is not None for f in features)
    base = alt.Chart(shapes).mark_geoshape(strokeWidth=0.8, strokeDash=stroke_dash).encode(
        color=alt.when("isValid(datum.value)").then(
            alt.Color("shade:Q", title=_legend_title(metric_obj, lang, filtered),
                      scale=alt.Scale(scheme=MAP_SCHEME, zero=True),
                      # with no township shaded a gradient would claim a range of values
                      legend=alt.Legend(orient="bottom-left", direction="vertical", gradientLength=110,
                                        format=",~f") if shaded else None)
        ).otherwise(alt.value(_MISSING)),
        stroke=alt.when(township).then(alt.value(ACCENT)).otherwise(alt.value("#ffffff")),
        strokeWidth=alt.when(township).then(alt.value(3)).otherwise(alt.value(0.8)),
        tooltip=tooltip,
    ).add_params(township)
    layers: list[alt.Chart] = [base]
    if highlight is not None:
        if highlight not in set(web["code"]):
            raise CoopmapError(f"highlight {highlight!r} is not a township code of the boundaries")
        chosen = [f for f in features if f["code"] == highlight]
        layers.append(alt.Chart(alt.Data(values=chosen)).mark_geoshape(
            fill=None, filled=False, stroke=ACCENT, strokeWidth=3).encode(tooltip=tooltip))
    text = alt.Chart(labels).encode(longitude="lon:Q", latitude="lat:Q", text="short:N")
    layers.append(text.mark_text(fontSize=12, fontWeight="bold", stroke="#ffffff", strokeWidth=3,
                                 strokeOpacity=0.85, dy=-7))
    layers.append(text.mark_text(fontSize=12, fontWeight="bold", color=INK, dy=-7))
    figures = alt.Chart(labels).encode(longitude="lon:Q", latitude="lat:Q", text="value_text:N")
    layers.append(figures.mark_text(fontSize=10, dy=8, stroke="#ffffff", strokeWidth=2.5, strokeOpacity=0.85))
    layers.append(figures.mark_text(fontSize=10, color=INK, dy=8))
    missing = _missing_legend(labels.merge(rows[["code", "missing"]], on="code"), filtered and not shaded, lang)
    if missing is not None:
        layers.append(missing)
    chart = alt.layer(*layers).project(type="mercator").properties(width=width, height=height)
    if schematic:
        note = t("map.schematic_note", lang)
        if title:
            chart = chart.properties(title=alt.Title(title, subtitle=note, subtitleColor=ACCENT,
                                                     subtitleFontWeight="bold", subtitleFontSize=12))
        else:
            chart = chart.properties(title=alt.Title(note, color=ACCENT, fontSize=13))
    elif title:
        chart = chart.properties(title=title)
    return configure(chart)


def _missing_legend(points: pd.DataFrame, title: bool, lang: str) -> alt.Chart | None:
    """A legend entry per reason townships are grey (无数据, 未填报), or None when all have values.

    Drawn as points of size 0 at the townships' label points: the entry is in the
    legend, nothing is drawn over the map, so clicks and tooltips reach the shapes.
    """
    points = points[points["missing"].notna()]
    if points.empty:
        return None
    reasons = list(dict.fromkeys(points["missing"]))
    return alt.Chart(points[["lon", "lat", "missing"]]).mark_point(size=0, opacity=0, filled=True).encode(
        longitude="lon:Q", latitude="lat:Q",
        fill=alt.Fill("missing:N", scale=alt.Scale(domain=reasons, range=[_MISSING] * len(reasons)),
                      legend=alt.Legend(title=t("chart.filtered_empty", lang) if title else None, orient="bottom-left",
                                        symbolType="square", symbolSize=160, symbolOpacity=1,
                                        symbolStrokeColor="#9a9a9a", symbolStrokeWidth=0.5, labelLimit=0)),
    )


def outline_township(spec: dict[str, Any], highlight: str) -> dict[str, Any]:
    """Return the spec of a :func:`township_map` drawn with a highlight, outlining ``highlight`` instead.

    Equal to the spec :func:`township_map` gives for ``highlight`` with the same
    other arguments, without building and validating the chart again (the outline is
    one layer holding the chosen township's shape).

    Parameters
    ----------
    spec : dict
        ``township_map(..., highlight=<any township>).to_dict()``.
    highlight : str
        9-digit code of the township to outline.

    Returns
    -------
    dict
        A new spec (``spec`` is not changed).

    Raises
    ------
    CoopmapError
        When ``spec`` is not a township map with a highlight, or ``highlight`` is not
        one of its townships.
    """
    layers = spec.get("layer") or []
    if len(layers) < 2 or not all(isinstance(layer.get("data"), dict) and "values" in layer["data"]
                                  for layer in layers[:2]) or len(layers[1]["data"]["values"]) != 1:
        raise CoopmapError("outline_township needs the spec of a township_map drawn with a highlight")
    chosen = [f for f in layers[0]["data"]["values"] if f.get("code") == highlight]
    if len(chosen) != 1:
        raise CoopmapError(f"highlight {highlight!r} is not a township code of the map")
    return {**spec, "layer": [layers[0], {**layers[1], "data": {"values": chosen}}, *layers[2:]]}


# -- township ranking --------------------------------------------------------------------
def township_ranking(
    table: pd.DataFrame,
    metric: str = "coverage_pct",
    *,
    highlight: str | None = None,
    lang: str = "zh",
    width: int = 320,
    height: int | None = None,
    no_data: Collection[str] = (),
    filtered: bool = False,
) -> alt.LayerChart:
    """Rank the townships by a registered metric as horizontal bars.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`coopmap.figures.tables.township_table`.
    metric : str, default "coverage_pct"
        A metric id of the :mod:`coopmap.figures.catalog`.
    highlight : str, optional
        9-digit code of a township drawn in the accent colour.
    lang : {"zh", "en"}
    width, height : int
        Size in pixels (height default: 24 px per township).
    no_data : collection of str
        Codes of townships without data (under filters, none of their cooperatives
        match): no bar, the text 无数据, listed last.
    filtered : bool
        The table counts only the cooperatives that match filters: the axis says
        （筛选后）.

    Returns
    -------
    altair.LayerChart
        With a point selection parameter ``township`` on field ``code``.
    """
    rows, metric_obj = _township_frame(table, metric, lang, no_data)
    rows = rows.sort_values("value", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    rows["highlight"] = rows["code"] == highlight
    # the text of a township without a value (无数据, 未填报) stands at 0, where its bar would start
    rows["bar"] = rows["value"].fillna(0.0).astype(float)
    township = _selection("township")
    order = list(rows["name"])
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(ticks=False, domain=False, labelPadding=6))
    tooltip = [alt.Tooltip("name:N", title=t("map.township", lang)),
               alt.Tooltip("value_text:N", title=metric_obj.label(lang))]
    base = alt.Chart(rows).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("value:Q", title=_legend_title(metric_obj, lang, filtered),
                axis=alt.Axis(format=",~f", tickCount=4)),
        color=alt.when(township).then(alt.value(ACCENT))
        .when("datum.highlight").then(alt.value(ACCENT))
        .otherwise(alt.value(BAR)),
    ).add_params(township)
    text = base.mark_text(align="left", dx=4, fontSize=11, color=INK).encode(
        x=alt.X("bar:Q"), text="value_text:N")
    chart = alt.layer(bars, text).properties(width=width, height=height or 24 * len(rows))
    return configure(chart)
