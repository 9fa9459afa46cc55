"""coopmap.data.sources: which registry and boundaries are shown, and the provenance record.

Each test has its own local data folder (``COOPMAP_DATA_LOCAL``) and none of the user's
``COOPMAP_REGISTRY`` / ``COOPMAP_BOUNDARIES`` settings.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from coopmap import paths
from coopmap.data import sources, versions

from helpers import coop_row, write_csv

LIB = Path(sources.__file__).resolve().parents[1]


@pytest.fixture
def local(tmp_path, monkeypatch):
    """An empty local data folder; no registry or boundaries named in the environment."""
    folder = tmp_path / "local"
    monkeypatch.setenv("COOPMAP_DATA_LOCAL", str(folder))
    for name in ("COOPMAP_REGISTRY", "COOPMAP_BOUNDARIES", "COOPMAP_BOUNDARIES_CRS"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def named(tmp_path):
    """A registry file of 2 cooperatives of 2024 outside the store."""
    return write_csv(tmp_path / "台账2024.csv", [coop_row(1, 年度="2024"), coop_row(2, 年度="2024")], title="台账 2024")


def test_the_shipped_sample_is_illustrative_with_schematic_boundaries(local):
    assert sources.default_registry() == paths.SAMPLE_XLSX
    assert sources.current_registry() == paths.SAMPLE_XLSX
    registry, shown = sources.load()
    assert shown.registry_file == paths.SAMPLE_XLSX
    assert shown.illustrative and registry.illustrative
    assert shown.version_id == sources.BASE and shown.version_name == paths.SAMPLE_XLSX.name
    assert shown.years == (2023,)
    assert shown.file_date == dt.date.fromtimestamp(paths.SAMPLE_XLSX.stat().st_mtime)
    assert "示例数据" in shown.title
    assert shown.boundaries_kind == "schematic" and shown.schematic
    assert shown.boundaries_file is None and shown.crs is None
    assert shown.boundaries.description.startswith("示意边界")


def test_the_record_is_frozen(local):
    _, shown = sources.load()
    with pytest.raises(dataclasses.FrozenInstanceError):
        shown.illustrative = False  # type: ignore[misc]


def test_a_file_named_in_the_environment_is_the_base_version(local, named, monkeypatch):
    monkeypatch.setenv("COOPMAP_REGISTRY", str(named))
    assert sources.default_registry() == named
    assert sources.current_registry() == named, "with nothing accepted the dashboard shows the base"
    registry, shown = sources.load()
    assert registry.report.accepted == 2
    assert not shown.illustrative
    assert shown.version_id == sources.BASE and shown.version_name == "台账2024.csv"
    assert shown.years == (2024,)
    assert shown.title == "台账 2024"


def test_the_active_version_and_the_two_policies(local, named, tmp_path, monkeypatch):
    upload = write_csv(tmp_path / "上传.csv", [coop_row(1), coop_row(2), coop_row(3)], title="台账 上传")
    version = versions.accept(upload, name="县农业局台账.csv")
    # nothing named: both policies show the accepted version
    assert sources.registry_file(policy=sources.NAMED_FILE_FIRST) == version.path
    assert sources.registry_file(policy=sources.STORE_FIRST) == version.path
    registry, shown = sources.load(policy=sources.STORE_FIRST)
    assert registry.report.accepted == 3
    assert shown.version_id == version.id and shown.version_name == "县农业局台账.csv"
    assert not shown.illustrative
    # a file named for the program: the CLI reads it, the dashboard keeps the store's choice
    monkeypatch.setenv("COOPMAP_REGISTRY", str(named))
    assert sources.registry_file(policy=sources.NAMED_FILE_FIRST) == named
    assert sources.registry_file(policy=sources.STORE_FIRST) == version.path
    assert sources.load()[1].version_id == sources.BASE
    # switching back to the base: the dashboard shows the named file again
    versions.activate(sources.BASE)
    assert sources.registry_file(policy=sources.STORE_FIRST) == named


def test_an_explicit_argument_wins(local, named, tmp_path, monkeypatch):
    other = write_csv(tmp_path / "其他.csv", [coop_row(5)])
    versions.accept(named)
    monkeypatch.setenv("COOPMAP_REGISTRY", str(named))
    for policy in sources.Policy:
        assert sources.registry_file(other, policy=policy) == other
    registry, shown = sources.load(other, policy=sources.STORE_FIRST)
    assert registry.report.accepted == 1
    assert shown.registry_file == other
    assert shown.version_id is None, "a file outside the store is not a version"
    assert shown.version_name == "其他.csv"


def test_boundaries_argument_environment_local_file_schematic(local, tmp_path, monkeypatch):
    assert sources.boundaries_file() == sources.BoundarySource("schematic")
    local.mkdir(parents=True)
    (local / "boundaries.geojson").write_text("{}", encoding="utf-8")
    assert sources.boundaries_file() == sources.BoundarySource("official", local / "boundaries.geojson")
    monkeypatch.setenv("COOPMAP_BOUNDARIES", str(tmp_path / "gaode.geojson"))
    monkeypatch.setenv("COOPMAP_BOUNDARIES_CRS", "gcj02")
    chosen = sources.boundaries_file()
    assert (chosen.kind, chosen.path, chosen.crs) == ("official", tmp_path / "gaode.geojson", "gcj02")
    explicit = sources.boundaries_file(tmp_path / "official.gpkg")
    assert (explicit.path, explicit.crs) == (tmp_path / "official.gpkg", None), "an explicit file takes no crs from the environment"
    _, shown = sources.load(boundaries=tmp_path / "baidu.geojson", crs="bd09")
    assert (shown.boundaries_kind, shown.boundaries_file, shown.crs) == ("official", tmp_path / "baidu.geojson", "bd09")
    assert not shown.schematic


# -- nothing but sources reads COOPMAP_* ---------------------------------------------------
def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a "COOPMAP_..." string."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name) and node.value.value.startswith("COOPMAP_"):
                    found[target.id] = node.value.value
    return found


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (isinstance(node, ast.Name) and node.id == "environ")


def coopmap_env_reads(source: str, names: set[str]) -> list[int]:
    """Lines of ``source`` that read a COOPMAP_* variable (``os.environ[...]``, ``.get``, ``getenv``, ``in``).

    ``names`` are identifiers known to hold a COOPMAP_* name (e.g. ``sources.REGISTRY_ENV``).
    Writing a variable (``os.environ[NAME] = ...``, for child kernels) is not a read.
    """
    tree = ast.parse(source)
    names = names | set(_constants(tree))

    def is_coopmap(key: ast.AST | None) -> bool:
        if isinstance(key, ast.Constant):
            return isinstance(key.value, str) and key.value.startswith("COOPMAP_")
        if isinstance(key, ast.Name):
            return key.id in names
        if isinstance(key, ast.Attribute):
            return key.attr in names
        return False

    lines = []
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") and _is_environ(func.value):
                key = node.args[0]
            elif (isinstance(func, ast.Attribute) and func.attr == "getenv") or (isinstance(func, ast.Name) and func.id == "getenv"):
                key = node.args[0]
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            key = node.left
        if key is not None and is_coopmap(key):
            lines.append(node.lineno)
    return lines


def test_the_scan_finds_every_kind_of_read():
    names = {"REGISTRY_ENV"}
    assert coopmap_env_reads('import os\nx = os.environ.get("COOPMAP_REGISTRY")\n', names) == [2]
    assert coopmap_env_reads('import os\nx = os.environ["COOPMAP_BOUNDARIES"]\n', names) == [2]
    assert coopmap_env_reads('import os\nx = os.getenv("COOPMAP_PLUGINS", "")\n', names) == [2]
    assert coopmap_env_reads('from os import environ\nx = "COOPMAP_FONT_DIR" in environ\n', names) == [2]
    assert coopmap_env_reads('import os\nfrom coopmap.data import sources\nx = os.environ.get(sources.REGISTRY_ENV)\n', names) == [3]
    assert coopmap_env_reads('import os\nMINE = "COOPMAP_X"\nx = os.environ.get(MINE)\n', set()) == [3]
    assert coopmap_env_reads('import os\nos.environ["COOPMAP_REGISTRY"] = "a.xlsx"\n', names) == [], "a write is not a read"
    assert coopmap_env_reads('import os\nx = os.environ.get("VOILA_PREHEAT")\n', names) == []


def test_no_module_but_sources_reads_coopmap_variables():
    names = set(_constants(ast.parse(Path(sources.__file__).read_text(encoding="utf-8"))))
    assert {"REGISTRY_ENV", "BOUNDARIES_ENV", "DATA_LOCAL_ENV", "PLUGINS_ENV"} <= names
    modules = sorted(LIB.rglob("*.py"))
    assert len(modules) > 40, f"the scan found only {len(modules)} modules under {LIB}"
    readers = {}
    for module in modules:
        if module.resolve() == Path(sources.__file__).resolve():
            continue
        found = coopmap_env_reads(module.read_text(encoding="utf-8"), names)
        if found:
            readers[str(module.relative_to(LIB))] = found
    assert readers == {}, f"COOPMAP_* variables are read outside coopmap.data.sources: {readers}"
