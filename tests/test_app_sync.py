"""A visitor's action reaches the browser as at most one update message per widget (hold_sync)."""

from __future__ import annotations

from collections import Counter

import ipywidgets as widgets
import pytest

from coopmap import paths
from coopmap.app import App, AppData


@pytest.fixture(scope="module")
def app() -> App:
    page = App(AppData.load(paths.SAMPLE_XLSX))
    page.downloads.open()
    page.data_panel.open()  # closes the download menu; both drawers are built
    return page


def updates(app: App, monkeypatch: pytest.MonkeyPatch, **change: object) -> Counter:
    """Apply ``change`` to the state; count the update messages each widget sends (charts left out)."""
    sent: Counter = Counter()
    send = widgets.Widget._send

    def record(self: widgets.Widget, msg: dict, buffers: object = None) -> None:
        if msg.get("method") == "update":
            sent[(type(self).__name__, id(self))] += 1
        send(self, msg, buffers)

    monkeypatch.setattr(widgets.Widget, "_send", record)
    monkeypatch.setattr(app, "_later", lambda work: None)  # the charts follow on their own path
    app.state.update(**change)
    return sent


@pytest.mark.parametrize("change", [{"lang": "en"}, {"township": "530523103"}, {"lang": "zh", "township": None}])
def test_each_widget_sends_its_changes_in_one_message(app: App, monkeypatch: pytest.MonkeyPatch, change) -> None:
    sent = updates(app, monkeypatch, **change)
    assert sent, "the change reached the page"
    assert max(sent.values()) == 1, sorted(k for k, n in sent.items() if n > 1)
