"""Chart builders: data in, altair chart out, nothing read from disk.

* :func:`township_map` — choropleth of one registered metric, click selection
  ``township``, labels, legend, Chinese tooltips with units, 示意边界 on schematic maps;
* :func:`township_ranking` — the same metric as ranked bars, click selection ``township``;
* :func:`village_grid` — one square per village (121), a row per township, coloured by
  coverage status (positions are a grid, never invented map locations);
* :func:`income_streams` — a cooperative's five income streams;
* :func:`median_comparison` — a cooperative against its township's and the county's
  medians (:func:`comparison_table` gives the numbers).

Every chart names a CJK font stack in its config (:data:`coopmap.presentation.fonts.FONT_FAMILY`);
text is Simplified Chinese unless ``lang="en"``. Data travel inline and small: township
geometry is simplified with :func:`coopmap.geo.web_shapes.simplify_for_web`.
"""

from __future__ import annotations

from typing import Any, Collection, Mapping, Sequence

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import mapping

from coopmap.data.schema import INCOME_STREAMS, column_unit, members_label, members_unit
from coopmap.errors import CoopmapError
from coopmap.figures.relations import comparison_peers
from coopmap.geo import web_shapes
from coopmap.i18n import STRINGS, format_number, paren, t, township_label, unit_label
from coopmap.presentation.fonts import FONT_FAMILY

__all__ = [
    "ACCENT",
    "COMPARISON_MEASURES",
    "comparison_rows",
    "comparison_table",
    "configure",
    "income_rows",
    "income_streams",
    "median_comparison",
    "outline_township",
    "status_text",
    "township_map",
    "township_ranking",
    "village_grid",
]



#: The one accent colour (a restrained red) for selections and highlights.
ACCENT = "#b0302a"
#: Sequential single-hue scheme for the map.
MAP_SCHEME = "blues"
_BAR = "#8fa9c4"
_MISSING = "#dddddd"
_INK = "#333333"
STATUS_ORDER = ("coop", "reached", "none")  # coopmap.figures.tables.VILLAGE_STATUSES
STATUS_COLORS = {"coop": ACCENT, "reached": "#e6a79f", "none": "#e4e4e4"}

#: Measures compared in :func:`median_comparison` by default (registry column ids).
COMPARISON_MEASURES = ("revenue", "farmer_income", "collective_income", "land_mu", "members", "households")
#: Decimals of a compared measure's values (its unit is the schema's: coopmap.data.schema.column_unit;
#: members: coopmap.data.schema.members_unit, 人 or 个 for a union); others show one.
_MEASURE_DECIMALS = {"land_mu": 0, "households": 0}


# -- shared helpers ----------------------------------------------------------------------
def configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the project's look: the CJK font stack, quiet axes, no view frame."""
    return (
        chart.configure(font=FONT_FAMILY)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=12, labelColor=_INK, titleColor=_INK, grid=False)
        .configure_legend(labelFontSize=11, titleFontSize=12)
        .configure_title(fontSize=14, anchor="start", color=_INK)
    )


def _format(value: Any, unit: str, decimals: int, lang: str) -> str:
    """A chart label's text: :func:`coopmap.i18n.format_number` with the unit as shown (未填报 when missing)."""
    return format_number(value, "count", lang, decimals, label=unit, missing=t("chart.not_reported", lang))


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
        "value_text": [no_data_text if c in empty else _format(v, unit, metric.decimals, lang) for c, v in zip(codes, values)],
    })
    out["missing"] = [text if pd.isna(v) else None for v, text in zip(out["value"], out["value_text"])]
    return out, metric


def _legend_title(metric, lang: str, filtered: bool = False) -> str:
    unit = metric.unit(lang)
    title = metric.label(lang)
    if unit:
        title = title + paren(unit, lang)
    return f"{title}{t('chart.filtered_suffix', lang)}" if filtered else title


def status_text(status: str, lang: str = "zh", filtered: bool = False) -> str:
    """The words for a village's coverage status; under filters, what they mean there.

    Filtered, a village's status counts only the cooperatives that match: a village
    whose own cooperative is filtered out is not 未覆盖, it has none that matches.
    """
    if filtered:
        key = f"status.filtered.{status}"
        if key in STRINGS:
            return t(key, lang)
        return f"{t(f'status.{status}', lang)}{t('chart.filtered_suffix', lang)}"
    return t(f"status.{status}", lang)


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
    layers.append(text.mark_text(fontSize=12, fontWeight="bold", color=_INK, dy=-7))
    figures = alt.Chart(labels).encode(longitude="lon:Q", latitude="lat:Q", text="value_text:N")
    layers.append(figures.mark_text(fontSize=10, dy=8, stroke="#ffffff", strokeWidth=2.5, strokeOpacity=0.85))
    layers.append(figures.mark_text(fontSize=10, color=_INK, dy=8))
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
        .otherwise(alt.value(_BAR)),
    ).add_params(township)
    text = base.mark_text(align="left", dx=4, fontSize=11, color=_INK).encode(
        x=alt.X("bar:Q"), text="value_text:N")
    chart = alt.layer(bars, text).properties(width=width, height=height or 24 * len(rows))
    return configure(chart)


