"""The parts of the page around the views: header, filters, breadcrumb and notices.

Each class owns its widgets, takes the data and the visitor's state in ``__init__``,
writes to the state when the visitor acts, and has one :meth:`refresh` that makes its
widgets show the state.
"""

from __future__ import annotations

from typing import Any, Optional

import ipywidgets as widgets

from coopmap.app.data import AppData, Filters
from coopmap.app.html import esc, formation_label, level_label, township_name
from coopmap.app.link import LinkButton
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

    Attributes
    ----------
    title, provenance : ipywidgets.HTML
    language : ipywidgets.ToggleButtons
        Values ``zh`` and ``en``.
    link : LinkButton
    tools : ipywidgets.HBox
        Holds the page's menu buttons (filled by :class:`coopmap.app.main.App`).
    """

    def __init__(self, data: AppData, state: AppState) -> None:
        self._data = data
        self._state = state
        self._syncing = False
        self.title = widgets.HTML()
        self.title.add_class("cm-title")
        self.provenance = widgets.HTML()
        self.provenance.add_class("cm-provenance")
        self.language = widgets.ToggleButtons(options=LANG_OPTIONS, value=state.lang, style={"button_width": "76px"})
        self.language.add_class("cm-lang")
        self.language.observe(self._language_changed, "value")
        self.link = LinkButton()
        #: Buttons the page adds before the language switch (下载, 数据).
        self.tools = widgets.HBox(layout=widgets.Layout(align_items="center"))
        self.tools.add_class("cm-tools")
        self.widget = widgets.HBox(
            [widgets.VBox([self.title, self.provenance], layout=widgets.Layout(flex="1 1 auto")),
             widgets.HBox([self.tools, self.language, self.link], layout=widgets.Layout(align_items="center"))],
            layout=widgets.Layout(align_items="center", justify_content="space-between"),
        )
        self.widget.add_class("cm-header")

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
        """Show the state's language; update the link.

        Parameters
        ----------
        push : bool
            Whether the browser keeps the link as a new history entry (a new view, for
            Back to return from) instead of rewriting the current entry's address.
        """
        lang = self._state.lang
        self._syncing = True
        try:
            self.language.value = lang
            self.title.value = f"<h1>{esc(t('app.title', lang))}</h1>"
            self.provenance.value = self.provenance_html(lang)
            self.link.label = t("app.copy_link", lang)
            self.link.copied_label = t("app.copied", lang)
            self.link.show(self._state.query_string(), push=push)
        finally:
            self._syncing = False


def _file_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


class FilterBar:
    """Filters that hold across views: lead level, formation, standardized, industry.

    Attributes
    ----------
    lead_level, formation, standardized, industry : ipywidgets.Dropdown
        Value :data:`ALL` (``""``) means no restriction.
    clear : ipywidgets.Button
    summary : ipywidgets.HTML
        How many cooperatives pass the filters.
    """

    def __init__(self, data: AppData, state: AppState) -> None:
        self._data = data
        self._state = state
        self._syncing = False
        layout = widgets.Layout(width="auto")
        self.lead_level = widgets.Dropdown(layout=layout)
        self.formation = widgets.Dropdown(layout=layout)
        self.standardized = widgets.Dropdown(layout=layout)
        self.industry = widgets.Dropdown(layout=layout)
        for dropdown in (self.lead_level, self.formation, self.standardized, self.industry):
            dropdown.observe(self._changed, "value")
            dropdown.add_class("cm-filter")
        self.clear = widgets.Button(layout=widgets.Layout(width="auto"))
        self.clear.add_class("cm-link-like")
        self.clear.on_click(lambda _: self._state.update(filters=Filters()))
        self.summary = widgets.HTML()
        self.summary.add_class("cm-filter-summary")
        self.widget = widgets.HBox(
            [self.lead_level, self.formation, self.standardized, self.industry, self.clear, self.summary],
            layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
        )
        self.widget.add_class("cm-filters")

    def _changed(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self._state.update(filters=Filters(
            lead_level=_value(self.lead_level.value),
            formation=_value(self.formation.value),
            standardized=_value(self.standardized.value),
            industry=_value(self.industry.value),
        ))

    def refresh(self) -> None:
        """Show the state's filters in its language."""
        lang = self._state.lang
        filters = self._state.filters
        every = t("app.filter.all", lang)

        def options(title_key: str, pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
            title = t(title_key, lang)
            sep = colon(lang)
            return [(f"{title}{sep}{every}", ALL)] + [(f"{title}{sep}{label}", value) for label, value in pairs]

        self._syncing = True
        try:
            self.lead_level.options = options("app.filter.lead_level", [(level_label(v, lang), v) for v in LEAD_LEVELS])
            self.lead_level.value = _option(filters.lead_level)
            self.formation.options = options("app.filter.formation", [(formation_label(v, lang), v) for v in FORMATIONS])
            self.formation.value = _option(filters.formation)
            self.standardized.options = options("app.filter.standardized", [(t("app.yes", lang), True), (t("app.no", lang), False)])
            self.standardized.value = _option(filters.standardized)
            industries = list(self._data.industries)
            if filters.industry is not None and filters.industry not in industries:
                # set from code (Filters(industry="核桃、茶叶")): shown as it is, not a crash
                industries.append(filters.industry)
            self.industry.options = options("app.filter.industry", [(i, i) for i in industries])
            self.industry.value = _option(filters.industry)
            self.clear.description = t("app.filter.clear", lang)
            self.clear.layout.display = None if filters.active else "none"
            if filters.active:
                n = len(self._data.tables(filters).frame)
                self.summary.value = (f'<span class="cm-badge accent">{esc(t("app.filter.active", lang, n=n))}</span>' if n else
                                      f'<span class="cm-badge warn">{esc(t("app.filter.empty", lang))}</span>')
            else:
                self.summary.value = ""
        finally:
            self._syncing = False


class Breadcrumb:
    """龙陵县 › 勐糯镇 › 合作社: the way back up.

    Attributes
    ----------
    county, township : ipywidgets.Button
        Go to the overview, or to the township.
    current : ipywidgets.HTML
        The cooperative's name (not a link: it is the page shown).
    """

    def __init__(self, data: AppData, state: AppState) -> None:
        self._data = data
        self._state = state
        self.county = widgets.Button(layout=widgets.Layout(width="auto"))
        self.township = widgets.Button(layout=widgets.Layout(width="auto"))
        for button in (self.county, self.township):
            button.add_class("cm-crumb")
        self.county.on_click(lambda _: self._state.update(township=None))
        self.township.on_click(lambda _: self._state.update(township=self._state.township))
        self.sep1 = widgets.HTML('<span class="cm-crumb-sep">›</span>')
        self.sep2 = widgets.HTML('<span class="cm-crumb-sep">›</span>')
        self.current = widgets.HTML()
        self.current.add_class("cm-crumb-current")
        self.widget = widgets.HBox([self.county, self.sep1, self.township, self.sep2, self.current],
                                   layout=widgets.Layout(align_items="center"))
        self.widget.add_class("cm-breadcrumb")

    def refresh(self) -> None:
        """Show the path to the state's view."""
        state, lang = self._state, self._state.lang
        self.county.description = t("app.county", lang)
        town: Optional[str] = state.township
        coop = state.coop
        if town is None:
            self.county.add_class("cm-crumb-here")
        else:
            self.county.remove_class("cm-crumb-here")
        self.sep1.layout.display = None if town else "none"
        self.township.layout.display = None if town else "none"
        if town is not None:
            self.township.description = township_name(town, self._data.divisions.township_name(town), lang)
            if coop is None:
                self.township.add_class("cm-crumb-here")
            else:
                self.township.remove_class("cm-crumb-here")
        self.sep2.layout.display = None if coop else "none"
        self.current.layout.display = None if coop else "none"
        self.current.value = esc(self._data.coop(coop)["name"]) if coop else ""


class NoticeBar:
    """Friendly messages about the link that opened the page (never a traceback).

    Attributes
    ----------
    html : ipywidgets.HTML
    """

    def __init__(self, state: AppState) -> None:
        self._state = state
        self.html = widgets.HTML()
        self.widget = self.html
        self.widget.add_class("cm-notices")

    def refresh(self) -> None:
        """Show the state's notices in its language."""
        lang = self._state.lang
        notices = self._state.notices
        self.html.value = "".join(
            f'<div class="cm-notice" role="status">{esc(t(n.key, lang, value=n.value))}</div>' for n in notices
        )
        self.widget.layout.display = None if notices else "none"


__all__ = ["Breadcrumb", "FilterBar", "Header", "LANGS", "NoticeBar"]
