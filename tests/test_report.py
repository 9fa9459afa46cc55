"""Reports to take away: an HTML file that opens offline, an A4 PDF with searchable Chinese."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from coopmap import DivisionError, ExportError, paths
from coopmap.cli import main
from coopmap.data.registry import load_registry
from coopmap.outputs.report import find_chromium, html_to_pdf, render_html, report_bytes, write_report
from coopmap.presentation.briefing import Briefing, scope_svg

NOW = dt.datetime(2025, 3, 4, 9, 30)
HAVE_PDF_TOOLS = shutil.which("chromium") is not None and shutil.which("pdftotext") is not None
needs_pdf = pytest.mark.skipif(not HAVE_PDF_TOOLS, reason="PDF printing needs /usr/bin/chromium and pdftotext (poppler-utils)")


@pytest.fixture(scope="module")
def registry():
    return load_registry(paths.SAMPLE_XLSX)


@pytest.fixture(scope="module")
def briefing(registry):
    return Briefing.from_registry(registry, now=NOW)


@pytest.fixture(scope="module")
def county_html(briefing):
    return render_html(briefing)


@pytest.fixture(scope="module")
def township_html(briefing):
    return render_html(briefing, "勐糯")


class _Resources(HTMLParser):
    """Collect everything in a page that would make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []
        self.scripts = 0
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for key in ("src", "href", "xlink:href", "poster", "data"):
            value = attrs.get(key)
            if value and not value.startswith(("#", "data:")):
                self.fetches.append(f"{tag} {key}={value}")
        if tag == "link":
            self.fetches.append(f"link {attrs}")


@pytest.mark.parametrize("which", ["county_html", "township_html"])
def test_html_report_is_self_contained(which, request):
    page = request.getfixturevalue(which)
    parser = _Resources()
    parser.feed(page)
    assert parser.fetches == [] and parser.scripts == 0
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", page) and "@import" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert len(parser.ids) == len(set(parser.ids)), "charts on one page must not share element ids"


def test_cover_says_what_data_which_boundaries_and_when(county_html):
    cover = county_html.split("</header>")[0]
    assert "龙陵县党组织领办合作社情况报告" in cover
    assert "示例数据" in cover and "longling_coops_2023_sample.xlsx" in cover and "2023年度" in cover
    assert "示意边界" in cover
    assert "生成时间：2025-03-04 09:30" in cover


def test_county_report_holds_figures_map_ranking_cases_and_reconciliation(county_html):
    assert county_html.count("<svg") == 3
    for text in ("主要数据", "覆盖情况", "乡镇排名", "典型案例", "报告数与台账计算数核对"):
        assert f">{text}<" in county_html
    # computed beside published; the coverage figure that differs is marked
    assert "71.07%" in county_html and "报告：71.67%" in county_html
    assert re.search(r'class="tile differs"><div class="label">行政村覆盖率', county_html)
    # the map's own labels are text in the SVG
    assert re.search(r"<text[^>]*>龙山</text>", county_html)
    assert "全县121个村（社区）中，86个有村级或村民小组领办的合作社" in county_html
    assert "碧寨乡坡头村" in county_html and "430 户" in county_html
    assert "共19项：一致10项，在报告范围内4项，有差异1项，台账无法计算4项。" in county_html


def test_township_report_holds_only_that_township(township_html, registry):
    assert "龙陵县勐糯镇党组织领办合作社情况报告" in township_html
    frame = registry.frame
    for name in frame.loc[frame["township"] == "530523103", "name"]:
        assert name in township_html
    for name in frame.loc[frame["township"] == "530523101", "name"]:
        assert name not in township_html
    # 沟心寨 has no cooperative of its own and no record of one serving it: 未覆盖, union or not
    assert "田坡社区" in township_html and re.search(r"<td>沟心寨村</td><td><span class=\"status-none\">未覆盖</span>", township_html)


@pytest.mark.parametrize("which", ["county_html", "township_html"])
def test_chairs_names_are_masked(which, request, registry):
    page = request.getfixturevalue(which)
    leaders = registry.frame["leader"].dropna()
    assert not [name for name in leaders if name in page]
    assert re.search(r"理事长 [\u4e00-\u9fff]\*\*", page) or re.search(r"<td>[\u4e00-\u9fff]\*\*</td>", page)


