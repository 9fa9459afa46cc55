"""One township: its figures, its villages covered or not, its union, its cooperatives."""

from __future__ import annotations

from typing import Optional

import ipywidgets as widgets
import pandas as pd

from coopmap.app.data import AppData
from coopmap.app.html import badge, esc, metric_value, tile, tiles, township_name
from coopmap.app.parts import held, page_widgets
from coopmap.app.state import AppState
from coopmap.app.table import CoopTable
from coopmap.figures import catalog, relations
from coopmap.figures.tables import township_ranks, village_status_counts
from coopmap.i18n import colon, format_number, join, t
from coopmap.presentation.village_charts import status_text

STATUS_CLASS = {"coop": "cm-v-coop", "reached": "cm-v-reached", "none": "cm-v-none"}  # coopmap.figures.tables.VILLAGE_STATUSES


def places(data: AppData, frame: pd.DataFrame) -> dict[str, str]:
    """Map each cooperative's USCC to where it works: village (and group), or its township."""
    vills = dict(zip(data.divisions.villages["code"], data.divisions.villages["short"]))
    towns = dict(zip(data.divisions.townships["code"], data.divisions.townships["name"]))
    out = {}
    for uscc, village, group, town in zip(frame["uscc"], frame["village"], frame["group"], frame["township"]):
        if isinstance(village, str) and village in vills:
            text = vills[village]
            if isinstance(group, str) and group:
                text = f"{text} {group}"
        else:
            text = towns.get(str(town), "")
        out[uscc] = text
    return out


