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

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import pandera.errors

from coopmap import i18n
from coopmap.data import parsing, uscc
from coopmap.data.divisions import Divisions, load_divisions
from coopmap.errors import DivisionError, RegistryError
from coopmap.data.messages import Message, message_of
from coopmap.data.schema import BY_ID, CANONICAL_DTYPES, COLUMNS, HEADERS_ZH, SERVES_SEPARATOR, RegistrySchema, empty_registry
from coopmap.data.text import normalize
from coopmap.data.registry.report import RowIssue, RejectedRow, ValidationReport, Registry, _note, _cell_text

COOP_LAW_DATE = dt.date(2007, 7, 1)
_TOTAL_WORDS = ("合计", "小计", "总计")
_SERIAL_HEADERS = frozenset({"序号", "序", "编号", "顺序号", "排序", "no", "no.", "#"})
"""Headers of a serial-number column (compared normalised, lower case): read as no registry column."""
_SERIAL_VALUE = re.compile(r"^\d{1,6}[.、]?$")
_SIGNATURE_LABELS = (
    "填表人", "制表人", "填报人", "审核人", "审批人", "复核人", "核对人", "统计人", "经办人", "联系人", "联系电话",
    "单位负责人", "主要负责人", "负责人", "分管领导", "填报日期", "填表日期", "制表日期", "报送日期", "日期", "填报单位",
)
_SIGNATURE = re.compile(rf"^(?:{'|'.join(_SIGNATURE_LABELS)})(?:\([^)]*\))?(?::|$)")
"""A signature line's first cell, normalised: 填表人：张三, 审核人, 填报单位(盖章)：…"""
_SIGNATURE_HINT = re.compile("[人期位话导]")
_MAX_HEADER_SEARCH = 30
_LEAD_LEVEL = {
    "乡镇": "township", "乡镇领办": "township", "镇级": "township", "乡级": "township",
    "乡镇级": "township", "乡镇党委领办": "township", "township": "township",
    "村": "village", "村级": "village", "村级领办": "village", "村党组织领办": "village",
    "village": "village",
    "村民小组": "group", "小组": "group", "组级": "group", "村民小组领办": "group",
    "group": "group",
}
_FORMATION = {"新组建": "new", "新建": "new", "new": "new", "改造提升": "upgraded", "提升": "upgraded", "upgraded": "upgraded"}
_LEAD_LEVEL_ZH = {"township": "乡镇", "village": "村", "group": "村民小组"}
_FORMATION_ZH = {"new": "新组建", "upgraded": "改造提升"}
_FORMULA_START = ("=", "+", "-", "@")
_SCHEMA = RegistrySchema.to_schema()
# pandera registers its pandas backends on the first validation, importing its data
# synthesis strategies (and hypothesis, when installed) on the way: ~0.3 s. Pay it here,
# with the other imports, not inside the first registry a process loads.
_SCHEMA.validate(empty_registry())


# -- reading the raw table ----------------------------------------------------------
#
# Files are recognised by their content, not their name: a legacy .xls renamed .xlsx,
# a CSV saved with an .xlsx name, or a web page (HTML table) exported as .xls by an
# online system all load; a password-protected workbook, an image or a damaged file
# gives a RegistryError that says what the file is and what to do. Hostile files
# (zip bombs, a stray cell at XFD1048576 that would make the reader allocate the
# whole sheet) are refused before any spreadsheet reader sees them.

MAX_FILE_BYTES = 256 * 2**20
"""Largest registry file read (a 100,000-row registry is about 20 MB)."""
MAX_UNPACKED_BYTES = 1024 * 2**20
"""Largest total size a workbook may unpack to."""
MAX_CELLS = 20_000_000
"""Largest sheet area (rows × columns, counted from A1) a workbook may span."""

_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"), (b"\x7fELF", "a program (ELF)"), (b"MZ\x90\x00", "a Windows program"),
)
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f]")
_RESAVE = "open it in Excel or WPS and save it again as .xlsx (or as 'CSV UTF-8')"


