"""The dashboard's Download menu: the view's report, table and charts as files, without a browser.

A press is simulated as the page sends it (``{"event": "request"}``); the bytes the
kernel would send are caught and checked as a user would: the table loads back as a
registry with nothing rejected, the CSV opens in Excel (BOM, no live formulas), the
report names the place, the charts are PNG and SVG.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from coopmap import ExportError
from coopmap.app import App, AppData, Filters
from coopmap.app.downloadbar import ITEMS
from coopmap.app.parts import find_part
from coopmap.data import uscc
from coopmap.data.divisions import load_divisions
from coopmap.data.registry import load_registry
from coopmap.geo.schematic import schematic_townships

from helpers import HEADER, coop_row, write_csv

BIZHAI, MENGNUO = "530523203", "530523103"
FORMULA_NAME = "=HYPERLINK(\"http://x\")合作社"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> AppData:
    rows = [coop_row(950 + i) for i in range(3)]
    rows += [coop_row(960 + i, **{"乡镇": "勐糯镇", "村（社区）": "田坡社区", "主导产业": "褚橙"}) for i in range(2)]
    rows.append(coop_row(970, **{"合作社名称": FORMULA_NAME, "乡镇": "勐糯镇", "村（社区）": "丛岗村"}))
    path = write_csv(tmp_path_factory.mktemp("registry") / "registry.csv", rows, title="龙陵县党组织领办合作社台账（测试）",
                     header=HEADER)
    loaded = load_registry(path)
    assert loaded.report.rejected == 0, loaded.report.errors
    towns = schematic_townships()
    return AppData(frame=loaded.frame, divisions=load_divisions(), boundaries=towns, schematic=True,
                   boundaries_source=towns.attrs["source"], registry_source=str(path), illustrative=False,
                   title=loaded.report.title, report=loaded.report, file_date=dt.date.fromtimestamp(path.stat().st_mtime))


@pytest.fixture(scope="module")
def shared_app(data: AppData) -> App:
    return App(data)


@pytest.fixture
def app(shared_app: App) -> App:
    """The module's app, back on the Chinese overview without filters."""
    shared_app.state.update(township=None, lang="zh", filters=Filters())
    return shared_app


def press(app: App, item: str, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, bytes]:
    """Open the menu and press one of its buttons; return the message and bytes sent to the page."""
    app.downloads.open()
    button = find_part(app.downloads.widget, f"cm-dl-{item}")
    sent: list = []
    monkeypatch.setattr(button, "send", lambda content, buffers=None: sent.append((content, buffers)))
    button.busy = True  # what the page sets on a click
    button._on_message(button, {"event": "request"}, [])
    assert not button.busy
    assert button.error == "", button.error
    assert len(sent) == 1
    content, buffers = sent[0]
    return content, bytes(buffers[0])


def test_menu_is_a_quiet_header_button_that_makes_its_buttons_when_opened(data: AppData) -> None:
    app = App(data)
    assert app.downloads.toggle in find_part(app.header.widget, "cm-tools").children and app.downloads.toggle.description == "下载"
    assert app.downloads.widget.children == () and app.downloads.widget.layout.display == "none"
    app.downloads.toggle.value = True  # the visitor's click
    buttons = {item: find_part(app.downloads.widget, f"cm-dl-{item}") for item in ITEMS}  # one button each
    assert app.downloads.widget.layout.display is None
    assert "本页：龙陵县全县" in app.downloads.widget.children[0].value
    labels = {item: b.label for item, b in buttons.items()}
    assert labels["report-pdf"] == "PDF" and labels["table-xlsx"] == "Excel" and labels["chart-map-svg"] == "SVG"
    app.downloads.toggle.value = False
    assert app.downloads.widget.layout.display == "none"


