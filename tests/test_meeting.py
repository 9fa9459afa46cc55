"""Meeting mode without a browser: which slides, what they say, how the deck answers its controls.

Key handling and the look at 1920×1080 are checked in tests/browser/test_meeting.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from coopmap import DivisionError, paths
from coopmap.data.registry import load_registry
from coopmap.meeting import Meeting, core_slides, township_slide
from coopmap.meeting import serve as meeting_serve
from coopmap.presentation.briefing import Briefing
from coopmap.server import config as server_config

NOW = dt.datetime(2025, 3, 4, 9, 30)
CORE = ["title", "figures", "coverage", "ranking", "case-potou_ham", "case-mengnuo_union", "case-anle_tea",
        "case-tianpo_chu_orange", "case-zhenan_market", "case-songpo_weddings", "reconciliation", "differences"]


@pytest.fixture(scope="module")
def registry():
    return load_registry(paths.SAMPLE_XLSX)


@pytest.fixture(scope="module")
def briefing(registry):
    return Briefing.from_registry(registry, now=NOW)


@pytest.fixture(scope="module")
def slides(briefing):
    return core_slides(briefing)


@pytest.fixture
def meeting(briefing):
    return Meeting(briefing)


def test_core_slides_in_order(slides):
    assert [s.id for s in slides] == CORE
    assert len({s.html for s in slides}) == len(slides)


def test_every_slide_says_it_is_illustrative_and_where_the_data_come_from(slides):
    for slide in slides:
        assert '<span class="cm-sample">示例数据</span>' in slide.html, slide.id
        assert "longling_coops_2023_sample.xlsx（2023年度） · 示意边界 · 2025-03-04" in slide.html, slide.id


def test_one_message_per_slide_in_its_title(slides):
    titles = {s.id: s.title for s in slides}
    assert titles["figures"] == "主要数据：98个党组织领办合作社"
    assert titles["coverage"] == "86个村（社区）有村级或组级领办合作社，覆盖率71.1%"
    assert titles["ranking"] == "村覆盖率：木城彝族傈僳族乡最高（100.0%），龙山镇最低（61.1%）"
    assert titles["case-potou_ham"] == "典型案例：碧寨乡坡头村 · 火腿"
    assert titles["reconciliation"] == "报告数与台账计算数：14项相符，1项有差异"


def test_figures_slide_shows_computed_and_published(slides):
    html = next(s.html for s in slides if s.id == "figures")
    # the registry's value carries the sample's 示例 mark; the published one beneath does not
    mark = '<span class="cm-sample-mark">示例</span>'
    assert re.search(r'cm-tile cm-differs"><div class="cm-tile-label">行政村覆盖率</div><div class="cm-tile-value"><span class="cm-figure">71.07%</span>'
                     + mark + r'</div><div class="cm-tile-foot">报告：71.67%</div>', html)
    assert ('<div class="cm-tile-value"><span class="cm-figure">1,386.1<span class="cm-unit">万元</span></span>' + mark
            + '</div><div class="cm-tile-foot">报告：1,300万元以上') in html


def test_charts_are_inline_svg_that_scale(slides):
    coverage = next(s.html for s in slides if s.id == "coverage")
    assert coverage.count("<svg") == 1 and 'width="100%" height="100%"' in coverage
    assert re.search(r"<text[^>]*>龙山</text>", coverage)
    assert "示意边界：由乡镇位置推算，非法定界线" in coverage
    assert "http://" not in coverage.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")


def test_case_slide_has_published_figures_and_a_masked_chair(slides, registry):
    html = next(s.html for s in slides if s.id == "case-potou_ham")
    assert "4,000<span class=\"cm-unit\">只以上</span>" in html
    assert "台账 430 户" in html and "台账 305.7 万元" in html
    frame = registry.frame
    leader = frame.loc[frame["name"] == "龙陵县碧寨乡坡头村火腿专业合作社", "leader"].iloc[0]
    assert leader not in html and f"理事长：{leader[0]}**" in html


def test_no_full_name_of_any_chair_on_any_slide(briefing, slides, registry):
    every = "".join(s.html for s in slides) + "".join(township_slide(briefing, c).html for c in briefing.townships["code"])
    leaders = registry.frame["leader"].dropna()
    assert len(leaders) > 50
    assert [name for name in leaders if name in every] == []


def test_differences_slide_explains_the_coverage_denominator(slides):
    html = next(s.html for s in slides if s.id == "differences")
    assert "行政村覆盖率" in html and "86/120" in html and "86/121" in html


def test_township_slide(briefing):
    slide = township_slide(briefing, "勐糯")
    assert slide.id == "township-530523103"
    assert slide.title == "勐糯镇：7个合作社，覆盖5/6个村（社区）"
    assert "沟心寨村" in slide.html and "未覆盖" in slide.html  # no record of the union reaching it


def test_township_list_adds_its_slide_at_the_end_and_shows_it(meeting):
    meeting.widget.township = "530523103"  # what the list in the page does
    assert [s.id for s in meeting.slides] == CORE + ["township-530523103"]
    assert meeting.index == len(CORE) and meeting.current.id == "township-530523103"
    meeting.widget.index = 2
    meeting.show_township("镇安")  # another township replaces it
    assert [s.id for s in meeting.slides][-1] == "township-530523102" and len(meeting.slides) == len(CORE) + 1
    assert meeting.index == len(CORE)
    meeting.show_township(None)
    assert [s.id for s in meeting.slides] == CORE and meeting.index == len(CORE) - 1


def test_unknown_township_is_named(meeting):
    with pytest.raises(DivisionError):
        meeting.show_township("上海")


def test_index_stays_on_the_deck(meeting):
    meeting.widget.index = 99
    assert meeting.index == len(CORE) - 1
    meeting.widget.index = -3
    assert meeting.index == 0
    meeting.go("coverage")
    assert meeting.current.id == "coverage"
    with pytest.raises(KeyError, match="no slide 'nope'"):
        meeting.go("nope")


def test_deck_offers_the_ten_townships_and_chinese_controls(meeting):
    deck = meeting.widget
    assert len(deck.townships) == 10 and deck.townships[2] == ["530523103", "勐糯镇"]
    assert deck.labels["prev"] == "上一页" and deck.labels["next"] == "下一页"
    assert json.dumps(deck.slides)  # plain data the page can hold


def test_a_link_opens_a_slide_a_township_or_english(meeting):
    assert meeting.open("slide=3") == [] and meeting.current.id == "coverage"
    assert meeting.open("?slide=ranking") == [] and meeting.current.id == "ranking"
    assert meeting.open("township=%E5%8B%90%E7%B3%AF") == [] and meeting.current.id == "township-530523103"
    assert meeting.open("township=nowhere&slide=nope") == ["township=nowhere", "slide=nope"]
    assert meeting.open("lang=en&slide=2") == []
    assert meeting.lang == "en" and meeting.current.title == "Programme figures: 98 party-led cooperatives"
    assert meeting.widget.labels["next"] == "Next"
    assert meeting.slides[-1].id == "township-530523103" and meeting.slides[-1].title.startswith("Mengnuo:")


def test_meeting_notebook_is_thin_and_clean():
    nb = json.loads((paths.PROJECT_DIR / "dashboards" / "meeting.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) <= 4
    source = "\n".join("".join(c["source"]) for c in code)
    assert "build_meeting" in source and "def " not in source and "class " not in source
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)


def test_served_with_the_dashboard_settings_but_the_meeting_notebook():
    argv = meeting_serve.voila_argv(8867)
    assert argv[-1] == str(meeting_serve.NOTEBOOK) and str(server_config.NOTEBOOK) not in argv
    dashboard = server_config.voila_argv(8867)
    assert [a for a in argv if a.startswith("--")] == [a for a in dashboard if a.startswith("--")]
    assert "--VoilaConfiguration.preheat_kernel=True" in argv and "--VoilaConfiguration.template=lab" in argv
    assert meeting_serve.DEFAULT_PORT != server_config.DEFAULT_PORT


def _sent(widget, monkeypatch):
    sent = []
    monkeypatch.setattr(widget, "send", lambda content, buffers=None: sent.append((content, buffers)))
    return sent


def test_table_download_of_the_township_on_screen_with_names_masked(meeting, monkeypatch, tmp_path):
    sent = _sent(meeting.widget, monkeypatch)
    meeting.show_township("勐糯")
    meeting._on_message(meeting.widget, {"event": "download", "id": "table-xlsx"}, [])
    ((content, buffers),) = sent
    assert content["event"] == "file" and content["id"] == "table-xlsx"
    assert content["name"] == "龙陵县党组织领办合作社台账_勐糯镇.xlsx"
    path = tmp_path / content["name"]
    path.write_bytes(buffers[0])
    again = load_registry(path)
    assert again.report.accepted == 7 and set(again.frame["township"]) == {"530523103"}
    assert all(name.endswith("**") for name in again.frame["leader"].dropna())


def test_unknown_download_answers_with_an_error(meeting, monkeypatch):
    sent = _sent(meeting.widget, monkeypatch)
    meeting._on_message(meeting.widget, {"event": "download", "id": "nope"}, [])
    assert sent == [({"event": "error", "id": "nope", "text": "no download 'nope'; the deck offers report-pdf, table-xlsx"}, None)]
