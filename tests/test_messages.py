"""The loader's messages in Chinese and English, and the odd characters of a raw value."""

from __future__ import annotations

import copy
import json
import pickle
import re
import string

import pytest

from coopmap.data import uscc
from coopmap.data.messages import STRINGS, Message, odd_characters
from coopmap.data.registry import load_registry
from coopmap.data.registry.cells import CellError, parse_date, parse_int, parse_number, parse_year

from helpers import coop_row


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_has_both_languages_with_the_same_placeholders():
    for key, entry in STRINGS.items():
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert _fields(entry["zh"]) == _fields(entry["en"]), key
        assert re.search(r"[\u4e00-\u9fff]", entry["zh"]), f"{key}: the Chinese text is Chinese"


def test_a_letter_o_for_a_zero_is_named_in_both_languages():
    with pytest.raises(CellError) as info:
        parse_int("3O")
    message = info.value.args[0]
    assert str(info.value) == "'3O' holds the letter O, not the digit 0; type the digit"
    assert message.text("zh") == "“3O”中的 O 是字母，不是数字 0；请改为数字"
    # also in money, with a unit, written full-width, in a year and in a date
    for parse, raw in ((lambda v: parse_number(v, money=True), "1O.5万"), (parse_int, "３Ｏ"), (parse_year, "2O23年"),
                       (parse_date, "2O21-05-06")):
        with pytest.raises(CellError) as info:
            parse(raw)
        assert info.value.args[0].key == "load.letter_for_digit", raw
        assert f"“{raw}”中的 O 是字母" in info.value.args[0].text("zh")


def test_other_cell_messages_keep_their_english_and_have_chinese():
    with pytest.raises(CellError) as info:
        parse_number("5公顷")
    assert str(info.value) == "unknown unit '公顷' in '5公顷'; write the number in the column's unit"
    assert info.value.args[0].text("zh") == "“5公顷”中的单位“公顷”无法识别；请按本列的单位填写数字"
    with pytest.raises(CellError) as info:
        parse_int("abc")
    assert (str(info.value), info.value.args[0].text("zh")) == ("not a number: 'abc'", "不是数字：“abc”")


def test_row_issues_and_the_json_report_carry_both_languages(registry_csv):
    code = uscc.make("530523", 7)
    rows = [coop_row(1), coop_row(2, 成员数="3O"), coop_row(3, 统一社会信用代码=code[:5] + "O" + code[6:]),
            coop_row(4, 乡镇="不存在乡"), coop_row(5, 成员数="4")]
    report = load_registry(registry_csv(rows)).report
    by_row = {}
    for error in report.errors:  # each row's first problem
        by_row.setdefault(error.row, error)
    assert (report.accepted, report.rejected) == (1, 4)
    assert by_row[3].text("zh") == "“3O”中的 O 是字母，不是数字 0；请改为数字" and by_row[3].text() == by_row[3].message
    assert by_row[4].text("zh").startswith("统一社会信用代码中不能有这些字符：O")
    assert [e.text("zh") for e in report.errors if e.row == 5] == ["“不存在乡”不是龙陵县的乡镇"]  # the village, unread, is not blamed
    assert by_row[5].text("en") == "'不存在乡' is not a township of Longling County (龙陵县)"
    assert by_row[6].text("zh").startswith("成员数低于法定最低数") and "at least 5" in by_row[6].text("en")
    data = json.loads(report.to_json())
    first = next(e for e in data["errors"] if e["row"] == 3)
    assert first["message"] == "'3O' holds the letter O, not the digit 0; type the digit"
    assert first["message_zh"] == "“3O”中的 O 是字母，不是数字 0；请改为数字"


def test_a_message_survives_pickling_and_copying_with_its_key():
    m = Message("load.required", header="成员数")
    for twin in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        assert twin == "成员数 is empty; it is required" and twin.text("zh") == "成员数未填；此项必填"


def _marks(value: str, kind: str, lang: str = "zh") -> list[tuple[str, str]]:
    return [(c.char, c.reason.text(lang)) for c in odd_characters(value, kind)]


def test_odd_characters_in_numbers_are_named():
    assert _marks("3O", "int") == [("O", "字母 O，不是数字 0")]
    assert _marks("3O", "int", "en") == [("O", "the letter O, not the digit 0")]
    assert _marks("1l", "number") == [("l", "字母 l，不是数字 1")]
    assert _marks("３Ｏ", "money") == [("Ｏ", "全角字母 Ｏ，不是数字 0")]  # the full-width 3 reads as 3
    assert _marks("2〇23", "year") == [("〇", "“〇”不是数字 0")]
    assert _marks("12。5", "money") == [("。", "“。”不是小数点 .")]
    assert _marks("5公顷", "number") == [("公", "字符“公”"), ("顷", "字符“顷”")]
    assert _marks("1\u30002", "int") == [("\u3000", "全角空格（读取时忽略）")]
    assert _marks("4 人", "int") == [(" ", "空格（读取时忽略）")]
    assert _marks("1\u200b2", "int") == [("\u200b", "不可见字符 U+200B")]
    assert _marks("ＡＢ", "int") == [("Ａ", "全角字符 Ａ"), ("Ｂ", "全角字符 Ｂ")]
    # what the column takes is not marked: units, separators, signs, full-width digits
    for value, kind in (("1,234.5万元", "money"), ("1.2万亩", "number"), ("12人", "int"), ("-3", "int"), ("２０２３年度", "year")):
        assert _marks(value, kind) == [], value
    assert _marks("也许", "bool") == [] and _marks("3O", "text") == []


def test_odd_characters_in_a_credit_code():
    code = uscc.make("530523", 7)
    assert _marks(code.lower(), "uscc") == []  # lower case is read as upper case
    assert _marks(code[:5] + "O" + code[6:], "uscc") == [("O", "字母 O，不是数字 0")]
    assert _marks(code[:5] + "I" + code[6:], "uscc") == [("I", "字母 I，不是数字 1")]
    assert _marks(code[:5] + "S" + code[6:], "uscc") == [("S", "字母 S")]
