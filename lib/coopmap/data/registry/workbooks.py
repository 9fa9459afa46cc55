"""Reading workbooks (.xlsx, .xls, .ods) with calamine, after guarding against damaged, encrypted and hostile files.

A zip bomb or a sheet reaching a far cell (XFD1048576) is refused by reading the
archive's directory and streaming its sheet XML before any spreadsheet reader
allocates the sheet; merged cells carry their value into every cell they cover.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any, Iterable

from coopmap.data.messages import Message
from coopmap.data.registry.cells import is_blank
from coopmap.data.registry.header import _column_letter
from coopmap.data.registry.report import RowIssue, _note
from coopmap.data.registry.sheet import _RESAVE, MAX_CELLS, MAX_UNPACKED_BYTES, _Sheet
from coopmap.errors import RegistryError


def _check_workbook_zip(path: Path, source: str) -> list[RowIssue]:
    """Refuse a damaged workbook, a zip bomb or a sheet spanning too many cells."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                raise RegistryError(
                    f"{source}: the workbook unpacks to {unpacked / 2**20:,.0f} MB, more than the "
                    f"{MAX_UNPACKED_BYTES / 2**20:,.0f} MB a registry may take; it is damaged or not a registry"
                )
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names and "mimetype" not in names:
                raise RegistryError(f"{source}: this is a zip archive, not a workbook; {_RESAVE}")
            notes: list[RowIssue] = []
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    notes.extend(_scan_sheet_xml(archive, info, source))
            return notes
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as exc:
        raise RegistryError(
            f"{source}: the workbook is damaged or incomplete (perhaps cut off while copying or uploading: {exc}); "
            "copy the original file again, or open it in Excel and save it again"
        ) from None


_CELL_REF = re.compile(rb'\sr="([A-Z]{1,4})(\d{1,9})"')
_UNCACHED_FORMULA = re.compile(rb"</f>(?:<v\s*/>|<v>\s*</v>)?</c>|<f\s*/>(?:<v\s*/>)?</c>")


def _scan_sheet_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> list[RowIssue]:
    """Find a sheet's far corner and its formulas without stored values, streaming."""
    max_row = max_col = 0
    columns: set[bytes] = set()
    uncached = 0
    read = 0
    tail = b""
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(4 * 2**20)
            if not chunk:
                break
            read += len(chunk)
            if read > MAX_UNPACKED_BYTES:
                raise RegistryError(f"{source}: a sheet unpacks to more than {MAX_UNPACKED_BYTES / 2**20:,.0f} MB; it is damaged or not a registry")
            block = tail + chunk
            refs = _CELL_REF.findall(block)
            if refs:
                columns.update(r[0] for r in refs)
                max_row = max(max_row, max(int(r[1]) for r in refs))
            uncached += len(_UNCACHED_FORMULA.findall(block))
            tail = block[-64:]
    for letters in columns:
        number = 0
        for ch in letters:
            number = number * 26 + ch - 64
        max_col = max(max_col, number)
    if max_row * max_col > MAX_CELLS:
        corner = f"{_column_letter(max_col - 1)}{max_row}"
        raise RegistryError(
            f"{source}: a sheet reaches cell {corner}, {max_row:,} rows × {max_col:,} columns, far more than a registry; "
            f"delete the stray cells beyond the table (Ctrl+End in Excel shows the last one) and save again"
        )
    notes = []
    if uncached:
        notes.append(_note(Message("load.formulas_uncached", n=uncached)))
    return notes


def _read_workbook(path: Path, kind: str, source: str, sheet: str | None) -> list[_Sheet]:
    import python_calamine

    notes = _check_workbook_zip(path, source) if kind == "zip" else []
    try:
        with path.open("rb") as fh:
            book = python_calamine.CalamineWorkbook.from_filelike(fh)
    except BaseException as exc:  # calamine raises its own types, and a Rust panic is a BaseException
        _reraise_interrupt(exc)
        if "password" in f"{type(exc).__name__} {exc}".lower():
            raise RegistryError(_password_message(source)) from None
        raise RegistryError(
            f"{source}: cannot open as a spreadsheet ({type(exc).__name__}: {exc}); is it damaged or not a "
            f"spreadsheet? {_RESAVE[0].upper() + _RESAVE[1:]}"
        ) from None
    names = book.sheet_names
    if not names:
        raise RegistryError(f"{source}: the workbook has no sheets")
    if sheet is not None and sheet not in names:
        raise RegistryError(f"{source}: no sheet named {sheet!r}; the sheets are {', '.join(names)}")
    out = []
    for name in [sheet] if sheet is not None else names:
        try:
            data = book.get_sheet_by_name(name)
            corner = (data.end[0] + 1) * (data.end[1] + 1) if data.end else 0
            if corner > MAX_CELLS:
                raise RegistryError(f"{source}: sheet {name!r} spans {data.end[0] + 1:,} rows × {data.end[1] + 1:,} columns, far more than a registry; delete the stray cells beyond the table")
            rows = data.to_python(skip_empty_area=False)
            merges = data.merged_cell_ranges or []
        except RegistryError:
            raise
        except BaseException as exc:
            _reraise_interrupt(exc)
            raise RegistryError(f"{source}: cannot read sheet {name!r} ({type(exc).__name__}: {exc})") from None
        _fill_merged(rows, merges)
        out.append(_Sheet(rows, name, list(notes)))
    return out


def _reraise_interrupt(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def _fill_merged(rows: list[list[Any]], merges: Iterable[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range the value of its top-left cell, as Excel shows it."""
    height = len(rows)
    for (r0, c0), (r1, c1) in merges:
        if r0 >= height or not rows[r0] or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        if is_blank(value):
            continue
        for r in range(r0, min(r1, height - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if is_blank(row[c]):
                    row[c] = value


def _password_message(source: str) -> str:
    return (
        f"{source}: the workbook is password-protected (encrypted), so it cannot be read; open it in Excel or WPS, "
        "remove the password (File → Info → Protect Workbook → Encrypt with Password, clear it) and save again"
    )
