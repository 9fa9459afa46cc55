"""Loading a cooperative registry (台账) from a county office's spreadsheet.

:func:`load_registry` reads ``.xlsx``/``.xls``/``.csv`` as offices keep them (title rows
above the header, a two-row header under merged group labels, merged cells, Chinese
headers in several spellings, money in 元 or 万元, GBK, Big5, UTF-16 or UTF-8 text),
parses every cell, checks the rows against :class:`coopmap.data.schema.RegistrySchema` and
returns the accepted rows with a :class:`ValidationReport`. Nothing is dropped
silently: ``rows_read == accepted + rejected + skipped`` always holds; blank, total
(合计) and note rows are counted as skipped, each with its row number.

A file that is not a registry at all (an image, an encrypted or damaged workbook, a
zip bomb, a sheet reaching cell XFD1048576) raises :class:`RegistryError` with a
message that says what the file is and what to do; ``tests/data/bad`` holds a corpus
of such files with their expected outcomes.

:func:`write_registry` writes the canonical table back as officials read it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import pandera.errors

from coopmap import i18n
from coopmap.data import uscc
from coopmap.data.registry.cells import is_blank
from coopmap.data.divisions import Divisions, load_divisions
from coopmap.errors import RegistryError
from coopmap.data.messages import Message
from coopmap.data.schema import BY_ID, CANONICAL_DTYPES, COLUMNS, HEADERS_ZH, SERVES_SEPARATOR, RegistrySchema, empty_registry
from coopmap.data.text import normalize
from coopmap.data.registry.report import RowIssue, RejectedRow, ValidationReport, Registry, _note, _cell_text
from coopmap.data.registry.sheet import MAX_FILE_BYTES, MAX_UNPACKED_BYTES, MAX_CELLS, _Sheet
from coopmap.data.registry.header import _column_letter, _map_columns, _is_serial_header, _choose_sheet
from coopmap.data.registry.reading import _read_sheets, read_table
from coopmap.data.registry.writing import neutralise, to_display_table, write_registry
from coopmap.data.registry.columns import _parse_column

COOP_LAW_DATE = dt.date(2007, 7, 1)
_TOTAL_WORDS = ("合计", "小计", "总计")
_SERIAL_VALUE = re.compile(r"^\d{1,6}[.、]?$")
_SIGNATURE_LABELS = (
    "填表人", "制表人", "填报人", "审核人", "审批人", "复核人", "核对人", "统计人", "经办人", "联系人", "联系电话",
    "单位负责人", "主要负责人", "负责人", "分管领导", "填报日期", "填表日期", "制表日期", "报送日期", "日期", "填报单位",
)
_SIGNATURE = re.compile(rf"^(?:{'|'.join(_SIGNATURE_LABELS)})(?:\([^)]*\))?(?::|$)")
"""A signature line's first cell, normalised: 填表人：张三, 审核人, 填报单位(盖章)：…"""
_SIGNATURE_HINT = re.compile("[人期位话导]")
_SCHEMA = RegistrySchema.to_schema()
# pandera registers its pandas backends on the first validation, importing its data
# synthesis strategies (and hypothesis, when installed) on the way: ~0.3 s. Pay it here,
# with the other imports, not inside the first registry a process loads.
_SCHEMA.validate(empty_registry())


# -- rows ---------------------------------------------------------------------------


def _is_total_row(row: list[Any], name_index: int | None, first: Any) -> bool:
    candidates = [first]
    if name_index is not None and name_index < len(row):
        candidates.append(row[name_index])
    return any(
        isinstance(c, str) and ("计" in c or "計" in c) and any(w in normalize(c) for w in _TOTAL_WORDS) for c in candidates
    )


