"""A visitor's action reaches the browser as at most one update message per widget (hold_sync)."""

from __future__ import annotations

from collections import Counter

import ipywidgets as widgets
import pytest

from coopmap import paths
from coopmap.app import App, AppData
from coopmap.app.parts import page_widgets


@pytest.fixture(scope="module")
def app() -> App:
    page = App(AppData.load(paths.SAMPLE_XLSX))
    page.downloads.open()
    page.data_panel.open()  # closes the download menu; both drawers are built
    return page


def updates(app: App, monkeypatch: pytest.MonkeyPatch, charts: bool = False, **change: object) -> Counter:
    """Apply ``change`` to the state; count the update messages each widget of the page sends.

    Without ``charts`` the charts' path (``App._later``) is left out; with it, it runs at
    once and the widgets it changes (the map panel's dropdowns and hint, the chart slots)
    count too. Widgets made by the change (a chart widget for a new language, which
    altair sets up in its constructor) are not counted.
    """
    sent: Counter = Counter()
    send = widgets.Widget._send
    before = {id(w) for w in page_widgets(app.widget)}

    def record(self: widgets.Widget, msg: dict, buffers: object = None) -> None:
        if msg.get("method") == "update" and id(self) in before:
            sent[(type(self).__name__, id(self))] += 1
        send(self, msg, buffers)

    monkeypatch.setattr(widgets.Widget, "_send", record)
    monkeypatch.setattr(app, "_later", (lambda work: work()) if charts else (lambda work: None))
    app.state.update(**change)
    return sent


#: (state to start from, change): each change is a real one whichever test ran before on the shared page.
CHANGES = [
    ({"lang": "zh", "township": None}, {"lang": "en"}),
    ({"township": None}, {"township": "530523103"}),
    ({"lang": "en", "township": "530523103"}, {"lang": "zh", "township": None}),
]


@pytest.mark.parametrize(("start", "change"), CHANGES)
def test_each_widget_sends_its_changes_in_one_message(app: App, monkeypatch: pytest.MonkeyPatch, start, change) -> None:
    app.state.update(**start)
    sent = updates(app, monkeypatch, **change)
    assert sent, "the change reached the page"
    assert max(sent.values()) == 1, sorted(k for k, n in sent.items() if n > 1)


@pytest.mark.parametrize(("start", "change"), CHANGES + [({"metric": "coverage_pct"}, {"metric": "revenue"})])
def test_the_charts_path_sends_each_widgets_changes_in_one_message(app: App, monkeypatch: pytest.MonkeyPatch, start, change) -> None:
    # The map panel's refresh and the views' refresh_charts run after _on_state's hold: they hold their own.
    app.state.update(**start)
    sent = updates(app, monkeypatch, charts=True, **change)
    assert sent, "the change reached the page"
    assert max(sent.values()) == 1, sorted(k for k, n in sent.items() if n > 1)
