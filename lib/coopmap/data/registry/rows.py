"""Classifying the rows below the header: blank, totals (合计), notes, serial-number-only and signature lines are skipped with their reason.

The tests run over whole columns (object arrays) with quick text filters first; a
row is looked at on its own only when a filter says it may be one of these.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import numpy as np
import pandas as pd

from coopmap.data.messages import Message
from coopmap.data.registry.cells import is_blank
from coopmap.data.registry.header import _column_letter, _is_serial_header
from coopmap.data.registry.report import RowIssue, ValidationReport, _cell_text
from coopmap.data.registry.sheet import _Sheet
from coopmap.data.text import normalize
from coopmap.errors import RegistryError

_TOTAL_WORDS = ("合计", "小计", "总计")

_SERIAL_VALUE = re.compile(r"^\d{1,6}[.、]?$")
_SIGNATURE_LABELS = (
    "填表人", "制表人", "填报人", "审核人", "审批人", "复核人", "核对人", "统计人", "经办人", "联系人", "联系电话",
    "单位负责人", "主要负责人", "负责人", "分管领导", "填报日期", "填表日期", "制表日期", "报送日期", "日期", "填报单位",
)
_SIGNATURE = re.compile(rf"^(?:{'|'.join(_SIGNATURE_LABELS)})(?:\([^)]*\))?(?::|$)")
"""A signature line's first cell, normalised: 填表人：张三, 审核人, 填报单位(盖章)：…"""
_SIGNATURE_HINT = re.compile("[人期位话导]")

_TOTAL_CHAR = re.compile("[计計]")


def _is_total_row(row: list[Any], name_index: int | None, first: Any) -> bool:
    candidates = [first]
    if name_index is not None and name_index < len(row):
        candidates.append(row[name_index])
    return any(
        isinstance(c, str) and ("计" in c or "計" in c) and any(w in normalize(c) for w in _TOTAL_WORDS) for c in candidates
    )


def _cooperative_rows(table: _Sheet, header: list[Any], mapping: dict[str, tuple[int, float]], data_i: int,
                      report: ValidationReport, source: str) -> tuple[list[np.ndarray], np.ndarray]:
    """Read the rows below the header; record the skipped ones in ``report``; return the columns and the kept rows.

    Sets ``report.rows_read`` (trailing blank rows are not rows) and warns of values
    right of the last header. Returns one object array per column (cut to the rows
    read) and the indices of the rows that are cooperatives' rows.
    """
    n_body, columns = _body_columns(table, data_i)
    name_idx = mapping["name"][0]
    first_col = _first_filled(columns, n_body)
    filled = np.flatnonzero(first_col >= 0)
    report.rows_read = int(filled[-1]) + 1 if len(filled) else 0  # trailing blank rows are not rows
    if not report.rows_read:
        raise RegistryError(f"{source}: the registry has a header (row {data_i}) but no rows below it")
    n_read = report.rows_read
    first_col = first_col[:n_read]
    columns = [col[:n_read] for col in columns]
    keep = _classify_rows(columns, first_col, name_idx, data_i, report, _serial_columns(header, mapping))
    last_header = max(j for j, cell in enumerate(header) if not is_blank(cell))
    _warn_beyond_header(columns, keep, last_header, data_i, report)
    return columns, keep


def _body_columns(table: _Sheet, data_i: int) -> tuple[int, list[np.ndarray]]:
    """The rows below the header as one object array per column (short rows padded)."""
    head = table.rows[data_i:]
    tail = table.tail
    widths = [len(row) for row in head] + ([tail.shape[1]] if tail is not None else [])
    width = max(widths, default=0)
    n_head = len(head)
    n = n_head + (len(tail) if tail is not None else 0)
    columns = [np.full(n, None, dtype=object) for _ in range(width)]
    if n_head and width:
        padded = [row if len(row) == width else list(row) + [None] * (width - len(row)) for row in head]
        block = pd.DataFrame(padded, dtype=object).to_numpy(dtype=object)
        for j in range(width):
            columns[j][:n_head] = block[:, j]
    if tail is not None:
        for j in range(tail.shape[1]):
            columns[j][n_head:] = tail[j].to_numpy(dtype=object)
    return n, columns


def _blank_mask(values: np.ndarray) -> np.ndarray:
    """:func:`coopmap.data.registry.cells.is_blank` of each cell; text cells without calling it.

    For text, ``is_blank(s)`` is ``not s.strip()``: no character outside
    ``str.isspace`` becomes blank under NFKC (checked over all of Unicode).
    """
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        # not s.strip() is: empty, or only characters that str.isspace accepts
        empty = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) == 0
        return empty | np.fromiter(map(str.isspace, values), dtype=bool, count=len(values))
    return np.fromiter(map(is_blank, values), dtype=bool, count=len(values))


def _first_filled(columns: list[np.ndarray], n: int) -> np.ndarray:
    """Index of each row's first non-blank cell, ``-1`` for a blank row."""
    first = np.full(n, -1, dtype=np.intp)
    open_rows = np.arange(n)
    for j, column in enumerate(columns):
        if not len(open_rows):
            break
        filled = ~_blank_mask(column if len(open_rows) == n else column[open_rows])
        first[open_rows[filled]] = j
        open_rows = open_rows[~filled]
    return first


def _serial_columns(header: list[Any], mapping: dict[str, tuple[int, float]]) -> list[int]:
    """Columns headed 序号 (or 编号, No.): a template's pre-numbered serial numbers."""
    mapped = {j for j, _ in mapping.values()}
    return [j for j, cell in enumerate(header) if j not in mapped and _is_serial_header(cell)]


