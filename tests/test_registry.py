"""Loading registries as county offices keep them: every row accounted for."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from coopmap import RegistryError
from coopmap.data.registry import load_registry, write_registry
from coopmap.data.schema import HEADERS_ZH

from helpers import HEADER, coop_row, write_csv

TODAY = dt.date(2024, 6, 30)


def load(path, **kw):
    return load_registry(path, today=TODAY, **kw)


def errors_of(report, column=None):
    return [e for e in report.errors if column is None or e.column == column]


def test_valid_rows_load_in_canonical_form(registry_csv):
    reg = load(registry_csv([coop_row(1), coop_row(2, **{"领办层级": "乡镇", "村（社区）": ""})]))
    r = reg.report
    assert (r.rows_read, r.accepted, r.rejected, r.skipped) == (2, 2, 0, 0)
    row = reg.frame.iloc[0]
    assert row["township"] == "530523203" and row["village"] == "530523203212"
    assert row["lead_level"] == "village" and row["formation"] == "new"
    assert bool(row["standardized"]) and row["members"] == 12 and row["land_mu"] == 100.5
    assert row["source_row"] == 2
    assert reg.frame.iloc[1]["lead_level"] == "township"


def test_title_rows_above_header_are_ignored_and_row_numbers_count_them(registry_csv):
    reg = load(registry_csv([coop_row(1), coop_row(2, **{"成员数": "4"})], title="龙陵县合作社台账（示例数据）"))
    assert reg.report.header_row == 2
    assert reg.report.illustrative
    (err,) = reg.report.errors
    assert (err.row, err.column, err.value) == (4, "members", "4")
    assert "at least 5" in err.message


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"统一社会信用代码": "93530523MA6K12345X"}, "uscc", "check character"),
        ({"统一社会信用代码": "9353052"}, "uscc", "18 characters"),
        ({"统一社会信用代码": "93530523OA6K12345X"}, "uscc", "not allowed"),
        ({"合作社名称": ""}, "name", "required"),
        ({"领办层级": "县级"}, "lead_level", "乡镇, 村 or 村民小组"),
        ({"乡镇": "保山市"}, "township", "not a township"),
        ({"村（社区）": ""}, "village", "village is required"),
        ({"村（社区）": "田坡社区"}, "village", "not a village of 碧寨乡"),
        ({"领办层级": "小组"}, "group", "group is required"),
        ({"组建方式": "合并"}, "formation", "新组建 or 改造提升"),
        ({"规范运行": "也许"}, "standardized", "yes or no"),
        ({"成立时间": "2099-01-01"}, "founded", "future"),
        ({"成立时间": "去年"}, "founded", "not a date"),
        ({"书记兼任理事长": ""}, "chair_is_secretary", "required"),
        ({"交叉任职人数": "-1"}, "cross_appointed", "at least 0"),
        ({"交叉任职人数": "1.5"}, "cross_appointed", "whole number"),
        ({"成员数": "4"}, "members", "at least 5"),
        ({"带动农户数": "-3"}, "households", "at least 0"),
        ({"流转土地（亩）": "很多"}, "land_mu", "not a number"),
        ({"经营收入（万元）": "-0.5"}, "revenue", "at least 0"),
        ({"带动群众增收（万元）": ""}, "farmer_income", "required"),
        ({"村集体增收（万元）": "abc"}, "collective_income", "not a number"),
        ({"年度": "二〇二三"}, "year", "not a number"),
    ],
)
def test_each_rule_rejects_with_row_column_value(registry_csv, overrides, column, fragment):
    reg = load(registry_csv([coop_row(1), coop_row(2, **overrides)]))
    r = reg.report
    assert (r.accepted, r.rejected) == (1, 1)
    errs = errors_of(r, column)
    assert errs, r.errors
    assert errs[0].row == 3
    assert fragment in errs[0].message
    header, raw = next(iter(overrides.items()))
    if HEADERS_ZH[column] == header:
        assert errs[0].value == raw


def test_one_error_per_problem_in_a_row(registry_csv):
    reg = load(registry_csv([coop_row(1, **{"成员数": "2", "成立时间": "2099-01-01", "经营收入（万元）": "-1"})]))
    assert {e.column for e in reg.report.errors} == {"members", "founded", "revenue"}
    assert reg.report.rejected == 1


def test_duplicate_uscc_rejects_later_row_naming_earlier(registry_csv):
    reg = load(registry_csv([coop_row(1), coop_row(2), coop_row(1)]))
    (err,) = reg.report.errors
    assert err.row == 4 and err.column == "uscc" and "row 2" in err.message
    assert reg.report.accepted == 2


def test_blank_and_total_rows_are_skipped_and_counted(registry_csv):
    rows = [coop_row(1), {}, coop_row(2), coop_row(3, **{"统一社会信用代码": "合计"}), coop_row(4, **{"合作社名称": "小计"})]
    r = load(registry_csv(rows)).report
    assert (r.rows_read, r.accepted, r.rejected, r.skipped) == (5, 2, 0, 3)
    assert [s.row for s in r.skipped_rows] == [3, 5, 6]
    assert [s["row"] for s in json.loads(r.to_json())["skipped_rows"]] == [3, 5, 6], "row numbers, as numbers"


def test_template_numbers_and_signature_lines_are_skipped_with_their_reason(tmp_path):
    """A county template numbered further than it was filled, signed at the bottom (CSV: every cell is text)."""
    header = ["序号"] + HEADER
    rows = [["1"] + [coop_row(1)[h] for h in HEADER], ["2"] + [coop_row(2)[h] for h in HEADER]]
    rows.append(["3", "", "龙陵县测试3号专业合作社", "村", "碧寨乡"])  # begun, not finished: a cooperative's row
    rows += [["4"], ["５"], ["6."], ["7", "", "", "", "", "", "", "", "", "", "", "", "", "30"]]  # the last has a value
    rows.append(["合计", "", "", "", "", "", "", "", "", "", "", "", "", "24"])
    rows.append(["填表人：", "张三", "", "审核人：", "李四", "", "填报日期：2024年1月5日"])
    rows.append(["审核人", "王五"])
    path = tmp_path / "county.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["龙陵县党组织领办合作社台账"], header] + rows)
    r = load(path).report
    assert r.rows_read == r.accepted + r.rejected + r.skipped == 10
    assert (r.accepted, r.rejected, r.skipped) == (2, 2, 6)
    assert [(s.row, s.value, s.text("zh")) for s in r.skipped_rows] == [
        (6, "4", "空行（仅有序号）"), (7, "５", "空行（仅有序号）"), (8, "6.", "空行（仅有序号）"),
        (10, "合计", "合计行（合计/小计/总计）"), (11, "填表人：", "签字行"), (12, "审核人", "签字行"),
    ]
    assert r.skipped_rows[0].text("en") == "blank row with only its serial number (序号)"
    assert r.skipped_rows[-1].text("en").startswith("signature line")
    # a number and anything else is a cooperative's row: rejected, each missing cell named
    assert sorted({e.row for e in r.errors}) == [5, 9]
    assert {e.column for e in r.errors if e.row == 5} >= {"uscc", "members", "year"}
    assert not [w for w in r.warnings if "序号" in w.value], "the serial column is expected, not an unknown column"


def test_money_in_yuan_header_converted(registry_csv):
    header = [h.replace("经营收入（万元）", "经营收入（元）") for h in HEADER]
    row = coop_row(1, **{"经营收入（元）": "125,000"})
    reg = load(write_csv(Path(registry_csv([]).parent) / "yuan.csv", [row], header=header))
    assert reg.frame.iloc[0]["revenue"] == pytest.approx(12.5)


def test_fullwidth_traditional_and_spaced_headers(registry_csv, tmp_path):
    header = [h.replace("乡镇", "鄉鎮").replace("成员数", " 成員數 ").replace("流转土地（亩）", "流转土地(亩)") for h in HEADER]
    row = {h2: coop_row(1)[h1] for h1, h2 in zip(HEADER, header)}
    row["鄉鎮"] = "碧寨鄉"
    reg = load(write_csv(tmp_path / "t.csv", [row], header=header))
    assert reg.report.accepted == 1 and reg.frame.iloc[0]["members"] == 12


def test_gbk_csv_detected(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [coop_row(1), coop_row(2)], title="台账", encoding="gbk")
    reg = load(path)
    assert reg.report.accepted == 2
    assert reg.frame.iloc[0]["name"].startswith("龙陵县")


def test_unknown_column_is_a_warning(tmp_path):
    header = HEADER + ["备注"]
    reg = load(write_csv(tmp_path / "x.csv", [coop_row(1, 备注="无")], header=header))
    assert reg.report.accepted == 1
    assert any("备注" in w.value for w in reg.report.warnings)


def test_duplicated_header_is_a_file_error(tmp_path):
    header = HEADER + ["成员数"]
    with pytest.raises(RegistryError, match="both hold 成员数"):
        load(write_csv(tmp_path / "d.csv", [coop_row(1)], header=header))


def test_missing_required_column_is_a_file_error(tmp_path):
    header = [h for h in HEADER if h != "年度"]
    with pytest.raises(RegistryError, match="lacks required columns: 年度"):
        load(write_csv(tmp_path / "m.csv", [coop_row(1)], header=header))


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(None, "no such file"), (b"", "no header row"), (b"a,b\n1,2\n", "no header row"), (b"\x00\x01\x02binary", "binary")],
)
def test_unreadable_files_raise_registry_error(tmp_path, content, fragment):
    path = tmp_path / "f.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RegistryError, match=fragment):
        load(path)


def test_header_without_rows(tmp_path):
    with pytest.raises(RegistryError, match="no rows"):
        load(write_csv(tmp_path / "e.csv", []))


def test_xlsx_with_merged_title_date_cells_and_excel_serials(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "龙陵县党组织领办合作社台账"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "填报单位：县委组织部"
    for j, h in enumerate(HEADER, start=1):
        sheet.cell(row=3, column=j, value=h)
    values = coop_row(1)
    values["成立时间"] = dt.datetime(2021, 5, 6)
    values["成员数"] = 12
    values["经营收入（万元）"] = 12.5
    for j, h in enumerate(HEADER, start=1):
        sheet.cell(row=4, column=j, value=values[h])
    values = coop_row(2, **{"成立时间": 44322})  # an Excel serial typed as a number
    for j, h in enumerate(HEADER, start=1):
        sheet.cell(row=5, column=j, value=values[h])
    path = tmp_path / "office.xlsx"
    book.save(path)
    reg = load(path)
    assert reg.report.header_row == 3 and reg.report.accepted == 2
    assert reg.frame.iloc[0]["source_row"] == 4
    assert str(reg.frame.iloc[1]["founded"].date()) == "2021-05-06"


def test_xlsx_sheet_by_name_and_unknown_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    data = book.create_sheet("台账")
    for j, h in enumerate(HEADER, start=1):
        data.cell(row=1, column=j, value=h)
        data.cell(row=2, column=j, value=coop_row(1)[h])
    path = tmp_path / "two.xlsx"
    book.save(path)
    assert load(path, sheet="台账").report.accepted == 1
    with pytest.raises(RegistryError, match="no sheet named '汇总'; the sheets are 说明, 台账"):
        load(path, sheet="汇总")


def test_warnings_for_old_founding_and_non_coop_uscc(registry_csv):
    from coopmap.data import uscc

    reg = load(registry_csv([coop_row(1, **{"成立时间": "2005-01-01"}), coop_row(2, **{"统一社会信用代码": uscc.make("530523", 2, prefix="91")})]))
    assert reg.report.accepted == 2
    messages = {w.column: w.message for w in reg.report.warnings}
    assert "2007-07-01" in messages["founded"] and "93" in messages["uscc"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_write_then_load_round_trip(registry_csv, tmp_path, suffix):
    rows = [coop_row(1), coop_row(2, 合作社名称="=HYPERLINK(\"x\")"), coop_row(3, **{"领办层级": "乡镇", "村（社区）": ""})]
    original = load(registry_csv(rows)).frame
    path = write_registry(original, tmp_path / f"out{suffix}", title="标题")
    again = load(path)
    assert again.report.rejected == 0 and again.report.accepted == 3
    cols = [c for c in original.columns if c != "source_row"]
    assert again.frame[cols].astype(str).equals(original[cols].astype(str))


def test_csv_export_has_bom_and_neutralised_formula(registry_csv, tmp_path):
    original = load(registry_csv([coop_row(1, 合作社名称="=1+1")])).frame
    path = write_registry(original, tmp_path / "o.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "'=1+1" in raw.decode("utf-8-sig")


def test_report_json_keys(registry_csv):
    data = json.loads(load(registry_csv([coop_row(1)])).report.to_json())
    assert {"rows_read", "accepted", "rejected", "skipped", "errors", "warnings"} <= set(data)


def test_rejected_rows_name_their_cooperative(registry_csv):
    from coopmap.data import uscc

    code = uscc.make("530523", 2)
    rows = [coop_row(1), coop_row(2, 成员数="3O", 乡镇="勐糯镇", **{"村（社区）": "田坡社区"}),
            coop_row(3, 统一社会信用代码=code.lower()[:-1] + "O", 合作社名称="", 乡镇="不存在乡"),
            coop_row(4, 统一社会信用代码=935305231234567890)]
    report = load(registry_csv(rows)).report
    assert [(r.row, r.name, r.uscc, r.township) for r in report.rejected_rows] == [
        (3, "龙陵县测试2号专业合作社", code, "勐糯镇"),
        (4, "", code[:-1] + "O", "不存在乡"),
        (5, "龙陵县测试4号专业合作社", "935305231234567890", "碧寨乡"),
    ]
    assert json.loads(report.to_json())["rejected_rows"][0] == {"row": 3, "name": "龙陵县测试2号专业合作社", "uscc": code, "township": "勐糯镇"}


def test_a_union_needs_three_member_cooperatives_and_a_cooperative_five_members(registry_csv):
    union = {"领办层级": "乡镇", "村（社区）": ""}
    reg = load(registry_csv([
        coop_row(1, **union, 成员数="3"),  # a township-led union of 3 cooperatives: the legal minimum
        coop_row(2, **union, 成员数="2"),
        coop_row(3, 成员数="4"),  # a village-led cooperative: 5 members at least
        coop_row(4, 成员数="0"),
    ]))
    assert reg.report.accepted == 1 and reg.frame.iloc[0]["members"] == 3
    errors = {e.row: e for e in reg.report.errors}
    assert sorted(errors) == [3, 4, 5] and len(reg.report.errors) == 3, reg.report.errors  # one error per row
    assert all(e.column == "members" for e in errors.values())
    assert "3 member cooperatives" in errors[3].message and "at least 5" in errors[4].message
    assert "at least 1" in errors[5].message


def test_registered_names_keep_their_full_width_brackets_through_load_and_export(registry_csv, tmp_path):
    name = "龙陵县龙新乡（大坝）咖啡种植专业合作社"
    reg = load(registry_csv([coop_row(1, 合作社名称=name), coop_row(2, 合作社名称="测试１号（甲）合作社")]))
    assert list(reg.frame["name"]) == [name, "测试1号（甲）合作社"]
    again = load(write_registry(reg.frame, tmp_path / "out.xlsx"))
    assert list(again.frame["name"]) == [name, "测试1号（甲）合作社"]


@pytest.mark.parametrize("header", ["年度", "成员数", "带动农户数", "交叉任职人数"])
def test_a_huge_whole_number_is_a_row_error_not_a_crash(tmp_path, header):
    # Found by the property test: 9223372036854775296 overflowed the int64 column.
    path = write_csv(tmp_path / "huge.csv", [coop_row(1, **{header: "9223372036854775296"}), coop_row(2)])
    report = load_registry(path, today=dt.date(2024, 6, 30)).report
    assert (report.accepted, report.rejected) == (1, 1)
    assert [(e.row, e.value) for e in report.errors] == [(2, "9223372036854775296")]
