"""Downloads over the widget channel: the file is made on a press and its bytes sent to the page."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import pytest

from coopmap import ExportError, paths
from coopmap.data.registry import load_registry
from coopmap.outputs.downloads import DownloadButton, Payload, chart_payload, report_payload, table_payload
from coopmap.presentation.briefing import Briefing


@pytest.fixture(scope="module")
def registry():
    return load_registry(paths.SAMPLE_XLSX)


def _press(button, monkeypatch):
    sent = []
    monkeypatch.setattr(button, "send", lambda content, buffers=None: sent.append((content, buffers)))
    button.busy = True  # what the page sets on a click
    button._on_message(button, {"event": "request"}, [])
    return sent


def test_a_press_makes_the_file_and_sends_its_bytes(monkeypatch):
    calls = []

    def make():
        calls.append(1)
        return Payload("表.csv", "text/csv", "a,b\n".encode("utf-8-sig"))

    button = DownloadButton(make, label="下载")
    assert calls == [], "nothing is made before the press"
    sent = _press(button, monkeypatch)
    assert sent == [({"event": "file", "name": "表.csv", "mime": "text/csv", "size": 7}, [b"\xef\xbb\xbfa,b\n"])]
    assert button.sent == "表.csv" and not button.busy and button.error == ""


def test_an_error_is_shown_beside_the_button(monkeypatch):
    def make():
        raise ExportError("PDF needs Chromium: install chromium")

    button = DownloadButton(make, label="PDF")
    assert _press(button, monkeypatch) == []
    assert button.error == "PDF needs Chromium: install chromium" and not button.busy


def test_table_payload(registry, tmp_path):
    payload = table_payload(registry.frame, "csv", "530523203", illustrative=True)
    assert payload.name == "龙陵县党组织领办合作社台账_碧寨乡.csv" and payload.mime.startswith("text/csv")
    (tmp_path / payload.name).write_bytes(payload.data)
    again = load_registry(tmp_path / payload.name)
    assert set(again.frame["township"]) == {"530523203"} and again.illustrative


def test_report_payload_html(registry):
    briefing = Briefing.from_registry(registry, now=dt.datetime(2025, 1, 2, 3, 4))
    payload = report_payload(briefing, "html", "勐糯")
    assert payload.name == "龙陵县党组织领办合作社情况报告_勐糯镇.html"
    assert "龙陵县勐糯镇党组织领办合作社情况报告" in payload.data.decode("utf-8")


def test_chart_payload():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q")
    svg = chart_payload(chart, "svg", "排名")
    assert svg.name == "排名.svg" and svg.mime == "image/svg+xml" and svg.data.startswith(b"<svg")
    png = chart_payload(chart, "png", "排名")
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ExportError):
        chart_payload(chart, "gif", "排名")
