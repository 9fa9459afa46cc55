"""Township and village resolution: exact after normalisation, never guessed."""

from __future__ import annotations

import pytest

from coopmap import DivisionError, load_divisions
from coopmap.data.text import normalize


@pytest.fixture(scope="module")
def div():
    return load_divisions()


def test_official_list_has_10_townships_and_121_villages(div):
    assert len(div.townships) == 10
    assert len(div.villages) == 121
    assert set(div.villages["township"]) == set(div.townships["code"])


@pytest.mark.parametrize(
    "value",
    ["530523104", "530523104000", "腊勐镇", "腊勐", "腊勐乡", "臘勐鄉", " 腊勐镇 ", "５３０５２３１０４", 530523104, 530523104.0],
)
def test_township_forms_resolve(div, value):
    assert div.resolve_township(value) == "530523104"


@pytest.mark.parametrize("value", ["木城", "木城乡", "木城彝族傈僳族乡"])
def test_township_short_forms_and_aliases(div, value):
    assert div.resolve_township(value) == "530523207"


@pytest.mark.parametrize("value", ["龙陵县", "勐", "530523999", "5305231", "", "腊勐镇坡头村"])
def test_unknown_township_raises(div, value):
    with pytest.raises(DivisionError, match="not a township"):
        div.resolve_township(value)


@pytest.mark.parametrize(
    ("value", "town", "code"),
    [
        ("坡头村", "530523203", "530523203212"),
        ("坡头", "530523203", "530523203212"),
        ("坡头村民委员会", "530523203", "530523203212"),
        ("530523203212", "530523203", "530523203212"),
        ("田坡社区", "530523103", "530523103206"),
        ("白塔社区", "530523101", "530523101003"),
        ("白塔社区居民委员会", "530523101", "530523101003"),
        ("镇安村", "530523102", "530523102201"),
        ("三家村", "530523203", "530523203209"),
        ("安樂村", "530523206", "530523206206"),
    ],
)
def test_village_forms_resolve(div, value, town, code):
    assert div.resolve_village(value, town) == code


def test_no_substring_guess(div):
    # 坡头 (碧寨乡) is not 坡头田 (象达镇), and the reverse
    with pytest.raises(DivisionError, match="it is in 碧寨乡"):
        div.resolve_village("坡头", "530523105")
    with pytest.raises(DivisionError):
        div.resolve_village("坡", "530523203")


def test_village_must_belong_to_township(div):
    with pytest.raises(DivisionError, match="not a village of 龙山镇"):
        div.resolve_village("田坡社区", "530523101")


def test_normalize_fullwidth_whitespace_traditional():
    assert normalize("　龍陵縣\t") == "龙陵县"
    assert normalize("流转土地（亩）") == "流转土地(亩)"
    assert normalize("ＡＢＣ１２３") == "ABC123"