def _text_with(values: np.ndarray, hint: "re.Pattern[str]") -> np.ndarray:
    """Cells that are text containing a match of ``hint`` (a quick filter before a closer look)."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        joined = "\n".join(values)
        # the cells holding one: each match's offset in the joined text mapped to its cell
        hits = np.fromiter((m.start() for m in hint.finditer(joined)), dtype=np.int64)
        out = np.zeros(len(values), dtype=bool)
        if len(hits):
            ends = np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values)) + 1)
            out[np.searchsorted(ends, hits, side="right")] = True
        return out
    return np.fromiter((isinstance(v, str) and hint.search(v) is not None for v in values), dtype=bool, count=len(values))


def _maybe_total(values: np.ndarray) -> np.ndarray:
    """Cells that are text containing 计 or 計 (a quick filter before :func:`_is_total_row`)."""
    return _text_with(values, _TOTAL_CHAR)


def _is_serial_value(value: Any) -> bool:
    """A serial number: a whole number (1, 1.0) or its text (1, １, 1., 1、)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, np.integer)):
        return True
    if isinstance(value, (float, np.floating)):
        return float(value).is_integer()
    return isinstance(value, str) and _SERIAL_VALUE.match(normalize(value)) is not None


def _classify_rows(columns: list[np.ndarray], first_col: np.ndarray, name_idx: int, data_i: int, report: ValidationReport,
                   serial_cols: Iterable[int] = ()) -> np.ndarray:
    """Record the rows that are no cooperative in ``report.skipped_rows``; return the other rows' indices.

    Each skipped row has its reason: blank; only its serial number (a template numbered
    further than it was filled); a total (合计, 小计, 总计); a signature line (填表人：…
    审核人：… 填报日期：…, its first cell a signature label); a note (one text value,
    perhaps repeated across merged cells, and nothing else). A row with a serial number
    and any other value is a cooperative's row, checked like every other.
    """
    n = len(first_col)
    filled = first_col >= 0
    first = np.full(n, None, dtype=object)
    for j in np.unique(first_col[filled]):
        rows = np.flatnonzero(first_col == j)
        first[rows] = columns[j][rows]
    total = np.zeros(n, dtype=bool)
    name = columns[name_idx] if name_idx < len(columns) else np.full(n, None, dtype=object)
    for k in np.flatnonzero(filled & (_maybe_total(first) | _maybe_total(name))):
        total[k] = _is_total_row([name[k]] if name_idx < len(columns) else [], 0 if name_idx < len(columns) else None, first[k])
    signature = np.zeros(n, dtype=bool)
    for k in np.flatnonzero(filled & ~total & _text_with(first, _SIGNATURE_HINT)):
        signature[k] = _SIGNATURE.match(normalize(first[k])) is not None
    # only a serial number: the row's first value is in a serial column and nothing follows it
    serial_only = np.zeros(n, dtype=bool)
    serial_cols = [j for j in serial_cols if j < len(columns)]
    open_rows = np.flatnonzero(filled & ~total & ~signature & np.isin(first_col, serial_cols))
    if len(open_rows):
        for j, column in enumerate(columns):
            if not len(open_rows):
                break
            if j in serial_cols:
                continue
            open_rows = open_rows[_blank_mask(column[open_rows])]
        for k in open_rows:
            serial_only[k] = all(is_blank(columns[j][k]) or _is_serial_value(columns[j][k]) for j in serial_cols)
    # a note row: one text value, perhaps repeated across merged cells, and nothing else
    if pd.api.types.infer_dtype(first, skipna=True) == "string":  # every value text or missing
        is_text = pd.notna(first)
    else:
        is_text = np.fromiter((isinstance(v, str) for v in first), dtype=bool, count=n)
    open_rows = np.flatnonzero(filled & ~total & ~signature & ~serial_only & is_text)
    for column in columns:
        if not len(open_rows):
            break
        cells = column[open_rows]
        same = np.asarray(cells == first[open_rows], dtype=bool)
        if not same.all():
            same[~same] = _blank_mask(cells[~same])
        open_rows = open_rows[same]
    note = np.zeros(n, dtype=bool)
    note[open_rows] = True
    for k in np.flatnonzero(~filled | total | signature | serial_only | note):
        row_no = int(data_i + 1 + k)  # a Python int: the JSON report cannot hold numpy's
        if not filled[k]:
            report.skipped_rows.append(RowIssue(row_no, None, "", Message("load.skip.blank")))
            continue
        reason = ("load.skip.total" if total[k] else "load.skip.signature" if signature[k]
                  else "load.skip.serial_only" if serial_only[k] else "load.skip.note")
        report.skipped_rows.append(RowIssue(row_no, None, _cell_text(first[k]), Message(reason)))
    return np.flatnonzero(filled & ~total & ~signature & ~serial_only & ~note)


def _warn_beyond_header(columns: list[np.ndarray], keep: np.ndarray, last_header: int, data_i: int, report: ValidationReport) -> None:
    """Warn once per kept row that has values right of the last header."""
    beyond = [(j, ~_blank_mask(columns[j][keep])) for j in range(last_header + 1, len(columns))]
    beyond = [(j, filled) for j, filled in beyond if filled.any()]
    if not beyond:
        return
    any_filled = np.logical_or.reduce([filled for _, filled in beyond])
    for i in np.flatnonzero(any_filled):
        js = [j for j, filled in beyond if filled[i]]
        k = keep[i]
        letters = ", ".join(_column_letter(j) for j in js[:5])
        report.warnings.append(RowIssue(int(data_i + 1 + k), None, _cell_text(columns[js[0]][k]), Message("load.beyond_header", letters=letters)))
