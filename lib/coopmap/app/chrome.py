"""The parts of the page around the views: header, filters, breadcrumb and notices.

Each class owns its widgets, takes the data and the visitor's state in ``__init__``,
writes to the state when the visitor acts, and has one :meth:`refresh` that makes its
widgets show the state.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import ipywidgets as widgets

from coopmap.app.data import AppData, Filters
from coopmap.app.html import esc, formation_label, level_label, township_name
from coopmap.app.link import LinkButton
from coopmap.app.parts import held, page_widgets
from coopmap.app.state import AppState
from coopmap.data.schema import FORMATIONS, LEAD_LEVELS
from coopmap.i18n import LANGS, colon, join, t

LANG_OPTIONS = (("中文", "zh"), ("English", "en"))
#: The "no restriction" choice of a dropdown (ipywidgets shows ``None`` as no choice at all).
ALL = ""


def _option(value: Any) -> Any:
    """A filter value as a dropdown value."""
    return ALL if value is None else value


def _value(option: Any) -> Any:
    """A dropdown value as a filter value."""
    return None if option == ALL else option


class Header:
    """Title, data provenance, language switch and copy-link.

    Parameters
    ----------
    data : AppData
    state : AppState
    navigate : callable, optional
        ``navigate(query)`` when the visitor goes Back or Forward in the browser: the
        query string of the history entry (:meth:`coopmap.app.main.App.navigate`).

    Attributes
    ----------
    widget : ipywidgets.HBox
        The header. Its parts carry the classes ``cm-title``, ``cm-provenance``,
        ``cm-lang`` (the language switch, values ``zh`` and ``en``), ``cm-link`` (the
        :class:`LinkButton`: the view's link, the address bar and Back/Forward) and
        ``cm-tools`` (the page's menu buttons, :meth:`set_tools`); find them with
        :func:`coopmap.app.parts.find_part`.
    """

    def __init__(self, data: AppData, state: AppState, navigate: Optional[Callable[[str], None]] = None) -> None:
        self._data = data
        self._state = state
        self._navigate = navigate
        self._syncing = False
        self._title = widgets.HTML()
        self._title.add_class("cm-title")
        self._provenance = widgets.HTML()
        self._provenance.add_class("cm-provenance")
        self._language = widgets.ToggleButtons(options=LANG_OPTIONS, value=state.lang, style={"button_width": "76px"})
        self._language.add_class("cm-lang")
        self._language.observe(self._language_changed, "value")
        self._link = LinkButton()
        self._link.add_class("cm-link")  # (its script gives the element the class too)
        self._link.observe(self._navigated, "navigated")
        #: Buttons the page adds before the language switch (下载, 数据).
        self._tools = widgets.HBox(layout=widgets.Layout(align_items="center"))
        self._tools.add_class("cm-tools")
        self.widget = widgets.HBox(
            [widgets.VBox([self._title, self._provenance], layout=widgets.Layout(flex="1 1 auto")),
             widgets.HBox([self._tools, self._language, self._link], layout=widgets.Layout(align_items="center"))],
            layout=widgets.Layout(align_items="center", justify_content="space-between"),
        )
        self.widget.add_class("cm-header")

    def set_tools(self, buttons: Sequence[widgets.Widget]) -> None:
        """Show the page's menu buttons (下载, 数据) before the language switch.

        An empty ``buttons`` takes them off: the page does so before it replaces the
        header, so that the buttons, which stay, are not closed with it.
        """
        self._tools.children = tuple(buttons)

    def _navigated(self, change: dict[str, Any]) -> None:
        query = LinkButton.navigated_query(change["new"])
        if query is not None and self._navigate is not None:
            self._navigate(query)

    def _language_changed(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._state.update(lang=change["new"])

    def provenance_html(self, lang: str) -> str:
        """The line that says what data and which boundaries the page shows."""
        data = self._data
        parts = []
        if data.illustrative:
            what = f'<span class="cm-badge sample">{esc(t("app.sample", lang))}</span>'
        else:
            what = esc(t("app.registry", lang))
        source = esc(_file_name(data.registry_source))
        years = join(data.years, lang)
        details = [source]
        if years:
            details.append(esc(t("app.year", lang, year=years)))
        if data.file_date is not None and not data.illustrative:
            # (a checked-out sample's file date is the checkout's, not the data's)
            details.append(esc(t("app.file_date", lang, date=data.file_date.isoformat())))
        report = data.report
        if report is not None and getattr(report, "rejected", 0):
            details.append(esc(t("app.rows", lang, accepted=report.accepted, rejected=report.rejected)))
        parts.append(f'{esc(t("app.data", lang))}{colon(lang)}{what} <span class="cm-muted">{" · ".join(details)}</span>')
        if data.schematic:
            kind = f'<span class="cm-badge warn">{esc(t("app.boundaries_schematic", lang))}</span>'
        else:
            kind = (f'<span class="cm-badge">{esc(t("app.boundaries_official", lang))}</span> '
                    f'<span class="cm-muted">{esc(_file_name(data.boundaries_source))}</span>')
        parts.append(f'{esc(t("app.boundaries", lang))}{colon(lang)}{kind}')
        line = '<span class="cm-sep">·</span>'.join(f"<span>{p}</span>" for p in parts)
        note = f'<div class="cm-sample-note">{esc(t("app.sample_note", lang))}</div>' if data.illustrative else ""
        return f"<div>{line}</div>{note}"

    def refresh(self, push: bool = False) -> None:
        """Show the state's language; update the link (the changes go out together, :func:`held`).

        Parameters
        ----------
        push : bool
            Whether the browser keeps the link as a new history entry (a new view, for
            Back to return from) instead of rewriting the current entry's address.
        """
        lang = self._state.lang
        self._syncing = True
        try:
            with held(*page_widgets(self.widget)):
                self._language.value = lang
                self._title.value = f"<h1>{esc(t('app.title', lang))}</h1>"
                self._provenance.value = self.provenance_html(lang)
                self._link.label = t("app.copy_link", lang)
                self._link.copied_label = t("app.copied", lang)
                self._link.show(self._state.query_string(), push=push)
        finally:
            self._syncing = False


def _file_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


class FilterBar:
    """Filters that hold across views: lead level, formation, standardized, industry.

    Attributes
    ----------
    widget : ipywidgets.HBox
        The bar. Its dropdowns carry the class ``cm-filter`` and one of their own,
        ``cm-filter-lead-level``, ``cm-filter-formation``, ``cm-filter-standardized``
        and ``cm-filter-industry`` (value :data:`ALL`, ``""``: no restriction); the
        button that clears them ``cm-filter-clear``, the line saying how many
        cooperatives pass ``cm-filter-summary``.
    """

    def __init__(self, data: AppData, state: AppState) -> None:
        self._data = data
        self._state = state
        self._syncing = False
        layout = widgets.Layout(width="auto")
        self._lead_level = widgets.Dropdown(layout=layout)
        self._formation = widgets.Dropdown(layout=layout)
        self._standardized = widgets.Dropdown(layout=layout)
        self._industry = widgets.Dropdown(layout=layout)
        for name, dropdown in (("lead-level", self._lead_level), ("formation", self._formation),
                               ("standardized", self._standardized), ("industry", self._industry)):
            dropdown.observe(self._changed, "value")
            dropdown.add_class("cm-filter")
            dropdown.add_class(f"cm-filter-{name}")
        self._clear = widgets.Button(layout=widgets.Layout(width="auto"))
        self._clear.add_class("cm-link-like")
        self._clear.add_class("cm-filter-clear")
        self._clear.on_click(lambda _: self._state.update(filters=Filters()))
        self._summary = widgets.HTML()
        self._summary.add_class("cm-filter-summary")
        self.widget = widgets.HBox(
            [self._lead_level, self._formation, self._standardized, self._industry, self._clear, self._summary],
            layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
        )
        self.widget.add_class("cm-filters")

    def _changed(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self._state.update(filters=Filters(
            lead_level=_value(self._lead_level.value),
            formation=_value(self._formation.value),
            standardized=_value(self._standardized.value),
            industry=_value(self._industry.value),
        ))

    def refresh(self) -> None:
        """Show the state's filters in its language (the changes go out together, :func:`held`)."""
        lang = self._state.lang
        filters = self._state.filters
        every = t("app.filter.all", lang)

        def options(title_key: str, pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
            title = t(title_key, lang)
            sep = colon(lang)
            return [(f"{title}{sep}{every}", ALL)] + [(f"{title}{sep}{label}", value) for label, value in pairs]

        self._syncing = True
        try:
            with held(*page_widgets(self.widget)):
                self._lead_level.options = options("app.filter.lead_level", [(level_label(v, lang), v) for v in LEAD_LEVELS])
                self._lead_level.value = _option(filters.lead_level)
                self._formation.options = options("app.filter.formation", [(formation_label(v, lang), v) for v in FORMATIONS])
                self._formation.value = _option(filters.formation)
                self._standardized.options = options("app.filter.standardized",
                                                     [(t("app.yes", lang), True), (t("app.no", lang), False)])
                self._standardized.value = _option(filters.standardized)
                industries = list(self._data.industries)
                if filters.industry is not None and filters.industry not in industries:
                    # set from code (Filters(industry="核桃、茶叶")): shown as it is, not a crash
                    industries.append(filters.industry)
                self._industry.options = options("app.filter.industry", [(i, i) for i in industries])
                self._industry.value = _option(filters.industry)
                self._clear.description = t("app.filter.clear", lang)
                self._clear.layout.display = None if filters.active else "none"
                if filters.active:
                    n = len(self._data.tables(filters).frame)
                    self._summary.value = (f'<span class="cm-badge accent">{esc(t("app.filter.active", lang, n=n))}</span>' if n else
                                           f'<span class="cm-badge warn">{esc(t("app.filter.empty", lang))}</span>')
                else:
                    self._summary.value = ""
        finally:
            self._syncing = False


class Breadcrumb:
    """龙陵县 › 勐糯镇 › 合作社: the way back up.

    Attributes
    ----------
    widget : ipywidgets.HBox
        The path. Its buttons (class ``cm-crumb``) go to the overview
        (``cm-crumb-county``) or to the township (``cm-crumb-township``); the one of
        the view shown also has ``cm-crumb-here``. The cooperative's name
        (``cm-crumb-current``) is no link: it is the page shown.
    """

    def __init__(self, data: AppData, state: AppState) -> None:
        self._data = data
        self._state = state
        self._county = widgets.Button(layout=widgets.Layout(width="auto"))
        self._township = widgets.Button(layout=widgets.Layout(width="auto"))
        for name, button in (("county", self._county), ("township", self._township)):
            button.add_class("cm-crumb")
            button.add_class(f"cm-crumb-{name}")
        self._county.on_click(lambda _: self._state.update(township=None))
        self._township.on_click(lambda _: self._state.update(township=self._state.township))
        self._sep1 = widgets.HTML('<span class="cm-crumb-sep">›</span>')
        self._sep2 = widgets.HTML('<span class="cm-crumb-sep">›</span>')
        self._current = widgets.HTML()
        self._current.add_class("cm-crumb-current")
        self.widget = widgets.HBox([self._county, self._sep1, self._township, self._sep2, self._current],
                                   layout=widgets.Layout(align_items="center"))
        self.widget.add_class("cm-breadcrumb")

    def refresh(self) -> None:
        """Show the path to the state's view (the changes go out together, :func:`held`)."""
        with held(*page_widgets(self.widget)):
            self._draw()

    def _draw(self) -> None:
        state, lang = self._state, self._state.lang
        self._county.description = t("app.county", lang)
        town: Optional[str] = state.township
        coop = state.coop
        if town is None:
            self._county.add_class("cm-crumb-here")
        else:
            self._county.remove_class("cm-crumb-here")
        self._sep1.layout.display = None if town else "none"
        self._township.layout.display = None if town else "none"
        if town is not None:
            self._township.description = township_name(town, self._data.divisions.township_name(town), lang)
            if coop is None:
                self._township.add_class("cm-crumb-here")
            else:
                self._township.remove_class("cm-crumb-here")
        self._sep2.layout.display = None if coop else "none"
        self._current.layout.display = None if coop else "none"
        self._current.value = esc(self._data.coop(coop)["name"]) if coop else ""


class NoticeBar:
    """Friendly messages about the link that opened the page (never a traceback).

    Attributes
    ----------
    widget : ipywidgets.HTML
        The messages (class ``cm-notices``); hidden when there are none.
    """

    def __init__(self, state: AppState) -> None:
        self._state = state
        self.widget = widgets.HTML()
        self.widget.add_class("cm-notices")

    def refresh(self) -> None:
        """Show the state's notices in its language (the changes go out together, :func:`held`)."""
        lang = self._state.lang
        notices = self._state.notices
        with held(*page_widgets(self.widget)):
            self.widget.value = "".join(
                f'<div class="cm-notice" role="status">{esc(t(n.key, lang, value=n.value))}</div>' for n in notices
            )
            self.widget.layout.display = None if notices else "none"


__all__ = ["Breadcrumb", "FilterBar", "Header", "LANGS", "NoticeBar"]