@dataclass
class _Sheet:
    """Raw rows of one sheet (row 1 first) and notes about how they were read.

    ``tail``, when set, holds the rows after ``rows`` as a table of text cells (a large
    CSV file read by pandas' C parser; see :func:`_read_csv_fast`).
    """

    rows: list[list[Any]]
    name: str | None = None
    notes: list[RowIssue] = field(default_factory=list)
    tail: pd.DataFrame | None = None


def _decode(data: bytes, source: str) -> tuple[str, list[RowIssue]]:
    """Decode a text table: UTF-8 (with or without BOM), UTF-16, GB18030/GBK or Big5.

    A UTF-8 file with a few lines in GBK (pasted from another file) is read line by
    line and each such line is named in a note; stray NUL bytes are removed and noted.
    """
    notes: list[RowIssue] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), notes
        except UnicodeDecodeError as exc:
            raise RegistryError(f"{source}: the file says it is UTF-16 text but byte {exc.start} is not; {_RESAVE}") from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            text = data.decode(utf16)
            notes.append(_note(Message("load.utf16_no_bom", encoding=utf16.upper())))
            return text, notes
        except UnicodeDecodeError:
            pass
    nuls = data.count(b"\x00")
    binary = f"{source}: this is a binary file, not a CSV table; save the sheet as .xlsx or UTF-8 .csv"
    if nuls * 100 > len(data):
        raise RegistryError(binary)
    if nuls:
        lines = [i + 1 for i, line in enumerate(data.split(b"\n")) if b"\x00" in line]
        shown = ", ".join(map(str, lines[:10])) + (" …" if len(lines) > 10 else "")
        notes.append(_note(Message("load.nul_bytes", n=nuls, lines=shown)))
        data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8-sig"), notes
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    if len(_CONTROL_BYTES.findall(sample)) * 20 > len(sample):
        raise RegistryError(binary)  # text has few control characters; random bytes have one in ten
    mixed = _decode_mixed(data)
    if mixed is not None:
        text, gbk_lines = mixed
        for line in gbk_lines:
            notes.append(_note(Message("load.gbk_line"), line))
        return text, notes
    best: tuple[int, str, str] | None = None
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _header_score(text)
        if best is None or score > best[0]:
            best = (score, encoding, text)
    if best is None:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError as exc:
            position = exc.start
        raise RegistryError(
            f"{source}: the file is neither UTF-8 nor GBK/GB18030 nor Big5 text (byte {position}); "
            "save it again from Excel as 'CSV UTF-8' or as .xlsx"
        ) from None
    if best[1] == "big5":
        notes.append(_note(Message("load.big5")))
    return best[2], notes


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    half = len(sample) // 2
    if half < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd > half * 0.2 and even < half * 0.02:
        return "utf-16-le"
    if even > half * 0.2 and odd < half * 0.02:
        return "utf-16-be"
    return None


def _decode_mixed(data: bytes) -> tuple[str, list[int]] | None:
    """Decode a mostly-UTF-8 file whose failing lines are GBK; ``None`` if it is not that."""
    lines = data.split(b"\n")
    out: list[str] = []
    gbk: list[int] = []
    utf8_non_ascii = 0
    for number, line in enumerate(lines, start=1):
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            utf8_non_ascii += not line.isascii()
        except UnicodeDecodeError:
            try:
                text = line.decode("gb18030")
            except UnicodeDecodeError:
                return None
            gbk.append(number)
        out.append(text)
    if not gbk or utf8_non_ascii == 0 or len(gbk) > utf8_non_ascii:
        return None
    return "\n".join(out), gbk


def _header_score(text: str) -> int:
    sample = normalize(text[:8192])
    return sum(1 for key in _HEADERS if len(key) > 1 and key in sample)


_HEAD_RECORDS = _MAX_HEADER_SEARCH + 2
"""Records read with the csv module before the rest of a large CSV goes to pandas: the
header search, the second row of a two-row header and one more."""


