"""The string catalog (coopmap.strings) is loaded whole when coopmap.i18n is imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coopmap import i18n, strings


@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
def test_a_views_text_is_there_before_the_view_is_imported() -> None:
    # a fresh interpreter: nothing of the dashboard, the report or the slides imported
    code = (
        "import json, sys\n"
        "from coopmap import i18n\n"
        "views = [m for m in ('coopmap.app', 'coopmap.app.downloadbar', 'coopmap.app.datapanel', 'coopmap.app.upload_report',"
        " 'coopmap.outputs.report',"
        " 'coopmap.meeting.slides', 'coopmap.server') if m in sys.modules]\n"
        "print(json.dumps({'views': views, 'text': [i18n.t('app.download.tip', 'en', what='Report', fmt='PDF'),"
        " i18n.t('meeting.download_report'), i18n.t('report.sample_note', 'en'), i18n.t('page.reload')]}))\n"
    )
    out = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert out["views"] == []
    assert out["text"][0] == "Download Report (PDF)"
    assert out["text"][1] == "报告 PDF"
    assert out["text"][2] and out["text"][3] == "刷新"


def test_every_table_is_in_the_catalog_in_both_languages() -> None:
    for owner, table in strings.TABLES:
        for key, entry in table.items():
            assert i18n.STRINGS[key] == entry, (owner, key)
            assert entry.get("zh") and entry.get("en"), (owner, key)


def test_every_table_wide_rule_of_the_schema_has_its_message_in_the_catalog() -> None:
    from coopmap.data.schema import RegistrySchema

    rules = [check.name for check in RegistrySchema.to_schema().checks]
    assert rules
    for rule in rules:
        entry = i18n.STRINGS.get(f"load.check.{rule}")
        assert entry and entry.get("zh") and entry.get("en"), rule


def test_no_module_of_coopmap_registers_strings_when_imported() -> None:
    # the catalog is loaded whole up front; add_strings is for plug-ins outside the package
    package = Path(i18n.__file__).parent
    callers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "i18n.py" and "add_strings(" in path.read_text(encoding="utf-8")
    )
    assert callers == []
