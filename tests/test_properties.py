"""Property tests: any text gives a value or a row error, never a crash.

The cell parsers (numbers, dates, yes/no, names) are checked on arbitrary text and on
the forms people type; :func:`load_registry` is checked on registries whose cells are
arbitrary text, and on arbitrary or damaged bytes, where the only allowed failure is a
:class:`RegistryError` about the whole file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coopmap import RegistryError
from coopmap.data import uscc
from coopmap.data.registry import load_registry
from coopmap.data.registry.cells import (
    CellError,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    parse_text,
    parse_year,
)
from coopmap.data.text import normalize

from helpers import HEADER, coop_row

# Hundreds of examples per property, about 20 s together: not in ``make test-fast``.
pytestmark = pytest.mark.slow

TODAY = dt.date(2024, 6, 30)
FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")

# any text a cell can hold (surrogates cannot be written to a file)
cell_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
# text built from the pieces people type in number and date cells
typed = st.lists(
    st.sampled_from(list("0123456789０１２３.,，．-+eE /年月日万元亿亩户人%") + [" ", "\u3000", "1,234", "2023", "12"]),
    max_size=12,
).map("".join)
anything = st.one_of(cell_text, typed, st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
                     st.dates(), st.datetimes())


def _value_or_cell_error(parser, value, check):
    try:
        result = parser(value)
    except CellError as exc:
        assert str(exc), "a row error says what is wrong"
        return None
    check(result)
    return result


@settings(max_examples=400, deadline=None)
@given(anything)
@example("1.2万亩")
@example("1e308万")
@example("９" * 400)
def test_numbers_are_finite_or_a_cell_error(value):
    for money in (False, True):
        _value_or_cell_error(lambda v, money=money: parse_number(v, 0.0001 if money else 1.0, money=money), value,
                             lambda r: type(r) is float and math.isfinite(r))
    _value_or_cell_error(parse_int, value, lambda r: type(r) is int)
    _value_or_cell_error(parse_year, value, lambda r: type(r) is int)


@settings(max_examples=400, deadline=None)
@given(anything)
@example("20230230")
@example("2958465.9")
def test_dates_are_real_past_dates_or_a_cell_error(value):
    _value_or_cell_error(lambda v: parse_date(v, TODAY), value, lambda r: type(r) is dt.date and r <= TODAY)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_yes_no_is_a_bool_or_a_cell_error(value):
    _value_or_cell_error(parse_bool, value, lambda r: type(r) is bool)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_names_are_text_without_control_characters(value):
    text = parse_text(value)
    assert isinstance(text, str) and not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    assert text == text.strip()


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_whole_numbers_in_every_written_form(n):
    for form in (str(n), f"{n:,}", f"{n:,}".translate(FULL_WIDTH), f"{n}.0", f" {n} "):
        assert parse_int(form) == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_money_in_wan_and_yuan(amount):
    wan = float(amount)
    assert parse_number(f"{amount}万", money=True) == pytest.approx(wan)
    assert parse_number(f"{amount:,}万元", money=True) == pytest.approx(wan)
    assert parse_number(f"{amount * 10000}元", money=True) == pytest.approx(wan)
    assert parse_number(f"{amount * 10000}", 0.0001, money=True) == pytest.approx(wan)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=TODAY))
def test_dates_in_every_written_form(day):
    serial = (day - dt.date(1899, 12, 30)).days
    forms = [day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
             f"{day.year}.{day.month:02d}.{day.day:02d}", day.strftime("%Y%m%d"), serial, float(serial) + 0.5, str(serial),
             day.isoformat().translate(FULL_WIDTH), dt.datetime.combine(day, dt.time(13, 5))]
    for form in forms:
        assert parse_date(form, TODAY) == day, form


@given(st.dates(min_value=TODAY + dt.timedelta(days=1)))
def test_future_dates_are_row_errors(day):
    with pytest.raises(CellError, match="future"):
        parse_date(day.isoformat(), TODAY)


# -- through load_registry -------------------------------------------------------

COLUMN_OF = {
    "统一社会信用代码": "uscc", "合作社名称": "name", "领办层级": "lead_level", "乡镇": "township", "村（社区）": "village",
    "村民小组": "group", "组建方式": "formation", "规范运行": "standardized", "成立时间": "founded", "主导产业": "industry",
    "书记兼任理事长": "chair_is_secretary", "交叉任职人数": "cross_appointed", "成员数": "members", "带动农户数": "households",
    "流转土地（亩）": "land_mu", "经营收入（万元）": "revenue", "带动群众增收（万元）": "farmer_income",
    "村集体增收（万元）": "collective_income", "年度": "year",
}
# a changed lead level or township can make the village or group the failing cell
DEPENDENT = {"lead_level": {"village", "group"}, "township": {"village"}}

overrides = st.dictionaries(st.sampled_from(HEADER), st.one_of(cell_text.filter(lambda t: "\x00" not in t), typed), max_size=5)


def _expected_name(raw: object) -> str:
    """The name as stored: the cell's text, less the apostrophe our exports put before = + - @."""
    text = parse_text(raw)
    return text[1:] if text[:2] in ("'=", "'+", "'-", "'@") else text


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([row.get(h, "") for h in HEADER])
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(overrides, min_size=1, max_size=4))
def test_random_cells_give_rows_or_row_errors(tmp_path, changes):
    rows = [coop_row(k + 1, **change) for k, change in enumerate(changes)]
    registry = load_registry(_write(tmp_path / "random.csv", rows), today=TODAY)
    report = registry.report
    assert report.rows_read == len(rows) == report.accepted + report.rejected + report.skipped
    by_row = {}
    for error in report.errors:
        by_row.setdefault(error.row, set()).add(error.column)
    skipped = {s.row for s in report.skipped_rows}
    accepted = dict(zip(registry.frame["source_row"], registry.frame["name"]))
    for k, change in enumerate(changes):
        number = k + 2
        changed = {COLUMN_OF[h] for h in change}
        allowed = changed | set().union(*(DEPENDENT.get(c, set()) for c in changed))
        outcomes = (number in by_row) + (number in skipped) + (number in accepted)
        assert outcomes == 1, f"row {number} is accepted, rejected or skipped, exactly one"
        if number in by_row:
            assert by_row[number] <= allowed, (change, report.errors)
        if number in skipped:
            texts = [normalize(v) for v in change.values()]
            assert any(w in t for t in texts for w in ("合计", "小计", "总计")), change
        if number in accepted and "合作社名称" in change:
            assert accepted[number] == _expected_name(change["合作社名称"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cell_text.filter(lambda t: "\x00" not in t))
def test_any_name_is_kept_as_text(tmp_path, name):
    registry = load_registry(_write(tmp_path / "name.csv", [coop_row(1, 合作社名称=name), coop_row(2)]), today=TODAY)
    report = registry.report
    if not parse_text(name):
        assert [e.column for e in report.errors] == ["name"]
    elif any(w in normalize(name) for w in ("合计", "小计", "总计")):
        assert report.skipped == 1
    else:
        assert report.accepted == 2
        assert registry.frame.set_index("source_row").loc[2, "name"] == _expected_name(name)


# -- arbitrary and damaged bytes -----------------------------------------------------


def _valid_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for k in (1, 2):
        sheet.append([coop_row(k)[h] for h in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


VALID_XLSX = _valid_xlsx()
VALID_CSV = ("\r\n".join(",".join(str(coop_row(k).get(h, "")) for h in HEADER) for k in (1, 2))).encode("utf-8")
HEADER_LINE = (",".join(HEADER) + "\r\n").encode("utf-8")


def _loads_or_refuses(path: Path) -> None:
    try:
        report = load_registry(path, today=TODAY).report
    except RegistryError as exc:
        assert str(path) in str(exc)
        return
    assert report.rows_read == report.accepted + report.rejected + report.skipped


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600), st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]), st.booleans())
def test_any_bytes_load_or_raise_registry_error(tmp_path, data, suffix, with_header):
    path = tmp_path / f"f{suffix}"
    path.write_bytes((HEADER_LINE if with_header else b"") + data)
    _loads_or_refuses(path)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["xlsx", "csv"]), st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
       st.floats(0.05, 1))
