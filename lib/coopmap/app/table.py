"""A sortable, searchable table of cooperatives; a click on a name opens the profile.

The table is one small anywidget (:class:`TableWidget`) instead of a widget per cell:
the page has fewer widget models to create, and a refresh is one message. Python keeps
the rows, the search text, the sort order and the page; the browser draws the page it
is sent and reports clicks (a column header, a name, the pager) as messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import anywidget
import pandas as pd
import traitlets

from coopmap.app.html import column_value, level_label
from coopmap.data.text import normalize
from coopmap.i18n import t

#: Sortable columns: id -> (text key, registry column, descending first?, numeric?).
COLUMNS: dict[str, tuple[str, str, bool, bool]] = {
    "name": ("app.table.name", "name", False, False),
    "place": ("app.table.place", "place", False, False),
    "level": ("app.table.level", "lead_level", False, False),
    "industry": ("app.table.industry", "industry", False, False),
    "members": ("app.table.members", "members", True, True),
    "revenue": ("app.table.revenue", "revenue", True, True),
}
PAGE_SIZE = 10

#: The browser half (ES module).
_ESM = Path(__file__).resolve().parent / "static" / "table.js"


class TableWidget(anywidget.AnyWidget):
    """The browser side of :class:`CoopTable` (one widget for the whole table)."""

    _esm = _ESM
    columns = traitlets.List().tag(sync=True)
    rows = traitlets.List().tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    sort = traitlets.Dict({"column": "name", "descending": False}).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    page = traitlets.Int(0).tag(sync=True)
    pages = traitlets.Int(1).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)


class CoopTable:
    """Cooperatives as a table: search box, sortable headers, pages of rows.

    Parameters
    ----------
    on_open : callable
        ``on_open(uscc)`` when a cooperative's name is clicked.
    page_size : int

    Attributes
    ----------
    widget : TableWidget
        Its ``query`` trait is the search text.
    """

    def __init__(self, on_open: Callable[[str], None], page_size: int = PAGE_SIZE) -> None:
        self._on_open = on_open
        self._page_size = page_size
        self._rows = pd.DataFrame()
        self._visible: list[str] = []
        self._page = 0
        self._sort = "name"
        self._descending = False
        self._lang = "zh"
        self._places: dict[str, str] = {}
        self.widget = TableWidget()
        self.widget.observe(lambda _: self._redraw(reset_page=True), "query")
        self.widget.on_msg(self._message)

    # -- input ---------------------------------------------------------------------------
    @property
    def search(self) -> str:
        """The search text."""
        return self.widget.query

    @search.setter
    def search(self, text: str) -> None:
        self.widget.query = text

    def set_rows(self, frame: pd.DataFrame, lang: str, places: dict[str, str]) -> None:
        """Show these cooperatives (registry rows) with their places from ``places``.

        ``places`` maps a cooperative's USCC to where it works (village, or the township
        for a union). The search text and sort order are kept.
        """
        self._rows = frame
        self._lang = lang
        self._places = places
        self._redraw(reset_page=False)

    def sort_by(self, column: str) -> None:
        """Sort by ``column``; sorting by the same column again reverses the order."""
        if column not in COLUMNS:
            raise KeyError(f"unknown column {column!r}: one of {', '.join(COLUMNS)}")
        if column == self._sort:
            self._descending = not self._descending
        else:
            self._sort = column
            self._descending = COLUMNS[column][2]
        self._redraw(reset_page=True)

    def turn(self, step: int) -> None:
        """Go ``step`` pages forward (or back)."""
        self._page = max(0, self._page + step)
        self._redraw(reset_page=False)

    def click(self, uscc: str) -> None:
        """Open a cooperative as a click on its name does."""
        if uscc not in self._visible:
            raise KeyError(f"{uscc} is not on the page shown")
        self._on_open(uscc)

    @property
    def visible(self) -> list[str]:
        """USCCs of the rows on the page shown, in order."""
        return list(self._visible)

    @property
    def matching(self) -> list[str]:
        """USCCs of every row that matches the search, in the sort order."""
        return list(self._ordered()["uscc"]) if not self._rows.empty else []

    # -- from the browser --------------------------------------------------------------------
    def _message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        kind = content.get("kind") if isinstance(content, dict) else None
        if kind == "sort" and content.get("column") in COLUMNS:
            self.sort_by(content["column"])
        elif kind == "page" and content.get("step") in (-1, 1):
            self.turn(int(content["step"]))
        elif kind == "open" and content.get("uscc") in self._visible:
            self.click(content["uscc"])

    # -- drawing -----------------------------------------------------------------------------
    def _ordered(self) -> pd.DataFrame:
        frame = self._rows
        if frame.empty:
            return frame
        frame = frame.assign(place=[self._places.get(u, "") for u in frame["uscc"]])
        query = normalize(self.widget.query).lower()
        if query:
            partner = frame["partner"].fillna("").astype(str) if "partner" in frame else ""
            haystack = (frame["name"].astype(str) + " " + frame["place"].astype(str) + " "
                        + frame["industry"].astype(str) + " " + frame["uscc"].astype(str) + " " + partner)
            frame = frame[haystack.map(lambda s: normalize(s).lower()).str.contains(query, regex=False)]
        column = COLUMNS[self._sort][1]
        keys = [column, "name"] if column != "name" else ["name"]
        return frame.sort_values(keys, ascending=[not self._descending] + [True] * (len(keys) - 1),
                                 kind="stable", na_position="last")

    def _redraw(self, reset_page: bool) -> None:
        lang = self._lang
        ordered = self._ordered()
        pages = max(1, -(-len(ordered) // self._page_size))
        if reset_page:
            self._page = 0
        self._page = min(self._page, pages - 1)
        start = self._page * self._page_size
        page = ordered.iloc[start:start + self._page_size] if not ordered.empty else ordered
        self._visible = list(page["uscc"]) if not page.empty else []
        rows = []
        for rec in (page.to_dict("records") if not page.empty else []):
            rows.append({
                "uscc": str(rec["uscc"]),
                "name": str(rec["name"]),
                "cells": [str(rec["place"]), level_label(rec["lead_level"], lang), str(rec["industry"]),
                          column_value("members", rec["members"], lang, rec["lead_level"]),
                          column_value("revenue", rec["revenue"], lang)],
            })
        if ordered.empty:
            status = t("app.table.empty", lang)
        else:
            count = t("app.table.count", lang, n=len(ordered))
            page_text = t("app.table.page", lang, page=self._page + 1, pages=pages) if pages > 1 else ""
            status = " · ".join(p for p in (count, page_text) if p)
        widget = self.widget
        with widget.hold_sync():
            widget.columns = [{"id": c, "label": t(spec[0], lang), "numeric": spec[3]} for c, spec in COLUMNS.items()]
            widget.labels = {"search": t("app.table.search", lang), "prev": t("app.table.prev", lang),
                             "next": t("app.table.next", lang), "empty": t("app.table.empty", lang),
                             "sort": t("app.table.sort", lang)}
            widget.sort = {"column": self._sort, "descending": self._descending}
            widget.rows = rows
            widget.status = status
            widget.page = self._page
            widget.pages = pages

    def header(self, column: str) -> str:
        """The header text of ``column`` as shown (with ▲/▼ on the sort column)."""
        text = next(c["label"] for c in self.widget.columns if c["id"] == column)
        if column == self._sort:
            text += " ▼" if self._descending else " ▲"
        return text


__all__ = ["COLUMNS", "CoopTable", "PAGE_SIZE", "TableWidget"]
