"""Write the corpus of malformed registries in tests/data/bad, each beside its expected outcome.

Run ``cd tests && ../.venv/bin/python -m helpers.bad_corpus`` to recreate every file (the
binary ones included). Each case is a file ``NAME.<ext>`` and ``NAME.expected.json``:

``outcome``
    ``"rows"`` (the file loads: counts, error columns, warnings and some parsed values
    are given) or ``"error"`` (a :class:`coopmap.RegistryError` whose message contains
    ``message``).
``rows_read``, ``accepted``, ``rejected``, ``skipped``
    What the validation report must say.
``error_columns``
    The set of canonical column ids that the row errors name.
``warnings``
    Fragments each found in some warning message.
``skipped_rows``, ``skipped_reasons``
    The skipped rows' numbers and their reasons in Chinese (optional).
``values``
    ``[row, column, value]``: the accepted row from spreadsheet row ``row`` holds
    ``value`` in ``column`` (dates as ``YYYY-MM-DD``).

The 100,000-row registry is not stored: :func:`write_large` writes it at test time
and ``large_100k.expected.json`` holds its outcome. Generating the legacy ``.xls``
needs ``xlwt`` and the password-protected workbook ``msoffcrypto-tool``; both are
needed only here, never at run time. Founding dates are judged against 2024-06-30
(the tests pass that as ``today``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable

from helpers import HEADER, PROJECT, coop_row

HERE = PROJECT / "tests" / "data" / "bad"
TODAY = "2024-06-30"
TITLE = "龙陵县党组织领办合作社台账（测试）"

FIXED_TIME = dt.datetime(2024, 6, 1, 8, 0, 0)


row = coop_row


def rows_of(*serials: int) -> list[dict[str, Any]]:
    return [row(s) for s in serials]


def table(rows: list[dict[str, Any]], header: list[str] | None = None, title: str | None = TITLE) -> list[list[Any]]:
    """Rows of cells: an optional title row, the header, then one row per dict."""
    header = header or HEADER
    out: list[list[Any]] = [[title]] if title else []
    out.append(list(header))
    out.extend([r.get(h, "") for h in header] if r else [] for r in rows)
    return out


def csv_bytes(cells: list[list[Any]], encoding: str = "utf-8-sig", delimiter: str = ",", lineterminator: str = "\r\n") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerows(cells)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(cells: list[list[Any]], merges: tuple[str, ...] = (), sheets: dict[str, list[list[Any]]] | None = None, edit: Callable[[Any], None] | None = None) -> bytes:
    """An .xlsx of ``cells`` (empty strings left blank) written by openpyxl."""
    from openpyxl import Workbook

    book = Workbook()
    book.properties.created = book.properties.modified = FIXED_TIME
    first = book.active
    pages = sheets if sheets is not None else {"台账": cells}
    for k, (name, rows) in enumerate(pages.items()):
        sheet = first if k == 0 else book.create_sheet(name)
        sheet.title = name
        for i, values in enumerate(rows, start=1):
            for j, value in enumerate(values, start=1):
                if value is not None and value != "":
                    sheet.cell(row=i, column=j, value=value)
        if k == len(pages) - 1 or sheets is None:
            for ref in merges:
                sheet.merge_cells(ref)
    if edit:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cached_values(data: bytes, cached: dict[str, Any]) -> bytes:
    """Give formula cells stored results, as Excel does when it saves (openpyxl leaves none)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode("utf-8")
                for ref, value in cached.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/></c>')
                    text, n = pattern.subn(lambda m, ref=ref, kind=kind, value=value: f'<c r="{ref}"{m.group(1)}{kind}><f>{m.group(2)}</f><v>{value}</v></c>', text)
                    assert n == 1, ref
                content = text.encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def cell_ref(header: str, excel_row: int, header_list: list[str] | None = None) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter((header_list or HEADER).index(header) + 1)}{excel_row}"


# -- the cases ----------------------------------------------------------------------

CASES: dict[str, tuple[str, Callable[[], bytes], dict[str, Any]]] = {}


def case(name: str, suffix: str, expected: dict[str, Any]) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        CASES[name] = (suffix, make, expected)
        return make

    return register


def rows_expected(description: str, read: int, accepted: int, rejected: int = 0, skipped: int = 0, **extra: Any) -> dict[str, Any]:
    out = {"description": description, "outcome": "rows", "rows_read": read, "accepted": accepted, "rejected": rejected, "skipped": skipped, "error_columns": []}
    out.update(extra)
    return out


def error_expected(description: str, message: str) -> dict[str, Any]:
    return {"description": description, "outcome": "error", "message": message}


@case("gbk", ".csv", rows_expected("CSV saved by Excel on Chinese Windows: GBK, not UTF-8", 3, 3, values=[[3, "name", "龙陵县测试1号专业合作社"]]))
def _gbk() -> bytes:
    return csv_bytes(table(rows_of(1, 2, 3)), encoding="gbk")


