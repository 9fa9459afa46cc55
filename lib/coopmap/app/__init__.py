"""The Voila dashboard: county overview → township → cooperative, offline and shareable.

``dashboards/longling.ipynb`` builds it with :func:`build_app` and shows
:attr:`App.widget`; ``coopmap serve`` (:mod:`coopmap.server`) serves that notebook.

* :class:`AppData` — the registry, divisions, boundaries and published figures shown;
* :class:`AppState` — one visitor's selection, filters, metric and language, and the
  query string that reopens it;
* one class per view (:class:`OverviewView`, :class:`TownshipView`, :class:`CoopView`)
  and the parts around them (:mod:`coopmap.app.chrome`), each owning its widgets with
  one ``refresh``;
* :class:`App` — the whole page.
"""

from __future__ import annotations

from coopmap.app.cooperative import CoopView
from coopmap.app.data import AppData, Filters
from coopmap.app.main import App, build_app
from coopmap.app.overview import OverviewView
from coopmap.app.state import AppState, Notice
from coopmap.app.township import TownshipView

__all__ = ["App", "AppData", "AppState", "CoopView", "Filters", "Notice", "OverviewView", "TownshipView", "build_app"]
