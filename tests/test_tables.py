"""Table exports: what an official opens in Excel, and what loads back unchanged."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from coopmap import DivisionError, ExportError, paths
from coopmap.cli import main
from coopmap.data.registry import load_registry
from coopmap.data.schema import COLUMNS
from coopmap.outputs.tables import export_table, export_title, table_bytes

from helpers import coop_row


@pytest.fixture(scope="module")
def sample():
    return load_registry(paths.SAMPLE_XLSX)


def _records(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="source_row").sort_values("uscc").reset_index(drop=True)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_sample_round_trips_with_every_record_and_none_rejected(sample, tmp_path, fmt):
    path = export_table(sample.frame, tmp_path / f"county.{fmt}", illustrative=sample.illustrative)
    again = load_registry(path)
    assert (again.report.accepted, again.report.rejected, again.report.skipped) == (98, 0, 0)
    assert again.report.errors == [] and again.report.warnings == []
    assert again.illustrative, "the exported sample must still say it is illustrative"
    pd.testing.assert_frame_equal(_records(again.frame), _records(sample.frame))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_one_township(sample, tmp_path, fmt):
    path = export_table(sample.frame, tmp_path / f"mengnuo.{fmt}", township="勐糯", illustrative=True)
    again = load_registry(path)
    expected = sample.frame[sample.frame["township"] == "530523103"]
    assert again.report.accepted == len(expected) > 0 and again.report.rejected == 0
    assert set(again.frame["township"]) == {"530523103"}
    assert "勐糯镇" in again.report.title
    pd.testing.assert_frame_equal(_records(again.frame), _records(expected))


def test_unknown_township_is_named(sample, tmp_path):
    with pytest.raises(DivisionError):
        export_table(sample.frame, tmp_path / "x.csv", township="上海")


def test_xlsx_has_title_chinese_headers_widths_and_number_formats(sample, tmp_path):
    path = export_table(sample.frame, tmp_path / "county.xlsx", illustrative=True)
    sheet = openpyxl.load_workbook(path).active
    title = sheet.cell(1, 1).value
    assert title.startswith("龙陵县党组织领办合作社台账（2023年）") and "示例数据" in title
    headers = [sheet.cell(2, j).value for j in range(1, sheet.max_column + 1)]
    assert headers == [c.header for c in COLUMNS]
    name_col = headers.index("合作社名称") + 1
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(name_col)].width >= 30
    revenue = sheet.cell(3, headers.index("经营收入（万元）") + 1)
    assert isinstance(revenue.value, float) and revenue.number_format == "#,##0.00"
    members = sheet.cell(3, headers.index("成员数") + 1)
    assert members.number_format == "#,##0"


def test_csv_is_utf8_with_bom_for_excel(sample, tmp_path):
    data = export_table(sample.frame, tmp_path / "county.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[1].split(",")[:2] == ["统一社会信用代码", "合作社名称"]


def test_formula_cells_are_neutralised_and_round_trip(registry_csv, tmp_path):
    rows = [coop_row(1, **{"合作社名称": "=HYPERLINK(\"http://x\")合作社", "主导产业": "+茶叶"}),
            coop_row(2, **{"合作社名称": "@SUM(A1)合作社", "主导产业": "-火腿"})]
    reg = load_registry(registry_csv(rows))
    assert reg.report.accepted == 2
    csv_text = export_table(reg.frame, tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    for cell in ("'=HYPERLINK", "'+茶叶", "'@SUM", "'-火腿"):
        assert cell in csv_text
    xlsx = export_table(reg.frame, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(xlsx).active
    cells = [c for row in sheet.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    assert not [c.coordinate for c in cells if c.data_type == "f" or c.value.startswith(("=", "+", "-", "@"))]
    for path in (tmp_path / "t.csv", xlsx):
        again = load_registry(path)
        assert sorted(again.frame["name"]) == sorted(reg.frame["name"])
        assert sorted(again.frame["industry"]) == ["+茶叶", "-火腿"]


def test_masked_export_hides_chairs_names(sample, tmp_path):
    path = export_table(sample.frame, tmp_path / "masked.csv", mask=True)
    again = load_registry(path)
    assert again.report.accepted == 98
    leaders = again.frame["leader"].dropna()
    assert len(leaders) > 0 and all(name[1:] == "*" * (len(name) - 1) for name in leaders)
    assert set(leaders.str[0]) == set(sample.frame["leader"].dropna().str[0])


def test_title_names_years_township_and_date():
    frame = pd.DataFrame({"year": [2023, 2024]})
    title = export_title(frame, township="530523103", today=dt.date(2025, 1, 2))
    assert title == "龙陵县党组织领办合作社台账（2023、2024年）——勐糯镇（导出 2025-01-02）"


def test_title_follows_the_language():
    frame = pd.DataFrame({"year": [2023, 2024]})
    title = export_title(frame, township="530523103", illustrative=True, today=dt.date(2025, 1, 2), lang="en")
    assert title == ("Party-led cooperatives of Longling County: registry (2023, 2024) — Mengnuo — "
                     "示例数据，程序生成，非真实记录 / Illustrative data, generated, not real records (exported 2025-01-02)")
    assert export_title(pd.DataFrame({"year": []}), today=dt.date(2025, 1, 2), lang="en") == (
        "Party-led cooperatives of Longling County: registry (exported 2025-01-02)")


def test_a_table_with_an_english_title_loads_again_and_stays_marked(sample, tmp_path):
    path = export_table(sample.frame, tmp_path / "county.csv", illustrative=True, lang="en")
    again = load_registry(path)
    assert again.report.title.startswith("Party-led cooperatives of Longling County: registry (2023)")
    assert again.illustrative and again.report.accepted == len(sample.frame)


def test_other_formats_are_refused(sample, tmp_path):
    with pytest.raises(ExportError, match=r"\.xlsx or \.csv"):
        export_table(sample.frame, tmp_path / "county.ods")
    with pytest.raises(ExportError):
        table_bytes(sample.frame, "json")


def test_bytes_for_a_download(sample):
    data = table_bytes(sample.frame, "xlsx", township="530523101")
    assert data[:2] == b"PK"


def test_cli_export(tmp_path, capsys):
    out = tmp_path / "longshan.xlsx"
    assert main(["export", "--township", "龙山镇", "--format", "xlsx", "--out", str(out)]) == 0
    again = load_registry(out)
    assert again.report.accepted > 0 and set(again.frame["township"]) == {"530523101"}
    assert again.illustrative
    assert str(out) in capsys.readouterr().out


def test_cli_export_format_must_match_suffix(tmp_path, capsys):
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "t.xlsx")]) == 2
    assert "csv" in capsys.readouterr().err


def test_cli_export_unknown_township(tmp_path, capsys):
    assert main(["export", "--township", "不存在乡", "--format", "csv", "--out", str(tmp_path / "t.csv")]) == 2
    assert "不存在乡" in capsys.readouterr().err
