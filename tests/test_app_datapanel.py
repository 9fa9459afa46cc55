"""The dashboard's Data panel: upload a registry, read the check, accept it, switch versions.

Every test stores its versions in a temporary ``COOPMAP_DATA_LOCAL``: nothing is written
into the project's ``data/local``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest

from coopmap.app import App, AppData
from coopmap.app.parts import find_part
from coopmap.app.upload_report import can_accept, report_csv, report_html
from coopmap.data import sources, versions
from coopmap.data.divisions import load_divisions
from coopmap.data.registry import load_registry
from coopmap.geo.schematic import schematic_townships

from helpers import PROJECT, coop_row, write_csv

BIZHAI, MENGNUO = "530523203", "530523103"


def part(drawer, css: str):
    """The drawer's widget with the CSS class ``css`` (its widgets are private; see coopmap.app.parts)."""
    return find_part(drawer.widget, css)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def first_rows() -> list[dict[str, object]]:
    return [coop_row(900 + i) for i in range(3)]


def second_rows(bad: dict[str, object] | None = None) -> list[dict[str, object]]:
    """Five cooperatives in two townships, the last one with ``bad`` cells."""
    rows = [coop_row(910 + i, **{"乡镇": "勐糯镇", "村（社区）": "田坡社区"}) for i in range(4)]
    rows.append(coop_row(920, **(bad or {})))
    return rows


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> AppData:
    path = write_csv(tmp_path_factory.mktemp("first") / "first.csv", first_rows(), title="龙陵县党组织领办合作社台账（第一版）")
    loaded = load_registry(path)
    towns = schematic_townships()
    return AppData(frame=loaded.frame, divisions=load_divisions(), boundaries=towns, schematic=True,
                   boundaries_source=towns.attrs["source"], registry_source=str(path), illustrative=False,
                   title=loaded.report.title, report=loaded.report, file_date=dt.date.fromtimestamp(path.stat().st_mtime))


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary local data folder; the repository's data/local is never touched."""
    local = tmp_path / "local"
    monkeypatch.setenv("COOPMAP_DATA_LOCAL", str(local))
    monkeypatch.delenv("COOPMAP_REGISTRY", raising=False)
    assert sources.local_dir() == local
    return local / "registry"


@pytest.fixture
def app(base: AppData, store: Path) -> App:
    app = App(base)
    app.data_panel.open()
    return app


def csv_bytes(tmp_path: Path, rows: list[dict[str, object]], title: str) -> bytes:
    return write_csv(tmp_path / "upload.csv", rows, title=title).read_bytes()


def test_panel_opens_from_the_header_and_closes_the_download_menu(base: AppData, store: Path) -> None:
    app = App(base)
    assert app.data_panel.toggle in find_part(app.header.widget, "cm-tools").children
    assert app.data_panel.widget.layout.display == "none" and app.data_panel.toggle.description == "数据"
    app.downloads.open()
    app.data_panel.toggle.value = True  # the visitor's click
    assert app.data_panel.widget.layout.display is None
    assert not app.downloads.is_open and app.downloads.widget.layout.display == "none"
    assert "尚未接受任何版本" in text(part(app.data_panel, "cm-versions").value)
    assert part(app.data_panel, "cm-upload").accept == ".xlsx,.xls,.csv"


def test_a_clean_file_is_shown_then_stored_only_on_accept(app: App, store: Path, tmp_path: Path) -> None:
    panel = app.data_panel
    data = csv_bytes(tmp_path, second_rows(), "龙陵县党组织领办合作社台账（第二版）")
    # the browser's FileUpload value, as ipywidgets 8 delivers it
    part(panel, "cm-upload").value = ({"name": "第二版.csv", "type": "text/csv", "size": len(data), "content": memoryview(data),
                           "last_modified": dt.datetime.now()},)
    assert part(panel, "cm-upload").value == ()  # ready for the same file again
    report = text(part(panel, "cm-upload-report").value)
    assert "读取 5 行" in report and "接受 5 行" in report and "拒绝 0 行" in report and "跳过 0 行" in report
    assert "所有数据行均通过校验" in report
    assert part(panel, "cm-acknowledge").layout.display == "none"
    assert not part(panel, "cm-accept").disabled
    assert versions.list_versions() == [], "nothing is stored before accept"
    assert app.data.registry_source.endswith("first.csv")

    version = panel.accept()
    assert version is not None and version.active and version.path.parent == store
    assert version.id.endswith("第二版.csv") and version.accepted == 5
    assert not list((store / ".incoming").rglob("*.csv")), "the upload is cleaned up"
    # the dashboard shows the new version: provenance, tiles, township table
    assert app.data.registry_source == str(version.path)
    assert version.id in find_part(app.header.widget, "cm-provenance").value
    assert len(app.data.frame) == 5
    app.state.update(township=MENGNUO)
    assert len(app.township.table.matching) == 4
    assert "已接受" in text(part(panel, "cm-update-status").value) and version.id in part(panel, "cm-update-status").value
    listed = text(part(panel, "cm-versions").value)
    assert "第二版.csv" in listed and "当前" in listed and "5 / 0" in listed
    assert [v for _, v in part(panel, "cm-version-pick").options] == [version.id, "base"]
    assert part(panel, "cm-version-pick").options[0][0].endswith("第二版.csv（当前）"), "i18n.paren marks the active one"
    assert not (PROJECT / "data" / "local" / "registry" / version.id).exists()