def test_damaged_files_load_or_raise_registry_error(tmp_path, kind, flips, keep):
    data = bytearray(VALID_XLSX if kind == "xlsx" else HEADER_LINE + VALID_CSV)
    for where, byte in flips:
        data[int(where * len(data))] = byte
    path = tmp_path / f"damaged.{kind}"
    path.write_bytes(bytes(data[: max(1, int(len(data) * keep))]))
    _loads_or_refuses(path)


def test_damaged_sheet_xml_inside_a_sound_zip(tmp_path):
    """A workbook whose sheet XML is cut short: a RegistryError, not a crash."""
    source = zipfile.ZipFile(io.BytesIO(VALID_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(info, content)
    path = tmp_path / "cut.xlsx"
    path.write_bytes(out.getvalue())
    _loads_or_refuses(path)


# codes as they reach the check: valid, one character changed, other lengths, other
# alphabets (full-width, lower case), and cells that are not text
_valid_codes = st.integers(min_value=0, max_value=10**6).map(lambda n: uscc.make("530523", n))
_changed_codes = st.tuples(_valid_codes, st.integers(0, 17), st.sampled_from(list(uscc.CHARSET) + ["I", "O", "a", "０", "中", " "])).map(
    lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1:])
_codes = st.one_of(_valid_codes, _changed_codes, st.text(alphabet=uscc.CHARSET + "IOSVZ０a中", max_size=20), st.none(),
                   st.integers(), st.floats())


@settings(max_examples=300, deadline=None)
@given(st.lists(_codes, max_size=30))
def test_code_checks_of_a_column_match_one_by_one(codes):
    expected = [uscc.problem(c) if isinstance(c, str) else None for c in codes]
    assert uscc.problems(codes) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_codes, st.text(alphabet="0123456789０\n\x00 a", max_size=14)), max_size=30),
       st.sampled_from([(uscc.CHARSET, 18), ("0123456789", 9), ("0123456789", 12)]))
