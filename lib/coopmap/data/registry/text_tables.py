"""Reading text tables: decoding (UTF-8, UTF-16, GB18030/GBK, Big5, mixed lines), CSV/TSV and web-page (HTML) tables."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pandas as pd

from coopmap.data.messages import Message
from coopmap.data.registry.header import _HEADERS, _MAX_HEADER_SEARCH
from coopmap.data.registry.report import RowIssue, _note
from coopmap.data.registry.sheet import _RESAVE, MAX_CELLS, _Sheet
from coopmap.data.text import normalize
from coopmap.errors import RegistryError

_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f]")


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