class TownshipView:
    """A township's tiles, village chips, union card and cooperative table.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The view. Its parts carry the classes ``cm-township-heading`` (name, rank and
        the filters' note), ``cm-township-tiles``, ``cm-township-villages-title``,
        ``cm-township-villages`` (the village chips), ``cm-union-name`` (the button
        that opens the township's union, hidden when it has none), ``cm-union-info``
        and ``cm-township-table-title``.
    table : CoopTable
        The township's cooperatives (search, sort, pages; a click opens a profile).
    """

    def __init__(self, data: AppData, state: AppState) -> None:
        self._data = data
        self._state = state
        self._key: Optional[tuple] = None
        self._union_uscc: Optional[str] = None
        self._heading = widgets.HTML()
        self._heading.add_class("cm-township-heading")
        self._tiles = widgets.HTML()
        self._tiles.add_class("cm-township-tiles")
        self._villages_title = widgets.HTML()
        self._villages_title.add_class("cm-township-villages-title")
        self._villages = widgets.HTML()
        self._villages.add_class("cm-township-villages")
        self._union_title = widgets.HTML()
        self._union = widgets.Button(layout=widgets.Layout(width="auto"))
        self._union.add_class("cm-union-name")
        self._union.on_click(lambda _: self._union_uscc and self._state.update(coop=self._union_uscc))
        self._union_info = widgets.HTML()
        self._union_info.add_class("cm-union-info")
        self._table_title = widgets.HTML()
        self._table_title.add_class("cm-township-table-title")
        self._table = CoopTable(on_open=lambda uscc: self._state.update(coop=uscc))
        self.widget = widgets.VBox([
            self._heading, self._tiles,
            self._villages_title, self._villages,
            self._union_title, widgets.VBox([self._union, self._union_info], layout=widgets.Layout(align_items="flex-start")),
            self._table_title, self._table.widget,
        ])
        self.widget.add_class("cm-township")

    @property
    def table(self) -> CoopTable:
        """The township's cooperatives as a table (its own API: search, sort_by, turn, click, visible, matching)."""
        return self._table

    def refresh(self) -> None:
        """Show the state's township under its filters and language (the changes go out together, :func:`held`)."""
        state, lang = self._state, self._state.lang
        code = state.township
        if code is None:
            return
        key = (lang, state.filters, state.metric, code)
        if key == self._key:
            return
        self._key = key
        with held(*page_widgets(self.widget)):
            self._draw(code, lang)

    def _draw(self, code: str, lang: str) -> None:
        data = self._data
        filters = self._state.filters
        tables = data.tables(filters)
        towns = tables.townships.set_index("code")
        row = towns.loc[code]
        name = township_name(code, row["name"], lang)
        official = f' <span class="cm-muted">{esc(row["name"])}</span>' if lang == "en" else ""
        coops = tables.frame[tables.frame["township"] == code]
        total = int((data.frame["township"] == code).sum())
        self._heading.value = (f'<h2>{esc(name)}{official}</h2><div class="cm-sub">{esc(self.rank_text(code, lang))}</div>'
                               f'{self._filter_note(len(coops), total, lang)}')
        no_data = code in tables.empty
        # a township none of whose cooperatives match has no figures (not zeros): the note says so
        self._tiles.value = "" if no_data else self._tiles_html(row, tables.summary, lang)
        suffix = t("chart.filtered_suffix", lang) if filters.active else ""
        self._villages_title.value = (f'<h3>{esc(t("app.township.villages", lang) + suffix)} '
                                      f'<span class="cm-muted">{int(row["villages_covered"])}/{int(row["villages_total"])}</span></h3>')
        self._villages.value = self._villages_html(tables.villages[tables.villages["township"] == code], lang)
        self._show_union(tables.frame, code, lang)
        shown = t("app.township.coops_filtered", lang, shown=len(coops), total=total) if filters.active else ""
        self._table_title.value = f'<h3>{esc(t("app.township.coops", lang) + shown)}</h3>'
        self._table.set_rows(coops, lang, places(data, coops))

    def rank_text(self, code: str, lang: str) -> str:
        """The township's value of the map's metric and its rank in the county, under the filters.

        Under filters a township none of whose cooperatives match has no data and no
        rank; the others are ranked among the townships that have data, and the text
        says the rank is of the filtered view.
        """
        state = self._state
        tables = self._data.tables(state.filters)
        metric = catalog.get_metric(state.metric)
        label = metric.label(lang)
        if code in tables.empty:
            return f'{label}{colon(lang)}{t("app.township.no_data_filtered", lang)}'
        towns = tables.townships.set_index("code")
        ranks = township_ranks(tables.townships, metric.id, no_data=tables.empty)
        value = f"{label} {metric_value(towns.at[code, metric.id], metric, lang)}"
        if pd.isna(ranks[code]):
            return value
        if state.filters.active:
            rank = t("app.township.rank_filtered", lang, rank=int(ranks[code]), n=int(ranks.notna().sum()))
        else:
            rank = t("app.township.county_rank", lang, rank=int(ranks[code]))
        return f"{value} · {rank}"

    def _filter_note(self, shown: int, total: int, lang: str) -> str:
        """Under filters: what the page counts (or that none of its cooperatives match)."""
        filters = self._state.filters
        if not filters.active:
            return ""
        if shown:
            text = t("app.township.filtered", lang, filters=filters.describe(lang), shown=shown, total=total)
        else:
            text = t("app.township.filtered_empty", lang, filters=filters.describe(lang), total=total)
        return f'<div class="cm-filter-note" role="status">{esc(text)}</div>'

    def refresh_charts(self) -> None:
        """The township view has no charts of its own (the map shows it)."""

    def _tiles_html(self, row: pd.Series, county: dict, lang: str) -> str:
        sample = self._data.illustrative
        coops = int(row["coops"])
        share = format_number(100.0 * coops / county["coops_total"], "pct", lang) if county["coops_total"] else "—"
        share_key = "app.tile.county_share_filtered" if self._state.filters.active else "app.tile.county_share"
        levels = " · ".join(f"{t(f'app.level.{lvl}', lang)} {int(row[col])}" for lvl, col in (
            ("township", "coops_township"), ("village", "coops_village"), ("group", "coops_group")))
        items = [
            tile(t("chart.coops", lang), format_number(coops, "count", lang), f"{levels} · {t(share_key, lang, pct=share)}",
                 sample=sample, lang=lang),
            tile(t("app.tile.villages_covered", lang), f'{int(row["villages_covered"])}',
                 t("app.tile.of", lang, total=int(row["villages_total"])), sample=sample, lang=lang),
            tile(catalog.get_metric("coverage_pct").label(lang), format_number(row["coverage_pct"], "pct", lang), sample=sample, lang=lang),
            tile(t("members", lang), format_number(row["members"], "people", lang), sample=sample, lang=lang),
            tile(t("households", lang), format_number(row["households"], "households", lang), sample=sample, lang=lang),
            tile(t("land_mu", lang), format_number(row["land_mu"], "mu", lang, 0), sample=sample, lang=lang),
            tile(t("revenue", lang), format_number(row["revenue"], "money", lang), sample=sample, lang=lang),
            tile(t("farmer_income", lang), format_number(row["farmer_income"], "money", lang), sample=sample, lang=lang),
            tile(t("collective_income", lang), format_number(row["collective_income"], "money", lang), sample=sample, lang=lang),
        ]
        return tiles(items, "cm-tiles-township")

    def _villages_html(self, villages: pd.DataFrame, lang: str) -> str:
        # under filters a village without a matching cooperative is not 未覆盖: it has none that matches
        filtered = self._state.filters.active
        chips = []
        for rec in villages.to_dict("records"):
            status = rec["status"]
            count = f'<span class="cm-chip-count">{int(rec["coops"])}</span>' if rec["coops"] else ""
            label = rec["short"]  # village names have no official English form
            chips.append(f'<span class="cm-chip {STATUS_CLASS[status]}" title="{esc(status_text(status, lang, filtered))}">'
                         f'{esc(label)}{count}</span>')
        legend = "".join(f'<span class="cm-chip {STATUS_CLASS[s]} cm-legend">'
                         f'{esc(t("status.count", lang, label=status_text(s, lang, filtered), n=n))}</span>'
                         for s, n in village_status_counts(villages).items())
        return f'<div class="cm-chips">{"".join(chips)}</div><div class="cm-chips cm-chip-legend">{legend}</div>'

    def _show_union(self, frame: pd.DataFrame, code: str, lang: str) -> None:
        """The township's union as the filters show it; its members are those of the whole registry."""
        self._union_title.value = f'<h3>{esc(t("app.township.union", lang))}</h3>'
        unions = relations.township_unions(frame, code)
        if unions.empty:
            self._union_uscc = None
            self._union.layout.display = "none"
            registry = self._data.frame
            hidden = len(relations.township_unions(registry, code))
            # filtered out is not absent: say how many the filters hide
            text = (t("app.township.no_union_filtered", lang, n=hidden) if hidden and self._state.filters.active
                    else t("app.township.no_union", lang))
            self._union_info.value = f'<div class="cm-muted">{esc(text)}</div>'
            return
        union = unions.iloc[0]
        self._union_uscc = str(union["uscc"])
        self._union.layout.display = None
        self._union.description = str(union["name"])
        # a union's members are a fact about it, whatever the filters keep on the page
        registry = self._data.frame
        members = relations.union_members(registry, self._union_uscc)
        names = join(members["name"].astype(str), lang, names=True)
        partner = union["partner"]
        partner_html = (f' · {esc(t("app.coop.partner", lang))}{colon(lang)}{esc(partner)}'
                        if isinstance(partner, str) and partner else "")
        self._union_info.value = (
            f'<div>{badge(t("app.township.union_members", lang, n=len(members)), "accent")}'
            f'<span class="cm-muted">{partner_html}</span></div>'
            f'<div class="cm-member-list">{esc(names)}</div>'
        )