def test_county_table_downloads_as_xlsx_that_loads_back_complete(app: App, data: AppData, monkeypatch, tmp_path: Path) -> None:
    content, payload = press(app, "table-xlsx", monkeypatch)
    assert content["name"] == "龙陵县党组织领办合作社台账.xlsx"
    assert content["mime"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert payload[:2] == b"PK"
    saved = tmp_path / content["name"]
    saved.write_bytes(payload)
    again = load_registry(saved)
    assert again.report.rejected == 0 and again.report.accepted == len(data.frame)
    assert sorted(again.frame["uscc"]) == sorted(data.frame["uscc"])
    assert FORMULA_NAME in set(again.frame["name"]), "a formula-like name comes back as the same text"


def test_township_table_csv_has_a_bom_and_no_live_formula(app: App, monkeypatch, tmp_path: Path) -> None:
    app.state.update(township=MENGNUO)
    content, payload = press(app, "table-csv", monkeypatch)
    assert content["name"] == "龙陵县党组织领办合作社台账_勐糯镇.csv"
    assert payload.startswith(b"\xef\xbb\xbf")
    text = payload.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "勐糯镇" in text.splitlines()[0], "the title row names the township"
    saved = tmp_path / content["name"]
    saved.write_bytes(payload)
    again = load_registry(saved)
    assert again.report.rejected == 0 and set(again.frame["township"]) == {MENGNUO} and len(again.frame) == 3


@pytest.mark.slow  # 2-5 s of CPU (make test-fast leaves it out)
def test_report_of_the_view_as_html(app: App, monkeypatch) -> None:
    content, payload = press(app, "report-html", monkeypatch)
    assert content["name"] == "龙陵县党组织领办合作社情况报告.html" and content["mime"].startswith("text/html")
    html = payload.decode("utf-8")
    assert "龙陵县党组织领办合作社情况报告" in html and "<svg" in html
    assert "registry.csv" in html, "the cover says which data it shows"
    assert not re.search(r"<script[^>]*src=|https?://(?!www\.w3\.org)", html), "opens offline"
    app.state.update(coop=uscc.make("530523", 961))  # a cooperative's page: the report of its township
    content, payload = press(app, "report-html", monkeypatch)
    assert content["name"] == "龙陵县党组织领办合作社情况报告_勐糯镇.html"
    assert "勐糯镇" in payload.decode("utf-8")


@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
def test_charts_of_the_view_as_png_and_svg(app: App, monkeypatch) -> None:
    content, payload = press(app, "chart-ranking-png", monkeypatch)
    assert payload.startswith(b"\x89PNG") and content["name"] == "龙陵县党组织领办合作社_乡镇排名.png"
    content, payload = press(app, "chart-villages-svg", monkeypatch)
    assert b"<svg" in payload[:200] and content["mime"] == "image/svg+xml"
    assert set(app.downloads.visible_items()) >= {"chart-map-png", "chart-ranking-svg", "chart-villages-png"}

    app.state.update(township=BIZHAI)
    assert "chart-ranking-png" not in app.downloads.visible_items()
    assert find_part(app.downloads.widget, "cm-dl-group-chart-ranking").layout.display == "none"
    content, payload = press(app, "chart-map-svg", monkeypatch)
    assert content["name"] == "龙陵县党组织领办合作社_地图_碧寨乡.svg" and "碧寨乡" in payload.decode("utf-8")
    with pytest.raises(ExportError, match="尚未画出"):
        app.downloads.payload("chart-ranking-png")  # not on this view

    coop = uscc.make("530523", 950)
    app.state.update(coop=coop)
    assert {"chart-income-png", "chart-comparison-svg"} <= set(app.downloads.visible_items())
    content, payload = press(app, "chart-comparison-svg", monkeypatch)
    assert content["name"] == f"龙陵县党组织领办合作社_与乡镇-全县中位数比较_{coop}.svg"
    assert b"<svg" in payload[:200]


def test_labels_follow_the_language_and_filters_are_explained(app: App, monkeypatch) -> None:
    app.downloads.open()
    app.state.update(lang="en", township=BIZHAI, filters=Filters(formation="upgraded"))  # none of them
    assert app.downloads.toggle.description == "Download"
    strip = " ".join(getattr(w, "value", "") for w in app.downloads.widget.children)
    assert "This page: Bizhai" in strip
    assert "whatever the filters" in strip
    assert find_part(app.downloads.widget, "cm-dl-report-pdf").description == "Download Report (PDF)"
    content, payload = press(app, "table-csv", monkeypatch)
    # reports and tables cover the whole township, not only the filtered cooperatives
    lines = payload.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 + 3
    # the title row follows the language; the header stays Chinese, so the table loads again
    assert lines[0].startswith("Party-led cooperatives of Longling County: registry") and " — Bizhai" in lines[0]
    assert lines[1].startswith("统一社会信用代码")
    content, _ = press(app, "report-html", monkeypatch)
    assert content["name"] == "longling-cooperatives-report_碧寨乡.html"


def test_an_unknown_download_is_refused(app: App) -> None:
    with pytest.raises(ExportError, match="no download"):
        app.downloads.payload("table-docx")
