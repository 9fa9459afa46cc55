"""Metric plug-ins: files and modules that register township metrics at start-up."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pytest

from coopmap import paths
from coopmap.data.registry import load_registry
from coopmap.errors import CoopmapError
from coopmap.figures import plugins
from coopmap.figures.catalog import get_metric, list_metrics, register_metric, unregister_metric
from coopmap.figures.tables import township_table

PER_MEMBER = """
from coopmap.figures.catalog import Metric, register_metric

def revenue_per_member(table):
    return table["revenue"] / table["members"].where(table["members"] > 0)

register_metric(Metric("revenue_per_member", "{label}", "Revenue per member",
                       "万元/人", "CNY 10k per member", 3, revenue_per_member))
"""

REACH = """
from coopmap.figures.catalog import Metric, register_metric

register_metric(Metric("{id}", "每百名成员带动户数", "Households per 100 members", "户", "households", 1,
                       lambda t: 100 * t["households"] / t["members"].where(t["members"] > 0)))
"""


@pytest.fixture(autouse=True)
def clean_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Give each test an empty local folder, no COOPMAP_PLUGINS, and the metrics it found."""
    monkeypatch.setenv("COOPMAP_DATA_LOCAL", str(tmp_path / "local"))
    monkeypatch.delenv(plugins.PLUGINS_ENV, raising=False)
    monkeypatch.setattr(plugins, "_LOADED", {})
    before = {m.id: m for m in list_metrics()}
    yield
    for metric in list_metrics():
        if metric.id not in before:
            unregister_metric(metric.id)
    for metric in before.values():
        register_metric(metric, replace=True)


@pytest.fixture(scope="module")
def frame():
    return load_registry(paths.SAMPLE_CSV).frame


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_plugin_dir_follows_the_local_data_folder(tmp_path: Path):
    assert plugins.plugin_dir() == tmp_path / "local" / "metrics"


def test_no_plugins_loads_nothing():
    before = [m.id for m in list_metrics()]
    assert plugins.load_plugins() == []
    assert [m.id for m in list_metrics()] == before


def test_file_in_local_metrics_folder_adds_a_township_column(frame):
    path = write(plugins.plugin_dir() / "revenue_per_member.py", PER_MEMBER.format(label="人均经营收入"))
    assert plugins.load_plugins() == [str(path.resolve())]
    metric = get_metric("revenue_per_member")
    assert (metric.label("zh"), metric.unit("zh"), metric.decimals) == ("人均经营收入", "万元/人", 3)
    table = township_table(frame)
    expected = table["revenue"] / table["members"]
    np.testing.assert_allclose(table["revenue_per_member"], expected)
    assert table["revenue_per_member"].notna().all()


def test_env_entries_come_first_then_the_local_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    local = write(plugins.plugin_dir() / "a_local.py", REACH.format(id="reach_local"))
    write(plugins.plugin_dir() / "_helper.py", "raise RuntimeError('helpers are not plug-ins')")
    single = write(tmp_path / "elsewhere" / "single.py", REACH.format(id="reach_file"))
    folder = tmp_path / "folder"
    in_folder = write(folder / "b.py", REACH.format(id="reach_folder"))
    package = tmp_path / "site"
    write(package / "townmetrics" / "__init__.py", "")
    write(package / "townmetrics" / "reach.py", REACH.format(id="reach_module"))
    monkeypatch.syspath_prepend(str(package))
    monkeypatch.setenv(plugins.PLUGINS_ENV, f"townmetrics.reach{os.pathsep}{single}, {folder}/")
    loaded = plugins.load_plugins()
    assert loaded == ["townmetrics.reach", str(single.resolve()), str(in_folder.resolve()), str(local.resolve())]
    ids = [m.id for m in list_metrics()]
    assert ids[-4:] == ["reach_module", "reach_file", "reach_folder", "reach_local"]


def test_loading_twice_runs_each_plugin_once():
    path = write(plugins.plugin_dir() / "per_member.py", PER_MEMBER.format(label="人均经营收入"))
    plugins.load_plugins()
    first = get_metric("revenue_per_member")
    assert plugins.load_plugins() == [str(path.resolve())]
    assert get_metric("revenue_per_member") is first