def _resolve_served(serves: np.ndarray, town: np.ndarray, divisions: Divisions,
                    add_error: Callable[[int, str | None, str], None]) -> np.ndarray:
    """Resolve each row's list of villages served against the row's own township.

    Returns per row the village codes joined by :data:`coopmap.data.schema.SERVES_SEPARATOR`
    (``None`` without a list); each name that is no village of the township is an error
    of the row, in the ``serves_villages`` column.
    """
    out = np.full(len(serves), None, dtype=object)
    rows = np.flatnonzero(pd.notna(serves) & pd.notna(np.asarray(town, dtype=object)))
    if not len(rows):
        return out
    lists = [str(serves[k]).split("、") for k in rows]
    of_row = np.repeat(rows, [len(names) for names in lists])
    codes, problems = divisions.resolve_villages([n for names in lists for n in names], np.asarray(town, dtype=object)[of_row])
    resolved: dict[int, list[str]] = {}
    for k, code, problem in zip(of_row, codes, problems):
        if problem is not None:
            add_error(int(k), "serves_villages", problem)
        elif code not in resolved.setdefault(int(k), []):
            resolved[int(k)].append(code)
    for k, found in resolved.items():
        out[k] = SERVES_SEPARATOR.join(found) or None
    return out


_TOTAL_CHAR = re.compile("[计計]")


_TABLE_CHECK_ZH = {
    "village_unless_township_led": "除乡镇领办的联合社外，合作社须填写村（社区）",
    "group_when_group_led": "村民小组领办的合作社须填写村民小组",
    "members_at_least_the_legal_minimum": "{header}低于法定最低数：合作社至少 5 名成员，乡镇领办的联合社至少 3 个成员社",
    "village_in_township": "村（社区）代码须以其乡镇的代码开头",
    "serves_villages_in_township": "{header}只能填本乡镇的村（社区）",
}
"""The schema's table-wide rules in Chinese; the English is the rule's docstring."""


def _table_check_strings() -> dict[str, dict[str, str]]:
    strings = {}
    for check, zh in _TABLE_CHECK_ZH.items():
        doc = " ".join(getattr(RegistrySchema, check).__doc__.split()).rstrip(".")
        strings[f"load.check.{check}"] = {"zh": zh, "en": doc if doc[:1].isupper() else "{header} " + doc}
    return strings


i18n.add_strings(_table_check_strings(), "coopmap.data.registry")

_CHECK_FORMS = (
    (re.compile(r"greater_than_or_equal_to\((.*)\)"), "load.check.at_least", "n"),
    (re.compile(r"less_than_or_equal_to\((.*)\)"), "load.check.at_most", "n"),
    (re.compile(r"isin\((.*)\)"), "load.check.one_of", "values"),
)


def _plain_check_message(check: str, column: str | None) -> str:
    """Turn a pandera check name into a sentence for officials, led by the column's header."""
    header = BY_ID[column].header if column in BY_ID else str(column)
    for pattern, key, name in _CHECK_FORMS:
        m = pattern.match(check)
        if m:
            return Message(key, header=header, **{name: m.group(1)})
    if check.startswith(("str_matches", "code_form")):
        return Message("load.check.form", header=header)
    if check in ("not_nullable", "field_uniqueness"):
        return Message("load.check.required" if check == "not_nullable" else "load.check.unique", header=header)
    if f"load.check.{check}" in i18n.STRINGS:
        return Message(f"load.check.{check}", header=header)
    # a rule without a Chinese text yet: its docstring (or name), in English only
    message = (getattr(getattr(RegistrySchema, check, None), "__doc__", None) or check).strip().rstrip(".")
    if column in BY_ID and not message[:1].isupper():
        message = f"{header} {message}"
    return message


