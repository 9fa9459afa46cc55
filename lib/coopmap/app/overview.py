"""The county overview: programme tiles, township ranking, village grid, reconciliation.

The tiles show the figures computed from the registry, each beside the published
figure, and mark those that differ (:func:`coopmap.figures.reconcile.reconcile` says how). With
filters on, the tiles count only the matching cooperatives and are not compared with
the published figures. The reconciliation table always covers the whole registry.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import ipywidgets as widgets

from coopmap.app.data import AppData, Filters
from coopmap.app.html import badge, esc, tile, tiles
from coopmap.app.parts import held, page_widgets
from coopmap.app.slots import ChartSlot, chart_cache
from coopmap.app.state import AppState
from coopmap.data.schema import BY_ID, column_unit
from coopmap.figures import catalog
from coopmap.i18n import format_number, t, unit_id
from coopmap.presentation.township_charts import township_ranking
from coopmap.presentation.village_charts import village_grid

#: Tiles of the overview: facts-sheet id -> (what it sums, decimals). What it sums names
#: the figure's unit (:func:`tile_unit`): a registry column (its unit in the schema,
#: :func:`coopmap.data.schema.column_unit`), a metric of the catalog (its unit there), or
#: ``None`` for a number shown bare (cooperatives counted).
TILE_FIGURES: dict[str, tuple[Optional[str], int]] = {
    "coops_total": (None, 0),
    "village_coverage_pct": ("coverage_pct", 1),  # the catalog's metric
    "formed_new": (None, 0),
    "formed_upgraded": (None, 0),
    "standardized": (None, 0),
    "secretaries_as_chair": (None, 0),
    "cross_appointed": (None, 0),  # people (the schema's 人), shown bare as it always was
    "land_transferred": ("land_mu", 0),
    "coop_revenue_2023": ("revenue", 0),
    "member_income_2023": ("farmer_income", 0),
    "collective_income_2023": ("collective_income", 0),
    "sales_driven_2023": ("sales", 0),
}
RANKING_WIDTH = 300


def tile_unit(figure_id: str) -> str:
    """The unit id (:data:`coopmap.i18n.UNITS`) of an overview tile's figure.

    From the one place that says it: the schema for a registry column summed, the
    metric catalog for a metric; ``count`` (no unit) for a number of cooperatives.

    Raises
    ------
    KeyError
        When ``figure_id`` is not one of :data:`TILE_FIGURES`.
    """
    source = TILE_FIGURES[figure_id][0]
    if source is None:
        return "count"
    if source in BY_ID:
        return column_unit(source)
    return unit_id(catalog.get_metric(source).unit("zh"))


def figure_text(figure_id: str, value: Any, unit: str, lang: str, decimals: Optional[int] = None) -> str:
    """Format a computed programme figure in the unit the reconciliation names."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if figure_id in TILE_FIGURES:
        shown = TILE_FIGURES[figure_id][1] if decimals is None else decimals
        return format_number(value, tile_unit(figure_id), lang, shown)
    if unit in ("万元", "CNY 10k"):
        return format_number(value, "money", lang, 1 if decimals is None else decimals)
    if unit == "%":
        return format_number(value, "pct", lang, 1 if decimals is None else decimals)
    if unit in ("亩", "mu"):
        return format_number(value, "mu", lang, 0 if decimals is None else decimals)
    return format_number(value, "count", lang, 0 if decimals is None else decimals)


