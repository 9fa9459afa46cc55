"""What the Data panel says about an uploaded file, in headless Chromium with the network cut.

The dashboard runs on the shipped sample with a temporary local data folder. An official
uploads the sample with one 龙山镇 cooperative's member count typed as ``3O``: the panel
says in Chinese what is wrong, names the cooperative, shows the value with the letter O
marked (its tooltip: 字母 O，不是数字 0), lists the cooperative as left out and shows
龙山镇 going from 61.1% to 55.6%. Then a county sheet as offices fill it (instructions
sheet, two-row header, 序号, pre-numbered empty rows, 合计, signature line): the
template's rows are skipped with their reasons, not rejected. Nothing is accepted.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coopmap.data.divisions import load_divisions

from helpers import PROJECT, write_csv
from helpers.browser import LOAD_TIMEOUT_MS, screenshot, start_dashboard

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

SAMPLE_CSV = PROJECT / "data" / "registry" / "longling_coops_2023_sample.csv"
COUNTY_SHEET = PROJECT / "tests" / "data" / "bad" / "county_sheet.xlsx"
REPORT = ".cm-upload-report"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COOPMAP_DATA_LOCAL", str(tmp_path_factory.mktemp("local")))
        running = start_dashboard(tmp_path_factory.mktemp("serve-check"))
    yield running
    running.stop()


def upload(page, path: Path) -> None:
    """Choose a file with the panel's upload button, as an official does."""
    with page.expect_file_chooser() as chooser:
        page.locator(".cm-upload").click()
    chooser.value.set_files(str(path))


def sample_with_a_letter_o(folder: Path) -> tuple[Path, dict[str, str], int, tuple[float, float]]:
    """The shipped sample with 成员数 3O for a 龙山镇 cooperative that alone covers its village.

    Returns the file, the row changed, 龙山镇's cooperatives and its village coverage
    (percent) before and after.
    """
    lines = SAMPLE_CSV.read_text(encoding="utf-8-sig").splitlines()
    header = next(csv.reader([lines[1]]))
    rows = [dict(zip(header, r)) for r in csv.reader(lines[2:])]
    own = [r for r in rows if r["乡镇"] == "龙山镇" and r["领办层级"] in ("村", "村民小组")]
    alone = next(r for r in own if sum(o["村（社区）"] == r["村（社区）"] for o in own) == 1)
    alone["成员数"] = "3O"
    villages = len(load_divisions().villages_of("530523101"))
    covered = len({r["村（社区）"] for r in own})
    path = write_csv(folder / "龙陵县台账（龙山镇改）.csv", rows, title="龙陵县党组织领办合作社台账（龙山镇改）", header=header)
    coops = sum(r["乡镇"] == "龙山镇" for r in rows)
    return path, alone, coops, (100 * covered / villages, 100 * (covered - 1) / villages)


def test_a_letter_o_for_a_zero_is_shown_marked_with_its_cooperative_and_what_accepting_changes(page, served, tmp_path: Path) -> None:
    path, row, coops_before, (before, after) = sample_with_a_letter_o(tmp_path)
    page.goto(served.url, timeout=LOAD_TIMEOUT_MS)
    page.locator(".cm-data-toggle").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.locator(".cm-data-toggle").click()
    upload(page, path)
    report = page.locator(REPORT)
    expect(report).to_contain_text("拒绝 1 行", timeout=60_000)

    errors = page.locator(".cm-upload-errors tbody tr")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[1].split("\n") == [row["合作社名称"], row["统一社会信用代码"]], "the cooperative: name and credit code"
    assert cells[2:] == ["成员数", "3O", "“3O”中的 O 是字母，不是数字 0；请改为数字"]
    mark = errors.first.locator(".cm-issue-value mark")
    expect(mark).to_have_count(1)
    assert mark.inner_text() == "O" and mark.get_attribute("title") == "字母 O，不是数字 0"
    value = errors.first.locator(".cm-issue-value")
    assert "monospace" in value.evaluate("el => getComputedStyle(el).fontFamily")
    assert mark.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    mark.hover()  # the tooltip is the browser's own (title); the mark stays in place under the pointer

    left_out = page.locator(".cm-left-out tbody tr")
    expect(left_out).to_have_count(1)
    assert row["合作社名称"] in left_out.inner_text() and row["统一社会信用代码"] in left_out.inner_text()
    changes = page.locator(".cm-changes tbody tr")
    expect(changes).to_have_count(1)
    town, coops, coverage = changes.first.locator("td").all_inner_texts()
    assert town == "龙山镇" and coverage == f"{before:.1f}% → {after:.1f}%" == "61.1% → 55.6%"
    assert coops == f"{coops_before} → {coops_before - 1}"
    expect(page.locator(".cm-acknowledge")).to_contain_text("1 行未通过校验")
    page.locator(".cm-upload-errors").scroll_into_view_if_needed()
    screenshot(page, "upload-check-letter-o")
    page.guard.assert_clean()


def test_a_county_sheet_skips_its_template_rows_with_their_reasons(page, served) -> None:
    page.goto(served.url, timeout=LOAD_TIMEOUT_MS)
    page.locator(".cm-data-toggle").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.locator(".cm-data-toggle").click()
    upload(page, COUNTY_SHEET)
    report = page.locator(REPORT)
    expect(report).to_contain_text("跳过 12 行", timeout=60_000)
    expect(report).to_contain_text("读取 18 行")
    expect(report).to_contain_text("接受 5 行")
    expect(report).to_contain_text("拒绝 1 行")
    expect(page.locator(".cm-upload-errors .cm-issue-name")).to_have_text(["龙陵县测试6号专业合作社"])
    report.locator("summary", has_text="跳过的行").click()
    skipped = page.locator(".cm-upload-notes").first.locator("tbody tr")
    expect(skipped).to_have_count(12)
    reasons = [r.split("\t")[-1] for r in skipped.all_inner_texts()]
    assert reasons == ["空行（仅有序号）"] * 9 + ["合计行（合计/小计/总计）", "空行", "签字行"]
    assert skipped.last.locator("td").first.inner_text() == "22"
    screenshot(page, "upload-check-county-sheet")
    page.guard.assert_clean()
