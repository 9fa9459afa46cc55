"""A sortable, searchable table of cooperatives; a click on a name opens the profile.

The table keeps a fixed pool of row widgets (one page) and rewrites them: a refresh
sends a few small messages instead of building widgets.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import ipywidgets as widgets
import pandas as pd

from ..i18n import t
from ..text import normalize
from .html import column_value, esc, level_label

#: Sortable columns: id -> (text key, registry column, default descending?).
COLUMNS: dict[str, tuple[str, str, bool]] = {
    "name": ("app.table.name", "name", False),
    "place": ("app.table.place", "place", False),
    "level": ("app.table.level", "lead_level", False),
    "industry": ("app.table.industry", "industry", False),
    "members": ("app.table.members", "members", True),
    "revenue": ("app.table.revenue", "revenue", True),
}
_CELLS = ("place", "level", "industry", "members", "revenue")
PAGE_SIZE = 10


class CoopTable:
    """Cooperatives as a table: search box, sortable headers, pages of rows.

    Parameters
    ----------
    on_open : callable
        ``on_open(uscc)`` when a cooperative's name is clicked.
    page_size : int

    Attributes
    ----------
    search : ipywidgets.Text
    headers : dict of ipywidgets.Button
        One per column of :data:`COLUMNS`; a click sorts by it (again: reverse).
    names : list of ipywidgets.Button
        The row buttons of the page shown (hidden beyond the last row).
    cells : list of ipywidgets.HTML
    prev, next : ipywidgets.Button
    status : ipywidgets.HTML
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
        self.search = widgets.Text(continuous_update=True, layout=widgets.Layout(width="320px"))
        self.search.add_class("cm-search")
        self.search.observe(lambda _: self._redraw(reset_page=True), "value")
        self.headers = {}
        for column in COLUMNS:
            button = widgets.Button(layout=widgets.Layout(width="auto"))
            button.add_class("cm-th")
            button.add_class(f"cm-col-{column}")
            button.on_click(lambda _, c=column: self.sort_by(c))
            self.headers[column] = button
        self.names: list[widgets.Button] = []
        self.cells: list[widgets.HTML] = []
        rows = []
        for i in range(page_size):
            name = widgets.Button(layout=widgets.Layout(width="auto"))
            name.add_class("cm-row-name")
            name.add_class("cm-col-name")
            name.on_click(lambda _, i=i: self._open(i))
            cell = widgets.HTML()
            cell.add_class("cm-row-cells")
            self.names.append(name)
            self.cells.append(cell)
            row = widgets.HBox([name, cell])
            row.add_class("cm-tr")
            rows.append(row)
        self._row_boxes = rows
        self.prev = widgets.Button(layout=widgets.Layout(width="auto"))
        self.next = widgets.Button(layout=widgets.Layout(width="auto"))
        for button in (self.prev, self.next):
            button.add_class("cm-link-like")
        self.prev.on_click(lambda _: self._turn(-1))
        self.next.on_click(lambda _: self._turn(1))
        self.status = widgets.HTML()
        self.status.add_class("cm-muted")
        head = widgets.HBox([self.headers["name"], widgets.HBox([self.headers[c] for c in _CELLS])])
        head.add_class("cm-thead")
        self.widget = widgets.VBox([
            widgets.HBox([self.search, self.status], layout=widgets.Layout(align_items="center")),
            head, *rows,
            widgets.HBox([self.prev, self.next], layout=widgets.Layout(align_items="center")),
        ])
        self.widget.add_class("cm-table")

    # -- input ---------------------------------------------------------------------------
    def set_rows(self, frame: pd.DataFrame, lang: str, places: dict[str, str]) -> None:
        """Show these cooperatives (registry rows) with village names from ``places``.

        ``places`` maps a cooperative's USCC to its place (village, or the township for
        a union). The search text and sort order are kept.
        """
        self._rows = frame
        self._lang = lang
        self._places = places
        for column, (key, _, _) in COLUMNS.items():
            self.headers[column].tooltip = t("app.table.sort", lang)
        self.search.placeholder = t("app.table.search", lang)
        self.prev.description = "‹ " + t("app.table.prev", lang)
        self.next.description = t("app.table.next", lang) + " ›"
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

    @property
    def visible(self) -> list[str]:
        """USCCs of the rows on the page shown, in order."""
        return list(self._visible)

    @property
    def matching(self) -> list[str]:
        """USCCs of every row that matches the search, in the sort order."""
        return list(self._ordered()["uscc"])

    # -- drawing -----------------------------------------------------------------------------
    def _ordered(self) -> pd.DataFrame:
        frame = self._rows
        if frame.empty:
            return frame
        frame = frame.assign(place=[self._places.get(u, "") for u in frame["uscc"]])
        query = normalize(self.search.value).lower()
        if query:
            haystack = (frame["name"].astype(str) + " " + frame["place"].astype(str) + " "
                        + frame["industry"].astype(str) + " " + frame["uscc"].astype(str)
                        + " " + frame["partner"].fillna("").astype(str)).map(lambda s: normalize(s).lower())
            frame = frame[haystack.str.contains(query, regex=False)]
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
        page = ordered.iloc[start:start + self._page_size]
        self._visible = list(page["uscc"]) if not page.empty else []
        for column, (key, _, _) in COLUMNS.items():
            arrow = (" ▼" if self._descending else " ▲") if column == self._sort else ""
            self.headers[column].description = t(key, lang) + arrow
        records = page.to_dict("records") if not page.empty else []
        for i, (name, cell, box) in enumerate(zip(self.names, self.cells, self._row_boxes)):
            if i < len(records):
                rec = records[i]
                name.description = str(rec["name"])
                name.tooltip = str(rec["name"])
                level = level_label(rec["lead_level"], lang)
                cell.value = (
                    f'<span class="cm-col-place">{esc(rec["place"])}</span>'
                    f'<span class="cm-col-level">{esc(level)}</span>'
                    f'<span class="cm-col-industry">{esc(rec["industry"])}</span>'
                    f'<span class="cm-col-members cm-num">{esc(column_value("members", rec["members"], lang))}</span>'
                    f'<span class="cm-col-revenue cm-num">{esc(column_value("revenue", rec["revenue"], lang))}</span>'
                )
                box.layout.display = None
            else:
                box.layout.display = "none"
        if ordered.empty:
            self.status.value = esc(t("app.table.empty", lang))
        else:
            count = t("app.table.count", lang, n=len(ordered))
            page_text = t("app.table.page", lang, page=self._page + 1, pages=pages) if pages > 1 else ""
            self.status.value = esc(" · ".join(p for p in (count, page_text) if p))
        self.prev.layout.display = None if self._page > 0 else "none"
        self.next.layout.display = None if self._page < pages - 1 else "none"

    def _turn(self, step: int) -> None:
        self._page += step
        self._redraw(reset_page=False)

    def _open(self, index: int) -> None:
        if index < len(self._visible):
            self._on_open(self._visible[index])

    def click(self, uscc: str) -> None:
        """Open a cooperative as a click on its row would (for tests and keyboard users)."""
        if uscc not in self._visible:
            raise KeyError(f"{uscc} is not on the page shown")
        self._open(self._visible.index(uscc))


__all__ = ["COLUMNS", "CoopTable", "PAGE_SIZE"]