# -- village grid --------------------------------------------------------------------------
def village_grid(
    villages: pd.DataFrame,
    *,
    highlight: str | None = None,
    lang: str = "zh",
    step: int = 20,
    filtered: bool = False,
) -> alt.Chart:
    """Draw one square per village, a row per township, coloured by coverage status.

    Parameters
    ----------
    villages : pandas.DataFrame
        :func:`coopmap.figures.tables.village_table`: ``code``, ``short`` (or ``name``),
        ``township``, ``township_name``, ``coops``, ``status`` (``coop``,
        ``reached`` or ``none``), in official order.
    highlight : str, optional
        9-digit township code; the other townships are faded.
    lang : {"zh", "en"}
    step : int, default 20
        Square pitch in pixels.
    filtered : bool
        The table counts only the cooperatives that match filters: the statuses say
        so (无符合筛选的合作社, not 未覆盖).

    Returns
    -------
    altair.Chart
        With a point selection parameter ``village`` on field ``code``. Squares are
        laid out in a grid; they are not map locations. The legend gives the number
        of villages of each status (``未覆盖（35）``).
    """
    needed = ("code", "township", "township_name", "status")
    missing = [c for c in needed if c not in villages.columns]
    if missing:
        raise CoopmapError(f"the village table lacks column(s) {missing}; pass coopmap.figures.tables.village_table(...)")
    bad = sorted(set(villages["status"]) - set(STATUS_ORDER))
    if bad:
        raise CoopmapError(f"unknown village status {bad}: expected {', '.join(STATUS_ORDER)}")
    v = villages.reset_index(drop=True)
    towns = list(dict.fromkeys(v["township"]))
    names = {c: township_label(c, n, lang) for c, n in zip(v["township"], v["township_name"])}
    status_label = {s: status_text(s, lang, filtered) for s in STATUS_ORDER}
    from coopmap.figures.tables import village_status_counts  # lazy: the tables import the divisions

    counts = village_status_counts(v)
    legend_label = {s: t("status.count", lang, label=label, n=counts[s]) for s, label in status_label.items()}
    data = pd.DataFrame({
        "code": v["code"].astype(str),
        "village": v["short"] if "short" in v else v["name"],
        "township": v["township"].map(names),
        "column": v.groupby("township", sort=False).cumcount(),
        "status": v["status"].map(status_label),
        "legend": v["status"].map(legend_label),
        "coops": v["coops"].astype(int) if "coops" in v else 0,
        "faded": (v["township"] != highlight) if highlight else False,
    })
    village = alt.selection_point(name="village", fields=["code"], on="click", clear="dblclick",
                                  toggle=False, empty=False)
    chart = alt.Chart(data).mark_rect(cornerRadius=2).encode(
        x=alt.X("column:O", axis=None, scale=alt.Scale(paddingInner=0.18)),
        y=alt.Y("township:N", sort=[names[c] for c in towns], title=None,
                scale=alt.Scale(paddingInner=0.18),
                axis=alt.Axis(ticks=False, domain=False, labelPadding=6)),
        color=alt.Color("legend:N", title=t("status.title", lang) + (t("chart.filtered_suffix", lang) if filtered else ""),
                        scale=alt.Scale(domain=[legend_label[s] for s in STATUS_ORDER],
                                        range=[STATUS_COLORS[s] for s in STATUS_ORDER]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", columns=1, labelLimit=0)),
        opacity=alt.when("datum.faded").then(alt.value(0.3)).otherwise(alt.value(1.0)),
        stroke=alt.when(village).then(alt.value(_INK)).otherwise(alt.value(None)),
        tooltip=[alt.Tooltip("village:N", title=t("chart.village", lang)),
                 alt.Tooltip("township:N", title=t("map.township", lang)),
                 alt.Tooltip("status:N", title=t("status.title", lang)),
                 alt.Tooltip("coops:Q", title=t("chart.coops", lang))],
    ).add_params(village).properties(width=alt.Step(step), height=alt.Step(step))
    return configure(chart)


# -- one cooperative -------------------------------------------------------------------------
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
    text = base.mark_text(align="left", dx=4, fontSize=11, color=_INK).encode(x="bar:Q", text="value_text:N")
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
    """
    rows = []
    for stream in INCOME_STREAMS:
        unit = unit_label(column_unit(stream), lang)
        value = coop.get(stream) if hasattr(coop, "get") else None
        value = None if value is None or pd.isna(value) else float(value)
        rows.append({"stream": t(stream, lang), "value": value, "value_text": _format(value, unit, 1, lang)})
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
                "value_text": _format(value, unit, decimals, lang),
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
        color=alt.when("datum.is_coop").then(alt.value(ACCENT)).otherwise(alt.value(_BAR)),
    )
    text = base.mark_text(align="left", dx=4, fontSize=11, color=_INK).encode(x="bar:Q", text="value_text:N")
    chart = alt.layer(bars, text, data=data).properties(width=width, height=alt.Step(22)).facet(
        row=alt.Row("measure:N", sort=list(dict.fromkeys(data["measure"])), title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top", labelPadding=2,
                                      labelFontSize=12, labelFontWeight="bold")),
        spacing=10,
    ).resolve_scale(x="independent")
    return configure(chart)
