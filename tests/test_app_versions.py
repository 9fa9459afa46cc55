"""The dashboard and the version store: the shipped sample stays a version to switch back to,
and a page already open is told when another page makes another version active.

Each visitor has their own kernel; here two :class:`App` objects in one process stand for
two pages, sharing only the version store, as two kernels do. Every test uses a
temporary ``COOPMAP_DATA_LOCAL``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import re
from pathlib import Path

import pytest

from coopmap import paths
from coopmap.app import App
from coopmap.app.parts import find_part
from coopmap.app.watch import VersionWatch
from coopmap.data import versions

from helpers import coop_row, write_csv

MENGNUO = "530523103"
SAMPLE_COOPS = 98


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary local data folder; no registry named in the environment (the shipped sample is the base)."""
    monkeypatch.setenv("COOPMAP_DATA_LOCAL", str(tmp_path / "local"))
    monkeypatch.delenv("COOPMAP_REGISTRY", raising=False)
    return tmp_path / "local" / "registry"


@pytest.fixture
def update(tmp_path: Path) -> bytes:
    """A registry of five cooperatives, four of them in 勐糯镇."""
    rows = [coop_row(910 + i, **{"乡镇": "勐糯镇", "村（社区）": "田坡社区"}) for i in range(4)] + [coop_row(920)]
    return write_csv(tmp_path / "upload.csv", rows, title="龙陵县党组织领办合作社台账（更新）").read_bytes()


def part(drawer, css: str):
    """The drawer's widget with the CSS class ``css`` (its widgets are private; see coopmap.app.parts)."""
    return find_part(drawer.widget, css)


def notices(app: App) -> str:
    return text(find_part(app.notices.widget, "cm-notices").value) if app.notices.widget.layout.display is None else ""


@pytest.mark.slow  # 2-5 s of CPU (make test-fast leaves it out)
def test_after_an_accept_the_sample_is_listed_and_switching_back_shows_it(store: Path, update: bytes) -> None:
    app = App.from_files()
    assert app.data.illustrative and len(app.data.frame) == SAMPLE_COOPS
    panel = app.data_panel
    panel.open()
    listed = text(part(panel, "cm-versions").value)
    assert "尚未接受任何版本" in listed and "内置示例数据 示例数据" in listed and "本页显示" in listed
    assert part(panel, "cm-activate").layout.display == "none", "nothing to switch to yet"

    panel.receive("更新.csv", update)
    accepted = panel.accept()
    assert accepted is not None and len(app.data.frame) == 5 and not app.data.illustrative
    rows = re.findall(r'<tr class="([^"]*)" data-version="([^"]+)">', part(panel, "cm-versions").value)
    assert rows == [("cm-version-active", accepted.id), ("cm-version-base", "base")]
    options = {value: label for label, value in part(panel, "cm-version-pick").options}
    assert list(options) == [accepted.id, "base"] and options["base"] == "内置示例数据 · 示例数据"

    part(panel, "cm-version-pick").value = "base"
    assert not part(panel, "cm-activate").disabled
    part(panel, "cm-activate").click()
    assert app.data.illustrative and len(app.data.frame) == SAMPLE_COOPS
    assert app.data.registry_source == str(paths.SAMPLE_XLSX) and "示例数据" in find_part(app.header.widget, "cm-provenance").value
    assert "已切换回内置示例数据" in text(part(panel, "cm-update-status").value)
    rows = re.findall(r'<tr class="([^"]*)" data-version="([^"]+)">', part(panel, "cm-versions").value)
    assert rows == [("", accepted.id), ("cm-version-active cm-version-base", "base")]
    assert f"{SAMPLE_COOPS} / 0" in text(part(panel, "cm-versions").value), "the counts of the base shown"
    assert part(panel, "cm-activate").disabled  # the sample is chosen, active and shown
    app.state.update(lang="en")
    assert "Shipped sample data" in text(part(panel, "cm-versions").value)

    # a visitor who comes now opens on the sample; the accepted version is kept
    newcomer = App.from_files()
    assert newcomer.data.illustrative and len(newcomer.data.frame) == SAMPLE_COOPS
    assert accepted.path.is_file() and [v.id for v in versions.list_versions()] == [accepted.id]


