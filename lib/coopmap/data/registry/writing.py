"""Writing a canonical registry back as officials read it (Chinese headers and values), guarded against formula injection."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd

from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.registry.cells import is_blank
from coopmap.data.schema import COLUMNS, SERVES_SEPARATOR
from coopmap.errors import RegistryError

_LEAD_LEVEL_ZH = {"township": "乡镇", "village": "村", "group": "村民小组"}
_FORMATION_ZH = {"new": "新组建", "upgraded": "改造提升"}
_FORMULA_START = ("=", "+", "-", "@")


def _strip_neutralised(text: str) -> str:
    """Undo the apostrophe our exports put before = + - @ (formula-injection guard)."""
    return text[1:] if text[:1] == "'" and text.lstrip("'").startswith(_FORMULA_START) else text


def neutralise(value: Any) -> Any:
    """Prefix text starting with = + - @ with an apostrophe (spreadsheet formula injection).

    Text that already starts with an apostrophe before one of them gets another, so
    that reading the file back (which drops one) gives the text unchanged.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_START):
        return "'" + value
    return value


def to_display_table(frame: pd.DataFrame, divisions: Divisions | None = None) -> pd.DataFrame:
    """Return the canonical registry as officials read it: Chinese headers and values.

    Division codes become official names, levels and formations their Chinese words,
    yes/no 是/否, dates ``YYYY-MM-DD``; money stays in 万元.
    """
    divisions = divisions or load_divisions()
    towns = dict(zip(divisions.townships["code"], divisions.townships["name"]))
    vills = dict(zip(divisions.villages["code"], divisions.villages["name"]))
    shorts = dict(zip(divisions.villages["code"], divisions.villages["short"]))
    out = pd.DataFrame(index=frame.index)
    for col in COLUMNS:
        values = frame[col.id] if col.id in frame else pd.Series([None] * len(frame), index=frame.index)
        if col.id == "township":
            values = values.map(towns)
        elif col.id == "village":
            values = values.map(lambda v: vills.get(v) if isinstance(v, str) else None)
        elif col.kind == "villages":  # short names (坡头村、半坡村), as officials write them
            values = values.map(lambda v: "、".join(shorts.get(c, c) for c in v.split(SERVES_SEPARATOR)) if isinstance(v, str) else None)
        elif col.id == "lead_level":
            values = values.map(_LEAD_LEVEL_ZH)
        elif col.id == "formation":
            values = values.map(_FORMATION_ZH)
        elif col.kind == "bool":
            values = values.map(lambda v: "是" if bool(v) else "否")
        elif col.kind == "date":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        out[col.header] = values.astype(object).where(values.notna(), None)
    return out


def write_registry(frame: pd.DataFrame, path: str | Path, title: str | None = None, divisions: Divisions | None = None) -> Path:
    """Write a canonical registry as ``.xlsx`` or ``.csv`` that :func:`load_registry` reads back.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry (as from :func:`load_registry` or :func:`coopmap.data.sample.generate`).
    path : str or Path
        Target; the suffix chooses the format. CSV is UTF-8 with a BOM so that Excel
        on Chinese Windows opens it correctly.
    title : str, optional
        A title row written above the header (as offices keep their sheets).

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    table = to_display_table(frame, divisions).map(neutralise)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            if title:
                writer.writerow([title])
            writer.writerow(list(table.columns))
            for row in table.itertuples(index=False):
                writer.writerow([_csv_value(v) for v in row])
        return path
    if path.suffix.lower() != ".xlsx":
        raise RegistryError(f"{path}: can only write .xlsx or .csv")
    _write_xlsx(table, path, title)
    return path


def _csv_value(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _write_xlsx(table: pd.DataFrame, path: Path, title: str | None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    first = 1
    if title:
        sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.columns))
        first = 2
    header_fill = PatternFill("solid", fgColor="F2DCDB")
    for j, header in enumerate(table.columns, start=1):
        cell = sheet.cell(row=first, column=j, value=header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    kinds = {c.header: c.kind for c in COLUMNS}
    for i, row in enumerate(table.itertuples(index=False), start=first + 1):
        for j, (header, value) in enumerate(zip(table.columns, row), start=1):
            if is_blank(value):
                continue
            cell = sheet.cell(row=i, column=j)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if kinds[header] in ("money", "number"):
                cell.number_format = "#,##0.00"
            elif kinds[header] in ("int",):
                cell.number_format = "#,##0"
    for j, header in enumerate(table.columns, start=1):
        width = max([len(str(header)) * 2] + [len(str(v)) * (2 if not str(v).isascii() else 1) for v in table[header].head(200) if v is not None])
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 48)
    sheet.freeze_panes = sheet.cell(row=first + 1, column=3)
    book.save(path)
