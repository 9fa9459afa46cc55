"""The village coverage grid: one square per village, a row per township, coloured by status.

:func:`village_grid` draws :func:`coopmap.figures.tables.village_table`; the squares are
a grid, never invented map locations. :func:`status_text` gives the words for a
village's status (also under filters), and :data:`STATUS_COLORS` their colours. The
look is :mod:`coopmap.presentation.chart_style`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from coopmap.errors import CoopmapError
from coopmap.i18n import STRINGS, t, township_label
from coopmap.presentation.chart_style import ACCENT, INK, configure

__all__ = ["STATUS_COLORS", "STATUS_ORDER", "status_text", "village_grid"]

#: The statuses in legend order (those of coopmap.figures.tables.VILLAGE_STATUSES).
STATUS_ORDER = ("coop", "reached", "none")
#: The colour of each status: the accent for a cooperative of its own, pink for reached, grey for none.
STATUS_COLORS = {"coop": ACCENT, "reached": "#e6a79f", "none": "#e4e4e4"}


def status_text(status: str, lang: str = "zh", filtered: bool = False) -> str:
    """The words for a village's coverage status; under filters, what they mean there.

    Filtered, a village's status counts only the cooperatives that match: a village
    whose own cooperative is filtered out is not 未覆盖, it has none that matches.

    Parameters
    ----------
    status : {"coop", "reached", "none"}
    lang : {"zh", "en"}
    filtered : bool
        The statuses count only the cooperatives that match filters.

    Returns
    -------
    str
    """
    if filtered:
        key = f"status.filtered.{status}"
        if key in STRINGS:
            return t(key, lang)
        return f"{t(f'status.{status}', lang)}{t('chart.filtered_suffix', lang)}"
    return t(f"status.{status}", lang)


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
        stroke=alt.when(village).then(alt.value(INK)).otherwise(alt.value(None)),
        tooltip=[alt.Tooltip("village:N", title=t("chart.village", lang)),
                 alt.Tooltip("township:N", title=t("map.township", lang)),
                 alt.Tooltip("status:N", title=t("status.title", lang)),
                 alt.Tooltip("coops:Q", title=t("chart.coops", lang))],
    ).add_params(village).properties(width=alt.Step(step), height=alt.Step(step))
    return configure(chart)
