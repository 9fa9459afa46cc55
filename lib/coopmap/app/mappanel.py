"""The township map, on screen in every view: metric choice, map and a township list.

The map is coloured by the metric chosen above it (any metric in
:func:`coopmap.figures.catalog.list_metrics`, so metrics analysts register appear here) and
outlines the township shown. A click on a township opens it; so does picking it from
the list beside the metric.
"""

from __future__ import annotations

from typing import Any, Optional

import ipywidgets as widgets

from coopmap.app.data import AppData, Filters
from coopmap.app.html import esc, township_name
from coopmap.app.parts import held, page_widgets
from coopmap.app.slots import ChartSlot, chart_cache, with_spec
from coopmap.app.state import AppState
from coopmap.figures import catalog
from coopmap.i18n import colon, t
from coopmap.presentation.township_charts import outline_township, township_map

MAP_WIDTH = 500
MAP_HEIGHT = 500


class MapPanel:
    """Metric selector, township picker and the map.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The panel. Its parts carry the classes ``cm-metric`` (the metric dropdown,
        registered metric ids), ``cm-picker`` (the township dropdown, codes; ``""``:
        the county), ``cm-map`` (the map's slot) and ``cm-hint`` (how to use the map).
    charts : dict
        The map's :class:`ChartSlot` by chart id (``map``).
    """

    def __init__(self, data: AppData, state: AppState) -> None:
        self._data = data
        self._state = state
        self._syncing = False
        self._options_key: Optional[tuple] = None
        self._metric = widgets.Dropdown(layout=widgets.Layout(width="auto"))
        self._metric.add_class("cm-metric")
        self._metric.observe(self._metric_changed, "value")
        self._picker = widgets.Dropdown(layout=widgets.Layout(width="auto"))
        self._picker.add_class("cm-picker")
        self._picker.observe(self._picked, "value")
        # the map; its ``township`` selection opens a township
        self._slot = ChartSlot("map", chart_cache(data), selection="township", field="code", on_select=self._clicked, css="cm-map")
        self._hint = widgets.HTML()
        self._hint.add_class("cm-hint")
        self.widget = widgets.VBox([
            widgets.HBox([self._metric, self._picker], layout=widgets.Layout(flex_flow="row wrap")),
            self._slot.widget,
            self._hint,
        ])
        self.widget.add_class("cm-map-panel")

    @property
    def charts(self) -> dict[str, ChartSlot]:
        """The panel's chart slots by chart id (``map``), for the download menu and tests."""
        return {"map": self._slot}

    # -- visitor actions ---------------------------------------------------------------
    def _metric_changed(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"] is not None:
            self._state.update(metric=change["new"])

    def _picked(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._state.update(township=change["new"] or None)

    def _clicked(self, codes: list[str]) -> None:
        # An empty selection (a double-click clears it) leaves the view as it is:
        # the breadcrumb is the way back.
        if codes and codes[0] in self._data.township_codes and codes[0] != self._state.township:
            self._state.update(township=codes[0])

    # -- drawing ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the state's metric and township on the map (the changes go out together, :func:`held`)."""
        with held(*page_widgets(self.widget)):
            self._draw()

    def _draw(self) -> None:
        state, lang = self._state, self._state.lang
        registered = catalog.list_metrics()
        options_key = (lang, tuple(m.id for m in registered))
        self._syncing = True
        try:
            if options_key != self._options_key:
                self._metric.options = [(f"{t('app.map.metric', lang)}{colon(lang)}{m.label(lang)}", m.id)
                                        for m in registered]
                towns = self._data.divisions.townships
                self._picker.options = [(t("app.map.pick", lang), "")] + [
                    (township_name(c, n, lang), c) for c, n in zip(towns["code"], towns["name"])]
                self._options_key = options_key
            self._metric.value = state.metric
            self._picker.value = state.township or ""
        finally:
            self._syncing = False
        self._hint.value = self.hint_html(lang)
        base = (lang, state.filters, state.metric)
        self._slot.present(base, state.township, self._builder(lang, state.filters, state.metric, state.township))

    def hint_html(self, lang: str) -> str:
        """How to use the map, and under filters what it shows (grey: no matching cooperative)."""
        hint = esc(t("app.map.hint", lang))
        tables = self._data.tables(self._state.filters)
        if tables.nothing_matches:
            note = t("app.map.filtered_empty", lang, filters=tables.filters.describe(lang))
        elif tables.filters.active:
            note = t("app.map.filtered", lang, filters=tables.filters.describe(lang))
            if tables.empty:
                note += ("" if lang == "zh" else " ") + t("app.map.filtered_grey", lang, n=len(tables.empty))
        else:
            return hint
        return f'<div class="cm-filter-note">{esc(note)}</div>{hint}'

    def prepare(self, lang: str, filters: Filters, metric: str, highlight: Optional[str] = None) -> None:
        """Build the map for another language, filters or township before it is asked for.

        For the state's own language, filters and metric, also the map outlining a
        township (the first township click then only moves the outline).
        """
        self._slot.prepare((lang, filters, metric, highlight), self._builder(lang, filters, metric, highlight))
        state = self._state
        if highlight is None and (lang, filters, metric) == (state.lang, state.filters, state.metric):
            first = self._data.township_codes[0]
            self._slot.prepare((lang, filters, metric, first), self._builder(lang, filters, metric, first))

    def _builder(self, lang: str, filters: Filters, metric: str, highlight: Optional[str]):
        data = self._data

        def build(outline: Optional[str]):
            def draw():
                tables = data.tables(filters)
                return township_map(
                    data.boundaries, tables.townships, metric, schematic=data.schematic, highlight=outline, lang=lang,
                    width=MAP_WIDTH, height=MAP_HEIGHT, no_data=tables.empty, filtered=filters.active)
            return draw

        if highlight is None:
            return build(None)
        # The maps outlining one township differ only in the outline: build the first
        # one, and outline the others in its spec.
        def outlined():
            template = chart_cache(data).get(("map-outline", lang, filters, metric), build(highlight))
            return with_spec(template, outline_township(template.to_dict(), highlight))

        return outlined
