"""Synthetic registries for the benchmarks: valid codes, loadable divisions, known problems."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coopmap.data import synthetic, uscc
from coopmap.data.divisions import Divisions
from coopmap.data.registry import load_registry
from coopmap.data.schema import RegistrySchema


@pytest.fixture(scope="module")
def divisions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    return Divisions.from_files(*synthetic.write_divisions(folder, 30))


def test_vectorised_codes_equal_the_reference_builder():
    rng = np.random.default_rng(1)
    serials = np.concatenate([[0, 1, 30, 31, 31**8 - 1], rng.integers(0, 31**8, size=300)])
    counties = np.array(["530523", "990101", "110101"] * 102)[: len(serials)]
    codes = synthetic.make_usccs(counties, serials)
    assert list(codes) == [uscc.make(c, int(s)) for c, s in zip(counties, serials)]
    assert all(uscc.problem(c) is None for c in codes)


def test_division_table_resolves_every_name_and_code(divisions):
    assert len(divisions.townships) == 30
    assert divisions.villages["township"].value_counts().between(8, 16).all()
    for code, name, short in divisions.townships[["code", "name", "short"]].itertuples(index=False):
        assert divisions.resolve_township(name) == code
        assert divisions.resolve_township(short) == code
    for code, name, town in divisions.villages[["code", "name", "township"]].head(60).itertuples(index=False):
        assert divisions.resolve_village(name, town) == code
    # one former name per 100 townships is listed as an alias (乡 ↔ 镇)
    first = divisions.townships.iloc[0]
    former = first["short"] + ("乡" if first["name"].endswith("镇") else "镇")
    assert divisions.resolve_township(former) == first["code"]


def test_township_count_grows_with_the_registry_and_stops_at_the_nation():
    assert synthetic.townships_for(98) == 10
    assert synthetic.townships_for(100_000) == 4_000
    assert synthetic.townships_for(10**8) == synthetic.MAX_TOWNSHIPS


def test_generated_registry_is_valid_and_deterministic(divisions):
    frame = synthetic.generate(500, divisions, seed=3)
    RegistrySchema.validate(frame)
    assert frame["uscc"].is_unique
    assert set(frame["lead_level"]) == {"township", "village", "group"}
    led = frame[frame["lead_level"] != "township"]
    assert (led["village"].str[:9] == led["township"]).all()
    assert frame.loc[frame["lead_level"] == "township", "village"].isna().all()
    unions = set(frame.loc[frame["lead_level"] == "township", "uscc"])
    assert frame["union_uscc"].dropna().isin(unions).all()
    pd.testing.assert_frame_equal(frame, synthetic.generate(500, divisions, seed=3))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_written_file_loads_with_exactly_the_injected_problems(divisions, tmp_path, suffix):
    frame = synthetic.generate(400, divisions, seed=5)
    path = tmp_path / f"registry{suffix}"
    injected = synthetic.write_registry_file(frame, path, divisions, broken_per_mille=20, seed=5)
    assert injected == synthetic.InjectedProblems(rejected=8, skipped=2)
    report = load_registry(path, divisions=divisions).report
    assert report.illustrative
    assert (report.rows_read, report.accepted, report.rejected, report.skipped) == (402, 392, 8, 2)
    assert {e.column for e in report.errors} >= {"uscc", "members", "village", "founded"}


def test_every_injected_problem_rejects_its_row_whatever_the_row_leads(divisions, tmp_path):
    # every row broken, township-led unions included (a union may have 3 members, not 2)
    frame = synthetic.generate(120, divisions, seed=7)
    assert (frame["lead_level"] == "township").sum() >= 4
    path = tmp_path / "registry.csv"
    injected = synthetic.write_registry_file(frame, path, divisions, broken_per_mille=1000, seed=7)
    report = load_registry(path, divisions=divisions).report
    assert injected.rejected == 120 and (report.accepted, report.rejected) == (0, 120)
