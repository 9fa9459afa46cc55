"""Hostile content: markup, Vega expressions and formulas in a registry stay text everywhere.

The registry is the illustrative sample with a payload in front of every name,
industry, partner and chair (``tests/helpers/hostile.py``). Each output is checked the way a
browser or a spreadsheet would read it:

* the dashboard: every HTML widget of the page (the widget tree walked in every view)
  parses to no script, image or SVG element and no ``on…`` attribute, and its text
  shows the payloads literally (escaped once, not twice); widgets drawn as text by the
  browser (buttons, lists, the table) hold the raw text;
* the charts: payloads occur only in the data, never in an expression, title or tooltip
  definition;
* the HTML report and the meeting slides (put into the page with ``innerHTML``): no
  element or attribute from the data, the payloads shown as text;
* the xlsx and csv exports: no cell starting with ``= + - @``, xlsx cells are strings
  (never formulas), and the file reads back to the same text;
* links: hostile query strings land on the overview with a notice, nothing raised.
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator

import ipywidgets as widgets
import pandas as pd
import pytest
from openpyxl import load_workbook

from coopmap.app import App, AppData, Filters
from coopmap.app.parts import find_part
from coopmap.app.slots import chart_cache
from coopmap.app.table import TableWidget
from coopmap.data.industries import split_industries
from coopmap.data.registry import load_registry, neutralise
from coopmap.meeting.presenter import Meeting
from coopmap.meeting.slides import core_slides, township_slide
from coopmap.outputs import tables
from coopmap.outputs.report import render_html
from coopmap.presentation.briefing import Briefing

from helpers.hostile import (
    FORMULAS,
    MARKERS,
    MARKUP,
    PAYLOADS,
    QUOTE,
    SCRIPT,
    TEXT_COLUMNS,
    hostile_frame,
    load_hostile,
)

FORMULA_START = ("=", "+", "-", "@")
#: Elements that data must never become.
FORBIDDEN_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "link", "meta", "base", "form", "math"}


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """The hostile registry written as .xlsx and loaded back."""
    return load_hostile(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def frame(hostile: tuple[Path, pd.DataFrame]) -> pd.DataFrame:
    return hostile[1]


@pytest.fixture(scope="module")
def app(hostile: tuple[Path, pd.DataFrame]) -> App:
    return App(AppData.load(hostile[0]))


@pytest.fixture(scope="module")
def briefing(hostile: tuple[Path, pd.DataFrame]) -> Briefing:
    return Briefing.from_registry(load_registry(hostile[0]))


# -- reading HTML as a browser would ---------------------------------------------------------------
class Parsed(HTMLParser):
    """Elements, attributes and visible text of an HTML fragment."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.parts: list[str] = []
        self._skip = 0
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def assert_inert(source: str, where: str, allowed: set[str] = frozenset()) -> Parsed:
    """Assert that no element or attribute came from the data; return the parsed fragment."""
    parsed = Parsed(source)
    for tag, attrs in parsed.tags:
        assert tag not in FORBIDDEN_TAGS - allowed, f"{where}: <{tag}> element in {source[:300]!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"{where}: <{tag} {name}=…> event handler"
            assert not any(m in name for m in MARKERS), f"{where}: attribute {name!r} made of data"
            if name in ("href", "src", "action", "xlink:href") and value:
                assert not value.strip().lower().startswith("javascript:"), f"{where}: {name}={value!r}"
        assert not any(m in tag for m in MARKERS), f"{where}: element <{tag}> made of data"
    assert "&lt;" not in parsed.text and "&quot;" not in parsed.text and "&amp;" not in parsed.text, \
        f"{where}: escaped twice (the visitor would read entities): {parsed.text[:300]!r}"
    return parsed


