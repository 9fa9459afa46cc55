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
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from coopmap.data import uscc
from coopmap.data.registry.cells import is_blank
from coopmap.data.divisions import Divisions, load_divisions
from coopmap.errors import RegistryError
from coopmap.data.messages import Message
from coopmap.data.schema import COLUMNS, HEADERS_ZH, SERVES_SEPARATOR
from coopmap.data.text import normalize
from coopmap.data.registry.report import RowIssue, RejectedRow, ValidationReport, Registry, _note, _cell_text
from coopmap.data.registry.sheet import MAX_FILE_BYTES, MAX_UNPACKED_BYTES, MAX_CELLS
from coopmap.data.registry.header import _column_letter, _map_columns, _choose_sheet
from coopmap.data.registry.reading import _read_sheets, read_table
from coopmap.data.registry.writing import neutralise, to_display_table, write_registry
from coopmap.data.registry.columns import _parse_column
from coopmap.data.registry.rows import _body_columns, _first_filled, _serial_columns, _classify_rows, _warn_beyond_header
from coopmap.data.registry.checks import COOP_LAW_DATE, _SCHEMA, _canonical_frame, _validate_schema, _TABLE_CHECKS, _row_warnings

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