@case("big5", ".csv", rows_expected("traditional-Chinese sheet in Big5 encoding", 3, 3, warnings=["Big5"], values=[[3, "township", "530523203"], [3, "village", "530523203212"]]))
def _big5() -> bytes:
    import opencc

    convert = opencc.OpenCC("s2tw").convert
    cells = [[convert(str(c)) for c in r] for r in table(rows_of(1, 2, 3))]
    return csv_bytes(cells, encoding="big5")


@case("utf16_unicode_text", ".txt", rows_expected("Excel 'Unicode Text': UTF-16 with BOM, tab-separated", 3, 3, warnings=["tabs"], values=[[5, "members", 12]]))
def _utf16() -> bytes:
    return csv_bytes(table(rows_of(1, 2, 3)), encoding="utf-16", delimiter="\t")


@case("utf16le_no_bom", ".csv", rows_expected("UTF-16 little-endian without a byte-order mark", 3, 3, warnings=["without a byte-order mark"], values=[[4, "name", "龙陵县测试2号专业合作社"]]))
def _utf16_nobom() -> bytes:
    return csv_bytes(table(rows_of(1, 2, 3)), encoding="utf-16-le")


@case("utf8_with_gbk_line", ".csv", rows_expected("UTF-8 file with one line pasted in from a GBK file", 3, 3, warnings=["GBK/GB18030"], warning_rows=[4], values=[[4, "name", "龙陵县测试2号专业合作社"], [5, "name", "龙陵县测试3号专业合作社"]]))
def _mixed() -> bytes:
    lines = csv_bytes(table(rows_of(1, 2, 3)), encoding="utf-8").split(b"\r\n")
    lines[3] = lines[3].decode("utf-8").encode("gbk")
    return b"\r\n".join(lines)


@case("latin1_bytes", ".csv", error_expected("Western (cp1252) bytes that no Chinese encoding reads", "neither UTF-8 nor GBK/GB18030 nor Big5"))
def _latin1() -> bytes:
    return "Name,Café,Größe\nÿ,ñ,ü\n".encode("cp1252")


@case("legacy", ".xls", rows_expected("legacy Excel 97-2003 workbook (.xls)", 3, 3, values=[[3, "revenue", 12.5], [3, "founded", "2021-05-06"], [4, "members", 12]]))
def _xls() -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, 5, TITLE)
    for j, h in enumerate(HEADER):
        sheet.write(1, j, h)
    for i, r in enumerate(rows_of(1, 2, 3), start=2):
        for j, h in enumerate(HEADER):
            value: Any = r[h]
            if h == "成立时间":
                sheet.write(i, j, dt.datetime(2021, 5, 6), date_style)
                continue
            if h in ("成员数", "带动农户数", "交叉任职人数", "年度"):
                value = int(value)
            elif h in ("流转土地（亩）", "经营收入（万元）", "带动群众增收（万元）", "村集体增收（万元）"):
                value = float(value)
            if value != "":
                sheet.write(i, j, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@case("xls_named_xlsx", ".xlsx", rows_expected("a legacy .xls renamed to .xlsx (read by its content)", 3, 3, values=[[5, "revenue", 12.5]]))
def _xls_renamed() -> bytes:
    return _xls()


@case("html_table", ".xls", rows_expected("web page (HTML table) exported as .xls by an online system, with colspan and rowspan", 3, 3, warnings=["web page (HTML table)"], values=[[4, "township", "530523203"], [5, "township", "530523203"], [3, "name", "龙陵县测试1号专业合作社"]]))
def _html() -> bytes:
    cells = []
    for k, r in enumerate(rows_of(1, 2, 3)):
        tds = []
        for h in HEADER:
            if h == "乡镇":
                if k == 0:
                    tds.append('<td rowspan="3">碧寨乡</td>')
                continue
            tds.append(f"<td>{r[h]}</td>")
        cells.append("<tr>" + "".join(tds) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in HEADER)
    page = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"><title>导出</title></head><body>'
        f'<table border="1"><tr><td colspan="{len(HEADER)}">{TITLE}</td></tr><tr>{head}</tr>{"".join(cells)}</table></body></html>'
    )
    return page.encode("utf-8")


@case("html_span_flood", ".xls", error_expected("a web page whose table spans thousands of cells with colspan (a memory bomb)", "more than 5,000,000 cells"))
def _html_flood() -> bytes:
    cells = '<td colspan="1000">x</td>' * 5001
    return f"<html><body><table><tr>{cells}</tr></table></body></html>".encode("ascii")


@case("html_error_page", ".xls", error_expected("a web page without a table (an expired-session page) saved as .xls", "web page (HTML) without a table"))
def _html_error() -> bytes:
    return "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><p>会话已过期，请重新登录</p></body></html>".encode("utf-8")


