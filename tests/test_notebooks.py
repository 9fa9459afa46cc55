"""The analyst notebooks run top to bottom, are stored clean, and the analyst guide is true.

The three notebooks run at once (each kernel is its own process), each with an empty
local data folder (``COOPMAP_DATA_LOCAL``) and none of the user's ``COOPMAP_*``
settings, so that what they write (exports, the metric plug-in) lands in a temporary
folder and the shipped sample is what they read. Running them starts three kernels and
takes about 20 s: the tests that need the runs are marked ``slow`` (not in ``make test-fast``).
"""

from __future__ import annotations

import ast
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import coopmap
from coopmap.data.schema import COLUMNS

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = PROJECT / "notebooks"
NOTEBOOKS = ("01_explore_registry.ipynb", "02_add_a_metric.ipynb", "03_compare_townships.ipynb")
GUIDE = PROJECT / "docs" / "analyst-guide.md"
CELL_TIMEOUT = 120
USER_SETTINGS = ("COOPMAP_REGISTRY", "COOPMAP_BOUNDARIES", "COOPMAP_BOUNDARIES_CRS", "COOPMAP_PLUGINS",
                 "COOPMAP_DATA_DIR")
#: Modules a notebook may import: coopmap, the libraries it returns, and the standard library.
ALLOWED_IMPORTS = {"coopmap", "pandas", "altair", "os", "subprocess", "sys", "tempfile", "pathlib"}


@dataclass
class Run:
    notebook: nbformat.NotebookNode
    local: Path
    seconds: float
    error: str | None