def descendants(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from descendants(child)


def text_traits(widget: widgets.Widget) -> Iterator[str]:
    """Strings a widget's browser side draws as text (descriptions, options, table cells, titles)."""
    for name in ("description", "tooltip", "placeholder"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            yield value
    if isinstance(widget, (widgets.Dropdown, widgets.ToggleButtons, widgets.Select)):
        yield from (str(label) for label in widget._options_labels)
    if isinstance(widget, widgets.Accordion):
        yield from (str(title) for title in widget.titles)
    if isinstance(widget, TableWidget):
        yield widget.status
        for row in widget.rows:
            yield row["name"]
            yield from row["cells"]


def check_page(app: App, where: str) -> tuple[str, str]:
    """Check every widget of the page; return (HTML widgets' visible text, text widgets' text)."""
    html_text, plain = [], []
    for widget in descendants(app.widget):
        if isinstance(widget, widgets.HTML) and widget.value:
            if "cm-style" in widget._dom_classes:  # the style sheet, not data
                continue
            if widget.layout.display == "none":
                continue
            html_text.append(assert_inert(widget.value, f"{where}: {type(widget).__name__}").text)
        for value in text_traits(widget):
            assert "&lt;" not in value and "&quot;" not in value, f"{where}: escaped text drawn as text: {value!r}"
            plain.append(value)
    return "\n".join(html_text), "\n".join(plain)


# -- the dashboard ------------------------------------------------------------------------------------
def test_the_hostile_registry_reads_back_unchanged(frame: pd.DataFrame) -> None:
    original = hostile_frame()
    for column in TEXT_COLUMNS:
        assert list(frame[column].astype(str)) == list(original[column].astype(str)), column
    for payload in PAYLOADS:
        assert frame["name"].str.startswith(payload, na=False).any(), payload


def test_overview_shows_the_file_name_and_industries_as_text(app: App, frame: pd.DataFrame) -> None:
    app.state.update(township=None, filters=Filters(), lang="zh")
    html_text, plain = check_page(app, "overview")
    assert "hostile<img src=x onerror=window.__pwned=1>.xlsx" in html_text
    for industry in {part for cell in frame["industry"].unique() for part in split_industries(cell)}:
        assert industry in plain  # the industry filter lists each industry as text


def test_every_township_view_shows_names_as_text(app: App, frame: pd.DataFrame) -> None:
    for code in app.data.township_codes:
        app.state.update(township=code)
        html_text, plain = check_page(app, f"township {code}")
        coops = frame[frame["township"] == code]
        union = coops[coops["lead_level"] == "township"]
        if len(union):
            assert union.iloc[0]["name"] in plain  # the union's button
            assert union.iloc[0]["partner"] in html_text
        shown = app.township.table.visible
        assert shown and set(shown) <= set(coops["uscc"])
        names = coops.set_index("uscc")["name"]
        for uscc in shown:
            assert names[uscc] in plain  # the table's rows


@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_payload_shows_as_text_on_a_profile(app: App, frame: pd.DataFrame, lang: str) -> None:
    app.state.update(lang=lang)
    for payload in PAYLOADS:
        coop = frame[frame["name"].str.startswith(payload)].iloc[0]
        app.state.update(coop=coop["uscc"])
        html_text, plain = check_page(app, f"profile of {payload!r} ({lang})")
        for column in TEXT_COLUMNS:
            assert coop[column] in html_text, (payload, column)
        current = find_part(app.breadcrumb.widget, "cm-crumb-current").value
        assert current and coop["name"] in Parsed(current).text
        if isinstance(coop["union_uscc"], str):
            union = find_part(app.coop.widget, "cm-union-name")
            assert union.description == frame.set_index("uscc").at[coop["union_uscc"], "name"]
    app.state.update(lang="zh", township=None)


def test_a_hostile_industry_works_as_a_filter_and_in_the_link(app: App, frame: pd.DataFrame) -> None:
    industry = next(part for cell in frame["industry"].unique() for part in split_industries(cell)
                    if part.startswith(MARKUP[1]))
    app.state.update(township=None, filters=Filters(industry=industry))
    html_text, _ = check_page(app, "overview filtered by a hostile industry")
    query = app.state.query_string()
    assert "<" not in query and '"' not in query  # the link is percent-encoded
    other = App(app.data)
    other.open(query)
    assert other.state.filters.industry == industry and not other.state.notices
    app.state.update(filters=Filters())


def test_charts_carry_the_data_as_data(app: App, frame: pd.DataFrame) -> None:
    # draw every chart the views have, for township and profile views with payloads
    for payload in PAYLOADS[:3]:
        app.state.update(coop=frame[frame["name"].str.startswith(payload)].iloc[0]["uscc"])
        app.coop.refresh_charts()
        app.map.refresh()
    app.state.update(township=None)
    app.overview.refresh_charts()
    charts = chart_cache(app.data).values()
    assert len(charts) >= 5
    for chart in charts:
        spec = chart.to_dict()
        outside = [path for path, text in strings(spec) if any(m in text for m in MARKERS)
                   and not in_data(path)]
        assert not outside, f"payloads outside the chart's data: {outside[:5]}"
        # and no expression, test or signal built from the registry's text
        for path, text in strings(spec):
            if path and path[-1] in ("expr", "test", "signal", "calculate", "filter", "update"):
                assert not any(m in text for m in MARKERS) and "合作社" not in text, (path, text)


def strings(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, path + (key,))
    elif isinstance(node, list):
        for value in node:
            yield from strings(value, path)
    elif isinstance(node, str):
        yield path, node


def in_data(path: tuple) -> bool:
    return "datasets" in path or ("data" in path and "values" in path)


# -- report, slides ---------------------------------------------------------------------------------
@pytest.mark.slow  # 2-5 s of CPU (make test-fast leaves it out)
def test_html_report_escapes_the_registry(briefing: Briefing, frame: pd.DataFrame) -> None:
    county = render_html(briefing)
    parsed = assert_inert(county, "county report", allowed={"svg", "meta"})
    assert not any(tag == "script" for tag, _ in parsed.tags)
    shown = [c.coop_name for c in briefing.cases() if c.coop_name]
    assert shown and all(name in parsed.text for name in shown)
    assert any(p in name for name in shown for p in MARKUP)
    for code in briefing.townships["code"]:
        page = assert_inert(render_html(briefing, code), f"report of {code}", allowed={"svg", "meta"})
        coops = frame[frame["township"] == code]
        for name in coops["name"]:
            assert name in page.text, (code, name)


def test_svg_charts_in_report_have_no_data_markup(briefing: Briefing) -> None:
    for svg in (briefing.ranking_svg(scope="t1"), briefing.map_svg(scope="t2")):
        parsed = Parsed(svg)
        assert not any(tag in ("script", "foreignobject") for tag, _ in parsed.tags)
        assert not any(name.startswith("on") for _, attrs in parsed.tags for name, _ in attrs)


def test_meeting_slides_escape_the_registry(briefing: Briefing) -> None:
    slides = core_slides(briefing) + [township_slide(briefing, code) for code in briefing.townships["code"]]
    seen = ""
    for slide in slides:
        seen += assert_inert(slide.html, f"slide {slide.id}", allowed={"svg"}).text
        assert not any(tag == "svg" and any(n.startswith("on") for n, _ in attrs)
                       for tag, attrs in Parsed(slide.html).tags)
    names = [c.coop_name for c in briefing.cases() if c.coop_name]
    unions = [briefing.township(code).union for code in briefing.townships["code"]]
    for name in names + [u for u in unions if u]:
        assert name in seen
    assert any(SCRIPT in u for u in unions if u)


def test_meeting_deck_lists_and_titles_are_text(hostile: tuple[Path, pd.DataFrame]) -> None:
    meeting = Meeting.from_files(hostile[0])
    for slide in meeting.slides:
        assert "&lt;" not in slide.title  # the title is set as text by the deck
    meeting.show_township("勐糯镇")
    assert_inert(meeting.current.html, "township slide in the deck", allowed={"svg"})


# -- exports ---------------------------------------------------------------------------------------------
def test_xlsx_export_has_no_formulas(frame: pd.DataFrame) -> None:
    data = tables.table_bytes(frame, "xlsx", title="龙陵县台账")
    sheet = load_workbook(io.BytesIO(data)).active
    checked = 0
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
            if isinstance(cell.value, str):
                assert cell.data_type in ("s", "inlineStr"), cell.coordinate
                assert not cell.value.startswith(FORMULA_START), f"{cell.coordinate}: {cell.value!r}"
                checked += cell.value.lstrip("'").startswith(FORMULA_START)
    assert checked >= len(frame) // len(PAYLOADS) * len(FORMULAS)


def test_csv_export_neutralises_formula_starts(frame: pd.DataFrame) -> None:
    data = tables.table_bytes(frame, "csv", title="龙陵县台账")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[1]
    text_headers = {h for h in header if h in ("合作社名称", "主导产业", "合作企业", "理事长")}
    assert len(text_headers) == 4
    for row in rows[2:]:
        for head, value in zip(header, row):
            if head in text_headers:
                assert not value.startswith(FORMULA_START), f"{head}: {value!r}"
            elif value.startswith(FORMULA_START):
                float(value)  # only a (negative) number may start with a sign


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_exports_read_back_to_the_same_text(frame: pd.DataFrame, tmp_path: Path, suffix: str) -> None:
    out = tables.export_table(frame, tmp_path / f"table{suffix}")
    back = load_registry(out).frame
    for column in TEXT_COLUMNS:
        assert list(back[column].astype(str)) == list(frame[column].astype(str)), column


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(1)", "'=1", "''+x", QUOTE, "'", "a=b"])
def test_neutralise_round_trips_through_a_file(text: str, tmp_path: Path) -> None:
    value = neutralise(text)
    assert not value.startswith(FORMULA_START)
    one = hostile_frame().head(1).copy()
    one["name"] = pd.array([text + "合作社"], dtype=one["name"].dtype)
    out = tables.export_table(one, tmp_path / "one.csv")
    assert load_registry(out).frame["name"].iloc[0] == text + "合作社"


# -- links -------------------------------------------------------------------------------------------------
HOSTILE_LINKS = {
    "unknown township": ("township=999999999", "999999999"),
    "unknown coop": ("coop=93530523MA00000000", "93530523MA00000000"),
    "path": ("township=../../etc/passwd", "../../etc/passwd"),
    "encoded path": ("township=%2e%2e%2f%2e%2e%2fetc%2fpasswd", "../../etc/passwd"),
    "coop path": ("coop=..%2F..%2F..%2Fetc%2Fpasswd", "../../../etc/passwd"),
    "markup": ("coop=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E", "<script>window.__pwned=1</script>"),
    "markup in township": ("township=%22%3E%3Csvg%20onload%3Dwindow.__pwned%3D1%3E", '"><svg onload=window.__pwned=1>'),
    "long": ("township=" + "9" * 10_000, "9" * 20),
    "long coop": ("coop=" + "A" * 10_000, "A" * 20),
    "repeated": ("township=../x&township=<b>&township=530523103", "township=../x|<b>|530523103"),
    "repeated, a good one first": ("township=530523103&township=%3Cb%3E", "township=530523103|<b>"),
    "bad lang": ("lang=%3Cscript%3E", "lang=<script>"),
    "bad level": ("level=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "level=<img"),
    "bad industry": ("industry=" + "%E2%80%AE" * 50 + "x", "industry="),
    "bad standardized": ("standardized=maybe", "standardized=maybe"),
    "unknown key": ("%3Cscript%3E=1", "<script>=1"),
    "many keys": ("&".join(f"k{i}=v" for i in range(60)), ""),
    "nul": ("township=%00%01", "township"),
}


@pytest.mark.parametrize("name", list(HOSTILE_LINKS))
def test_hostile_links_land_on_the_overview_with_a_notice(app: App, name: str) -> None:
    query, quoted = HOSTILE_LINKS[name]
    app.state.update(township=None, filters=Filters(), lang="zh", notices=())
    app.open(query)
    assert app.view == "overview"
    assert app.state.notices, f"{name}: no notice"
    notices = find_part(app.notices.widget, "cm-notices").value
    shown = Parsed(notices).text
    assert quoted in shown or name in ("many keys", "nul", "bad industry"), shown
    assert all(len(n.value) <= 200 for n in app.state.notices)  # a 10 kB value is cut
    assert_inert(notices, f"notice for {name}")
    for tag, _attrs in Parsed(notices).tags:
        assert tag == "div", tag


# -- the upload panel's check report ------------------------------------------------------------------------
def test_upload_check_report_quotes_hostile_cells_as_text(tmp_path: Path) -> None:
    from coopmap.app.upload_report import report_csv, report_html

    from helpers import coop_row, write_csv

    rows = [coop_row(1, **{"合作社名称": SCRIPT + "合作社"}),
            coop_row(2, **{"成员数": MARKUP[1]}),
            coop_row(3, **{"乡镇": MARKUP[2]}),
            coop_row(4, **{"成立时间": FORMULAS[0]})]
    path = write_csv(tmp_path / "upload<svg onload=alert(1)>.csv", rows, title=SCRIPT + "台账")
    report = load_registry(path).report
    assert report.accepted == 1 and report.rejected == 3
    for lang in ("zh", "en"):
        page = assert_inert(report_html(report, path.name, lang), f"check report ({lang})")
        for text in (MARKUP[1], MARKUP[2], FORMULAS[0], path.name):
            assert text in page.text, text
    table = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    assert any(FORMULAS[0] in cell for row in table for cell in row)
    for row in table:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or cell.lstrip("-").replace(".", "").isdigit(), cell
