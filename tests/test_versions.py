"""Stored registry versions: accept, list, switch back, and never lose the active data."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coopmap import RegistryError, paths
from coopmap.data import sources, versions
from coopmap.data.registry import load_registry

from helpers import coop_row, write_csv

TODAY = dt.date(2024, 6, 30)
T1 = dt.datetime(2024, 6, 1, 9, 0, 0)
T2 = dt.datetime(2024, 6, 2, 10, 30, 5)


@pytest.fixture
def store(tmp_path, monkeypatch):
    """An empty local store; the default registry is not overridden by the environment."""
    monkeypatch.setenv("COOPMAP_DATA_LOCAL", str(tmp_path / "local"))
    monkeypatch.delenv("COOPMAP_REGISTRY", raising=False)
    return tmp_path / "local" / "registry"


@pytest.fixture
def files(tmp_path):
    """Two good registries (2 and 3 cooperatives) and one with a rejected row."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    return {
        "v1": write_csv(folder / "台账2023.csv", [coop_row(1), coop_row(2)], title="台账 v1"),
        "v2": write_csv(folder / "台账2024.csv", [coop_row(1), coop_row(2), coop_row(3)], title="台账 v2"),
        "bad": write_csv(folder / "有错.csv", [coop_row(1), coop_row(2, 成员数="3")]),
    }


def accepted_count(path: Path) -> int:
    return load_registry(path, today=TODAY).report.accepted


def test_stage_validates_and_stores_nothing(store, files):
    reg = versions.stage(files["bad"], today=TODAY)
    assert (reg.report.accepted, reg.report.rejected) == (1, 1)
    assert versions.list_versions() == []
    assert versions.active_version() is None
    assert sources.default_registry() == paths.SAMPLE_XLSX


def test_accept_stores_a_dated_copy_and_makes_it_active(store, files):
    version = versions.accept(files["v1"], now=T1, today=TODAY)
    assert version.id == "20240601-090000-台账2023.csv"
    assert version.path == store / version.id
    assert version.path.read_bytes() == files["v1"].read_bytes()
    assert (version.accepted, version.rejected, version.skipped, version.active) == (2, 0, 0, True)
    assert version.title == "台账 v1" and len(version.sha256) == 64
    assert (store / versions.POINTER).read_text(encoding="utf-8").strip() == version.id
    assert sources.default_registry() == version.path
    meta = json.loads((store / f"{version.id}.json").read_text(encoding="utf-8"))
    assert meta["original_name"] == "台账2023.csv" and meta["acknowledged_rejected"] is False


def test_environment_registry_still_wins(store, files, monkeypatch):
    versions.accept(files["v1"], now=T1, today=TODAY)
    monkeypatch.setenv("COOPMAP_REGISTRY", str(files["v2"]))
    assert sources.default_registry() == files["v2"]


# -- the base version: the shipped sample, or the file the server was started with ----------


def test_after_an_accept_the_shipped_sample_is_listed_and_can_be_made_active_again(store, files):
    sample = load_registry(paths.SAMPLE_XLSX).report.accepted
    assert sample == 98
    (base,) = versions.list_versions(include_base=True)
    assert base.id == versions.BASE and base.active and base.shipped_sample and base.path == paths.SAMPLE_XLSX

    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    v2 = versions.accept(files["v2"], now=T2, today=TODAY)
    listed = versions.list_versions(include_base=True)
    assert [v.id for v in listed] == [v2.id, v1.id, "base"], "the sample is still there, last"
    assert [v.active for v in listed] == [True, False, False]
    assert [v.id for v in versions.list_versions()] == [v2.id, v1.id], "the stored versions alone, as before"
    assert accepted_count(versions.current_registry()) == 3

    back = versions.activate("base")
    assert back.base and back.active and back.path == paths.SAMPLE_XLSX
    assert (store / versions.POINTER).read_text(encoding="utf-8").strip() == "base"
    assert versions.active_version() is None
    assert [v.active for v in versions.list_versions(include_base=True)] == [False, False, True]
    # what the CLI and notebooks read, and what a dashboard page opened now shows
    assert sources.default_registry() == paths.SAMPLE_XLSX
    assert versions.current_registry() == paths.SAMPLE_XLSX
    assert accepted_count(sources.default_registry()) == sample
    assert v1.path.is_file() and v2.path.is_file(), "switching to the sample removes no version"

    assert versions.activate(v1.id).active and accepted_count(sources.default_registry()) == 2
    assert versions.get_version("base").base and not versions.get_version("base").active
    with pytest.raises(RegistryError, match="no stored registry version 'bas'"):
        versions.activate("bas")  # the base is named in full, never by a prefix