def _read_csv_fast(text: str, delimiter: str) -> tuple[list[list[Any]], pd.DataFrame] | None:
    """Read a large CSV text: the first records with the csv module, the rest with pandas.

    Only for text where both read alike: after the first records no quotation mark
    (so no quoted cells, no cells spanning lines) and no carriage return other than in
    CRLF line ends; every line is then its cells split at the delimiter. Returns
    ``None`` otherwise (the caller reads everything with the csv module).
    """
    buffer = io.StringIO(text, newline="")
    reader = csv.reader(buffer, delimiter=delimiter, strict=True)
    head: list[list[Any]] = []
    try:
        for row in reader:
            head.append(row)
            if len(head) == _HEAD_RECORDS:
                break
    except csv.Error:
        return None
    rest = text[buffer.tell():]
    if not rest or '"' in rest or rest.count("\r") != rest.count("\r\n"):
        return None
    data = rest.encode("utf-8")
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    lines = len(ends) + (not data.endswith(b"\n"))
    starts = np.concatenate(([0], ends + 1))
    if int(np.max(np.append(ends, len(data)) - starts[: len(ends) + 1])) >= csv.field_size_limit():
        return None  # a line that may hold a field the csv module refuses; keep its behaviour
    options = dict(
        sep=delimiter, header=None, index_col=False, dtype=object, encoding="utf-8", keep_default_na=False,
        na_filter=False, skip_blank_lines=False, quoting=csv.QUOTE_NONE, engine="c",
    )
    first_line = rest[: rest.find("\n")] if "\n" in rest else rest
    try:
        tail = pd.read_csv(io.BytesIO(data), names=range(first_line.count(delimiter) + 1), **options)
    except pd.errors.ParserError:  # a later line has more cells than the first
        width = max(line.count(delimiter) for line in rest.split("\n")) + 1
        tail = pd.read_csv(io.BytesIO(data), names=range(width), **options)
    if len(tail) != lines:
        return None
    return head, tail


