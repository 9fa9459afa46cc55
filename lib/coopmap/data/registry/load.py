"""The loader's pipeline: :func:`load_registry` reads a file, finds its header, classifies and parses its rows, checks them and reports.

Each step is a function of its own module: :mod:`~coopmap.data.registry.reading`
(the file), :mod:`~coopmap.data.registry.header` (header rows, column mapping),
:mod:`~coopmap.data.registry.rows` (blank, total, note and signature rows skipped),
:mod:`~coopmap.data.registry.columns` (cells parsed column by column),
:mod:`~coopmap.data.registry.references` (villages against townships, repeated
codes) and :mod:`~coopmap.data.registry.checks` (the schema's table-wide rules).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.messages import Message
from coopmap.data.registry.cells import is_blank
from coopmap.data.registry.checks import _check_table, _row_warnings
from coopmap.data.registry.columns import _parse_cells
from coopmap.data.registry.header import _choose_sheet, _column_letter, _map_columns
from coopmap.data.registry.reading import _read_sheets
from coopmap.data.registry.references import _resolve_references
from coopmap.data.registry.report import Registry, RejectedRow, ValidationReport, _cell_text, _note, _RowErrors
from coopmap.data.registry.rows import _cooperative_rows
from coopmap.data.registry.sheet import _Sheet
from coopmap.data.schema import HEADERS_ZH
from coopmap.data.text import normalize


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
    report = _new_report(source, table, header_i)
    mapping = _map_header(header, source, header_i, data_i, report)
    columns, keep = _cooperative_rows(table, header, mapping, data_i, report, source)
    errors = _RowErrors((data_i + 1 + keep).astype(np.int64))
    parsed = _parse_cells(columns, keep, report.rows_read, mapping, divisions, today, errors)
    _resolve_references(parsed, divisions, errors)
    accepted = _check_table(parsed, errors)
    return _finish_report(report, accepted, parsed, errors, divisions)


def _new_report(source: str, table: _Sheet, header_i: int) -> ValidationReport:
    """Start the report of a sheet: its notes from reading, its header row and its title (the cells above the header)."""
    report = ValidationReport(source=source, sheet=table.name)
    report.warnings.extend(table.notes)
    report.header_row = header_i + 1
    report.title = " ".join(dict.fromkeys(_cell_text(c) for row in table.rows[:header_i] for c in row if not is_blank(c)))
    return report


def _map_header(header: list[Any], source: str, header_i: int, data_i: int, report: ValidationReport) -> dict[str, tuple[int, float]]:
    """Map the header's cells to registry columns (column id → index, unit scale); note the mapping in ``report``."""
    mapping = _map_columns(header, source, header_i + 1, report.warnings)
    report.columns = {HEADERS_ZH[k]: _column_letter(j) for k, (j, _) in mapping.items()}
    if data_i > header_i + 1:
        report.warnings.append(_note(Message("load.header_spans", first=header_i + 1, last=data_i), header_i + 1))
    return mapping


def _finish_report(report: ValidationReport, accepted: pd.DataFrame, parsed: dict[str, Any], errors: _RowErrors,
                   divisions: Divisions) -> Registry:
    """Account for every row in ``report`` (errors in row order, rejected rows named), warn about the accepted ones."""
    by_row = errors.by_row
    report.errors = sorted((e for errs in by_row.values() for e in errs), key=lambda e: (e.row or 0))
    report.rejected = len(by_row)
    report.rejected_rows = [_rejected_row(k, int(errors.row_numbers[k]), parsed, errors.raw_text, divisions) for k in sorted(by_row)]
    report.skipped = len(report.skipped_rows)
    report.accepted = len(accepted)
    report.warnings.extend(_row_warnings(accepted))
    assert report.balanced, "rows_read must equal accepted + rejected + skipped"
    return Registry(accepted, report)


def _rejected_row(k: int, row: int, parsed: dict[str, Any], raw_text: dict[str, np.ndarray], divisions: Divisions) -> RejectedRow:
    """Name the cooperative of rejected row ``k`` from what its cells hold."""
    name = parsed["name"][k]
    town = parsed["township"][k]
    return RejectedRow(
        row, name if isinstance(name, str) else _cell_text(raw_text["name"][k]).strip(),
        normalize(_cell_text(raw_text["uscc"][k])).upper(),
        divisions.township_name(town) if isinstance(town, str) else _cell_text(raw_text["township"][k]).strip(),
    )