def test_a_registry_named_at_start_is_the_base_version(store, files, monkeypatch):
    """``coopmap serve --registry FILE`` passes FILE as COOPMAP_REGISTRY: the base of the store."""
    monkeypatch.setenv("COOPMAP_REGISTRY", str(files["v1"]))
    assert versions.current_registry() == files["v1"]
    uploaded = versions.accept(files["v2"], now=T2, today=TODAY)
    base = versions.list_versions(include_base=True)[-1]
    assert base.base and not base.shipped_sample and base.path == files["v1"] and base.original_name == "台账2023.csv"
    assert versions.current_registry() == uploaded.path, "a page opened now shows the accepted version"
    assert sources.default_registry() == files["v1"], "the CLI and notebooks still read the file they were given"
    versions.activate("base")
    assert versions.current_registry() == files["v1"]
    monkeypatch.delenv("COOPMAP_REGISTRY")
    assert versions.current_registry() == paths.SAMPLE_XLSX, "the base is whatever the program was started with"


def test_a_base_that_does_not_load_is_never_made_active(store, files, monkeypatch, tmp_path):
    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    missing = tmp_path / "gone.xlsx"
    monkeypatch.setenv("COOPMAP_REGISTRY", str(missing))
    base = versions.list_versions(include_base=True)[-1]
    assert base.base and base.created is None and base.size == 0
    with pytest.raises(RegistryError, match="gone.xlsx"):
        versions.activate("base")
    assert versions.active_version().id == v1.id


def test_every_switch_changes_the_pointer_stamp(store, files):
    assert versions.pointer_stamp() is None
    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    stamps = [versions.pointer_stamp()]
    for version_id in ("base", v1.id, "base"):  # three writes within the same second
        versions.activate(version_id)
        stamps.append(versions.pointer_stamp())
    assert None not in stamps and len(set(stamps)) == 4


def test_rejected_rows_need_an_acknowledgement(store, files):
    first = versions.accept(files["v1"], now=T1, today=TODAY)
    with pytest.raises(versions.RejectedRowsError, match="1 row\\(s\\) are rejected.*acknowledge") as info:
        versions.accept(files["bad"], now=T2, today=TODAY)
    assert info.value.registry.report.errors[0].column == "members"
    assert [v.id for v in versions.list_versions()] == [first.id]
    assert versions.active_version().id == first.id

    second = versions.accept(files["bad"], acknowledge_rejected=True, now=T2, today=TODAY)
    assert second.active and second.acknowledged_rejected and second.rejected == 1
    assert accepted_count(sources.default_registry()) == 1


def test_unreadable_file_is_refused_and_nothing_stored(store, files, tmp_path):
    versions.accept(files["v1"], now=T1, today=TODAY)
    png = tmp_path / "photo.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(RegistryError, match="PNG image"):
        versions.accept(png, now=T2, today=TODAY)
    with pytest.raises(RegistryError, match="no such file"):
        versions.accept(tmp_path / "missing.csv", now=T2, today=TODAY)
    assert len(versions.list_versions()) == 1
    assert sorted(p.name for p in store.iterdir()) == sorted([".lock", "active", "20240601-090000-台账2023.csv", "20240601-090000-台账2023.csv.json"])


def test_versions_are_kept_listed_newest_first_and_switchable(store, files):
    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    v2 = versions.accept(files["v2"], now=T2, today=TODAY)
    listed = versions.list_versions()
    assert [v.id for v in listed] == [v2.id, v1.id]
    assert [v.active for v in listed] == [True, False]
    assert accepted_count(sources.default_registry()) == 3

    back = versions.activate(v1.id, today=TODAY)
    assert back.active and versions.active_version().id == v1.id
    assert accepted_count(sources.default_registry()) == 2
    assert v2.path.read_bytes() == files["v2"].read_bytes(), "switching back keeps the newer version"

    assert versions.activate("20240602", today=TODAY).id == v2.id, "a unique prefix is enough"
    with pytest.raises(RegistryError, match="no stored registry version '1999'.*20240602-103005"):
        versions.activate("1999")
    with pytest.raises(RegistryError, match="matches 2 versions"):
        versions.activate("202406")