@case("spreadsheetml_2003", ".xls", error_expected("Excel 2003 XML spreadsheet with an .xls name", "Excel 2003 XML"))
def _spreadsheetml() -> bytes:
    return (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="台账"><Table><Row><Cell><Data ss:Type="String">统一社会信用代码</Data></Cell></Row></Table></Worksheet></Workbook>'
    ).encode("utf-8")


@case("truncated", ".xlsx", error_expected("an .xlsx cut off part-way (an interrupted copy or upload)", "damaged or incomplete"))
def _truncated() -> bytes:
    data = xlsx_bytes(table(rows_of(1, 2, 3)))
    return data[: len(data) * 3 // 5]


@case("password_protected", ".xlsx", error_expected("an .xlsx encrypted with a password (an OLE container)", "password-protected"))
def _password() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(xlsx_bytes(table(rows_of(1, 2, 3))))
    out = io.BytesIO()
    OOXMLFile(plain).encrypt("龙陵2023", out)
    return out.getvalue()


@case("png_renamed", ".xlsx", error_expected("a PNG screenshot renamed to .xlsx", "PNG image, not a spreadsheet"))
def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    pixels = zlib.compress(b"\x00\xff\x00\x00" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 2, 8, 2, 0, 0, 0)) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@case("zip_not_workbook", ".xlsx", error_expected("a zip archive of documents renamed to .xlsx", "zip archive, not a workbook"))
def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("说明.txt", FIXED_TIME.timetuple()[:6]), "台账见附件".encode("utf-8"))
    return out.getvalue()


@case("zip_bomb", ".xlsx", error_expected("a workbook that unpacks to more than a gigabyte (zip bomb)", "unpacks to"))
def _bomb() -> bytes:
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes(table(rows_of(1)))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            archive.writestr(info, base.read(info))
        info = zipfile.ZipInfo("xl/media/padding.bin", FIXED_TIME.timetuple()[:6])
        info.compress_type = zipfile.ZIP_BZIP2
        block = b"\x00" * (16 * 2**20)
        with archive.open(info, "w", force_zip64=True) as stream:
            for _ in range(66):  # 1,056 MiB
                stream.write(block)
    return out.getvalue()


@case("far_cell", ".xlsx", error_expected("a registry with a stray value in cell XFD1048576 (would make the reader allocate the whole sheet)", "reaches cell XFD1048576"))
def _far() -> bytes:
    def edit(book: Any) -> None:
        book.active["XFD1048576"] = "x"

    return xlsx_bytes(table(rows_of(1, 2, 3)), edit=edit)


@case("empty", ".csv", error_expected("an empty file (0 bytes)", "empty (0 bytes)"))
def _empty_csv() -> bytes:
    return b""


@case("empty_workbook_file", ".xlsx", error_expected("an .xlsx of 0 bytes (a failed save)", "empty (0 bytes)"))
def _empty_xlsx() -> bytes:
    return b""


@case("binary_garbage", ".csv", error_expected("binary bytes with a .csv name", "binary file"))
def _binary() -> bytes:
    return bytes(range(256)) * 4


@case("csv_named_xlsx", ".xlsx", rows_expected("a CSV text file saved with an .xlsx name", 3, 3, warnings=["text (CSV) table despite its .xlsx name"], values=[[4, "revenue", 12.5]]))
def _csv_named_xlsx() -> bytes:
    return csv_bytes(table(rows_of(1, 2, 3)))


@case("merged_group_header", ".xlsx", rows_expected(
    "two header rows: a merged group 收益（万元） over 经营收入/带动群众增收/村集体增收, other headers merged down",
    3, 3, header_row=2, warnings=["header spans rows 2-3"],
    values=[[4, "revenue", 12.5], [4, "farmer_income", 30.0], [4, "collective_income", 3.0], [6, "year", 2023]],
))
def _merged_group() -> bytes:
    from openpyxl.utils import get_column_letter

    group = ["经营收入（万元）", "带动群众增收（万元）", "村集体增收（万元）"]
    upper = ["收益（万元）" if h == group[0] else ("" if h in group else h) for h in HEADER]
    lower = [h.replace("（万元）", "") if h in group else "" for h in HEADER]
    cells = [[TITLE], upper, lower] + [[r[h] for h in HEADER] for r in rows_of(1, 2, 3)]
    first = HEADER.index(group[0]) + 1
    merges = [f"A1:{get_column_letter(len(HEADER))}1", f"{get_column_letter(first)}2:{get_column_letter(first + 2)}2"]
    merges += [f"{get_column_letter(j)}2:{get_column_letter(j)}3" for j, h in enumerate(HEADER, start=1) if h not in group]
    return xlsx_bytes(cells, merges=tuple(merges))


