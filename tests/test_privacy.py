"""Personal data on slides and in reports: names, phone and identity numbers masked."""

from __future__ import annotations

import pandas as pd
import pytest

from coopmap.data.privacy import mask_frame, mask_id_number, mask_name, mask_phone, mask_text


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王小明", "王**"),
        ("王明", "王*"),
        ("董某忠", "董**"),
        ("欧阳修", "欧阳*"),
        ("诸葛孔明", "诸葛**"),
        ("李四、张三丰", "李*、张**"),
        (" 赵六 ", "赵*"),
        ("王", "王"),
    ],
)
def test_names_keep_only_the_surname(name, masked):
    assert mask_name(name) == masked


def test_missing_names_stay_missing():
    assert mask_name(None) is None
    assert mask_name(pd.NA) is pd.NA


def test_a_phone_written_after_a_name_is_masked_too():
    assert mask_name("王小明 13912345678") == "王** 139****5678"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13912345678", "139****5678"),
        ("电话：13912345678。", "电话：139****5678。"),
        ("+86 139-1234-5678", "+86 139****5678"),
        ("0875-6123456", "0875-***3456"),
        ("(0875)61234567", "(0875)****4567"),
    ],
)
def test_phone_numbers(text, masked):
    assert mask_phone(text) == masked


def test_identity_numbers_hide_the_birth_date():
    assert mask_id_number("530523199001011234") == "530523********1234"
    assert mask_id_number("身份证号53052319900101123X。") == "身份证号530523********123X。"
    assert mask_id_number("530523900101123") == "530523******123"


@pytest.mark.parametrize(
    "text",
    [
        "93530523MA6K12345X",  # a unified social credit code is not a person's number
        "935305231990010112",  # all digits, but 9 is no region of an identity number
        "经营收入 12.5 万元，2023 年",
        "流转土地 1391234567 亩",  # ten digits: not a mobile number
    ],
)
def test_other_numbers_are_left_alone(text):
    assert mask_text(text) == text


def test_frame_masks_names_phones_and_ids_but_not_codes():
    frame = pd.DataFrame({
        "uscc": ["93530523MA6K12345X"],
        "name": ["龙陵县测试专业合作社（联系 13912345678）"],
        "leader": pd.array(["王小明"], dtype="string"),
        "联系电话": [13912345678],
        "身份证号码": ["530523199001011234"],
        "members": [12],
    })
    out = mask_frame(frame)
    row = out.iloc[0]
    assert row["uscc"] == "93530523MA6K12345X"
    assert row["name"] == "龙陵县测试专业合作社（联系 139****5678）"
    assert row["leader"] == "王**"
    assert row["联系电话"] == "139****5678"
    assert row["身份证号码"] == "530523********1234"
    assert row["members"] == 12
    assert frame.iloc[0]["leader"] == "王小明", "the input frame must not change"


def test_chinese_headers_of_a_display_table_are_recognised():
    frame = pd.DataFrame({"理事长": ["张三丰"], "合作社名称": ["某合作社"]})
    assert mask_frame(frame).iloc[0].tolist() == ["张**", "某合作社"]
