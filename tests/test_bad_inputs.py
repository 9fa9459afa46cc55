"""Every malformed registry in tests/data/bad ends as its .expected.json says.

Each file loads (accepted rows plus row errors, every row accounted for) or raises a
RegistryError with a clear message; nothing else escapes. The expectations are
written next to the files by ``tests/helpers/bad_corpus.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pandas as pd
import pytest

from coopmap import RegistryError
from coopmap.data.registry import load_registry

from helpers import bad_corpus

BAD = Path(__file__).resolve().parent / "data" / "bad"
EXPECTED = sorted(BAD.glob("*.expected.json"))
STORED = [p for p in EXPECTED if "generated" not in json.loads(p.read_text(encoding="utf-8"))]


def _expected(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["today"] = dt.date.fromisoformat(data["today"])
    return data


def check_outcome(path: Path, expected: dict) -> None:
    """Load ``path`` and compare with ``expected`` (see helpers/bad_corpus.py for the keys)."""
    if expected["outcome"] == "error":
        with pytest.raises(RegistryError) as info:
            load_registry(path, today=expected["today"])
        message = str(info.value)
        assert expected["message"] in message
        assert str(path) in message, "the message names the file"
        assert "Traceback" not in message and len(message) < 600
        return
    reg = load_registry(path, today=expected["today"])
    report = reg.report
    counts = (report.rows_read, report.accepted, report.rejected, report.skipped)
    assert counts == (expected["rows_read"], expected["accepted"], expected["rejected"], expected["skipped"]), report.errors[:5]
    assert report.rows_read == report.accepted + report.rejected + report.skipped
    assert len(reg.frame) == report.accepted
    assert {e.column for e in report.errors} == set(expected["error_columns"]), report.errors[:5]
    for error in report.errors:
        assert error.row and error.message, error
    if "error_rows" in expected:
        assert sorted({e.row for e in report.errors}) == expected["error_rows"]
    for fragment in expected.get("errors", []):
        assert any(fragment in e.message for e in report.errors), (fragment, report.errors)
    for fragment in expected.get("warnings", []):
        assert any(fragment in w.message for w in report.warnings), (fragment, report.warnings)
    for value in expected.get("warning_values", []):
        assert any(value in w.value for w in report.warnings), (value, report.warnings)
    if "warning_rows" in expected:
        assert set(expected["warning_rows"]) <= {w.row for w in report.warnings}
    if "skipped_rows" in expected:
        assert [s.row for s in report.skipped_rows] == expected["skipped_rows"]
    if "skipped_reasons" in expected:
        assert [s.text("zh") for s in report.skipped_rows] == expected["skipped_reasons"]
    if "header_row" in expected:
        assert report.header_row == expected["header_row"]
    if "sheet" in expected:
        assert report.sheet == expected["sheet"]
    frame = reg.frame.set_index("source_row")
    for row, column, value in expected.get("values", []):
        got = frame.loc[row, column]
        if isinstance(got, pd.Timestamp):
            got = got.date().isoformat()
        if isinstance(value, float):
            assert got == pytest.approx(value), (row, column)
        else:
            assert got == value, (row, column)
    # the accepted frame is the canonical one the dashboard and metrics use
    assert frame["township"].str.fullmatch(r"\d{9}").all()


def test_corpus_is_large_and_every_file_has_an_expectation():
    assert len(EXPECTED) >= 25
    data_files = {p.name for p in BAD.iterdir() if p.is_file() and not p.name.endswith(".expected.json")}
    named = {json.loads(p.read_text(encoding="utf-8")).get("file") for p in STORED}
    assert data_files == named, "every corpus file has one expectation and the other way round"
    outcomes = {json.loads(p.read_text(encoding="utf-8"))["outcome"] for p in EXPECTED}
    assert outcomes == {"rows", "error"}


@pytest.mark.parametrize("expected_path", STORED, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_corpus_file(expected_path):
    expected = _expected(expected_path)
    check_outcome(BAD / expected["file"], expected)


@pytest.mark.slow
def test_hundred_thousand_rows(tmp_path):
    expected = _expected(BAD / "large_100k.expected.json")
    path = bad_corpus.write_large(tmp_path / "large_100k.csv")
    start = time.perf_counter()
    check_outcome(path, expected)
    assert time.perf_counter() - start < 30, "a 100,000-row registry loads in well under a minute"


def test_corpus_generator_recreates_a_text_and_a_binary_case(tmp_path, monkeypatch):
    monkeypatch.setattr(bad_corpus, "HERE", tmp_path)
    bad_corpus.main(["gbk", "merged_group_header"])
    assert (tmp_path / "gbk.csv").read_bytes() == (BAD / "gbk.csv").read_bytes()
    for name, suffix in (("gbk", ".csv"), ("merged_group_header", ".xlsx")):
        expected = _expected(tmp_path / f"{name}.expected.json")
        check_outcome(tmp_path / f"{name}{suffix}", expected)