def test_rejected_rows_are_listed_and_need_the_acknowledgement(app: App, store: Path, tmp_path: Path) -> None:
    panel = app.data_panel
    bad = second_rows({"成员数": "<img src=x onerror=alert(1)>"})
    upload = panel.receive("有问题的台账.csv", csv_bytes(tmp_path, bad, "龙陵县党组织领办合作社台账（有错）"))
    assert upload is not None and upload.registry.report.rejected == 1
    html = part(panel, "cm-upload-report").value
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html, "values show as text"
    rows = re.findall(r'<tr><td class="cm-num">(\d+)</td><td class="cm-issue-coop"><div class="cm-issue-name">([^<]*)</div>'
                      r'.*?</td><td>([^<]*)</td><td class="cm-issue-value">([^<]*)</td>', html)
    assert rows == [("7", "龙陵县测试920号专业合作社", "成员数", "&lt;img src=x onerror=alert(1)&gt;")], \
        "title row 1, header row 2, fifth cooperative on row 7"
    assert "拒绝 1 行" in text(html) and "接受 4 行" in text(html)
    assert 'class="cm-issues-scroll cm-upload-errors"' in html
    # Accept waits for the visible acknowledgement
    assert part(panel, "cm-acknowledge").layout.display is None and "1 行未通过校验" in part(panel, "cm-acknowledge").description
    assert part(panel, "cm-accept").disabled
    assert "请先勾选" in text(part(panel, "cm-accept-reason").value)
    assert panel.accept() is None and versions.list_versions() == []
    part(panel, "cm-acknowledge").value = True
    assert not part(panel, "cm-accept").disabled
    version = panel.accept()
    assert version is not None and version.acknowledged_rejected and version.rejected == 1
    assert "4 行有效，1 行未通过校验" in text(find_part(app.header.widget, "cm-provenance").value)
    assert not part(panel, "cm-acknowledge").value and part(panel, "cm-acknowledge").layout.display == "none"


@pytest.mark.slow  # 2-5 s of CPU (make test-fast leaves it out)
def test_switching_back_to_an_older_version(app: App, store: Path, tmp_path: Path) -> None:
    panel = app.data_panel
    panel.receive("第二版.csv", csv_bytes(tmp_path, second_rows(), "第二版"))
    first = panel.accept()
    panel.receive("第三版.csv", csv_bytes(tmp_path, first_rows()[:2], "第三版"))
    second = panel.accept()
    assert first is not None and second is not None and first.id != second.id
    assert len(app.data.frame) == 2
    assert [v for _, v in part(panel, "cm-version-pick").options] == [second.id, first.id, "base"]
    assert part(panel, "cm-activate").disabled  # the newest, active and shown, is chosen
    app.state.update(lang="en")
    part(panel, "cm-version-pick").value = first.id
    assert not part(panel, "cm-activate").disabled
    part(panel, "cm-activate").click()
    assert versions.active_version().id == first.id
    assert app.data.registry_source == str(first.path) and len(app.data.frame) == 5
    assert first.id in find_part(app.header.widget, "cm-provenance").value
    assert app.state.lang == "en" and "Switched to version" in text(part(panel, "cm-update-status").value)
    assert "active" in text(part(panel, "cm-versions").value)


