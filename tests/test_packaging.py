"""The project's set-up files agree with each other and with the README."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ]", spec.strip(), maxsplit=1)[0].lower()


def _pyproject_specs() -> set[str]:
    data = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    specs = list(data["project"]["dependencies"]) + list(data["project"]["optional-dependencies"]["test"])
    return {s.replace(" ", "").lower() for s in specs}


def _conda_specs() -> set[str]:
    env = yaml.safe_load((PROJECT / "environment.yml").read_text())
    return {d.replace(" ", "").lower() for d in env["dependencies"] if isinstance(d, str) and _name(d.split("=")[0]) not in ("python", "pip")}


def test_environment_yml_matches_pyproject():
    assert _conda_specs() == _pyproject_specs()


def test_environment_yml_uses_conda_forge_python_311_and_installs_project():
    env = yaml.safe_load((PROJECT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    assert "python=3.11" in env["dependencies"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert any(p.startswith("-e .") for p in pip)


def test_console_script_and_package_dir():
    data = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    assert data["project"]["scripts"]["coopmap"] == "coopmap.cli:main"
    assert data["tool"]["setuptools"]["package-dir"] == {"": "lib"}


def test_readme_commands_are_make_targets():
    readme = (PROJECT / "README.md").read_text()
    makefile = (PROJECT / "Makefile").read_text()
    for target in re.findall(r"^\s*make ([a-z-]+)\s*$", readme, flags=re.M):
        assert re.search(rf"^{target}:", makefile, flags=re.M), f"README names make {target}, Makefile lacks it"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (PROJECT / ".ci" / "run").read_text()
    assert "make test" in (PROJECT / "README.md").read_text()


def test_the_widgets_javascript_and_css_files_ship_with_the_package():
    """Every file under a static/ folder of the package is package data, and each widget's front end is one of them."""
    from coopmap.app.link import LinkButton
    from coopmap.app.table import TableWidget
    from coopmap.meeting.deck import Deck
    from coopmap.outputs.downloads import STATIC, DownloadButton

    package = PROJECT / "lib" / "coopmap"
    patterns = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["coopmap"]
    shipped = {path for pattern in patterns for path in package.glob(pattern) if path.is_file()}
    static = {path for path in package.rglob("static/*") if path.is_file()}
    assert static and static <= shipped, sorted(str(p.relative_to(package)) for p in static - shipped)
    sent = {"app/static/link.js": LinkButton()._esm, "app/static/table.js": TableWidget()._esm,
            "meeting/static/deck.css": Deck()._css, "outputs/static/download_button.css": DownloadButton(lambda: None, label="")._css}
    for name, text in sent.items():
        assert package / name in static and text == (package / name).read_text(encoding="utf-8"), name
    # the download button's module is the save function, then the button
    assert DownloadButton(lambda: None, label="")._esm == (STATIC / "save_file.js").read_text() + (STATIC / "download_button.js").read_text()
