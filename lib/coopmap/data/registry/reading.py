"""Reading a registry file into raw rows: recognising the file by its content and sending it to its reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coopmap.data.messages import Message
from coopmap.data.registry.report import _note
from coopmap.data.registry.sheet import _RESAVE, MAX_FILE_BYTES, _Sheet
from coopmap.data.registry.text_tables import _CONTROL_BYTES, _read_csv, _read_html
from coopmap.data.registry.workbooks import _password_message, _read_workbook
from coopmap.errors import RegistryError

# Files are recognised by their content, not their name: a legacy .xls renamed .xlsx,
# a CSV saved with an .xlsx name, or a web page (HTML table) exported as .xls by an
# online system all load; a password-protected workbook, an image or a damaged file
# gives a RegistryError that says what the file is and what to do. Hostile files
# (zip bombs, a stray cell at XFD1048576 that would make the reader allocate the
# whole sheet) are refused before any spreadsheet reader sees them.

_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"), (b"\x7fELF", "a program (ELF)"), (b"MZ\x90\x00", "a Windows program"),
)


def _sniff(head: bytes) -> str:
    if not head:
        return "empty"
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    for magic, _ in _OTHER_MAGIC:
        if head.startswith(magic):
            return "other"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in lowered and b"<workbook" in lowered:
        return "xml2003"
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body", b"<style")) or (
        lowered.startswith(b"<?xml") and b"<table" in lowered
    ):
        return "html"
    return "text"


def _read_sheets(path: Path, sheet: str | None, fast: bool = False) -> list[_Sheet]:
    source = str(path)
    if not path.exists():
        raise RegistryError(f"{path}: no such file; give the path of the registry (.xlsx or .csv)")
    if path.is_dir():
        raise RegistryError(f"{path}: is a folder; give the path of the registry file (.xlsx or .csv)")
    suffix = path.suffix.lower()
    if suffix not in _EXCEL_SUFFIXES + _TEXT_SUFFIXES:
        raise RegistryError(f"{path}: unknown file type {suffix or '(none)'}; use .xlsx, .xls or .csv")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RegistryError(f"{path}: the file is {size / 2**20:,.0f} MB, more than the {MAX_FILE_BYTES / 2**20:,.0f} MB a registry may take")
    with path.open("rb") as fh:
        head = fh.read(65536)
    kind = _sniff(head)
    if kind == "empty":
        raise RegistryError(f"{path}: the file is empty (0 bytes): no header row and no data; choose the saved registry file")
    if kind == "other":
        what = next(label for magic, label in _OTHER_MAGIC if head.startswith(magic))
        raise RegistryError(f"{path}: this is {what}, not a spreadsheet; choose the registry file (.xlsx or .csv)")
    if kind == "xml2003":
        raise RegistryError(f"{path}: this is an Excel 2003 XML spreadsheet, which cannot be read; {_RESAVE}")
    if kind == "ole":
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            raise RegistryError(_password_message(source))
        return _read_workbook(path, kind, source, sheet)
    if kind == "zip":
        return _read_workbook(path, kind, source, sheet)
    data = path.read_bytes()
    if kind == "html":
        return [_read_html(data, source)]
    if suffix in _EXCEL_SUFFIXES:
        if b"\x00" in head or _CONTROL_BYTES.search(head[:4096]):
            raise RegistryError(f"{path}: this is neither a workbook nor a text table; it may be damaged. {_RESAVE[0].upper() + _RESAVE[1:]}")
        table = _read_csv(data, source, fast)
        table.notes.insert(0, _note(Message("load.csv_named", suffix=suffix)))
        return [table]
    return [_read_csv(data, source, fast)]


def read_table(path: str | Path, sheet: str | None = None) -> tuple[list[list[Any]], str | None]:
    """Read a registry file into raw rows (lists of cell values), row 1 first.

    The file type is recognised from the content: ``.xlsx``/``.xlsm``/``.ods``, legacy
    ``.xls``, a web-page table saved as ``.xls``, or CSV/TSV text. Merged cells carry
    their value into every cell they cover.

    Raises
    ------
    RegistryError
        When the file is missing, of an unknown type, unreadable, encrypted or hostile.
    """
    table = _read_sheets(Path(path), sheet)[0]
    return table.rows, table.name
