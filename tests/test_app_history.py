"""Browser Back and Forward, driven without a browser.

:class:`History` does with the link widget's messages what its script does in the page
(``lib/coopmap/app/link.py``): a ``query`` sent with ``push`` is a new entry, any other
replaces the current entry's address, and Back/Forward send the entry's query back in
``navigated``. The tests check that views are entries, that going back shows the entry's
view without adding one, and that a link opens its view without an entry.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from coopmap.app import App, AppData, Filters
from coopmap.app.parts import find_part
from coopmap.data import uscc
from coopmap.data.divisions import load_divisions
from coopmap.data.registry import load_registry
from coopmap.geo.schematic import schematic_townships

from helpers import coop_row, write_csv

BIZHAI, MENGNUO = "530523203", "530523103"
POTOU = uscc.make("530523", 901)  # a village cooperative of 碧寨乡
TIANPO = uscc.make("530523", 904)  # one of 勐糯镇


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> AppData:
    rows = [
        coop_row(901, **{"合作社名称": "龙陵县碧寨乡坡头村火腿专业合作社", "村（社区）": "坡头村"}),
        coop_row(902, **{"合作社名称": "龙陵县碧寨乡中寨村茶叶专业合作社", "村（社区）": "中寨村", "主导产业": "茶叶"}),
        coop_row(904, **{"合作社名称": "龙陵县勐糯镇田坡社区褚橙种植专业合作社", "乡镇": "勐糯镇", "村（社区）": "田坡社区",
                         "主导产业": "褚橙"}),
        coop_row(905, **{"合作社名称": "龙陵县勐糯镇丛岗村松坡专业合作社", "乡镇": "勐糯镇", "领办层级": "村民小组",
                         "村（社区）": "丛岗村", "村民小组": "松坡村民小组"}),
    ]
    path = write_csv(tmp_path_factory.mktemp("registry") / "registry.csv", rows, title="龙陵县党组织领办合作社台账（测试）")
    loaded = load_registry(path)
    assert loaded.report.rejected == 0, loaded.report.errors
    towns = schematic_townships()
    return AppData(frame=loaded.frame, divisions=load_divisions(), boundaries=towns, schematic=True,
                   boundaries_source=towns.attrs["source"], registry_source=str(path), illustrative=False,
                   title=loaded.report.title, report=loaded.report,
                   file_date=dt.date.fromtimestamp(path.stat().st_mtime))


class History:
    """The page's history as the link widget's script keeps it.

    ``pushes`` counts the entries the kernel asked for; ``entries[index]`` is the
    address shown.
    """

    def __init__(self, app: App, address: str) -> None:
        self.app = app
        self.entries = [address]
        self.index = 0
        self.pushes = 0
        self._seq = 0
        self._attach()
        self._on_query({"new": find_part(app.header.widget, "cm-link").query, "first": True})

    def _attach(self) -> None:
        self.link = find_part(self.app.header.widget, "cm-link")
        self.link.observe(self._on_query, "query")

    def _on_query(self, change: dict) -> None:
        query = change["new"]
        if query == self.entries[self.index]:
            return
        if self.link.push and not change.get("first"):
            self.entries[self.index + 1:] = [query]
            self.index += 1
            self.pushes += 1
        else:
            self.entries[self.index] = query

    def _pop(self, step: int) -> None:
        self.index += step
        assert 0 <= self.index < len(self.entries), "no entry there: Back would leave the dashboard"
        query = self.entries[self.index]
        if query != self.link.query:
            self._seq += 1
            self.link.navigated = {"query": query, "seq": self._seq}

    def back(self) -> None:
        self._pop(-1)

    def forward(self) -> None:
        self._pop(+1)

    def follow_new_link(self) -> None:
        """After the page showed other data: the new button is the one that listens."""
        self._attach()


def crumbs(app: App) -> str:
    """The breadcrumb as the visitor reads it."""
    county, township, current = (find_part(app.breadcrumb.widget, f"cm-crumb-{part}") for part in ("county", "township", "current"))
    parts = [county.description]
    if township.layout.display != "none":
        parts.append(township.description)
    if current.layout.display != "none":
        parts.append(re.sub(r"<[^>]+>", "", current.value))
    return " › ".join(parts)


def click_map(app: App, code: str) -> None:
    """What the browser sends when a township shape is clicked."""
    app.map.charts["map"].chart._vl_selections = {"township": {"value": {"vlPoint": {"or": [{"code": code}]}}, "store": []}}


def test_views_are_history_entries_that_back_and_forward_return_to(data: AppData) -> None:
    app = App(data)
    app.open("")
    history = History(app, "")
    click_map(app, BIZHAI)
    app.township.table.click(POTOU)
    assert app.view == "coop"
    assert history.entries == ["", f"township={BIZHAI}", f"coop={POTOU}"] and history.index == 2

    history.back()
    assert app.view == "township" and app.state.township == BIZHAI
    assert crumbs(app) == "龙陵县 › 碧寨乡"
    assert app.township.widget.layout.display is None and app.coop.widget.layout.display == "none"
    link = find_part(app.header.widget, "cm-link")
    assert link.query == f"township={BIZHAI}" and not link.push
    history.back()
    assert app.view == "overview" and crumbs(app) == "龙陵县"
    assert app.overview.widget.layout.display is None
    history.forward()
    assert app.view == "township" and app.state.township == BIZHAI
    history.forward()
    assert app.view == "coop" and app.state.coop == POTOU
    history.back()  # the same entry again: still a change for the kernel
    assert app.view == "township"
    # Going back and forth added no entry; the entries still name their views.
    assert history.pushes == 2
    assert history.entries == ["", f"township={BIZHAI}", f"coop={POTOU}"]

    # A new view from the middle of the history drops the entries ahead, as browsers do.
    click_map(app, MENGNUO)
    assert history.entries == ["", f"township={BIZHAI}", f"township={MENGNUO}"]
    history.back()
    assert app.state.township == BIZHAI


def test_a_link_opens_its_view_without_adding_an_entry(data: AppData) -> None:
    app = App(data)
    app.open(f"coop={TIANPO}")
    assert app.view == "coop" and not find_part(app.header.widget, "cm-link").push
    history = History(app, f"coop={TIANPO}")
    assert history.entries == [f"coop={TIANPO}"]
    find_part(app.breadcrumb.widget, "cm-crumb-township").click()
    assert history.entries == [f"coop={TIANPO}", f"township={MENGNUO}"]
    history.back()
    assert app.view == "coop" and crumbs(app) == "龙陵县 › 勐糯镇 › 龙陵县勐糯镇田坡社区褚橙种植专业合作社"
    # A link with a name instead of a code: its entry is rewritten to the code, not pushed.
    other = App(data)
    other.open("township=碧寨")
    other_history = History(other, "township=%E7%A2%A7%E5%AF%A8")
    assert other_history.entries == [f"township={BIZHAI}"] and other_history.pushes == 0


def test_language_is_not_an_entry_and_back_keeps_it(data: AppData) -> None:
    app = App(data)
    app.open("")
    history = History(app, "")
    click_map(app, BIZHAI)
    find_part(app.header.widget, "cm-lang").value = "en"
    assert history.pushes == 1
    assert history.entries == ["", f"township={BIZHAI}&lang=en"]
    history.back()
    assert app.view == "overview" and app.state.lang == "en"
    assert crumbs(app) == "Longling County"
    assert history.entries == ["lang=en", f"township={BIZHAI}&lang=en"]  # rewritten, not added
    history.forward()
    assert app.state.township == BIZHAI and app.state.lang == "en"


def test_filters_and_the_map_measure_are_entries(data: AppData) -> None:
    app = App(data)
    app.open(f"township={MENGNUO}")
    history = History(app, f"township={MENGNUO}")
    find_part(app.filters.widget, "cm-filter-lead-level").value = "group"
    assert history.entries == [f"township={MENGNUO}", f"township={MENGNUO}&level=group"]
    app.state.update(metric="revenue")
    assert history.pushes == 2
    history.back()
    assert app.state.filters == Filters(lead_level="group") and app.state.metric == "coverage_pct"
    assert find_part(app.filters.widget, "cm-filter-lead-level").value == "group"
    history.back()
    assert app.state.filters == Filters() and find_part(app.filters.widget, "cm-filter-lead-level").value == ""
    assert app.view == "township" and app.state.township == MENGNUO


def test_back_still_works_after_the_page_shows_other_data(data: AppData) -> None:
    app = App(data)
    app.open("")
    history = History(app, "")
    click_map(app, BIZHAI)
    app.reload(data.with_frame(data.frame))  # as the data panel does after a switch
    history.follow_new_link()
    assert app.view == "township" and find_part(app.header.widget, "cm-link").query == f"township={BIZHAI}"
    history.back()
    assert app.view == "overview"


@pytest.mark.parametrize("value", [{}, {"query": 5}, {"seq": 1}, "township=530523203"])
def test_a_navigation_without_a_query_changes_nothing(data: AppData, value: object) -> None:
    app = App(data)
    app.open(f"township={MENGNUO}")
    if isinstance(value, dict):
        find_part(app.header.widget, "cm-link").navigated = value
    assert find_part(app.header.widget, "cm-link").navigated_query(value) is None
    assert app.state.township == MENGNUO


def test_an_entry_with_a_bad_code_lands_on_the_overview_with_a_notice(data: AppData) -> None:
    app = App(data)
    app.open(f"township={MENGNUO}")
    find_part(app.header.widget, "cm-link").navigated = {"query": "township=999999999", "seq": 1}
    assert app.view == "overview"
    assert [n.key for n in app.state.notices] == ["app.notice.unknown_township"]
    assert not find_part(app.header.widget, "cm-link").push