@case("group_header_in_yuan", ".csv", rows_expected(
    "two header rows in CSV: group 收益（元） over three columns whose values are in 元",
    3, 3, header_row=1, values=[[3, "revenue", 12.5], [3, "farmer_income", 30.0], [5, "collective_income", 3.0]],
))
def _group_yuan() -> bytes:
    group = ["经营收入（万元）", "带动群众增收（万元）", "村集体增收（万元）"]
    upper = ["收益（元）" if h == group[0] else ("" if h in group else h) for h in HEADER]
    lower = [h.replace("（万元）", "") if h in group else "" for h in HEADER]
    body = []
    for r in rows_of(1, 2, 3):
        r = dict(r)
        r["经营收入（万元）"], r["带动群众增收（万元）"], r["村集体增收（万元）"] = "125000", "300000", "30000"
        body.append([r[h] for h in HEADER])
    return csv_bytes([upper, lower] + body)


@case("merged_township_cells", ".xlsx", rows_expected(
    "乡镇 and 领办层级 merged down over the rows of one township; a merged note row (填表人) at the bottom",
    4, 3, 0, 1, skipped_rows=[5], values=[[3, "township", "530523203"], [4, "township", "530523203"], [4, "lead_level", "village"]],
))
def _merged_township() -> bytes:
    cells = table(rows_of(1, 2, 3), title=None)
    t, lead = HEADER.index("乡镇"), HEADER.index("领办层级")
    for r in cells[2:]:
        r[t] = r[lead] = ""
    cells.append(["填表人：张三　审核人：李四　填报日期：2024年1月5日"])
    c_t, c_l = cell_ref("乡镇", 2)[0], cell_ref("领办层级", 2)[0]
    return xlsx_bytes(cells, merges=(f"{c_t}2:{c_t}4", f"{c_l}2:{c_l}4", "A5:S5"))


@case("formulas_cached", ".xlsx", rows_expected(
    "formula cells whose results Excel stored (=10+2.5, =6*2, =\"龙陵县\"&...)",
    3, 3, values=[[3, "revenue", 12.5], [3, "members", 12], [4, "name", "龙陵县测试公式号专业合作社"], [5, "farmer_income", 30.0]],
))
def _formulas_cached() -> bytes:
    rows = rows_of(1, 2, 3)
    rows[0]["经营收入（万元）"] = "=10+2.5"
    rows[0]["成员数"] = "=6*2"
    rows[1]["合作社名称"] = '="龙陵县"&"测试公式号专业合作社"'
    rows[2]["带动群众增收（万元）"] = "=SUM(10,20)"
    data = xlsx_bytes(table(rows))
    cached = {cell_ref("经营收入（万元）", 3): 12.5, cell_ref("成员数", 3): 12, cell_ref("合作社名称", 4): "龙陵县测试公式号专业合作社", cell_ref("带动群众增收（万元）", 5): 30}
    return with_cached_values(data, cached)


@case("formulas_uncached", ".xlsx", rows_expected(
    "formula cells without stored results (written by a program that does not calculate)",
    3, 1, 2, error_columns=["revenue"], error_rows=[4, 5], warnings=["2 formula cell(s) have no stored value"],
))
def _formulas_uncached() -> bytes:
    rows = rows_of(1, 2, 3)
    rows[1]["经营收入（万元）"] = "=10+2.5"
    rows[2]["经营收入（万元）"] = "=SUM(1,2)"
    return xlsx_bytes(table(rows))


HOSTILE_NAMES = [
    "<script>alert('x')</script>龙陵合作社",
    '<img src=x onerror="alert(1)">专业合作社',
    "🌾🐷 龙陵火腿专业合作社 🍵",
    '{{datum.name}} "}; alert(1); //',
    "=HYPERLINK(\"http://example.invalid\",\"点我\")",
]


@case("html_emoji_names", ".csv", rows_expected(
    "HTML, script, Vega-expression, formula and emoji text in names and chairs: kept as text",
    5, 5, values=[[k + 3, "name", n] for k, n in enumerate(HOSTILE_NAMES)] + [[3, "leader", "\"><svg onload=alert(1)>"]],
))
def _hostile_names() -> bytes:
    header = HEADER + ["理事长"]
    rows = [row(k + 1, 合作社名称=n, 理事长="\"><svg onload=alert(1)>" if k == 0 else "张三") for k, n in enumerate(HOSTILE_NAMES)]
    return csv_bytes(table(rows, header=header))


@case("nul_bytes", ".csv", rows_expected(
    "NUL bytes inside cells of a UTF-8 CSV", 3, 3, warnings=["NUL byte"],
    values=[[3, "name", "龙陵县测试1号专业合作社"], [4, "industry", "火腿"]],
))
def _nul() -> bytes:
    data = csv_bytes(table(rows_of(1, 2, 3)), encoding="utf-8")
    data = data.replace("测试1号".encode("utf-8"), "测试\x001号".encode("utf-8"), 1)
    parts = data.split("火腿".encode("utf-8"))
    return parts[0] + "火腿".encode("utf-8") + "火\x00腿".encode("utf-8").join(parts[1:])


