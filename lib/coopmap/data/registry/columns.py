"""Parsing a registry column at once: each distinct cell value parsed once, plain numbers and text in bulk.

The per-cell parsers are in :mod:`coopmap.data.registry.cells`; this module applies them to a
whole column (an object array of raw cells) and keeps, per row, a code into the parsed
distinct values and their errors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from coopmap.data.divisions import Divisions
from coopmap.data.messages import Message, message_of
from coopmap.data.registry.cells import (
    CONTROL_CHARS,
    MAX_WHOLE,
    CellError,
    is_blank,
    nfkc_unchanged,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    parse_text,
    parse_year,
)
from coopmap.data.registry.report import _RowErrors
from coopmap.data.registry.writing import _strip_neutralised
from coopmap.data.schema import COLUMNS
from coopmap.data.text import normalize
from coopmap.errors import DivisionError

_LEAD_LEVEL = {
    "乡镇": "township", "乡镇领办": "township", "镇级": "township", "乡级": "township",
    "乡镇级": "township", "乡镇党委领办": "township", "township": "township",
    "村": "village", "村级": "village", "村级领办": "village", "村党组织领办": "village",
    "village": "village",
    "村民小组": "group", "小组": "group", "组级": "group", "村民小组领办": "group",
    "group": "group",
}
_FORMATION = {"新组建": "new", "新建": "new", "new": "new", "改造提升": "upgraded", "提升": "upgraded", "upgraded": "upgraded"}


_LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")


def _village_list(raw: Any) -> str | None:
    """A cell listing villages (坡头村、半坡村; commas, semicolons, line breaks) as names joined by 、."""
    names = [n.strip() for n in _LIST_SEPARATORS.split(parse_text(raw))]
    return "、".join(dict.fromkeys(n for n in names if n)) or None


def _parse_cells(columns: list[np.ndarray], keep: np.ndarray, n_read: int, mapping: dict[str, tuple[int, float]],
                 divisions: Divisions, today: dt.date, errors: _RowErrors) -> dict[str, np.ndarray]:
    """Parse the kept rows' cells of every registry column; record each cell's problem in ``errors``.

    Returns per column id the parsed values of the kept rows (``None`` for each row of a
    column the file lacks); a required cell that is blank is an error too.
    """
    n_keep = len(keep)
    all_kept = n_keep == n_read
    parsed: dict[str, np.ndarray] = {}
    for col in COLUMNS:
        if col.id not in mapping:
            parsed[col.id] = [None] * n_keep  # type: ignore[assignment]
            continue
        j, scale = mapping[col.id]
        if j < len(columns):
            series = columns[j] if all_kept else columns[j][keep]
        else:
            series = np.full(n_keep, None, dtype=object)
        errors.raw_text[col.id] = series
        result = _parse_column(col.id, col.kind, series, scale, divisions, today)
        parsed[col.id] = result.values()
        # (each test is made once per distinct value, then taken per row)
        has_error = result.has_error()
        for k in np.flatnonzero(has_error):
            errors.add(int(k), col.id, result.errors_[result.codes[k]])
        if col.required:
            for k in np.flatnonzero(result.missing() & ~has_error):
                errors.add(int(k), col.id, Message("load.required", header=col.header))
    return parsed


def _parse_column(col_id: str, kind: str, values: np.ndarray, scale: float, divisions: Divisions, today: dt.date) -> "_ParsedColumn":
    """Parse one column (object array of raw cells), each distinct value once."""
    def parse_one(raw: Any) -> tuple[Any, str | None]:
        if is_blank(raw):
            return None, None
        try:
            if kind in ("text",):
                return _strip_neutralised(parse_text(raw)) or None, None
            if kind == "uscc":
                if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                    raise CellError(Message("load.uscc_number"))
                return normalize(raw).upper(), None
            if kind == "lead_level":
                key = normalize(raw)
                if key not in _LEAD_LEVEL:
                    raise CellError(Message("load.lead_level", value=raw))
                return _LEAD_LEVEL[key], None
            if kind == "formation":
                key = normalize(raw)
                if key not in _FORMATION:
                    raise CellError(Message("load.formation", value=raw))
                return _FORMATION[key], None
            if kind == "township":
                return divisions.resolve_township(raw), None
            if kind == "village":
                return parse_text(raw), None  # resolved later, against the row's township
            if kind == "villages":
                return _village_list(raw), None  # each resolved later, against the row's township
            if kind == "bool":
                return parse_bool(raw), None
            if kind == "date":
                return parse_date(raw, today), None
            if kind == "year":
                return parse_year(raw), None
            if kind == "int":
                return parse_int(raw), None
            if kind == "money":
                return parse_number(raw, scale, money=True), None
            if kind == "number":
                return parse_number(raw, scale), None
        except (CellError, DivisionError) as exc:
            return None, message_of(exc)
        raise AssertionError(f"unknown column kind {kind}")  # pragma: no cover

    # each distinct cell value is parsed once; factorize hashes in C (1, 1.0 and True
    # share a slot, which every parser treats alike)
    if kind in ("text", "uscc", "village") and _mostly_distinct_text(values):
        # codes, names: hashing them all would cost more than it saves (dates, however
        # distinct in a sample, repeat over a long file and cost more to parse than to hash)
        codes, uniques = np.arange(len(values)), values
    else:
        try:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        except TypeError:  # an unhashable cell value: parse cell by cell
            codes, uniques = np.arange(len(values)), values
    parsed = np.empty(len(uniques) + 1, dtype=object)  # the last slot serves code -1 (blank)
    errors = np.empty(len(uniques) + 1, dtype=object)
    todo: Iterable[int] = range(len(uniques))
    if kind in ("int", "number", "money") and len(uniques):
        todo = _plain_numbers(uniques, kind, scale, parsed)
    elif kind in ("text", "village", "uscc") and len(uniques):
        todo = _plain_text(uniques, kind, parsed)
    for i in todo:
        parsed[i], errors[i] = parse_one(uniques[i])
    if kind in ("money", "number"):
        # the column's values as floats (NaN: missing), taken per row in C instead of
        # boxing a Python float per cell and converting the cells back later
        typed = np.full(len(parsed), np.nan)
        filled = np.flatnonzero(pd.notna(parsed))
        typed[filled] = parsed[filled].astype(float)
        parsed = typed
    return _ParsedColumn(codes, parsed, errors)


@dataclass
class _ParsedColumn:
    """One parsed column: per row a code into the parsed distinct values (-1: missing)."""

    codes: np.ndarray
    parsed: np.ndarray
    errors_: np.ndarray

    def values(self) -> np.ndarray:
        return self.parsed[self.codes]

    def has_error(self) -> np.ndarray:
        """Per row: whether its cell failed to parse."""
        return pd.notna(self.errors_)[self.codes]

    def missing(self) -> np.ndarray:
        """Per row: whether its cell gave no value (blank, or failed)."""
        return pd.isna(self.parsed)[self.codes]


_WHITESPACE = re.compile(r"\s")


def _mostly_distinct_text(values: np.ndarray) -> bool:
    """Whether a long column is all text and its first 1,000 cells nearly all differ."""
    if len(values) < 5000:
        return False
    sample = values[:1000]
    return len(set(sample)) > 900 and pd.api.types.infer_dtype(values, skipna=False) == "string"


def _plain_text(uniques: np.ndarray, kind: str, out: np.ndarray) -> np.ndarray:
    """Fill ``out`` for distinct text cells that parse to themselves, trimmed; return the indices left.

    Blank cells stay ``None``. For ``text`` and ``village`` a plain cell is already in
    NFKC form and holds no control characters, so :func:`coopmap.data.registry.cells.parse_text`
    only trims it; for ``uscc`` a plain cell is ASCII without whitespace, so
    :func:`coopmap.data.text.normalize` leaves it as it is. Everything else goes to the full
    parser. The checks run over all cells joined at once, cell by cell only when that fails.
    """
    n = len(uniques)
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        is_text = np.ones(n, dtype=bool)
    else:
        is_text = np.fromiter((type(u) is str for u in uniques), dtype=bool, count=n)
    index = np.flatnonzero(is_text)
    raw = uniques[index]
    texts = list(map(str.strip, raw))
    filled = np.fromiter(map(bool, texts), dtype=bool, count=len(texts))
    if not filled.all():
        index, raw = index[filled], raw[filled]
        texts = [t for t, f in zip(texts, filled) if f]
    if kind == "uscc":
        joined = "".join(raw)
        if joined.isascii() and not _WHITESPACE.search(joined):
            plain = np.ones(len(raw), dtype=bool)
            out[index] = np.fromiter("\n".join(texts).upper().split("\n") if texts else [], dtype=object, count=len(texts))
        else:
            plain = np.fromiter((r.isascii() and not _WHITESPACE.search(r) for r in raw), dtype=bool, count=len(raw))
            for i, text, ok in zip(index, texts, plain):
                if ok:
                    out[i] = text.upper()
    else:
        joined = "".join(raw)
        # (printable text holds no control character: skip the search over every character)
        # (parse_text keeps full-width （）etc. as they are: leave them out of the NFKC test)
        if nfkc_unchanged("\n".join(raw)) and (joined.isprintable() or not CONTROL_CHARS.search(joined)):
            plain = np.ones(len(raw), dtype=bool)
        else:
            plain = np.fromiter(
                (nfkc_unchanged(r) and not CONTROL_CHARS.search(r) for r in raw), dtype=bool, count=len(raw)
            )
        if kind == "text" and "'" in joined:
            texts = [_strip_neutralised(t) for t in texts]
        if plain.all():
            out[index] = np.fromiter(texts, dtype=object, count=len(texts))
        else:
            for i, text, ok in zip(index, texts, plain):
                if ok:
                    out[i] = text
    done = np.zeros(n, dtype=bool)
    done[np.flatnonzero(is_text)[~filled]] = True  # blank text: None, no error
    done[index[plain]] = True
    return np.flatnonzero(~done)


def _plain_numbers(uniques: np.ndarray, kind: str, scale: float, out: np.ndarray) -> np.ndarray:
    """Fill ``out`` for distinct values that are plain numbers; return the indices left.

    A plain number is a finite int/float or text pandas reads as one (no separators,
    units or full-width digits); it means the same to :func:`coopmap.data.registry.cells.parse_number`.
    Everything else, including whole-number checks that fail, goes to the full parser.
    """
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        plain = np.ones(len(uniques), dtype=bool)
    else:
        plain = np.fromiter((type(u) in (str, int, float) for u in uniques), dtype=bool, count=len(uniques))
    numbers = pd.to_numeric(pd.Series(np.where(plain, uniques, None), dtype=object), errors="coerce").to_numpy(dtype=float)
    ok = plain & np.isfinite(numbers)
    if kind == "int":
        ok &= (numbers == np.round(numbers)) & (np.abs(numbers) <= MAX_WHOLE)
        out[: len(uniques)][ok] = [int(n) for n in numbers[ok]]
    else:
        out[: len(uniques)][ok] = list(numbers[ok] * scale)
    return np.flatnonzero(~ok)
