"""The dashboard's parts do not import the page that holds them (no import cycle through app.main)."""

from __future__ import annotations

import grimp
import pytest

PARTS = ["coopmap.app.datapanel", "coopmap.app.upload_report", "coopmap.app.downloadbar", "coopmap.app.watch",
         "coopmap.app.state", "coopmap.app.data", "coopmap.app.slots", "coopmap.app.parts"]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # every import counts, also those under TYPE_CHECKING: a cycle there is still a cycle for a reader
    return grimp.build_graph("coopmap")


@pytest.mark.parametrize("part", PARTS)
def test_a_part_of_the_page_does_not_reach_app_main(graph: grimp.ImportGraph, part: str) -> None:
    assert not graph.chain_exists(importer=part, imported="coopmap.app.main"), graph.find_shortest_chain(
        importer=part, imported="coopmap.app.main")


def test_app_data_holds_no_charts(graph: grimp.ImportGraph) -> None:
    """The chart cache lives in the chart layer (coopmap.app.slots), not in the data the views share."""
    assert not graph.chain_exists(importer="coopmap.app.data", imported="coopmap.app.slots")