@case("duplicated_headers", ".csv", error_expected("the same column twice (成员数)", "both hold 成员数"))
def _dup_headers() -> bytes:
    header = HEADER + ["成员数"]
    return csv_bytes(table(rows_of(1, 2), header=header))


@case("duplicated_headers_by_alias", ".csv", error_expected("经营收入（万元） and 经营收入（元）: one column under two spellings", "both hold 经营收入（万元）"))
def _dup_alias() -> bytes:
    header = HEADER + ["经营收入（元）"]
    return csv_bytes(table(rows_of(1, 2), header=header))


@case("unknown_columns", ".csv", rows_expected(
    "extra columns 备注 and 联系电话 the registry does not know", 3, 3,
    warnings=["is not a registry column and was ignored"], warning_values=["备注", "联系电话"],
))
def _unknown() -> bytes:
    header = HEADER[:5] + ["联系电话"] + HEADER[5:] + ["备注"]
    rows = [row(k, 联系电话="13800000000", 备注="无") for k in (1, 2, 3)]
    return csv_bytes(table(rows, header=header))


@case("units_as_text", ".csv", rows_expected(
    "numbers written with units: 12.5万, 300000元, 3万元, 1.2万亩, 12人, 40户, 0.0125亿; one 5公顷",
    3, 2, 1, error_columns=["land_mu"], error_rows=[4], errors=["unknown unit '公顷'"],
    values=[[2, "revenue", 12.5], [2, "farmer_income", 30.0], [2, "collective_income", 3.0], [2, "land_mu", 12000.0], [2, "members", 12], [2, "households", 40], [3, "revenue", 125.0], [3, "land_mu", 100.0]],
))
def _units() -> bytes:
    rows = [
        row(1, **{"经营收入（万元）": "12.5万", "带动群众增收（万元）": "300000元", "村集体增收（万元）": "3万元", "流转土地（亩）": "1.2万亩", "成员数": "12人", "带动农户数": "40户"}),
        row(2, **{"经营收入（万元）": "0.0125亿", "流转土地（亩）": "100亩"}),
        row(3, **{"流转土地（亩）": "5公顷"}),
    ]
    return csv_bytes(table(rows, title=None))


@case("thousands_separators", ".csv", rows_expected(
    "thousands separators: 1,200 households, 12,345.5 亩, 1,234.5 万元; one cell 1,2", 3, 2, 1,
    error_columns=["members"], error_rows=[4], values=[[2, "households", 1200], [2, "land_mu", 12345.5], [2, "revenue", 1234.5], [3, "households", 1200]],
))
def _thousands() -> bytes:
    rows = [
        row(1, **{"带动农户数": "1,200", "流转土地（亩）": "12,345.5", "经营收入（万元）": "1,234.5"}),
        row(2, **{"带动农户数": "１，２００"}),
        row(3, **{"成员数": "1,2"}),
    ]
    return csv_bytes(table(rows, title=None))


@case("fullwidth_digits", ".csv", rows_expected(
    "full-width digits and punctuation typed with a Chinese input method", 3, 3,
    values=[[2, "members", 12], [2, "revenue", 12.5], [2, "founded", "2021-05-06"], [2, "year", 2023], [3, "cross_appointed", 3]],
))
def _fullwidth() -> bytes:
    rows = [
        row(1, **{"成员数": "１２", "经营收入（万元）": "１２．５", "成立时间": "２０２１－０５－０６", "年度": "２０２３年"}),
        row(2, **{"交叉任职人数": "３人"}),
        row(3, **{"年度": "2023年度"}),
    ]
    return csv_bytes(table(rows, title=None))


@case("excel_serial_dates", ".xlsx", rows_expected(
    "founding dates as Excel serials (number, text, with a time fraction), a date cell and 20210506",
    5, 5, values=[[r, "founded", "2021-05-06"] for r in range(3, 8)],
))
def _serials() -> bytes:
    values: list[Any] = [44322, "44322", 44322.75, dt.datetime(2021, 5, 6, 9, 30), "20210506"]
    rows = [row(k + 1, 成立时间=v) for k, v in enumerate(values)]
    return xlsx_bytes(table(rows))


@case("header_only", ".xlsx", error_expected("a title and a header but no rows", "no rows below it"))
def _header_only() -> bytes:
    return xlsx_bytes(table([]))


@case("semicolon_delimited", ".csv", rows_expected("values separated by semicolons (European Excel)", 3, 3, warnings=["semicolons"], values=[[4, "land_mu", 100.5]]))
def _semicolon() -> bytes:
    return csv_bytes(table(rows_of(1, 2, 3)), delimiter=";")


@case("total_rows", ".csv", rows_expected(
    "小计 and 合计 rows under the data", 5, 3, 0, 2, skipped_rows=[5, 7],
))
def _totals() -> bytes:
    rows = rows_of(1, 2) + [{"统一社会信用代码": "小计", "成员数": "24", "经营收入（万元）": "25"}] + rows_of(3) + [{"合作社名称": "合计", "成员数": "36"}]
    return csv_bytes(table(rows))


