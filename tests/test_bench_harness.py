"""The benchmark harness finds what it measures: a moved module must not turn a line into 'not measured'."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def scale(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.syspath_prepend(str(BENCH_DIR))  # the harness imports its siblings (common) by name
    monkeypatch.setenv("COOPMAP_BENCH_CACHE", str(tmp_path))
    spec = importlib.util.spec_from_file_location("bench_scale", BENCH_DIR / "scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("common", None)


def test_the_synthetic_cache_is_keyed_by_the_generators_source(scale, tmp_path: Path) -> None:
    # Before 2026-12-03 the key read lib/coopmap/synthetic.py, which the layer folders moved
    # to coopmap/data/: every scale line of make bench said "not measured".
    root = scale.cache_root()
    assert root.parent == tmp_path and len(root.name) == 12
    assert scale.cache_root() == root