class OverviewView:
    """County tiles, ranking bars and village grid (right of the map), and the
    reconciliation table (below).

    Attributes
    ----------
    widget : ipywidgets.VBox
        Tiles (class ``cm-overview-tiles``), the ranking and the village grid (slots
        ``cm-ranking`` and ``cm-village-grid``; a click on a bar or a village square
        opens its township) under their titles (``cm-ranking-title``,
        ``cm-villages-title``).
    footer : ipywidgets.Accordion
        The reconciliation (class ``cm-reconciliation``), which the page puts below the
        map and the views; collapsed at first, it holds the table
        (``cm-reconciliation-table``).
    charts : dict
        The view's :class:`ChartSlot` by chart id (``ranking``, ``villages``).
    """

    def __init__(self, data: AppData, state: AppState) -> None:
        self._data = data
        self._state = state
        self._key: Optional[tuple] = None
        self._tiles = widgets.HTML()
        self._tiles.add_class("cm-overview-tiles")
        self._ranking_title = widgets.HTML()
        self._ranking_title.add_class("cm-ranking-title")
        self._villages_title = widgets.HTML()
        self._villages_title.add_class("cm-villages-title")
        self._ranking = ChartSlot("ranking", chart_cache(data), selection="township", field="code", on_select=self._township_clicked, css="cm-ranking")
        self._villages = ChartSlot("villages", chart_cache(data), selection="village", field="code", on_select=self._village_clicked, css="cm-village-grid")
        self._reconciliation_table = widgets.HTML()
        self._reconciliation_table.add_class("cm-reconciliation-table")
        self._reconciliation = widgets.Accordion(children=[self._reconciliation_table], selected_index=None)
        self._reconciliation.add_class("cm-reconciliation")
        self.widget = widgets.VBox([
            self._tiles,
            widgets.HBox([
                widgets.VBox([self._ranking_title, self._ranking.widget]),
                widgets.VBox([self._villages_title, self._villages.widget]),
            ], layout=widgets.Layout(flex_flow="row wrap")),
        ])
        self.widget.add_class("cm-overview")
        self.footer = self._reconciliation

    @property
    def charts(self) -> dict[str, ChartSlot]:
        """The view's chart slots by chart id (``ranking``, ``villages``), for the download menu and tests."""
        return {"ranking": self._ranking, "villages": self._villages}

    # -- visitor actions -----------------------------------------------------------------
    def _township_clicked(self, codes: list[str]) -> None:
        if codes and codes[0] in self._data.township_codes:
            self._state.update(township=codes[0])

    def _village_clicked(self, codes: list[str]) -> None:
        if codes and str(codes[0])[:9] in self._data.township_codes:
            self._state.update(township=str(codes[0])[:9])

    # -- drawing -------------------------------------------------------------------------
    def tiles_html(self, lang: str) -> str:
        """The programme tiles under the state's filters (a message instead when nothing matches)."""
        data, filters = self._data, self._state.filters
        tables = data.tables(filters)
        if tables.nothing_matches:
            return (f'<div class="cm-empty-result" role="status"><b>{esc(t("app.filter.empty", lang))}</b> '
                    f'{esc(t("app.filter.empty_detail", lang, filters=filters.describe(lang)))}</div>')
        summary = tables.summary
        reconciled = data.reconciliation(lang).set_index("id")
        sample = data.illustrative
        items = []
        for fid in TILE_FIGURES:
            if fid not in data.reported.figures:
                continue
            fig = data.reported[fid]
            label = t(f"app.fig.{fid}", lang)
            value = summary.get(fid)
            shown = figure_text(fid, value, "", lang)
            mark = ""
            if filters.active:
                foot = ""
            else:
                foot = t("app.tile.published", lang, value=fig.published(lang))
                if fid in reconciled.index and reconciled.at[fid, "status"] == "differs":
                    mark = esc(t("app.tile.differs", lang))
            if fid == "coops_total":
                levels = " · ".join(
                    f"{t(f'app.level.{lvl}', lang)} {summary[key]}"
                    for lvl, key in (("township", "coops_township_led"), ("village", "coops_village_led"),
                                     ("group", "coops_group_led")))
                foot = f"{foot} · {levels}" if foot else levels
            items.append(tile(label, shown, foot, mark=mark, sample=sample, lang=lang))
        note = (f'<div class="cm-filter-note">{esc(t("app.tile.filtered", lang, filters=filters.describe(lang), n=len(tables.frame)))}</div>'
                if filters.active else "")
        return tiles(items, "cm-tiles-county") + note

    def reconciliation_html(self, lang: str) -> str:
        """The published-against-computed table (whole registry)."""
        data = self._data
        table = data.reconciliation(lang)
        head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in (
            "app.reconcile.figure", "app.reconcile.reported", "app.reconcile.computed",
            "app.reconcile.difference", "app.reconcile.status", "app.reconcile.explanation"))
        rows = []
        for rec in table.to_dict("records"):
            fig = data.reported[rec["id"]]
            label = rec["label_zh"] if lang == "zh" else rec["label_en"]
            kind = tile_unit(rec["id"]) if rec["id"] in TILE_FIGURES else "count"
            precise = {"pct": 2, "money": 1, "mu": 1}.get(kind)  # a check table shows more digits than tiles
            computed = figure_text(rec["id"], rec["computed"], rec["unit"], lang, decimals=precise)
            diff = rec["difference"]
            diff_text = format_number(diff, "count", lang, 2, missing="", trim=True, signed=True)
            status = rec["status"]
            kind = {"differs": "accent", "not_computable": "muted"}.get(status, "")
            rows.append(
                f'<tr class="cm-status-{esc(status)}"><td>{esc(label)}</td><td class="cm-num">{esc(fig.published(lang))}</td>'
                f'<td class="cm-num">{esc(computed)}</td><td class="cm-num">{esc(diff_text)}</td>'
                f'<td>{badge(t(f"app.status.{status}", lang), kind)}</td><td class="cm-explain">{esc(rec["explanation"])}</td></tr>'
            )
        source = next(iter(data.reported)).source
        caption = esc(t("app.reconcile.source", lang, source=source.cite(lang)))
        return (f'<table class="cm-recon"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
                f'<div class="cm-muted cm-caption">{caption}</div>')

    def refresh(self) -> None:
        """Show the overview for the state's language, filters and metric (the changes go out together, :func:`held`)."""
        state, lang = self._state, self._state.lang
        key = (lang, state.filters, state.metric)
        if key == self._key:
            return
        with held(*page_widgets(self.widget), *page_widgets(self.footer)):
            self._tiles.value = self.tiles_html(lang)
            suffix = t("chart.filtered_suffix", lang) if state.filters.active else ""
            self._ranking_title.value = f'<h3>{esc(t("chart.ranking_title", lang) + suffix)}</h3>'
            self._villages_title.value = f'<h3>{esc(t("chart.village_grid_title", lang) + suffix)}</h3>'
            if self._key is None or self._key[0] != lang:
                self._reconciliation_table.value = self.reconciliation_html(lang)
            # the table is of the whole registry: under filters its title says so
            self._reconciliation.set_title(0, t("app.reconcile.title", lang) + (
                t("app.reconcile.unfiltered", lang) if state.filters.active else ""))
        self._key = key

    def refresh_charts(self) -> None:
        """Draw the ranking and the village grid for the state (rebuilt only when needed; sent together, :func:`held`)."""
        state, lang = self._state, self._state.lang
        base = (lang, state.filters, state.metric)
        with held(*page_widgets(self.widget)):
            self._ranking.present(base, None, self._ranking_builder(lang, state.filters, state.metric))
            self._villages.present((lang, state.filters), None, self._villages_builder(lang, state.filters))

    def prepare(self, lang: str, filters: Filters, metric: str) -> None:
        """Build the overview's charts for another language or filters before they are asked for.

        Called while a preheated kernel waits for its visitor, so that switching
        language or filters only swaps charts already built.
        """
        self._ranking.prepare((lang, filters, metric, None), self._ranking_builder(lang, filters, metric))
        self._villages.prepare((lang, filters, None), self._villages_builder(lang, filters))

    def _ranking_builder(self, lang: str, filters: Filters, metric: str):
        data = self._data
        def draw():
            tables = data.tables(filters)
            return township_ranking(tables.townships, metric, lang=lang, width=RANKING_WIDTH,
                                           no_data=tables.empty, filtered=filters.active)
        return draw

    def _villages_builder(self, lang: str, filters: Filters):
        data = self._data
        return lambda: village_grid(data.tables(filters).villages, lang=lang, step=20, filtered=filters.active)