@case("blank_rows_in_middle", ".xlsx", rows_expected(
    "blank rows between cooperatives (and trailing blank rows, not counted)", 6, 3, 0, 3, skipped_rows=[3, 5, 6],
))
def _blank_rows() -> bytes:
    rows = [row(1), {}, row(2), {}, {}, row(3), {}, {}]
    return xlsx_bytes(table(rows, title=None))


@case("village_wrong_township", ".csv", rows_expected(
    "a village of 镇安镇 listed under 碧寨乡, and a village that does not exist", 3, 1, 2,
    error_columns=["village"], error_rows=[3, 4], errors=["not a village of 碧寨乡"],
))
def _wrong_township() -> bytes:
    rows = [row(1), row(2, **{"村（社区）": "芒告村"}), row(3, **{"村（社区）": "不存在村"})]
    return csv_bytes(table(rows, title=None))


@case("serves_villages_bad", ".csv", rows_expected(
    "villages served (服务村（社区）) that are not villages of the cooperative's township, beside good lists in "
    "every separator", 4, 2, 2,
    error_columns=["serves_villages"], error_rows=[3, 4],
    errors=["'芒告村' is not a village of 碧寨乡", "'不存在村' is not a village of 碧寨乡"],
    values=[[2, "serves_villages", "530523203212;530523203211"],
            [5, "serves_villages", "530523203212;530523203204;530523203207"]],
))
def _serves_bad() -> bytes:
    header = HEADER + ["服务村（社区）"]
    rows = [row(1, **{"服务村（社区）": "坡头村、半坡村"}), row(2, **{"服务村（社区）": "坡头村，芒告村"}),
            row(3, **{"服务村（社区）": "坡头村；不存在村"}), row(4, **{"服务村（社区）": "坡头; 中寨村\n碧寨村"})]
    return csv_bytes(table(rows, header=header, title=None))


@case("no_header", ".csv", error_expected("data rows without a header row", "no header row found"))
def _no_header() -> bytes:
    return csv_bytes([[r[h] for h in HEADER] for r in rows_of(1, 2, 3)])


@case("header_too_far_down", ".csv", error_expected("the header below 30 rows of notes", "no header row found in the first 30 rows"))
def _far_header() -> bytes:
    notes = [[f"说明第{k}条"] for k in range(1, 32)]
    return csv_bytes(notes + table(rows_of(1), title=None))


@case("missing_required_columns", ".csv", error_expected("no 成员数 and no 年度 columns", "lacks required columns: 成员数, 年度"))
def _missing() -> bytes:
    header = [h for h in HEADER if h not in ("成员数", "年度")]
    return csv_bytes(table(rows_of(1, 2), header=header))


@case("uscc_as_number", ".xlsx", rows_expected(
    "a credit code typed as a number (Excel shows 9.35305E+17 and drops digits)", 3, 2, 1,
    error_columns=["uscc"], error_rows=[4], errors=["stored as a number"],
))
def _uscc_number() -> bytes:
    rows = rows_of(1, 2, 3)
    rows[1]["统一社会信用代码"] = 935305231234567890
    return xlsx_bytes(table(rows))


@case("duplicate_uscc", ".csv", rows_expected(
    "the same credit code on two rows", 3, 2, 1, error_columns=["uscc"], error_rows=[5], errors=["already on row 3"],
))
def _dup_uscc() -> bytes:
    return csv_bytes(table([row(1), row(2), row(1, 合作社名称="重复的合作社")]))


@case("ragged_rows", ".csv", rows_expected(
    "one row with values beyond the last header, one row cut short", 3, 2, 1,
    error_columns=["revenue", "farmer_income", "collective_income", "year"], error_rows=[3],
    warnings=["right of the last header, were ignored"], warning_rows=[2],
))
def _ragged() -> bytes:
    cells = table(rows_of(1, 2, 3), title=None)
    cells[1] = cells[1] + ["多余1", "多余2"]
    cells[2] = cells[2][:-4]
    return csv_bytes(cells)


@case("unclosed_quote", ".csv", error_expected("a quotation mark that never closes (every later line would run into one cell)", "line 4: a quotation mark"))
def _quote() -> bytes:
    data = csv_bytes(table(rows_of(1, 2, 3)), encoding="utf-8")
    lines = data.split(b"\r\n")
    lines[3] = lines[3].replace("龙陵县测试2号".encode("utf-8"), '"龙陵县测试2号'.encode("utf-8"))
    return b"\r\n".join(lines)


@case("instructions_sheet_first", ".xlsx", rows_expected(
    "a workbook whose first sheet holds instructions (说明) and the second the registry", 3, 3,
    sheet="台账", warnings=["read sheet '台账'"],
))
def _instructions() -> bytes:
    return xlsx_bytes([], sheets={"说明": [["填表说明"], ["1. 每个合作社一行"], ["2. 金额单位为万元"]], "台账": table(rows_of(1, 2, 3))})