def test_english_report(registry):
    page = render_html(Briefing.from_registry(registry, lang="en", now=NOW), "530523101")
    assert 'lang="en"' in page
    assert "Party-led cooperatives of Longshan, Longling County" in page
    assert "illustrative sample data" in page and "Made: 2025-03-04 09:30" in page
    assert "Source: " in page and "Source：" not in page  # English punctuation in the footer too


def test_unknown_township_is_refused(briefing):
    with pytest.raises(DivisionError):
        render_html(briefing, "上海镇")


def test_scope_svg_prefixes_ids_and_references():
    svg = '<svg class="marks" width="10" height="5" viewBox="0 0 10 5"><defs><linearGradient id="g0"/></defs><rect fill="url(#g0)"/><use href="#g0"/></svg>'
    out = scope_svg(svg, "a b", fit=True, label="图")
    assert 'id="a_b-g0"' in out and "url(#a_b-g0)" in out and 'href="#a_b-g0"' in out
    assert 'width="100%"' in out and 'height="100%"' in out and 'aria-label="图"' in out
    assert 'viewBox="0 0 10 5"' in out


def test_wrong_suffix_is_refused(registry, tmp_path):
    with pytest.raises(ExportError, match=r"\.html or \.pdf"):
        write_report(registry, tmp_path / "r.docx")


def test_missing_chromium_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("COOPMAP_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(ExportError, match="install Chromium"):
        find_chromium()
    monkeypatch.delenv("COOPMAP_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ExportError, match="apt install chromium"):
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_cli_pdf_without_chromium_exits_2(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("COOPMAP_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert main(["report", "--format", "pdf", "--out", str(tmp_path / "r.pdf")]) == 2
    assert "install Chromium" in capsys.readouterr().err


def test_cli_html(tmp_path, capsys):
    out = tmp_path / "nested" / "mucheng.html"
    assert main(["report", "--township", "木城", "--format", "html", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "木城彝族傈僳族乡" in page
    assert str(out) in capsys.readouterr().out


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
@needs_pdf
def test_pdf_is_a4_with_searchable_chinese_and_vector_charts(briefing, tmp_path):
    pdf = tmp_path / "county.pdf"
    pdf.write_bytes(report_bytes(briefing, "pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3
    text = _pdf_text(pdf)
    assert "龙陵" in text
    assert "示例数据" in text and "生成时间：2025-03-04 09:30" in text
    # the map's note is drawn inside the chart: found as text, so the chart is vector
    assert "示意边界：由乡镇位置推算，非法定界线" in text
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 2, f"charts must not be raster images:\n{images}"


@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
@needs_pdf
def test_cli_township_pdf(tmp_path):
    out = tmp_path / "bizhai.pdf"
    assert main(["report", "--township", "530523203", "--format", "pdf", "--out", str(out)]) == 0
    text = _pdf_text(out)
    assert "龙陵县碧寨乡党组织领办合作社情况报告" in text.replace(" ", "")
    assert "坡头村" in text


def test_a_small_real_registry(registry_csv):
    from helpers import coop_row

    path = registry_csv([coop_row(1), coop_row(2, **{"领办层级": "乡镇", "村（社区）": "", "主导产业": "茶叶"})],
                        title="碧寨乡合作社台账")
    small = load_registry(path)
    assert small.report.accepted == 2 and not small.illustrative
    page = render_html(Briefing.from_registry(small, now=NOW))
    cover = page.split("</header>")[0]
    assert "示例" not in cover and "台账文件 registry.csv（文件日期 " in cover and "2023年度" in cover
    assert "主要数据" in page and page.count("<svg") == 3
    assert "台账中未找到对应合作社" in page  # the named cases are not in this registry
    assert "全县121个村（社区）中，1个有村级或村民小组领办的合作社" in page


def test_official_boundaries_are_named_on_the_cover(registry):
    from helpers import REAL_BOUNDARIES

    if not REAL_BOUNDARIES.exists():
        pytest.skip(f"real township boundaries not found at {REAL_BOUNDARIES} (they are not part of the project)")
    page = render_html(Briefing.from_registry(registry, boundaries=str(REAL_BOUNDARIES), now=NOW))
    cover = page.split("</header>")[0]
    assert "边界：乡镇边界文件 longling_townships.geojson" in cover
    assert "示意边界" not in page