def test_reload_keeps_language_and_township_and_closes_old_widgets(app: App, store: Path, tmp_path: Path) -> None:
    app.state.update(township=BIZHAI, lang="en")
    old_map = app.map.charts["map"].chart
    old_header = app.header
    app.data_panel.receive("v.csv", csv_bytes(tmp_path, second_rows(), "v"))
    app.data_panel.accept()
    assert app.state.township == BIZHAI and app.state.lang == "en" and app.view == "township"
    assert app.header is not old_header and app.header.widget in app.widget.children
    assert old_map.comm is None, "the old chart widget left the page"
    assert app.map.charts["map"].chart is not old_map and app.map.charts["map"].chart.comm is not None
    assert app.data_panel.toggle.comm is not None and app.data_panel.toggle in find_part(app.header.widget, "cm-tools").children
    assert app.data_panel.widget in app.widget.children and app.data_panel.is_open


def test_unreadable_file_says_why_and_stores_nothing(app: App, store: Path) -> None:
    panel = app.data_panel
    assert panel.receive("照片.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64) is None
    status = text(part(panel, "cm-update-status").value)
    assert "无法读取 照片.xlsx" in status and "PNG" in status
    assert panel.pending is None and part(panel, "cm-accept").disabled
    assert not list(store.rglob("*.xlsx"))
    assert panel.receive("notes.docx", b"hello") is None
    assert "not a registry file name" in text(part(panel, "cm-update-status").value)


def test_discard_removes_the_upload(app: App, store: Path, tmp_path: Path) -> None:
    panel = app.data_panel
    upload = panel.receive("v.csv", csv_bytes(tmp_path, second_rows(), "v"))
    assert upload is not None and upload.path.exists()
    part(panel, "cm-discard").click()
    assert not upload.path.exists() and panel.pending is None
    assert part(panel, "cm-accept").disabled and "已放弃" in text(part(panel, "cm-update-status").value)
    assert versions.list_versions() == []


def test_a_file_without_any_accepted_row_cannot_be_accepted(app: App, tmp_path: Path) -> None:
    panel = app.data_panel
    rows = [coop_row(930, **{"成员数": "x"}), coop_row(931, **{"乡镇": "不存在乡"})]
    panel.receive("全错.csv", csv_bytes(tmp_path, rows, "全错"))
    part(panel, "cm-acknowledge").value = True
    assert part(panel, "cm-accept").disabled and "没有通过校验的行" in text(part(panel, "cm-accept-reason").value)
    assert panel.accept() is None and versions.list_versions() == []


def test_check_report_lists_every_issue_and_is_safe_in_excel(tmp_path: Path) -> None:
    rows = [coop_row(940 + i, **{"成员数": f"=1+{i}"}) for i in range(3)]
    report = load_registry(write_csv(tmp_path / "r.csv", rows, title="t")).report
    assert report.rejected == 3
    html = report_html(report, "r.csv", "en", limit=2)
    assert "3 rejected" in text(html) and "Members" in html and "1 more not listed" in text(html)
    data = report_csv(report, "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "类别,行,合作社,统一社会信用代码,列,值,问题" and len(lines) == 4
    assert all(",'=1+" in line for line in lines[1:]), "formula-like values are neutralised"
    assert lines[1].startswith("错误,3,龙陵县测试940号专业合作社,9353052300") and "不是数字" in lines[1]
    assert "not a number" in report_csv(report, "en").decode("utf-8-sig").splitlines()[1]
    assert can_accept(report, True) == (False, "app.update.no_rows")
    assert can_accept(None, True)[0] is False


def test_a_page_prepared_before_an_accept_opens_on_the_active_version(base: AppData, store: Path, tmp_path: Path) -> None:
    prepared = App(base)
    prepared.follows_default = True  # built from the default registry, as build_app does
    upload = write_csv(tmp_path / "new.csv", second_rows(), title="新版")
    version = versions.accept(upload, name="新版.csv")
    prepared.open("township=" + MENGNUO)
    assert prepared.data.registry_source == str(version.path)
    assert prepared.state.township == MENGNUO and len(prepared.township.table.matching) == 4


def _marked(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<mark class="cm-odd[^"]*" title="([^"]*)">([^<]*)</mark>', html)


def test_a_rejected_value_is_explained_in_the_page_language_naming_its_cooperative(app: App, tmp_path: Path) -> None:
    panel = app.data_panel
    code = str(coop_row(920)["统一社会信用代码"])
    panel.receive("有错.csv", csv_bytes(tmp_path, second_rows({"成员数": "3O"}), "有错"))
    html = part(panel, "cm-upload-report").value
    errors = html[html.index("cm-upload-errors"):html.index("</table>", html.index("cm-upload-errors"))]
    assert "龙陵县测试920号专业合作社" in errors and code in errors, "the row's cooperative: name and credit code"
    assert '<td class="cm-issue-value">3<mark' in errors and _marked(errors) == [("字母 O，不是数字 0", "O")]
    assert "“3O”中的 O 是字母，不是数字 0；请改为数字" in text(errors)
    assert "holds the letter" not in html, "no English in the Chinese page"
    app.state.update(lang="en")
    html = part(panel, "cm-upload-report").value
    assert _marked(html) == [("the letter O, not the digit 0", "O")]
    assert "'3O' holds the letter O, not the digit 0; type the digit" in unescape(text(html))


def test_skipped_rows_and_warnings_follow_the_page_language(app: App, tmp_path: Path) -> None:
    rows = second_rows() + [{"统一社会信用代码": "合计", "成员数": "60"}]
    app.data_panel.receive("合计.csv", csv_bytes(tmp_path, rows, "带合计"))
    assert "合计行（合计/小计/总计）" in text(part(app.data_panel, "cm-upload-report").value)
    app.state.update(lang="en")
    assert "total row (合计/小计/总计)" in text(part(app.data_panel, "cm-upload-report").value)


def test_before_accepting_the_panel_names_who_is_left_out_and_what_changes_per_township(store: Path, tmp_path: Path) -> None:
    """The issue's case: one village-led cooperative of 龙山镇 with 成员数 3O takes 龙山镇 from 61.1% to 55.6%."""
    sample = PROJECT / "data" / "registry" / "longling_coops_2023_sample.csv"
    app = App(AppData.load(sample))
    app.data_panel.open()
    lines = sample.read_text(encoding="utf-8-sig").splitlines()
    header = next(csv.reader([lines[1]]))
    rows = [dict(zip(header, r)) for r in csv.reader(lines[2:])]
    villages = load_divisions().villages_of("530523101")
    covered = {r["村（社区）"] for r in rows if r["乡镇"] == "龙山镇" and r["领办层级"] in ("村", "村民小组")}
    alone = next(r for r in rows if r["乡镇"] == "龙山镇" and r["领办层级"] == "村"
                 and sum(o["村（社区）"] == r["村（社区）"] and o["领办层级"] != "乡镇" for o in rows) == 1)
    alone["成员数"] = "3O"
    before, after = 100 * len(covered) / len(villages), 100 * (len(covered) - 1) / len(villages)
    assert (f"{before:.1f}", f"{after:.1f}") == ("61.1", "55.6")
    coops = sum(r["乡镇"] == "龙山镇" for r in rows)
    upload = app.data_panel.receive("改.csv", write_csv(tmp_path / "改.csv", rows, title="龙陵县台账（改）", header=header).read_bytes())
    assert upload is not None and upload.registry.report.rejected == 1
    html = part(app.data_panel, "cm-upload-report").value
    left_out = html[html.index("cm-left-out"):]
    assert "以下 1 个合作社未通过校验，不会在仪表板中显示" in text(html)
    assert alone["合作社名称"] in left_out and alone["统一社会信用代码"] in left_out
    changes = re.findall(r"<tr><td>([^<]*)</td><td class=\"cm-num\">(.*?)</td><td class=\"cm-num\">(.*?)</td></tr>",
                         html[html.index("cm-changes"):])
    assert [(town, text(n).strip(), text(c).strip()) for town, n, c in changes] == [
        ("龙山镇", f"{coops} → {coops - 1}", f"{before:.1f}% → {after:.1f}%")], "only 龙山镇 changes"
    app.state.update(lang="en")
    english = text(part(app.data_panel, "cm-upload-report").value)
    assert "1 cooperative(s) failed the checks" in english and "Longshan 12 → 11 61.1% → 55.6%" in english


def test_a_file_that_changes_nothing_says_so(app: App, tmp_path: Path) -> None:
    app.data_panel.receive("同.csv", csv_bytes(tmp_path, first_rows(), "同"))
    assert "各乡镇的合作社数和村级覆盖率与本页现在显示的数据相同" in text(part(app.data_panel, "cm-upload-report").value)
    assert "cm-left-out" not in part(app.data_panel, "cm-upload-report").value