def test_same_second_and_hostile_names_get_distinct_safe_ids(store, files):
    a = versions.accept(files["v1"], name="../../etc/台账.csv", now=T1, today=TODAY)
    b = versions.accept(files["v2"], name="..\\..\\台账.csv", now=T1, today=TODAY)
    c = versions.accept(files["v2"], name="<script>x</script>.csv", now=T1, today=TODAY)
    assert [a.id, b.id] == ["20240601-090000-台账.csv", "20240601-090000-台账-2.csv"]
    assert "/" not in c.id and "<" not in c.id and c.path.parent == store
    assert {p.parent for p in store.rglob("*.csv")} == {store}


def test_safe_name_and_uploads(store):
    assert versions.safe_name("../../etc/passwd.csv") == "passwd.csv"
    assert versions.safe_name("C:\\Users\\张三\\台账 2024(终).XLSX") == "台账_2024(终).xlsx"
    assert versions.safe_name("....csv") == "registry.csv"
    with pytest.raises(RegistryError, match="not a registry file name"):
        versions.safe_name("evil.sh")
    upload = versions.save_upload("a,b\n".encode("utf-8"), "../台账.csv")
    assert upload.name == "台账.csv" and upload.parent.parent == store / ".incoming"
    assert versions.list_versions() == []
    versions.discard_upload(upload)
    assert not upload.exists() and not upload.parent.exists()
    outside = store.parent / "keep.csv"
    outside.write_text("x")
    versions.discard_upload(outside)
    assert outside.exists(), "only uploads are ever removed"


def test_dashboard_cycle_upload_stage_accept(store, files):
    upload = versions.save_upload(files["v2"].read_bytes(), "新台账.csv")
    report = versions.stage(upload, today=TODAY).report
    assert report.accepted == 3
    version = versions.accept(upload, name="新台账.csv", now=T2, today=TODAY)
    versions.discard_upload(upload)
    assert version.id == "20240602-103005-新台账.csv" and version.original_name == "新台账.csv"
    assert sources.default_registry() == version.path


# -- interrupted writes ---------------------------------------------------------------


def leftovers(store: Path) -> list[str]:
    return sorted(p.name for p in store.iterdir() if p.name.startswith(".tmp-"))


@pytest.mark.parametrize("failing", ["version", "pointer"])
def test_failed_rename_keeps_the_previous_version_active(store, files, monkeypatch, failing):
    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    real_replace = os.replace

    def replace(src, dst):
        is_pointer = Path(dst).name == versions.POINTER
        if (failing == "pointer") == is_pointer and not str(dst).endswith(".json"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="No space left"):
        versions.accept(files["v2"], now=T2, today=TODAY)
    monkeypatch.setattr(os, "replace", real_replace)
    assert [v.id for v in versions.list_versions()] == [v1.id]
    assert versions.active_version().id == v1.id
    assert accepted_count(sources.default_registry()) == 2
    assert leftovers(store) == []
    assert sorted(p.name for p in store.iterdir()) == sorted([".lock", "active", v1.id, f"{v1.id}.json"])


def test_write_failing_midway_keeps_the_previous_version_active(store, files, monkeypatch):
    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    size = files["v2"].stat().st_size
    real_fsync = os.fsync
    failed = []

    def failing_fsync(fd):
        if os.fstat(fd).st_size == size:  # the copy of the registry, all its bytes written
            failed.append(fd)
            raise OSError(5, "Input/output error")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="Input/output"):
        versions.accept(files["v2"], now=T2, today=TODAY)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert failed, "the failure came while the registry's copy was being written"
    assert versions.active_version().id == v1.id
    assert [v.id for v in versions.list_versions()] == [v1.id]
    assert leftovers(store) == []