def test_code_form_check_is_a_full_regular_expression_match(values, form):
    import pandas as pd

    from coopmap.data.schema import code_form

    alphabet, length = form
    pattern = re.compile(f"[{re.escape(alphabet)}]{{{length}}}")
    expected = [isinstance(v, str) and pattern.fullmatch(v) is not None for v in values]
    series = pd.Series(values, dtype=object, index=range(10, 10 + len(values)))
    result = code_form(series, alphabet=alphabet, length=length)
    assert result.tolist() == expected and list(result.index) == list(series.index)


_cells = st.text(st.sampled_from(list("ab 计計\n\t\u3000\u00a0\u2028合小") + ["\x1c", "\x85"]), max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(_cells, min_size=1, max_size=25))
def test_column_wide_blank_and_total_filters_match_cell_by_cell(cells):
    import numpy as np

    from coopmap.data.registry.rows import _blank_mask, _maybe_total

    values = np.array(cells, dtype=object)
    assert _blank_mask(values).tolist() == [not c.strip() for c in cells]
    assert _maybe_total(values).tolist() == [("计" in c or "計" in c) for c in cells]


_name_chars = st.text(st.sampled_from(list("龙陵（）()，,：；！？１1ａa 　\u0301e\u00e9") + ["\u2028", "\t"]), max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(_name_chars, min_size=1, max_size=12))
def test_column_wide_text_parsing_matches_cell_by_cell(cells):
    import numpy as np

    from coopmap.data.registry.columns import _plain_text

    values = np.array(cells, dtype=object)
    out = np.empty(len(values) + 1, dtype=object)
    left = set(_plain_text(values, "text", out).tolist())
    for i, cell in enumerate(cells):
        if i not in left:  # done column-wide: the same as parse_text, blank as None
            assert out[i] == (parse_text(cell) or None), (cell, out[i])