COUNTY_HEADER = ["序号"] + HEADER
COUNTY_REQUIRED = ["uscc", "lead_level", "township", "formation", "standardized", "founded", "industry", "chair_is_secretary",
                   "cross_appointed", "members", "households", "land_mu", "revenue", "farmer_income", "collective_income", "year"]


@case("county_sheet", ".xlsx", rows_expected(
    "a county sheet as offices fill it: an instructions sheet first; on the register sheet a title, the reporting unit, "
    "a two-row header (序号, a merged group 收益（万元）), five cooperatives, a sixth row with its number and name only, "
    "rows 7-15 numbered in advance and left empty, a 合计 row, a blank row and a signature line spread over three cells",
    18, 5, 1, 12, sheet="台账", header_row=3, error_columns=COUNTY_REQUIRED, error_rows=[10],
    skipped_rows=list(range(11, 23)),
    skipped_reasons=["空行（仅有序号）"] * 9 + ["合计行（合计/小计/总计）", "空行", "签字行"],
    warnings=["read sheet '台账'", "header spans rows 3-4"],
    values=[[5, "name", "龙陵县测试1号专业合作社"], [5, "revenue", 12.5], [9, "collective_income", 3.0], [9, "year", 2023]],
))
def _county_sheet() -> bytes:
    from openpyxl.utils import get_column_letter

    header = COUNTY_HEADER
    group = ["经营收入（万元）", "带动群众增收（万元）", "村集体增收（万元）"]
    upper = ["收益（万元）" if h == group[0] else ("" if h in group else h) for h in header]
    lower = [h.replace("（万元）", "") if h in group else "" for h in header]
    body: list[list[Any]] = [[k] + [r[h] for h in HEADER] for k, r in enumerate(rows_of(1, 2, 3, 4, 5), start=1)]
    body.append([6, "", "龙陵县测试6号专业合作社"])  # begun, not finished: a real row, rejected
    body += [[k] for k in range(7, 16)]  # the template's numbers, never filled
    total: list[Any] = [""] * len(header)
    total[0], total[header.index("成员数")], total[header.index("经营收入（万元）")] = "合计", 60, 62.5
    signature: list[Any] = [""] * len(header)
    signature[0], signature[5], signature[10] = "填表人：张三", "审核人：李四", "填报日期：2024年1月5日"
    cells = [[TITLE], ["填报单位（盖章）：碧寨乡党委"], upper, lower] + body + [total, [], signature]
    first, last = header.index(group[0]) + 1, get_column_letter(len(header))
    merges = [f"A1:{last}1", f"A2:{last}2", f"{get_column_letter(first)}3:{get_column_letter(first + 2)}3"]
    merges += [f"{get_column_letter(j)}3:{get_column_letter(j)}4" for j, h in enumerate(header, start=1) if h not in group]
    instructions = [["填表说明"], ["1. 每个合作社填一行，序号已预先编好"], ["2. 金额单位为万元"], ["3. 统一社会信用代码按营业执照填写"]]
    return xlsx_bytes([], merges=tuple(merges), sheets={"填表说明": instructions, "台账": cells})


@case("no_header_in_any_sheet", ".xlsx", error_expected("a workbook of notes only", "in none of the sheets: 说明, 附表"))
def _no_sheet() -> bytes:
    return xlsx_bytes([], sheets={"说明": [["填表说明"]], "附表": [["另见附件"], ["空"]]})


@case("yes_no_variants", ".csv", rows_expected(
    "yes/no written as √ × Y n TRUE 有, and one 也许", 7, 6, 1, error_columns=["standardized"], error_rows=[8],
    values=[[2, "standardized", True], [3, "standardized", False], [4, "standardized", True], [5, "standardized", False], [6, "standardized", True], [7, "standardized", True]],
))
def _yes_no() -> bytes:
    rows = [row(k + 1, 规范运行=v) for k, v in enumerate(["√", "×", "Y", "n", "TRUE", "有", "也许"])]
    return csv_bytes(table(rows, title=None))


@case("boolean_and_numeric_cells", ".xlsx", rows_expected(
    "Excel TRUE/FALSE cells and 1/0 numbers for yes/no, numbers typed as numbers", 3, 3,
    values=[[2, "standardized", True], [3, "standardized", False], [4, "chair_is_secretary", False], [4, "members", 15]],
))
def _bool_cells() -> bytes:
    rows = [row(1, 规范运行=True), row(2, 规范运行=False), row(3, 书记兼任理事长=0, 成员数=15, **{"经营收入（万元）": 12.5})]
    return xlsx_bytes(table(rows, title=None))


@case("excel_error_values", ".csv", rows_expected(
    "Excel error values (#DIV/0!, #N/A) exported as text", 3, 1, 2,
    error_columns=["revenue", "farmer_income"], error_rows=[3, 4], errors=["not a number"],
))
def _errors() -> bytes:
    rows = [row(1), row(2, **{"经营收入（万元）": "#DIV/0!"}), row(3, **{"带动群众增收（万元）": "#N/A"})]
    return csv_bytes(table(rows, title=None))