@pytest.mark.slow  # 1-2 s of CPU: a PDF, PNG, subprocess or full report (make test-fast leaves it out)
def test_process_killed_before_the_rename(store, files):
    """A real interruption: the process dies (no cleanup runs) just before the rename."""
    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    code = (
        "import os, datetime as dt\n"
        "from coopmap.data import versions\n"
        "real = os.replace\n"
        "def dying(src, dst):\n"
        "    if not str(dst).endswith('.json'):\n"
        "        os._exit(9)\n"
        "    return real(src, dst)\n"
        "os.replace = dying\n"
        f"versions.accept({str(files['v2'])!r}, today=dt.date(2024, 6, 30))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, timeout=120)
    assert result.returncode == 9, result.stderr.decode()
    assert len(leftovers(store)) == 1, "the half-done write left its temporary file"
    assert [v.id for v in versions.list_versions()] == [v1.id]
    assert versions.active_version().id == v1.id
    assert accepted_count(sources.default_registry()) == 2
    v2 = versions.accept(files["v2"], now=T2, today=TODAY)
    assert versions.active_version().id == v2.id, "the store still takes new versions"


def test_activate_refuses_a_damaged_version(store, files):
    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    v2 = versions.accept(files["v2"], now=T2, today=TODAY)
    v1.path.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(RegistryError, match="binary"):
        versions.activate(v1.id)
    assert versions.active_version().id == v2.id


def test_pointer_to_a_removed_version_falls_back_to_the_newest(store, files):
    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    v2 = versions.accept(files["v2"], now=T2, today=TODAY)
    versions.activate(v1.id)
    v1.path.unlink()
    with pytest.warns(UserWarning, match="not stored"):
        assert versions.active_registry_path() == v2.path
    with pytest.warns(UserWarning, match="not stored"):
        assert sources.default_registry() == v2.path


def test_version_without_its_record_is_still_listed(store, files):
    v1 = versions.accept(files["v1"], now=T1, today=TODAY)
    (store / f"{v1.id}.json").unlink()
    (listed,) = versions.list_versions()
    assert listed.id == v1.id and listed.created == T1 and listed.accepted is None and listed.active


# -- the command line -----------------------------------------------------------------


def test_cli_accept_versions_activate(store, files, capsys):
    from coopmap.cli import main

    assert main(["versions"]) == 0
    assert "no stored registry versions" in capsys.readouterr().out

    assert main(["accept", str(files["v1"])]) == 0
    first = capsys.readouterr().out
    assert first.startswith("* ") and "台账2023.csv" in first and "accepted 2, rejected 0" in first

    assert main(["accept", str(files["bad"])]) == 2
    err = capsys.readouterr().err
    assert "1 row(s) are rejected" in err and "--acknowledge-rejected" in err and "Traceback" not in err
    assert main(["accept", str(files["bad"]), "--acknowledge-rejected", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["active"] and second["rejected"] == 1 and second["acknowledged_rejected"]

    assert main(["versions", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [v["active"] for v in listed] == [True, False, False] and listed[0]["id"] == second["id"]
    assert listed[2]["id"] == "base" and listed[2]["shipped_sample"] and listed[2]["path"] == str(paths.SAMPLE_XLSX)

    first_id = listed[1]["id"]
    assert main(["activate", first_id]) == 0
    assert capsys.readouterr().out.startswith(f"* {first_id}")
    assert main(["versions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith(f"  {second['id']}") and lines[2].startswith(f"* {first_id}")

    assert main(["activate", "base"]) == 0
    assert capsys.readouterr().out.startswith(f"* base  {paths.SAMPLE_XLSX}  (the shipped illustrative sample")
    assert main(["versions"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("* base")
    assert sources.default_registry() == paths.SAMPLE_XLSX

    assert main(["activate", "no-such-version"]) == 2
    assert "no stored registry version 'no-such-version'" in capsys.readouterr().err


def test_serve_with_a_registry_says_when_an_accepted_version_is_shown_instead(store, files, capsys, monkeypatch):
    from coopmap.cli import main
    from coopmap.server import launch

    served = []
    monkeypatch.setattr(launch, "serve", lambda **options: served.append(options))
    assert main(["serve", "--no-browser", "--registry", str(files["v1"])]) == 0
    assert "note:" not in capsys.readouterr().err, "nothing accepted: the file is shown"
    version = versions.accept(files["v2"], now=T2, today=TODAY)
    assert main(["serve", "--no-browser", "--registry", str(files["v1"])]) == 0
    err = capsys.readouterr().err
    assert f"the dashboard shows the accepted version {version.id}" in err and "coopmap activate base" in err
    assert str(served[-1]["registry"]).endswith("台账2023.csv")
    versions.activate("base")
    assert main(["serve", "--no-browser", "--registry", str(files["v1"])]) == 0
    assert "note:" not in capsys.readouterr().err