def load_registry(path: str | Path, sheet: str | None = None, *, divisions: Divisions | None = None, today: dt.date | None = None) -> Registry:
    """Load and validate a cooperative registry file.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.xlsm``/``.ods``/``.xls`` (the first sheet with a header row
        unless ``sheet`` is given), a web-page table saved as ``.xls``, or ``.csv``/
        ``.txt`` (UTF-8 with or without BOM, UTF-16, GB18030/GBK or Big5, detected;
        comma, semicolon or tab separated). The type is read from the content.
    sheet : str, optional
        Sheet name in a workbook.
    divisions : Divisions, optional
        Division tables (default: the shipped Longling list).
    today : datetime.date, optional
        The date after which a founding date is "in the future" (default: today).

    Returns
    -------
    Registry
        ``.frame`` holds the accepted rows in canonical form (see
        :class:`coopmap.data.schema.RegistrySchema`), ``.report`` the fate of every row.

    Raises
    ------
    RegistryError
        When the file cannot be read as a registry at all (missing, not a table, no
        header row, required columns missing, empty).

    Examples
    --------
    >>> reg = load_registry("data/registry/longling_coops_2023_sample.xlsx")
    >>> reg.report.accepted, reg.report.rejected
    (98, 0)
    """
    divisions = divisions or load_divisions()
    today = today or dt.date.today()
    source = str(path)
    table, header_i, data_i, header = _choose_sheet(_read_sheets(Path(path), sheet, fast=True), source, sheet)
    rows = table.rows
    report = ValidationReport(source=source, sheet=table.name)
    report.warnings.extend(table.notes)
    report.header_row = header_i + 1
    report.title = " ".join(dict.fromkeys(_cell_text(c) for row in rows[:header_i] for c in row if not is_blank(c)))
    mapping = _map_columns(header, source, header_i + 1, report.warnings)
    report.columns = {HEADERS_ZH[k]: _column_letter(j) for k, (j, _) in mapping.items()}
    if data_i > header_i + 1:
        report.warnings.append(_note(Message("load.header_spans", first=header_i + 1, last=data_i), header_i + 1))

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
    row_numbers = (data_i + 1 + keep).astype(np.int64)
    n_keep = len(keep)
    all_kept = n_keep == n_read

    parsed: dict[str, np.ndarray] = {}
    errors: dict[int, list[RowIssue]] = {}
    raw_text: dict[str, np.ndarray] = {}

    def add_error(k: int, col_id: str | None, message: str) -> None:
        value = _cell_text(raw_text[col_id][k]) if col_id in raw_text else ""
        errors.setdefault(k, []).append(RowIssue(int(row_numbers[k]), col_id, value, message))

    for col in COLUMNS:
        if col.id not in mapping:
            parsed[col.id] = [None] * n_keep  # type: ignore[assignment]
            continue
        j, scale = mapping[col.id]
        if j < len(columns):
            series = columns[j] if all_kept else columns[j][keep]
        else:
            series = np.full(n_keep, None, dtype=object)
        raw_text[col.id] = series
        result = _parse_column(col.id, col.kind, series, scale, divisions, today)
        parsed[col.id] = result.values()
        # (each test is made once per distinct value, then taken per row)
        has_error = result.has_error()
        for k in np.flatnonzero(has_error):
            add_error(int(k), col.id, result.errors_[result.codes[k]])
        if col.required:
            for k in np.flatnonzero(result.missing() & ~has_error):
                add_error(int(k), col.id, Message("load.required", header=col.header))

    # village: resolve against the row's own township; a township never comes from the village
    village, town = parsed["village"], parsed["township"]
    both = np.flatnonzero(pd.notna(village) & pd.notna(town))
    if len(both):
        v_codes, v_uniques = pd.factorize(village[both])
        t_codes, t_uniques = pd.factorize(town[both])
        pair_ids, pair_of_row = np.unique(v_codes.astype(np.int64) * len(t_uniques) + t_codes, return_inverse=True)
        codes, problems = divisions.resolve_villages(v_uniques[pair_ids // len(t_uniques)], t_uniques[pair_ids % len(t_uniques)])
        village = village.copy()
        village[both] = np.asarray(codes, dtype=object)[pair_of_row]
        parsed["village"] = village
        problem_of_row = np.asarray(problems, dtype=object)[pair_of_row]
        for i in np.flatnonzero(pd.notna(problem_of_row)):
            add_error(int(both[i]), "village", problem_of_row[i])

    parsed["serves_villages"] = _resolve_served(np.asarray(parsed["serves_villages"], dtype=object), parsed["township"],
                                                divisions, add_error)

    # a duplicate USCC rejects the later row and names the earlier one
    codes = parsed["uscc"]
    problems = np.asarray(uscc.problems(codes), dtype=object)
    has_problem = pd.notna(problems)
    valid = np.flatnonzero(pd.notna(codes) & ~has_problem)
    earlier = np.full(n_keep, -1, dtype=np.int64)
    if len(valid):
        code_ids, _ = pd.factorize(codes[valid])
        _, first_of_code = np.unique(code_ids, return_index=True)
        first_rows = valid[first_of_code[code_ids]]
        repeated = first_rows != valid
        earlier[valid[repeated]] = first_rows[repeated]
    for k in np.flatnonzero(has_problem | (earlier >= 0)):
        if has_problem[k]:
            add_error(int(k), "uscc", problems[k])
        else:
            add_error(int(k), "uscc", Message("load.duplicate_uscc", row=int(row_numbers[earlier[k]])))

    # one pandera validation of all rows: rows that already failed parsing take part with
    # their good cells (so that a row gets one error per problem, not only its first);
    # their other cells hold stand-ins whose failures are not reported
    parsed["source_row"] = row_numbers
    broken = np.array(sorted(errors), dtype=np.intp)
    typed = _canonical_frame(parsed, broken)
    good: dict[str, np.ndarray] = {}
    if len(broken):
        for col_id, values in parsed.items():
            cells = pd.notna(np.asarray(values, dtype=object)[broken])
            failed = {k for k in broken for e in errors[k] if e.column == col_id}
            if failed:
                cells &= ~np.isin(broken, list(failed))
            if col_id == "village":  # a village is read (as its code) only against a township that was
                cells &= pd.notna(np.asarray(parsed["township"], dtype=object)[broken])
            good[col_id] = cells
    is_candidate = np.ones(n_keep, dtype=bool)
    is_candidate[broken] = False
    position = {k: i for i, k in enumerate(broken)}
    rejected_now: list[int] = []
    broken_failures: list[tuple[int, str, str]] = []
    for k_label, col_id, message, context in _validate_schema(typed):
        if is_candidate[k_label]:
            rejected_now.append(k_label)
            add_error(k_label, col_id, message)
        elif col_id not in (None, "uscc", "source_row") and all(good[c][position[k_label]] for c in _TABLE_CHECKS.get(context, (None, (col_id,)))[1]):
            # a rule on cells that all parsed: reported too (a table-wide rule only when all its inputs did)
            broken_failures.append((k_label, col_id, message))
    order = {c: i for i, c in enumerate(_SCHEMA.columns)}
    for k_label, col_id, message in sorted(broken_failures, key=lambda f: order[f[1]]):  # a row's problems in column order
        add_error(k_label, col_id, message)
    is_candidate[rejected_now] = False
    typed = typed.iloc[np.flatnonzero(is_candidate)].reset_index(drop=True) if not is_candidate.all() else typed

    report.errors = sorted((e for errs in errors.values() for e in errs), key=lambda e: (e.row or 0))
    report.rejected = len(errors)
    report.rejected_rows = [_rejected_row(k, int(row_numbers[k]), parsed, raw_text, divisions) for k in sorted(errors)]
    report.skipped = len(report.skipped_rows)
    report.accepted = len(typed)
    report.warnings.extend(_row_warnings(typed))
    assert report.balanced, "rows_read must equal accepted + rejected + skipped"
    return Registry(typed, report)


def _rejected_row(k: int, row: int, parsed: dict[str, Any], raw_text: dict[str, np.ndarray], divisions: Divisions) -> RejectedRow:
    """Name the cooperative of rejected row ``k`` from what its cells hold."""
    name = parsed["name"][k]
    town = parsed["township"][k]
    return RejectedRow(
        row, name if isinstance(name, str) else _cell_text(raw_text["name"][k]).strip(),
        normalize(_cell_text(raw_text["uscc"][k])).upper(),
        divisions.township_name(town) if isinstance(town, str) else _cell_text(raw_text["township"][k]).strip(),
    )


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


def _to_canonical_column(values: pd.Series, dtype: str) -> pd.Series:
    if dtype == "datetime64[ns]":
        return pd.to_datetime(values).astype("datetime64[ns]")
    if dtype in ("int64", "bool"):
        return values.astype(dtype) if values.notna().all() else values.astype(object)
    if dtype == "float64":
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if dtype == "string":
        return values.astype("string")
    return values.astype("str") if values.notna().all() else values


_STAND_INS = {"int64": 0, "bool": False, "float64": 0.0, "datetime64[ns]": dt.date(2000, 1, 1), "str": "-"}
"""Values put in the missing cells of rows that already failed (non-nullable columns only)."""


def _canonical_frame(parsed: dict[str, Any], broken: np.ndarray) -> pd.DataFrame:
    """Build the canonical table of all rows; in ``broken`` rows the missing cells get stand-ins.

    Every column gets its canonical dtype. A rejected row's missing or failed cells would
    keep a column from it (an int column cannot hold a gap), so they hold a stand-in
    value instead, and each rejected row's code a unique stand-in that no real code equals.
    """
    out: dict[str, pd.Series] = {}
    for col_id, dtype in CANONICAL_DTYPES.items():
        values = np.asarray(parsed[col_id])
        if dtype == "float64" and values.dtype == np.float64:
            if len(broken) and not _SCHEMA.columns[col_id].nullable:
                values = values.copy()
                cells = values[broken]
                cells[np.isnan(cells)] = _STAND_INS[dtype]
                values[broken] = cells
            out[col_id] = pd.Series(values)
            continue
        values = np.asarray(values, dtype=object)
        if len(broken) and not _SCHEMA.columns[col_id].nullable:
            values = values.copy()
            if col_id == "uscc":
                values[broken] = np.array([f"#{k}" for k in broken], dtype=object)  # unique, and unlike any code
            else:
                cells = values[broken]
                cells[pd.isna(cells)] = _STAND_INS[dtype]
                values[broken] = cells
        out[col_id] = _to_canonical_column(pd.Series(values), dtype)
    return pd.DataFrame(out)


def _validate_schema(frame: pd.DataFrame) -> list[tuple[int, str | None, str, str]]:
    """Check the rows with the pandera model; return (index, column, message, context) failures.

    ``context`` is ``"Column"`` for a column's own rule and the rule's name (a key of
    :data:`_TABLE_CHECKS`) for a
    rule across columns; each (row, column, rule) once.
    """
    if frame.empty:
        return []
    try:
        _SCHEMA.validate(frame, lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    rejects: dict[tuple[int, str | None, str], tuple[int, str | None, str, str]] = {}
    for case in failures.itertuples(index=False):
        index, check = case.index, str(case.check)
        if index is None or (isinstance(index, float) and np.isnan(index)):
            raise RegistryError(f"registry schema check failed for the whole table: {check} on {case.column}") from None
        table_check = case.schema_context == "DataFrameSchema"
        column = _TABLE_CHECKS.get(check, (None, ()))[0] if table_check else case.column
        context = check if table_check else "Column"
        rejects.setdefault((int(index), column, check), (int(index), column, _plain_check_message(check, column), context))
    return list(rejects.values())


_TABLE_CHECKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "village_unless_township_led": ("village", ("lead_level", "village")),
    "group_when_group_led": ("group", ("lead_level", "group")),
    "village_in_township": ("village", ("village", "township")),
    "members_at_least_the_legal_minimum": ("members", ("members", "lead_level")),
    "serves_villages_in_township": ("serves_villages", ("serves_villages", "township")),
}
"""The schema's table-wide rules: the column a failure is reported in, and the columns the rule reads."""


def _row_warnings(frame: pd.DataFrame) -> list[RowIssue]:
    warnings = []
    law = pd.Timestamp(COOP_LAW_DATE)
    for row, founded in frame.loc[frame["founded"] < law, ["source_row", "founded"]].itertuples(index=False):
        warnings.append(RowIssue(int(row), "founded", founded.date().isoformat(), Message("load.founded_before_law")))
    for row, code in frame.loc[~frame["uscc"].str.startswith(uscc.FARMER_COOP_PREFIX), ["source_row", "uscc"]].itertuples(index=False):
        warnings.append(RowIssue(int(row), "uscc", code, Message("load.uscc_not_93")))
    unions = set(frame.loc[frame["lead_level"] == "township", "uscc"])
    linked = frame[frame["union_uscc"].notna()]
    for row, code in linked.loc[~linked["union_uscc"].isin(unions), ["source_row", "union_uscc"]].itertuples(index=False):
        warnings.append(RowIssue(int(row), "union_uscc", str(code), Message("load.union_unknown")))
    return warnings