@case("dates_future_old_partial", ".csv", rows_expected(
    "a founding date in the future, one before the cooperative law (a warning), one without a day",
    4, 2, 2, error_columns=["founded"], error_rows=[3, 5], errors=["future"], warnings=["2007-07-01"],
    values=[[4, "founded", "2005-03-01"]],
))
def _dates() -> bytes:
    rows = [row(1), row(2, 成立时间="2099-01-01"), row(3, 成立时间="2005年3月1日"), row(4, 成立时间="2021年5月")]
    return csv_bytes(table(rows, title=None))


@case("trailing_comma_rows_crlf", ".csv", rows_expected(
    "CRLF line ends and trailing lines of bare commas (as Excel leaves them)", 3, 3,
))
def _commas() -> bytes:
    return csv_bytes(table(rows_of(1, 2, 3)) + [[""] * len(HEADER)] * 4)


@case("mixed_cell_types", ".xlsx", rows_expected(
    "one column holding numbers, numeric text and text with units", 3, 3,
    values=[[2, "members", 12], [3, "members", 15], [4, "members", 20], [4, "land_mu", 80.0]],
))
def _mixed_types() -> bytes:
    rows = [row(1, 成员数=12), row(2, 成员数="15"), row(3, 成员数="20人", **{"流转土地（亩）": "80亩"})]
    return xlsx_bytes(table(rows, title=None))


def ods_bytes(table_xml: str) -> bytes:
    """A minimal OpenDocument spreadsheet around one ``<table:table>`` body."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="台账">{table_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    stamp = FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", stamp), "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr(zipfile.ZipInfo("META-INF/manifest.xml", stamp), manifest)
        archive.writestr(zipfile.ZipInfo("content.xml", stamp), content)
    return out.getvalue()


def _ods_cell(value: Any) -> str:
    from xml.sax.saxutils import escape

    if value is None or value == "":
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


@case("libreoffice", ".ods", rows_expected(
    "an OpenDocument sheet (LibreOffice, WPS) with the empty repeated rows and columns LibreOffice writes", 3, 3,
    values=[[3, "members", 12]],
))
def _ods() -> bytes:
    rows = "".join(
        "<table:table-row>" + "".join(_ods_cell(c) for c in r) + '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
        for r in table(rows_of(1, 2, 3))
    )
    rows += '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    return ods_bytes(rows)


@case("ods_repeated_cells", ".ods", error_expected("an OpenDocument sheet repeating one filled cell over every row and column (refused by the reader's cell limit)", "cannot open as a spreadsheet"))
def _ods_hostile() -> bytes:
    header = "<table:table-row>" + "".join(_ods_cell(h) for h in HEADER) + "</table:table-row>"
    flood = '<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    return ods_bytes(header + flood)


# -- the 100,000-row registry (generated at test time) ----------------------------

LARGE_ROWS = 100_000


def write_large(path: Path, rows: int = LARGE_ROWS) -> Path:
    """Write a CSV registry of ``rows`` rows: every 1,000th has 4 members (rejected),
    every 10,000th (counting from the 5,500th) is blank (skipped); the rest are valid."""
    towns = [("龙山镇", "龙山社区"), ("碧寨乡", "坡头村"), ("镇安镇", "芒告村")]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([TITLE])
        writer.writerow(HEADER)
        for k in range(1, rows + 1):
            if k % 10_000 == 5_500:
                writer.writerow([])
                continue
            town, village = towns[k % 3]
            r = row(k, 乡镇=town, **{"村（社区）": village, "成员数": "4" if k % 1000 == 0 else str(5 + k % 50), "经营收入（万元）": f"{k % 977 / 10:.1f}"})
            writer.writerow([r[h] for h in HEADER])
    return path


LARGE_EXPECTED = rows_expected(
    "a 100,000-row registry (generated at test time): every 1,000th row with 4 members, every 10,000th blank",
    LARGE_ROWS, LARGE_ROWS - 110, 100, 10, error_columns=["members"], generated="write_large",
)


def main(argv: list[str] | None = None) -> int:
    """Write every case (or those named on the command line) and its expected outcome."""
    names = (argv if argv is not None else sys.argv[1:]) or list(CASES)
    for name in names:
        suffix, make, expected = CASES[name]
        (HERE / f"{name}{suffix}").write_bytes(make())
        write_expected(name, dict(expected, file=f"{name}{suffix}", today=TODAY))
    if argv is None and not sys.argv[1:]:
        write_expected("large_100k", dict(LARGE_EXPECTED, today=TODAY))
    print(f"wrote {len(names)} cases to {HERE}")
    return 0


def write_expected(name: str, expected: dict[str, Any]) -> None:
    (HERE / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
