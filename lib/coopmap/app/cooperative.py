"""One cooperative's profile: every registry field, badges, partner, income, comparison."""

from __future__ import annotations

from typing import Any, Optional

import ipywidgets as widgets
import pandas as pd

from coopmap.app.data import AppData, is_missing
from coopmap.app.html import badge, column_value, esc, formation_label, level_label, tile, tiles, township_name, yes_no
from coopmap.app.parts import held, page_widgets
from coopmap.app.slots import ChartSlot, chart_cache, with_rows
from coopmap.app.state import AppState
from coopmap.app.table import CoopTable
from coopmap.app.township import places
from coopmap.data.schema import COLUMNS, SERVES_SEPARATOR, members_label, members_unit
from coopmap.figures.relations import is_union, union_members
from coopmap.i18n import join, t
from coopmap.presentation.cooperative_charts import comparison_rows, income_rows, income_streams, median_comparison

INCOME_WIDTH = 300
COMPARISON_WIDTH = 260
KEY_FIGURES = ("members", "households", "land_mu", "revenue", "farmer_income", "collective_income", "sales")


def _plain_header(header: str) -> str:
    """流转土地（亩） → 流转土地: the unit is written beside the value instead."""
    return header.split("（", 1)[0]


class CoopView:
    """A cooperative's heading and badges, key figures, charts, union and full record.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The view. Its parts carry the classes ``cm-coop-heading`` (name, code, place
        and badges), ``cm-coop-tiles``, ``cm-union-name`` (for a union member: the
        button that opens its union), ``cm-coop-partner``, ``cm-income`` and
        ``cm-comparison`` (the charts' slots), ``cm-union-members`` (for a union: its
        member cooperatives) and ``cm-coop-fields`` (the whole record).
    members : CoopTable
        For a union: its member cooperatives.
    charts : dict
        The view's :class:`ChartSlot` by chart id (``income``, ``comparison``).
    """

    def __init__(self, data: AppData, state: AppState) -> None:
        self._data = data
        self._state = state
        self._key: Optional[tuple] = None
        self._union_uscc: Optional[str] = None
        self._heading = widgets.HTML()
        self._heading.add_class("cm-coop-heading")
        self._tiles = widgets.HTML()
        self._tiles.add_class("cm-coop-tiles")
        self._partner = widgets.HTML()
        self._partner.add_class("cm-coop-partner")
        self._union = widgets.Button(layout=widgets.Layout(width="auto"))
        self._union.add_class("cm-union-name")
        self._union.on_click(lambda _: self._union_uscc and self._state.update(coop=self._union_uscc))
        self._union_label = widgets.HTML()
        self._members_title = widgets.HTML()
        self._members = CoopTable(on_open=lambda uscc: self._state.update(coop=uscc), page_size=8)
        self._members_box = widgets.VBox([self._members_title, self._members.widget])
        self._members_box.add_class("cm-union-members")
        self._income_title = widgets.HTML()
        self._comparison_title = widgets.HTML()
        self._income = ChartSlot("income", chart_cache(data), css="cm-income")
        self._comparison = ChartSlot("comparison", chart_cache(data), css="cm-comparison")
        self._fields_title = widgets.HTML()
        self._fields = widgets.HTML()
        self._fields.add_class("cm-coop-fields")
        self.widget = widgets.VBox([
            self._heading,
            self._tiles,
            widgets.HBox([self._union_label, self._union], layout=widgets.Layout(align_items="center")),
            self._partner,
            widgets.HBox([
                widgets.VBox([self._income_title, self._income.widget]),
                widgets.VBox([self._comparison_title, self._comparison.widget]),
            ], layout=widgets.Layout(flex_flow="row wrap")),
            self._members_box,
            self._fields_title,
            self._fields,
        ])
        self.widget.add_class("cm-coop")

    @property
    def members(self) -> CoopTable:
        """A union's member cooperatives as a table (its own API: search, sort_by, turn, click, visible, matching)."""
        return self._members

    @property
    def charts(self) -> dict[str, ChartSlot]:
        """The view's chart slots by chart id (``income``, ``comparison``), for the download menu and tests."""
        return {"income": self._income, "comparison": self._comparison}

    def refresh(self) -> None:
        """Show the state's cooperative's text in its language (charts: :meth:`refresh_charts`).

        The changes go out together (:func:`held`).
        """
        state, lang = self._state, self._state.lang
        uscc = state.coop
        if uscc is None:
            return
        key = (lang, uscc, state.filters)
        if key == self._key:
            return
        self._key = key
        with held(*page_widgets(self.widget)):
            self._draw(uscc, lang)

    def _draw(self, uscc: str, lang: str) -> None:
        data = self._data
        coop = data.coop(uscc)
        self._heading.value = self._heading_html(coop, lang)
        level = coop["lead_level"]
        self._tiles.value = tiles([tile(members_label(level, lang) if c == "members" else t(c, lang),
                                        column_value(c, coop[c], lang, level),
                                        sample=data.illustrative and not is_missing(coop[c]), lang=lang)
                                   for c in KEY_FIGURES], "cm-tiles-coop")
        self._show_partner(coop, lang)
        self._show_union(coop, lang)
        self._fields_title.value = f'<h3>{esc(t("app.coop.fields", lang))}</h3>'
        self._fields.value = self._fields_html(coop, lang)
        self._income_title.value = f'<h3>{esc(t("app.coop.income", lang))}</h3>'
        self._comparison_title.value = f'<h3>{esc(t("app.coop.compare", lang))}</h3>'

    def refresh_charts(self) -> None:
        """Draw the cooperative's charts (after its text is on screen; sent together, :func:`held`)."""
        state, lang, data = self._state, self._state.lang, self._data
        uscc = state.coop
        if uscc is None:
            return
        coop = data.coop(uscc)
        # Both charts have the same structure for every cooperative of a kind: build each
        # once per language (the first cooperative shown) and swap in the rows of the others.
        # A union's members are cooperatives, so its comparison panels are labelled
        # differently and it has a template of its own.
        cache = chart_cache(data)
        kind = members_unit(coop["lead_level"])
        with held(*page_widgets(self.widget)):
            self._income.show((lang, uscc), lambda: with_rows(
                cache.get(("income-template", lang), lambda: income_streams(coop, lang=lang, width=INCOME_WIDTH)),
                income_rows(coop, lang=lang)))
            self._comparison.show((lang, uscc), lambda: with_rows(
                cache.get(("comparison-template", lang, kind),
                          lambda: median_comparison(data.frame, uscc, lang=lang, width=COMPARISON_WIDTH)),
                comparison_rows(data.frame, uscc, lang=lang)))

    def prepare(self, lang: str) -> None:
        """Build the chart templates of a profile in ``lang`` before a cooperative is opened."""
        data = self._data
        if data.frame.empty:
            return
        frame = data.frame
        uscc = str(frame["uscc"].iloc[0])
        coop = data.coop(uscc)
        chart_cache(data).get(("income-template", lang), lambda: income_streams(coop, lang=lang, width=INCOME_WIDTH))
        # one comparison template per kind of cooperative (a union's panels are labelled differently)
        for kind, first in frame.groupby(frame["lead_level"].map(members_unit), sort=False)["uscc"].first().items():
            chart_cache(data).get(("comparison-template", lang, kind),
                            lambda code=str(first): median_comparison(frame, code, lang=lang, width=COMPARISON_WIDTH))

    def _heading_html(self, coop: pd.Series, lang: str) -> str:
        data = self._data
        badges = [badge(level_label(coop["lead_level"], lang), "accent"),
                  badge(formation_label(coop["formation"], lang))]
        badges.append(badge(t("app.coop.badge.standardized", lang), "ok") if coop["standardized"]
                      else badge(t("app.coop.badge.not_standardized", lang), "muted"))
        if coop["chair_is_secretary"]:
            badges.append(badge(t("app.coop.badge.secretary", lang), "ok"))
        if data.illustrative:
            badges.append(badge(t("app.sample_badge", lang), "sample"))
        town = str(coop["township"])
        place = township_name(town, data.divisions.township_name(town), lang)
        village = coop["village"]
        if isinstance(village, str):
            place += " · " + data.divisions.villages.set_index("code").at[village, "short"]
        if isinstance(coop["group"], str) and coop["group"]:
            place += " · " + coop["group"]
        outside = ""
        filters = self._state.filters
        if filters.active and filters.apply(data.frame.loc[[coop.name]]).empty:
            outside = f'<div class="cm-notice">{esc(t("app.notice.filtered_out", lang))}</div>'
        return (f'<h2 class="cm-coop-name">{esc(coop["name"])}</h2>'
                f'<div class="cm-sub"><span class="cm-mono">{esc(coop["uscc"])}</span> · {esc(place)} · '
                f'{esc(coop["industry"])}</div><div class="cm-badges">{"".join(badges)}</div>{outside}')

    def _show_partner(self, coop: pd.Series, lang: str) -> None:
        partner = coop["partner"]
        label = esc(t("app.coop.partner", lang))
        if isinstance(partner, str) and partner:
            self._partner.value = f'<div class="cm-partner"><span class="cm-muted">{label}</span> <b>{esc(partner)}</b></div>'
        else:
            self._partner.value = f'<div class="cm-partner cm-muted">{esc(t("app.coop.no_partner", lang))}</div>'

    def _show_union(self, coop: pd.Series, lang: str) -> None:
        data = self._data
        union = coop["union_uscc"]
        if isinstance(union, str) and data.has_coop(union):
            self._union_uscc = union
            self._union_label.value = f'<span class="cm-muted">{esc(t("app.coop.union_of", lang))}</span>'
            self._union.description = str(data.coop(union)["name"])
            self._union.layout.display = None
            self._union_label.layout.display = None
        else:
            self._union_uscc = None
            self._union.layout.display = "none"
            self._union_label.layout.display = "none"
        if is_union(coop["lead_level"]):
            members = union_members(data.frame, coop["uscc"])
            self._members_title.value = f'<h3>{esc(t("app.coop.members_of_union", lang))}</h3>'
            self._members.set_rows(members, lang, places(data, members))
            self._members_box.layout.display = None
        else:
            self._members_box.layout.display = "none"

    def _fields_html(self, coop: pd.Series, lang: str) -> str:
        data = self._data
        rows = []
        for col in COLUMNS:
            value: Any = coop.get(col.id)
            if col.id == "township":
                text = township_name(str(value), data.divisions.township_name(str(value)), lang)
                if lang == "en":
                    text += f" ({data.divisions.township_name(str(value))})"
            elif col.id == "village":
                text = data.divisions.village_name(value) if isinstance(value, str) else ""
            elif col.kind == "villages":  # the villages it serves, by their short names
                shorts = data.divisions.villages.set_index("code")["short"]
                text = join((shorts.get(c, c) for c in value.split(SERVES_SEPARATOR)), lang) if isinstance(value, str) else ""
            elif col.id == "lead_level":
                text = level_label(value, lang)
            elif col.id == "formation":
                text = formation_label(value, lang)
            elif col.kind == "bool":
                text = yes_no(value, lang)
            elif col.kind == "date":
                text = pd.Timestamp(value).date().isoformat() if pd.notna(value) else ""
            elif col.id == "union_uscc":
                text = f"{data.coop(value)['name']} ({value})" if isinstance(value, str) and data.has_coop(value) else (value if isinstance(value, str) else "")
            elif col.kind in ("money", "number", "int"):
                text = column_value(col.id, value, lang, coop["lead_level"]) if pd.notna(value) else ""
            elif col.kind == "year":
                text = str(int(value)) if pd.notna(value) else ""
            else:
                text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            label = _plain_header(col.header) if lang == "zh" else col.en
            shown = esc(text) if text else f'<span class="cm-muted">{esc(t("app.coop.empty", lang))}</span>'
            rows.append(f"<tr><th>{esc(label)}</th><td>{shown}</td></tr>")
        if "source_row" in coop.index and pd.notna(coop["source_row"]):
            rows.append(f'<tr><th></th><td class="cm-muted">{esc(t("app.coop.source_row", lang, row=int(coop["source_row"])))}</td></tr>')
        return f'<table class="cm-fields">{"".join(rows)}</table>'
