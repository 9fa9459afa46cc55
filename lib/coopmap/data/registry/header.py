"""Finding a registry's header row (one row, or two under merged group labels) and mapping its columns.

Every spelling of a column's header (:data:`coopmap.data.schema.COLUMNS`: header, id,
aliases; for money also with 元 or 万元) maps to the column id and the factor that turns
the column's values into 万元.
"""

from __future__ import annotations

import re
from typing import Any

from coopmap.data.messages import Message
from coopmap.data.registry.cells import is_blank
from coopmap.data.registry.report import RowIssue, _note
from coopmap.data.registry.sheet import _Sheet
from coopmap.data.schema import COLUMNS, HEADERS_ZH
from coopmap.data.text import normalize
from coopmap.errors import RegistryError

_SERIAL_HEADERS = frozenset({"序号", "序", "编号", "顺序号", "排序", "no", "no.", "#"})
"""Headers of a serial-number column (compared normalised, lower case): read as no registry column."""

_MAX_HEADER_SEARCH = 30


_UNIT_IN_HEADER = re.compile(r"^(?P<base>.*?)\((?P<unit>[^()]*)\)$")


def _header_index() -> dict[str, tuple[str, float]]:
    """Map every accepted normalised header spelling to (column id, unit scale)."""
    index: dict[str, tuple[str, float]] = {}
    for col in COLUMNS:
        spellings = {col.header, col.id, *col.aliases}
        for spelling in spellings:
            key = normalize(spelling)
            index[key] = (col.id, 1.0)
            if col.kind == "money":
                match = _UNIT_IN_HEADER.match(key)
                base = match.group("base") if match else key
                index[base] = (col.id, 1.0)
                index[f"{base}(万元)"] = (col.id, 1.0)
                index[f"{base}(元)"] = (col.id, 0.0001)
    return index


_HEADERS = _header_index()


def _match_header(cell: Any) -> tuple[str, float] | None:
    key = normalize(cell)
    if not key:
        return None
    return _HEADERS.get(key) or _HEADERS.get(key.lstrip("*"))


def _find_header(rows: list[list[Any]], source: str) -> int:
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:_MAX_HEADER_SEARCH]):
        hits = len({m[0] for m in map(_match_header, row) if m})
        if hits > best_hits:
            best, best_hits = i, hits
    required = [c for c in COLUMNS if c.required]
    if best_hits < 3:
        raise RegistryError(
            f"{source}: no header row found in the first {_MAX_HEADER_SEARCH} rows; the registry needs a row "
            f"of column headers such as {', '.join(c.header for c in required[:5])}"
        )
    return best


def _header_hits(header: list[Any]) -> int:
    return len({m[0] for m in map(_match_header, header) if m})


def _combine_header_rows(upper: list[Any], lower: list[Any]) -> list[Any] | None:
    """Combine a two-row header whose upper row has merged group labels; ``None`` if it is not one.

    The upper row holds ordinary headers (merged down over both rows, so the lower
    cell is blank or repeats it) and group labels such as ``收益（万元）`` spanning
    several columns; the lower row holds the headers under each group. A group's unit
    applies to the headers under it (``经营收入`` under ``收益（元）`` is in 元).
    """
    width = max(len(upper), len(lower))
    upper = list(upper) + [None] * (width - len(upper))
    lower = list(lower) + [None] * (width - len(lower))
    combined: list[Any] = []
    group: str | None = None
    upper_headers = under_group = 0
    for u, low in zip(upper, lower):
        u_blank, l_blank = is_blank(u), is_blank(low)
        u_match = None if u_blank else _match_header(u)
        if not u_blank:
            group = None if u_match else normalize(u)
        upper_headers += u_match is not None
        if l_blank:
            combined.append(u)
            continue
        if not u_blank and normalize(u) == normalize(low):
            combined.append(low)
            continue
        if u_match is not None:
            return None  # a real header above a different value: the lower row is data
        label = normalize(low)
        unit = _UNIT_IN_HEADER.match(group) if group else None
        if unit and not _UNIT_IN_HEADER.match(label) and _match_header(f"{label}({unit.group('unit')})"):
            label = f"{label}({unit.group('unit')})"
        under_group += _match_header(label) is not None
        combined.append(label if _match_header(label) else low)
    if not upper_headers or not under_group:
        return None
    return combined


def _header_rows(rows: list[list[Any]], source: str) -> tuple[int, int, list[Any]]:
    """Return (first header row index, first data row index, header cells)."""
    best = _find_header(rows, source)
    hits = _header_hits(rows[best])
    if best + 1 < len(rows):
        combined = _combine_header_rows(rows[best], rows[best + 1])
        if combined is not None and _header_hits(combined) > hits:
            return best, best + 2, combined
    if best > 0:
        combined = _combine_header_rows(rows[best - 1], rows[best])
        if combined is not None and _header_hits(combined) >= hits:
            return best - 1, best + 1, combined
    return best, best + 1, rows[best]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _map_columns(header: list[Any], source: str, header_row: int, warnings: list[RowIssue]) -> dict[str, tuple[int, float]]:
    mapping: dict[str, tuple[int, float]] = {}
    for j, cell in enumerate(header):
        match = _match_header(cell)
        if match is None:
            if not is_blank(cell) and not _is_serial_header(cell):
                warnings.append(RowIssue(header_row, None, str(cell), Message("load.unknown_column", letter=_column_letter(j))))
            continue
        col_id, scale = match
        if col_id in mapping:
            first = _column_letter(mapping[col_id][0])
            raise RegistryError(
                f"{source}: row {header_row}: columns {first} and {_column_letter(j)} both hold "
                f"{HEADERS_ZH[col_id]}; delete or rename one of them"
            )
        mapping[col_id] = (j, scale)
    missing = [c.header for c in COLUMNS if c.required and c.id not in mapping]
    if missing:
        raise RegistryError(f"{source}: row {header_row}: the header lacks required columns: {', '.join(missing)}")
    return mapping


def _is_serial_header(cell: Any) -> bool:
    return normalize(cell).lower() in _SERIAL_HEADERS


def _choose_sheet(sheets: list[_Sheet], source: str, asked: str | None) -> tuple[_Sheet, int, int, list[Any]]:
    """Pick the first sheet with a header row (an instructions sheet may come first)."""
    first_error: RegistryError | None = None
    passed: list[str] = []
    for table in sheets:
        try:
            header_i, data_i, header = _header_rows(table.rows, source)
        except RegistryError as exc:
            if asked is not None or len(sheets) == 1:
                raise RegistryError(f"{exc} (sheet {table.name!r})" if table.name and len(sheets) > 1 else str(exc)) from None
            first_error = first_error or exc
            passed.append(str(table.name))
            continue
        if passed:
            table.notes.insert(0, _note(Message("load.sheet_chosen", name=table.name, passed=", ".join(passed))))
        return table, header_i, data_i, header
    names = ", ".join(str(t.name) for t in sheets)
    raise RegistryError(f"{first_error} (in none of the sheets: {names})")
