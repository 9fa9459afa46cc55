"""The 下载 / Download menu: the current view's report, table and charts as files.

A quiet button in the header opens a strip under it with one
:class:`coopmap.outputs.downloads.DownloadButton` per file. The files are made in the kernel
when a button is pressed and travel to the page over the widget channel (Voila serves
no ``.csv``/``.xlsx``/``.pdf`` from the notebook folder), so nothing is written to disk
and no request leaves the page:

* the report of the county (overview) or of the township shown (township view, or the
  township of the cooperative shown) as HTML or PDF (:func:`coopmap.outputs.report.report_bytes`);
* the registry table of the same place as XLSX or CSV (:func:`coopmap.outputs.tables.table_bytes`:
  title row in the page's language, Chinese headers, UTF-8 with a BOM, formulas neutralised);
* each chart on screen (map; ranking and village grid on the overview; income streams
  and median comparison on a cooperative's profile) as PNG or SVG.

Reports and tables cover every cooperative of the place, whatever the filters (the
strip says so while filters are on), so that they compare with the published figures
and load back as a registry. The strip's buttons are made when it is first opened: a
visitor who never downloads costs the page two widgets, not twenty.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

import ipywidgets as widgets

from coopmap.app.data import AppData
from coopmap.app.html import esc, township_name
from coopmap.app.parts import held
from coopmap.app.state import AppState
from coopmap.errors import ExportError
from coopmap.i18n import t
from coopmap.outputs.downloads import DownloadButton, Payload, chart_payload, report_payload, table_payload
from coopmap.presentation.briefing import Briefing, Provenance

if TYPE_CHECKING:  # pragma: no cover
    from coopmap.app.slots import ChartSlot




@dataclass(frozen=True)
class ChartSource:
    """A chart of the page that can be downloaded.

    Attributes
    ----------
    id : str
        ``map``, ``ranking``, ``villages``, ``income``, ``comparison``.
    label : str
        Text key of its name.
    views : tuple of str
        The views that show it.

    The page gives the menu the slot holding each chart by its id
    (:meth:`DownloadMenu.attach`).
    """

    id: str
    label: str
    views: tuple[str, ...]


CHARTS: tuple[ChartSource, ...] = (
    ChartSource("map", "app.download.map", ("overview", "township", "coop")),
    ChartSource("ranking", "chart.ranking_title", ("overview",)),
    ChartSource("villages", "chart.village_grid_title", ("overview",)),
    ChartSource("income", "chart.income_streams_title", ("coop",)),
    ChartSource("comparison", "chart.comparison_title", ("coop",)),
)
#: Charts that show the filtered view (the profile's charts compare with the whole registry).
FILTERED_CHARTS = ("map", "ranking", "villages")
CHART_FORMATS = ("png", "svg")
REPORT_FORMATS = ("html", "pdf")
TABLE_FORMATS = ("xlsx", "csv")
FORMAT_LABELS = {"html": "HTML", "pdf": "PDF", "xlsx": "Excel", "csv": "CSV", "png": "PNG", "svg": "SVG"}
#: Download ids, in the order of the strip.
ITEMS: tuple[str, ...] = (
    tuple(f"report-{f}" for f in REPORT_FORMATS) + tuple(f"table-{f}" for f in TABLE_FORMATS)
    + tuple(f"chart-{c.id}-{f}" for c in CHARTS for f in CHART_FORMATS)
)
_UNSAFE = re.compile(r"[^\w\-]+")


def briefing_of(data: AppData, lang: str, now: Optional[dt.datetime] = None) -> Briefing:
    """Return a :class:`coopmap.presentation.briefing.Briefing` of the data a dashboard shows.

    Parameters
    ----------
    data : AppData
    lang : {"zh", "en"}
    now : datetime, optional
        When the report says it was made (default: now).
    """
    provenance = Provenance.of(data.provenance, now or dt.datetime.now())
    return Briefing(data.frame, provenance, data.boundaries, lang=lang, reported=data.reported, divisions=data.divisions)


def chart_file_stem(label: str, township: Optional[str], coop: Optional[str], data: AppData, lang: str,
                    filtered: bool = False) -> str:
    """``龙陵县党组织领办合作社_地图_勐糯镇``: what a chart's file is called (no folders, no odd characters).

    A chart of the filtered view (``filtered``) says so: ``…_地图_勐糯镇_筛选后``.
    """
    parts = ["龙陵县党组织领办合作社" if lang == "zh" else "longling-cooperatives", label]
    if coop:
        parts.append(coop)
    elif township:
        parts.append(data.divisions.township_name(township) if lang == "zh" else township)
    if filtered:
        parts.append(t("app.download.filtered_stem", lang))
    return "_".join(_UNSAFE.sub("-", p).strip("-") for p in parts if p)


class DownloadMenu:
    """The header's 下载 button and the strip of download buttons it opens.

    Parameters
    ----------
    data : AppData
        The data on screen.
    state : AppState
        The visitor's place; the menu reads it at each press, so a file is always of
        the view on screen at that moment.
    charts : mapping of str to ChartSlot
        The slot holding each chart of :data:`CHARTS`, by id.
    close_others : callable
        ``close_others()`` closes the page's other drawers when this one opens.

    Attributes
    ----------
    toggle : ipywidgets.ToggleButton
        In the header; opens and closes :attr:`widget`.
    widget : ipywidgets.VBox
        The strip under the header (hidden until opened). Its download buttons carry
        the class ``cm-dl-<item>`` (:data:`ITEMS`; :func:`coopmap.app.parts.find_part`);
        they are made when the strip is first opened.
    """

    def __init__(self, data: AppData, state: AppState, charts: Mapping[str, "ChartSlot"],
                 close_others: Callable[[], None]) -> None:
        self._data, self._state, self._charts = data, state, dict(charts)
        self._close_others = close_others
        self._briefings: dict[str, Briefing] = {}
        self._briefing_data: Optional[AppData] = None
        self._buttons: dict[str, DownloadButton] = {}
        self.toggle = widgets.ToggleButton(value=False, layout=widgets.Layout(width="auto"))
        self.toggle.add_class("cm-tool")
        self.toggle.add_class("cm-download-toggle")
        self.toggle.observe(self._toggled, "value")
        self.widget = widgets.VBox(layout=widgets.Layout(display="none"))
        self.widget.add_class("cm-drawer")
        self.widget.add_class("cm-download-menu")
        self._rows: dict[str, widgets.Box] = {}
        self._titles: dict[str, widgets.HTML] = {}
        self._scope = widgets.HTML()
        self._note = widgets.HTML()

    def attach(self, data: AppData, state: AppState, charts: Mapping[str, "ChartSlot"]) -> None:
        """Offer the files of other data (the page reloaded them); the menu stays on the page.

        The page's refresh (:meth:`refresh`) follows.
        """
        self._data, self._state, self._charts = data, state, dict(charts)

    # -- opening ---------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Whether the strip is shown."""
        return bool(self.toggle.value)

    def open(self, value: bool = True) -> None:
        """Show (or hide) the strip, making its buttons the first time."""
        self.toggle.value = value

    def _toggled(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self._build()
            self._close_others()
            self.refresh()
        self.widget.layout.display = None if change["new"] else "none"

    def _build(self) -> None:
        if self._buttons:
            return
        for item in ITEMS:
            button = DownloadButton(lambda item=item: self.payload(item), label="")
            button.add_class(f"cm-dl-{item}")
            self._buttons[item] = button
        groups = [("report", [f"report-{f}" for f in REPORT_FORMATS]), ("table", [f"table-{f}" for f in TABLE_FORMATS])]
        groups += [(f"chart-{c.id}", [f"chart-{c.id}-{f}" for f in CHART_FORMATS]) for c in CHARTS]
        rows = []
        for group, items in groups:
            title = widgets.HTML()
            title.add_class("cm-download-label")
            self._titles[group] = title
            row = widgets.HBox([title, *(self._buttons[i] for i in items)], layout=widgets.Layout(align_items="center"))
            row.add_class("cm-download-group")
            row.add_class(f"cm-dl-group-{group}")
            self._rows[group] = row
            rows.append(row)
        files = widgets.HBox(rows, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        files.add_class("cm-download-groups")
        self._note.add_class("cm-drawer-note")
        self.widget.children = (self._scope, files, self._note)

    # -- what is downloaded ------------------------------------------------------------------
    def place(self) -> Optional[str]:
        """The township the current view is about (``None``: the county)."""
        return self._state.township

    def briefing(self, lang: str) -> Briefing:
        """The briefing of the data on screen in ``lang`` (kept while the data stay; made now)."""
        data = self._data
        if self._briefing_data is not data:
            self._briefings.clear()
            self._briefing_data = data
        if lang not in self._briefings:
            self._briefings[lang] = briefing_of(data, lang)
        briefing = self._briefings[lang]
        briefing.provenance = dataclasses.replace(briefing.provenance, generated=dt.datetime.now().replace(microsecond=0))
        return briefing

    def payload(self, item: str) -> Payload:
        """Make the file of download ``item`` (one of :data:`ITEMS`) for the view on screen.

        Raises
        ------
        ExportError
            For an unknown item, a chart not drawn yet, or a file that cannot be made
            (no Chromium for a PDF...); the message is shown beside the button.
        """
        data, state = self._data, self._state
        lang, township = state.lang, self.place()
        kind, _, rest = item.partition("-")
        if kind == "report" and rest in REPORT_FORMATS:
            return report_payload(self.briefing(lang), rest, township)
        if kind == "table" and rest in TABLE_FORMATS:
            return table_payload(data.frame, rest, township, illustrative=bool(data.illustrative), lang=lang)
        if kind == "chart":
            chart_id, _, fmt = rest.rpartition("-")
            source = next((c for c in CHARTS if c.id == chart_id), None)
            if source is not None and fmt in CHART_FORMATS:
                slot = self._charts.get(chart_id)
                if slot is None or slot.chart is None or state.view not in source.views:
                    raise ExportError(t("app.download.not_drawn", lang))
                coop = state.coop if state.view == "coop" and chart_id in ("income", "comparison") else None
                filtered = state.filters.active and chart_id in FILTERED_CHARTS
                stem = chart_file_stem(t(source.label, lang), township, coop, data, lang, filtered)
                return chart_payload(slot.chart.chart, fmt, stem)
        raise ExportError(f"no download {item!r}; the dashboard offers {', '.join(ITEMS)}")

    # -- drawing -------------------------------------------------------------------------------
    def visible_items(self) -> list[str]:
        """The download ids offered for the view on screen."""
        view = self._state.view
        shown = {c.id for c in CHARTS if view in c.views}
        return [i for i in ITEMS if not i.startswith("chart-") or i.split("-")[1] in shown]

    def refresh(self) -> None:
        """Label the toggle; if the strip is open, show the view's place and files in its language."""
        state, lang = self._state, self._state.lang
        with self.toggle.hold_sync():
            self.toggle.description = t("app.download.menu", lang)
            self.toggle.tooltip = t("app.download.hint", lang)
        if not self._buttons:
            return
        with held(self._scope, self._note, *self._titles.values(), *(row.layout for row in self._rows.values()),
                  *self._buttons.values()):
            self._draw(state, lang)

    def _draw(self, state: AppState, lang: str) -> None:
        town = self.place()
        place = t("app.download.county", lang) if town is None else township_name(
            town, self._data.divisions.township_name(town), lang)
        self._scope.value = f'<div class="cm-drawer-title">{esc(t("app.download.scope", lang, place=place))}</div>'
        notes = [t("app.download.hint", lang)]
        if state.filters.active:
            notes[:0] = [t("app.download.unfiltered", lang),
                         t("app.download.charts_filtered", lang, filters=state.filters.describe(lang))]
        self._note.value = "".join(f"<div>{esc(n)}</div>" for n in notes)
        labels = {"report": t("app.download.report", lang), "table": t("app.download.table", lang)}
        labels.update({f"chart-{c.id}": t(c.label, lang) for c in CHARTS})
        for group, label in labels.items():
            self._titles[group].value = esc(label)
        visible = set(self.visible_items())
        for source in CHARTS:
            group = f"chart-{source.id}"
            self._rows[group].layout.display = None if f"{group}-png" in visible else "none"
        for item, button in self._buttons.items():
            fmt = item.rsplit("-", 1)[-1]
            button.label = FORMAT_LABELS[fmt]
            button.busy_label = t("app.download.busy", lang)
            what = labels[item.rsplit("-", 1)[0]]
            button.description = t("app.download.tip", lang, what=what, fmt=FORMAT_LABELS[fmt])
            button.error = ""


__all__ = ["CHARTS", "ITEMS", "ChartSource", "DownloadMenu", "briefing_of", "chart_file_stem"]