def _run(name: str, local: Path) -> Run:
    book = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    env = {k: v for k, v in os.environ.items() if k not in USER_SETTINGS}
    env["COOPMAP_DATA_LOCAL"] = str(local)
    client = NotebookClient(book, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    start = time.monotonic()
    error = None
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        error = str(exc)
    return Run(book, local, time.monotonic() - start, error)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    locals_ = {name: tmp_path_factory.mktemp(name.split("_")[0] + "-local") for name in NOTEBOOKS}
    with ThreadPoolExecutor(len(NOTEBOOKS)) as pool:
        done = pool.map(lambda name: _run(name, locals_[name]), NOTEBOOKS)
        return dict(zip(NOTEBOOKS, done))


def _code_cells(book: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in book.cells if c.cell_type == "code"]


def _text(cell: nbformat.NotebookNode) -> str:
    """All text a cell printed or displayed (stream text and text/plain)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(str(out.data.get("text/plain", "")))
    return "\n".join(parts)


def _cell(run: Run, starts_with: str) -> nbformat.NotebookNode:
    for cell in _code_cells(run.notebook):
        if cell.source.lstrip().startswith(starts_with):
            return cell
    raise AssertionError(f"no code cell starts with {starts_with!r}")


# -- stored clean ------------------------------------------------------------------------


def test_the_three_notebooks_are_there():
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(NOTEBOOKS)


@pytest.mark.parametrize("path", sorted(NOTEBOOK_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_stored_without_outputs_or_execution_counts(path: Path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    dirty = [i for i, cell in enumerate(book.cells) if cell.cell_type == "code"
             and (cell.outputs or cell.execution_count is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear them before committing " \
                      "(JupyterLab: Edit › Clear Outputs of All Cells, then save)"
    assert "widgets" not in book.metadata, f"{path.name} stores widget state; clear it before committing"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_uses_only_the_public_api(name: str):
    book = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    functions, private, imported = [], [], set()
    for cell in _code_cells(book):
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                functions.append(node.name)
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                private.append(node.attr)
            elif isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add((node.module or "").split(".")[0])
                private += [a.name for a in node.names if a.name.startswith("_")]
    assert functions == (["revenue_per_member"] if name.startswith("02") else []), \
        "notebooks define no functions (logic belongs in lib/coopmap), except the metric's compute function"
    assert not private, f"private names used: {private}"
    assert imported <= ALLOWED_IMPORTS, f"unexpected imports: {sorted(imported - ALLOWED_IMPORTS)}"


# -- run top to bottom -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_runs_top_to_bottom(runs: dict[str, Run], name: str):
    run = runs[name]
    assert run.error is None, f"{name} failed after {run.seconds:.0f} s:\n{run.error}"
    assert all(c.execution_count is not None for c in _code_cells(run.notebook))


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_charts_are_drawn_offline(runs: dict[str, Run], name: str):
    outputs = [out for cell in _code_cells(runs[name].notebook) for out in cell.outputs]
    widgets = [out for out in outputs if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    assert widgets, "charts should display as offline chart widgets"
    dumped = json.dumps([out for out in outputs], ensure_ascii=False)
    assert "cdn.jsdelivr.net" not in dumped and "<script src=\"http" not in dumped


@pytest.mark.slow
def test_explore_shows_rejected_rows_with_reasons(runs: dict[str, Run]):
    run = runs["01_explore_registry.ipynb"]
    assert "rows read 98 = accepted 98 + rejected 0 + skipped 0" in _text(_cell(run, "path = sources.default_registry()"))
    errors = _text(_cell(run, "import tempfile"))
    assert "accepted 95, rejected 3" in errors
    for column in ("members", "uscc", "village"):
        assert re.search(rf"^\s*\d+\s+\d+\s+{column}\b", errors, re.M), f"no error row for {column}:\n{errors}"


@pytest.mark.slow
def test_added_metric_reaches_table_export_and_a_new_process(runs: dict[str, Run]):
    run = runs["02_add_a_metric.ipynb"]
    plugin = run.local / "metrics" / "revenue_per_member.py"
    assert plugin.is_file(), "notebook 2 should leave its plug-in in the local metrics folder"
    assert "revenue_per_member" in _text(_cell(run, "check = "))
    table = pd.read_csv(run.local / "exports" / "revenue_per_member.csv", encoding="utf-8-sig", dtype={"code": str})
    assert len(table) == 10
    expected = (table["revenue"] / table["members"]).round(6)
    assert (table["revenue_per_member"].round(6) == expected).all()
    assert (run.local / "exports" / "revenue_per_member_map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "人均经营收入" in (run.local / "exports" / "revenue_per_member_map.svg").read_text(encoding="utf-8")


@pytest.mark.slow
def test_compare_writes_charts_and_a_chinese_table(runs: dict[str, Run]):
    out = runs["03_compare_townships.ipynb"].local / "exports"
    magic = {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<svg"}
    names = ("township_coverage_ranking.png", "collective_income_map.png", "village_grid.svg",
             "township_coverage_ranking_en.pdf")
    for file in names:
        data = (out / file).read_bytes()
        assert data.lstrip()[:4] == magic[Path(file).suffix], file
    sheet = pd.read_excel(out / "township_comparison.xlsx", sheet_name="乡镇比较", engine="calamine")
    assert len(sheet) == 10
    assert list(sheet["乡镇"]) == list(coopmap.load_divisions().townships["name"])
    assert {"村覆盖率（%）", "经营收入（万元）", "社均经营收入（万元）"} <= set(sheet.columns)


# -- the analyst guide -----------------------------------------------------------------------


def render_data_dictionary() -> str:
    """The data dictionary table as docs/analyst-guide.md must hold it (from schema.COLUMNS)."""
    def number(value: float | None) -> str:
        if value is None:
            return ""
        return str(int(value)) if float(value).is_integer() else str(value)

    lines = [
        "| id | header (表头) | English | kind | unit | required | minimum | also accepted |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in COLUMNS:
        aliases = "、".join(c.aliases)
        lines.append(f"| `{c.id}` | {c.header} | {c.en} | `{c.kind}` | {c.unit} | {'yes' if c.required else ''} "
                     f"| {number(c.minimum)} | {aliases} |")
    return "\n".join(lines)


def _between(text: str, name: str) -> str:
    match = re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", text, re.S)
    assert match, f"{GUIDE.name} lacks the <!-- {name}:start --> ... <!-- {name}:end --> block"
    return match.group(1).strip()


def test_guide_data_dictionary_matches_the_schema():
    expected = render_data_dictionary()
    found = _between(GUIDE.read_text(encoding="utf-8"), "data-dictionary")
    assert found == expected, "the guide's data dictionary differs from coopmap.data.schema.COLUMNS; replace it with:\n\n" + expected


def test_guide_explains_every_column_kind():
    kinds = _between(GUIDE.read_text(encoding="utf-8"), "column-kinds")
    explained = set(re.findall(r"^\| `(\w+)` \|", kinds, re.M))
    assert explained == {c.kind for c in COLUMNS}


def test_guide_documents_every_public_name():
    text = GUIDE.read_text(encoding="utf-8")
    missing = [name for name in coopmap.__all__ if f"`{name}" not in text]
    assert not missing, f"{GUIDE.name} does not mention {missing} (coopmap.__all__)"


def test_guide_names_the_settings_the_library_reads():
    text = GUIDE.read_text(encoding="utf-8")
    for setting in ("COOPMAP_REGISTRY", "COOPMAP_BOUNDARIES", "COOPMAP_BOUNDARIES_CRS", "COOPMAP_DATA_LOCAL",
                    "COOPMAP_PLUGINS", "data/local/metrics", "--registry", "--boundaries", "make lab"):
        assert setting in text, setting