def test_a_changed_file_replaces_what_it_registered_before():
    path = write(plugins.plugin_dir() / "reach.py", REACH.format(id="reach_old"))
    plugins.load_plugins()
    write(path, REACH.format(id="reach_new"))
    plugins.load_plugins()
    ids = {m.id for m in list_metrics()}
    assert "reach_new" in ids and "reach_old" not in ids


def test_a_metric_removed_by_hand_comes_back_on_the_next_load():
    write(plugins.plugin_dir() / "per_member.py", PER_MEMBER.format(label="人均经营收入"))
    plugins.load_plugins()
    unregister_metric("revenue_per_member")
    plugins.load_plugins()
    assert get_metric("revenue_per_member").label_zh == "人均经营收入"


def test_a_failing_plugin_names_file_line_and_exception_and_leaves_nothing_registered():
    path = write(plugins.plugin_dir() / "broken.py", REACH.format(id="reach_partial") + "\n1 / 0\n")
    before = [m.id for m in list_metrics()]
    with pytest.raises(CoopmapError) as info:
        plugins.load_plugins()
    message = str(info.value)
    assert str(path.resolve()) in message
    assert "ZeroDivisionError" in message
    line = textwrap.dedent(REACH.format(id="reach_partial") + "\n1 / 0\n").splitlines().index("1 / 0") + 1
    assert f"line {line}" in message
    assert [m.id for m in list_metrics()] == before


def test_a_syntax_error_names_its_line():
    path = write(plugins.plugin_dir() / "typo.py", "from coopmap.figures.catalog import Metric\nregister_metric(Metric(\n")
    with pytest.raises(CoopmapError, match=r"typo\.py failed \(line \d\): SyntaxError"):
        plugins.load_plugins()
    assert path.exists()


def test_two_plugins_with_the_same_id_fail_on_the_second():
    write(plugins.plugin_dir() / "a.py", REACH.format(id="reach"))
    second = write(plugins.plugin_dir() / "b.py", REACH.format(id="reach"))
    with pytest.raises(CoopmapError) as info:
        plugins.load_plugins()
    assert str(second.resolve()) in str(info.value)
    assert "'reach' is already registered" in str(info.value)
    assert get_metric("reach").label_zh == "每百名成员带动户数"  # the first stays


def test_a_plugin_may_replace_a_builtin_and_a_failure_puts_it_back():
    original = get_metric("revenue")
    write(plugins.plugin_dir() / "revenue.py", """
        from coopmap.figures.catalog import Metric, register_metric
        register_metric(Metric("revenue", "经营收入（调整）", "Revenue (adjusted)", "万元", "CNY 10k", 2,
                               lambda t: t["revenue"]), replace=True)
        raise ValueError("not finished")
    """)
    with pytest.raises(CoopmapError, match="ValueError: not finished"):
        plugins.load_plugins()
    assert get_metric("revenue") is original


def test_missing_file_in_the_variable_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    missing = tmp_path / "nowhere" / "metric.py"
    monkeypatch.setenv(plugins.PLUGINS_ENV, str(missing))
    with pytest.raises(CoopmapError, match=f"COOPMAP_PLUGINS: plug-in {missing} does not exist"):
        plugins.load_plugins()


def test_missing_module_says_how_to_make_it_importable(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(plugins.PLUGINS_ENV, "no_such_coopmap_metrics")
    with pytest.raises(CoopmapError, match="'no_such_coopmap_metrics'.*ModuleNotFoundError.*PYTHONPATH"):
        plugins.load_plugins()


def test_an_entry_that_is_neither_module_nor_path_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(plugins.PLUGINS_ENV, "my metrics")
    with pytest.raises(CoopmapError, match="neither a module name nor a path"):
        plugins.plugin_sources()


def test_explicit_sources_accept_paths(tmp_path: Path):
    path = write(tmp_path / "mine.py", REACH.format(id="reach_explicit"))
    assert plugins.load_plugins([path]) == [str(path.resolve())]
    assert get_metric("reach_explicit").unit("en") == "households"
