"""Cell parsers: values users write, and any text gives a value or a CellError."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopmap.data.registry.cells import CellError, parse_bool, parse_date, parse_int, parse_number, parse_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,234.5", 1234.5), ("１２３", 123.0), ("12亩", 12.0), (" 7 ", 7.0), (3, 3.0), ("1e3", 1000.0)],
)
def test_numbers(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "scale", "expected"),
    [("12万", 1, 12), ("12万元", 1, 12), ("120000元", 1, 12), ("120000", 0.0001, 12), ("1,200,000", 0.0001, 120), ("12万", 0.0001, 12)],
)
def test_money_units(raw, scale, expected):
    assert parse_number(raw, scale, money=True) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["abc", "1,23", "12..3", "nan", "inf", "—", "1-2"])
def test_not_numbers(raw):
    with pytest.raises(CellError):
        parse_number(raw)


def test_int_rejects_fraction():
    assert parse_int("1,200") == 1200
    with pytest.raises(CellError, match="whole number"):
        parse_int("2.5")


@pytest.mark.parametrize("raw", ["是", "√", "Y", "yes", "1", 1, True, "ｙ"])
def test_yes(raw):
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["否", "×", "N", "no", "0", 0, False])
def test_no(raw):
    assert parse_bool(raw) is False


def test_bool_rejects_other():
    with pytest.raises(CellError, match="yes or no"):
        parse_bool("maybe")


@pytest.mark.parametrize(
    "raw", ["2023-03-15", "2023/3/15", "2023年3月15日", "2023.03.15", 45000, "45000", dt.date(2023, 3, 15), dt.datetime(2023, 3, 15, 8)]
)
def test_dates(raw):
    assert parse_date(raw, today=dt.date(2024, 1, 1)) == dt.date(2023, 3, 15)


def test_future_date_rejected():
    with pytest.raises(CellError, match="future"):
        parse_date("2030-01-01", today=dt.date(2024, 1, 1))


def test_impossible_date():
    with pytest.raises(CellError, match="no such date"):
        parse_date("2023-02-30")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()))
def test_parsers_never_crash(value):
    for parser in (parse_number, parse_int, parse_bool, parse_date):
        try:
            parser(value)
        except CellError:
            pass


def test_text_keeps_the_full_width_punctuation_of_chinese_names():
    assert parse_text(" 龙陵县龙新乡（大坝）咖啡专业合作社 ") == "龙陵县龙新乡（大坝）咖啡专业合作社"
    assert parse_text("测试１号（甲），ＡＢ：是！") == "测试1号（甲），AB：是！"  # digits and letters still folded