def _read_csv(data: bytes, source: str, fast: bool = False) -> _Sheet:
    text, notes = _decode(data, source)
    sample = text[:4096]
    delimiter = ","
    if sample.count("\t") > sample.count(",") and sample.count("\t") > 0:
        delimiter = "\t"
    elif sample.count(";") > sample.count(",") and sample.count(";") > 0:
        delimiter = ";"
    split = _read_csv_fast(text, delimiter) if fast else None
    if split is not None:
        if delimiter != ",":
            notes.append(_note(Message("load.tabs" if delimiter == "\t" else "load.semicolons")))
        return _Sheet(split[0], None, notes, split[1])
    rows: list[list[Any]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        last_line = 0
        for row in reader:
            rows.append(row)
            last_line = reader.line_num
    except csv.Error as exc:
        if "end of data" in str(exc):
            raise RegistryError(
                f"{source}: line {last_line + 1}: a quotation mark (\") opens a value that never closes, so "
                "every line after it would run into one cell; remove or double the stray quotation mark"
            ) from None
        # a quirk such as 1,"ab"c,2: read leniently, as Excel does
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if delimiter != ",":
        notes.append(_note(Message("load.tabs" if delimiter == "\t" else "load.semicolons")))
    return _Sheet(rows, None, notes)


class _HTMLTable(HTMLParser):
    """Collect the cells of the first table of a web page; a row- or colspan fills the
    cells it covers as a merged cell does in a workbook."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.rows: list[list[str]] = []
        self.cells = 0
        self._depth = 0
        self._done = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._size = (1, 1)
        self._spans: dict[int, tuple[int, str, int]] = {}  # column -> (last row, text, width)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth += 1
        elif self._depth == 1 and tag == "tr":
            self._row = []
        elif self._depth == 1 and tag in ("td", "th") and self._row is not None:
            spans = dict(attrs)
            self._size = (_span(spans.get("rowspan")), _span(spans.get("colspan")))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._fill_spanned()
            text = "".join(self._cell).strip()
            rowspan, colspan = self._size
            if rowspan > 1:
                self._spans[len(self._row)] = (len(self.rows) + rowspan - 1, text, colspan)
            self._add([text] + [text] * (colspan - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._fill_spanned(to_end=True)
            self.rows.append(self._row)
            self._row = None
        elif tag == "table" and self._depth:
            self._depth -= 1
            self._done = self._depth == 0 and bool(self.rows)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _add(self, cells: list[str]) -> None:
        assert self._row is not None
        self.cells += len(cells)
        if self.cells > MAX_CELLS // 4:
            raise RegistryError(f"{self.source}: the web page's table has more than {MAX_CELLS // 4:,} cells, far more than a registry")
        self._row.extend(cells)

    def _fill_spanned(self, to_end: bool = False) -> None:
        """Put the cells that spans from rows above cover at the current position."""
        assert self._row is not None
        r = len(self.rows)
        while True:
            live = {c: s for c, s in self._spans.items() if s[0] >= r and c >= len(self._row)}
            if not live:
                return
            c = len(self._row)
            if c in live:
                _, text, width = live[c]
                self._add([text] * width)
            elif to_end:
                self._add([""] * (min(live) - c))
            else:
                return


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1


def _read_html(data: bytes, source: str) -> _Sheet:
    text, notes = _decode(data, source)
    parser = _HTMLTable(source)
    parser.feed(text)
    parser.close()
    if not parser.rows:
        raise RegistryError(f"{source}: this is a web page (HTML) without a table, not a spreadsheet; {_RESAVE}")
    notes.append(_note(Message("load.html_table")))
    return _Sheet(parser.rows, None, notes)


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
        if parsing.is_blank(value):
            continue
        for r in range(r0, min(r1, height - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if parsing.is_blank(row[c]):
                    row[c] = value


def _password_message(source: str) -> str:
    return (
        f"{source}: the workbook is password-protected (encrypted), so it cannot be read; open it in Excel or WPS, "
        "remove the password (File → Info → Protect Workbook → Encrypt with Password, clear it) and save again"
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


# -- headers ------------------------------------------------------------------------

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
    for u, l in zip(upper, lower):
        u_blank, l_blank = parsing.is_blank(u), parsing.is_blank(l)
        u_match = None if u_blank else _match_header(u)
        if not u_blank:
            group = None if u_match else normalize(u)
        upper_headers += u_match is not None
        if l_blank:
            combined.append(u)
            continue
        if not u_blank and normalize(u) == normalize(l):
            combined.append(l)
            continue
        if u_match is not None:
            return None  # a real header above a different value: the lower row is data
        label = normalize(l)
        unit = _UNIT_IN_HEADER.match(group) if group else None
        if unit and not _UNIT_IN_HEADER.match(label) and _match_header(f"{label}({unit.group('unit')})"):
            label = f"{label}({unit.group('unit')})"
        under_group += _match_header(label) is not None
        combined.append(label if _match_header(label) else l)
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
            if not parsing.is_blank(cell) and not _is_serial_header(cell):
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


# -- rows ---------------------------------------------------------------------------


def _is_total_row(row: list[Any], name_index: int | None, first: Any) -> bool:
    candidates = [first]
    if name_index is not None and name_index < len(row):
        candidates.append(row[name_index])
    return any(
        isinstance(c, str) and ("计" in c or "計" in c) and any(w in normalize(c) for w in _TOTAL_WORDS) for c in candidates
    )


_LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")


def _village_list(raw: Any) -> str | None:
    """A cell listing villages (坡头村、半坡村; commas, semicolons, line breaks) as names joined by 、."""
    names = [n.strip() for n in _LIST_SEPARATORS.split(parsing.parse_text(raw))]
    return "、".join(dict.fromkeys(n for n in names if n)) or None


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


def _strip_neutralised(text: str) -> str:
    """Undo the apostrophe our exports put before = + - @ (formula-injection guard)."""
    return text[1:] if text[:1] == "'" and text.lstrip("'").startswith(_FORMULA_START) else text


def _parse_column(col_id: str, kind: str, values: np.ndarray, scale: float, divisions: Divisions, today: dt.date) -> "_ParsedColumn":
    """Parse one column (object array of raw cells), each distinct value once."""
    def parse_one(raw: Any) -> tuple[Any, str | None]:
        if parsing.is_blank(raw):
            return None, None
        try:
            if kind in ("text",):
                return _strip_neutralised(parsing.parse_text(raw)) or None, None
            if kind == "uscc":
                if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                    raise parsing.CellError(Message("load.uscc_number"))
                return normalize(raw).upper(), None
            if kind == "lead_level":
                key = normalize(raw)
                if key not in _LEAD_LEVEL:
                    raise parsing.CellError(Message("load.lead_level", value=raw))
                return _LEAD_LEVEL[key], None
            if kind == "formation":
                key = normalize(raw)
                if key not in _FORMATION:
                    raise parsing.CellError(Message("load.formation", value=raw))
                return _FORMATION[key], None
            if kind == "township":
                return divisions.resolve_township(raw), None
            if kind == "village":
                return parsing.parse_text(raw), None  # resolved later, against the row's township
            if kind == "villages":
                return _village_list(raw), None  # each resolved later, against the row's township
            if kind == "bool":
                return parsing.parse_bool(raw), None
            if kind == "date":
                return parsing.parse_date(raw, today), None
            if kind == "year":
                return parsing.parse_year(raw), None
            if kind == "int":
                return parsing.parse_int(raw), None
            if kind == "money":
                return parsing.parse_number(raw, scale, money=True), None
            if kind == "number":
                return parsing.parse_number(raw, scale), None
        except (parsing.CellError, DivisionError) as exc:
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
_TOTAL_CHAR = re.compile("[计計]")


def _mostly_distinct_text(values: np.ndarray) -> bool:
    """Whether a long column is all text and its first 1,000 cells nearly all differ."""
    if len(values) < 5000:
        return False
    sample = values[:1000]
    return len(set(sample)) > 900 and pd.api.types.infer_dtype(values, skipna=False) == "string"


def _plain_text(uniques: np.ndarray, kind: str, out: np.ndarray) -> np.ndarray:
    """Fill ``out`` for distinct text cells that parse to themselves, trimmed; return the indices left.

    Blank cells stay ``None``. For ``text`` and ``village`` a plain cell is already in
    NFKC form and holds no control characters, so :func:`coopmap.data.parsing.parse_text`
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
        if parsing.nfkc_unchanged("\n".join(raw)) and (joined.isprintable() or not parsing.CONTROL_CHARS.search(joined)):
            plain = np.ones(len(raw), dtype=bool)
        else:
            plain = np.fromiter(
                (parsing.nfkc_unchanged(r) and not parsing.CONTROL_CHARS.search(r) for r in raw), dtype=bool, count=len(raw)
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
    units or full-width digits); it means the same to :func:`coopmap.data.parsing.parse_number`.
    Everything else, including whole-number checks that fail, goes to the full parser.
    """
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        plain = np.ones(len(uniques), dtype=bool)
    else:
        plain = np.fromiter((type(u) in (str, int, float) for u in uniques), dtype=bool, count=len(uniques))
    numbers = pd.to_numeric(pd.Series(np.where(plain, uniques, None), dtype=object), errors="coerce").to_numpy(dtype=float)
    ok = plain & np.isfinite(numbers)
    if kind == "int":
        ok &= numbers == np.round(numbers)
        out[: len(uniques)][ok] = [int(n) for n in numbers[ok]]
    else:
        out[: len(uniques)][ok] = list(numbers[ok] * scale)
    return np.flatnonzero(~ok)


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
    report.title = " ".join(dict.fromkeys(_cell_text(c) for row in rows[:header_i] for c in row if not parsing.is_blank(c)))
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
    last_header = max(j for j, cell in enumerate(header) if not parsing.is_blank(cell))
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
    """:func:`coopmap.data.parsing.is_blank` of each cell; text cells without calling it.

    For text, ``is_blank(s)`` is ``not s.strip()``: no character outside
    ``str.isspace`` becomes blank under NFKC (checked over all of Unicode).
    """
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        # not s.strip() is: empty, or only characters that str.isspace accepts
        empty = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) == 0
        return empty | np.fromiter(map(str.isspace, values), dtype=bool, count=len(values))
    return np.fromiter(map(parsing.is_blank, values), dtype=bool, count=len(values))


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


def _is_serial_header(cell: Any) -> bool:
    return normalize(cell).lower() in _SERIAL_HEADERS


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
            serial_only[k] = all(parsing.is_blank(columns[j][k]) or _is_serial_value(columns[j][k]) for j in serial_cols)
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


# -- writing --------------------------------------------------------------------------


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
    if parsing.is_blank(value):
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
            if parsing.is_blank(value):
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