@pytest.mark.slow  # 2-5 s of CPU (make test-fast leaves it out)
def test_a_page_already_open_is_told_when_another_page_switches(store: Path, update: bytes) -> None:
    first, second = App.from_files(), App.from_files()
    assert not second.watch.check() and notices(second) == "", "nothing changed yet"

    first.data_panel.receive("更新.csv", update)
    accepted = first.data_panel.accept()
    assert accepted is not None
    assert second.watch.check(), "the pointer was written"
    when = accepted.created.strftime("%Y-%m-%d %H:%M")
    assert f"数据已更新为 更新.csv · {when}，刷新后查看" in notices(second)
    assert len(second.data.frame) == SAMPLE_COOPS, "the page's figures are not replaced under the visitor's eyes"
    first.watch.check()
    assert notices(first) == "", "the page that switched shows the active version"

    # the notice stays while the visitor moves on, and follows the language
    second.state.update(township=MENGNUO)
    second.state.update(lang="en")
    assert "The data have been updated to 更新.csv" in notices(second)
    second.state.update(township=None)
    assert "reload the page" in notices(second)

    # switching back to what the page shows takes the notice away; switching to the sample elsewhere says so
    first.data_panel.activate("base")
    assert second.watch.check() and notices(second) == ""
    first.data_panel.activate(accepted.id)
    assert second.watch.check() and "updated to 更新.csv" in notices(second)
    versions.activate(accepted.id)  # written again, same version: the notice stays as it is
    assert second.watch.check() and "updated to 更新.csv" in notices(second)
    third = App.from_files()  # a page opened while the upload is active
    versions.activate("base")
    assert third.watch.check()
    assert "数据已更新为内置示例数据（示例数据），刷新后查看" in notices(third)

    # reloading the page (a new kernel) opens on the active version, without the notice
    fourth = App.from_files()
    fourth.open("")
    assert fourth.data.illustrative and notices(fourth) == ""


def test_a_page_not_following_the_store_is_not_told(store: Path, update: bytes, tmp_path: Path) -> None:
    fixed = App.from_files(registry=paths.SAMPLE_XLSX)  # an analyst's explicit file
    assert not fixed.follows_default
    versions.accept(write_csv(tmp_path / "u.csv", [coop_row(930)], title="u"))
    assert fixed.watch.check() and notices(fixed) == ""


def test_the_watch_looks_by_itself_on_the_running_event_loop(store: Path, update: bytes, tmp_path: Path) -> None:
    page = App.from_files()
    # Without a running loop the watch does not start (check() is then called by hand);
    # after the browser tests Playwright's sync API leaves a loop running in this process.
    try:
        asyncio.get_running_loop()
        loop_running = True
    except RuntimeError:
        loop_running = False
    assert page.watch.start() == loop_running
    page.watch.stop()
    watch = VersionWatch(lambda: (page.data, page.state), interval=0.05)

    async def visit() -> str:
        assert watch.start() and watch.running
        await asyncio.sleep(0.2)
        assert notices(page) == ""
        versions.accept(write_csv(tmp_path / "u.csv", [coop_row(931)], title="u"), name="别处上传.csv",
                        now=dt.datetime(2024, 6, 2, 10, 30, 5))
        await asyncio.sleep(0.3)
        seen = notices(page)
        watch.stop()
        return seen

    # A thread of its own: asyncio.run() refuses to start where Playwright's loop already runs.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(asyncio.run, visit()).result(timeout=30)
    assert "数据已更新为 别处上传.csv · 2024-06-02 10:30" in seen
    assert not watch.running
