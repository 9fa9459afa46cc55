"""A place on the page for one chart: one ``altair.JupyterChart`` per language for the whole visit.

A slot creates a chart widget for a language the first time it shows a chart in it,
then only swaps that widget's ``.chart``; switching language shows the other
language's widget and hides this one, so the browser draws nothing again. It builds
a chart only for a key not seen yet (:class:`ChartCache` keeps them: going back and
forth costs nothing the second time), and turns the chart's click selection into a
callback with the selected codes.

A click selection lives in the browser. When the dashboard moves by another route
(a breadcrumb, a list), the chart's own selection would go stale and a click on the
same township again would change nothing; so the slot remembers what the browser has
selected (:attr:`ChartSlot.selected`), and a view rebuilds the chart when that differs
from what it wants to show.
"""

from __future__ import annotations

import json
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Hashable, Optional

import altair as alt
import ipywidgets as widgets
import pandas as pd
from altair.utils.schemapi import debug_mode

from coopmap.data import sources
from coopmap.errors import CoopmapError

#: vega-embed options: SVG (crisp, testable shapes) and no export menu.
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def frozen(chart: alt.TopLevelMixin, spec: dict[str, Any]) -> alt.TopLevelMixin:
    """Make ``chart.to_dict()`` (no arguments) return a copy of ``spec`` from now on.

    ``altair.JupyterChart`` turns its chart into a spec with ``chart.to_dict()`` every
    time the chart is set, which validates the whole spec against the vega-lite schema
    and deep-copies it: 50-300 ms per chart here, for a chart that does not change.
    ``spec`` must be what ``chart.to_dict()`` returned. Calls with arguments (other
    formats, contexts) still go to altair.
    """
    method = type(chart).to_dict

    def to_dict(*args: Any, **kwargs: Any) -> dict[str, Any]:
        if args or kwargs:
            return method(chart, *args, **kwargs)
        return dict(spec)

    # Past SchemaBase.__setattr__, which would store it as a chart property.
    object.__setattr__(chart, "to_dict", to_dict)
    return chart


def with_rows(template: alt.TopLevelMixin, data: pd.DataFrame) -> alt.TopLevelMixin:
    """Return ``template`` drawing ``data`` instead of its own single dataset.

    For charts whose structure does not depend on the rows they draw (a
    cooperative's income streams or its comparison with medians: same columns, same
    number of rows, in the same order), this replaces building and validating a chart
    per cooperative with replacing the rows of one already built.

    Parameters
    ----------
    template : altair chart
        A chart from :class:`ChartCache` (or :func:`frozen`) with one inline dataset.
    data : pandas.DataFrame
        The rows to draw, as the chart's builder would have made them.

    Raises
    ------
    CoopmapError
        When the template does not hold exactly one dataset.
    """
    spec = template.to_dict()
    datasets = spec.get("datasets") or {}
    if len(datasets) != 1:
        raise CoopmapError(f"a chart template needs exactly one inline dataset, this one has {len(datasets)}: "
                           "build the chart itself instead")
    name = next(iter(datasets))
    values = alt.utils.data.to_values(data)["values"]
    return frozen(template.copy(deep=False), {**spec, "datasets": {name: values}})


def with_spec(template: alt.TopLevelMixin, spec: dict[str, Any]) -> alt.TopLevelMixin:
    """Return a copy of ``template`` whose ``to_dict()`` gives ``spec``.

    For a spec derived from the template's own (same parameters and selections),
    such as :func:`coopmap.presentation.township_charts.outline_township`.
    """
    return frozen(template.copy(deep=False), spec)


class ChartCache:
    """Charts already built, by key, least recently used dropped first.

    Charts depend only on the data and the key (language, filters, metric,
    highlight...), never on who looks at them, so the views of one kernel share one
    cache per data object (:func:`chart_cache`).
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._charts: OrderedDict[Hashable, alt.TopLevelMixin] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], alt.TopLevelMixin]) -> alt.TopLevelMixin:
        """Return the chart for ``key``, calling ``build()`` if it is not cached.

        Building skips altair's validation of every intermediate object; the whole
        chart is validated once, here, when it is turned into its vega-lite spec, and
        the chart returned keeps that spec (:func:`frozen`), so showing it again does
        not validate and copy it again.
        """
        chart = self._charts.get(key)
        if chart is None:
            with debug_mode(False):
                built = build()
            chart = frozen(built, built.to_dict())
            self._charts[key] = chart
            if len(self._charts) > self._size:
                self._charts.popitem(last=False)
        else:
            self._charts.move_to_end(key)
        return chart

    def __contains__(self, key: Hashable) -> bool:
        return key in self._charts

    def clear(self) -> None:
        """Forget every chart (after the data changed)."""
        self._charts.clear()

    def __len__(self) -> int:
        return len(self._charts)

    def values(self) -> list[alt.TopLevelMixin]:
        """The charts kept, least recently used first."""
        return list(self._charts.values())


#: One cache per data object shown in this kernel, by ``id``; an entry goes with its data.
_CACHES: dict[int, ChartCache] = {}


def chart_cache(data: object) -> ChartCache:
    """Return the cache of the charts built for ``data`` (an :class:`coopmap.app.data.AppData`).

    A chart is a function of the data it draws and of the inputs in its key (chart,
    language, filters, metric, highlight...). The cache lives here, in the chart
    layer, beside the data rather than in them: other data (a version accepted in the
    data panel) is another object, so it gets a cache of its own and no chart of the
    old data is shown; the cache is dropped when its data object is.

    Parameters
    ----------
    data : object
        The data the charts draw; any object that can be weakly referenced.

    Returns
    -------
    ChartCache
    """
    key = id(data)
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = ChartCache()
        weakref.finalize(data, _CACHES.pop, key, None)
    return cache


#: Set by ``coopmap serve``: URL path of the chart bundle the server shares.
BUNDLE_ENV = sources.CHART_BUNDLE_ENV

#: The front end of a chart widget that imports the shared bundle (``BUNDLE_URL``: its URL, as JSON).
_LOADER = (Path(__file__).resolve().parent / "static" / "chart_loader.js").read_text(encoding="utf-8")


def chart_widget_class() -> type[alt.JupyterChart]:
    """Return the chart widget class to use, never one that reaches for a CDN.

    Under ``coopmap serve`` (``COOPMAP_CHART_BUNDLE`` set) a subclass of
    ``altair.JupyterChart`` whose front-end code only imports the bundle the server
    shares, so the page loads it once for all charts. Elsewhere (JupyterLab) altair's
    own offline mode, with the bundle in each widget.
    """
    url = sources.chart_bundle_url()
    if not url:
        alt.JupyterChart.enable_offline()
        return alt.JupyterChart
    cls = _SHARED.get(url)
    if cls is None:
        cls = type("SharedBundleChart", (alt.JupyterChart,), {
            "__doc__": "altair.JupyterChart importing the chart bundle served by coopmap serve.",
            "__module__": __name__,
            "_esm": _LOADER.replace("BUNDLE_URL", json.dumps(url)),
        })
        _SHARED[url] = cls
    return cls


_SHARED: dict[str, type[alt.JupyterChart]] = {}


def enable_offline() -> None:
    """Make sure chart widgets load vega locally, never from a CDN."""
    chart_widget_class()


class _Drawn:
    """One chart widget of a slot and what it shows."""

    def __init__(self, widget: alt.JupyterChart, key: Hashable) -> None:
        self.widget = widget
        self.key = key
        #: Values the browser reports selected in the chart shown (reset on each swap).
        self.selected: tuple[Any, ...] = ()


class ChartSlot:
    """A place on the page for one chart, with a cache and a selection callback.

    The slot keeps one chart widget per language (the first item of every key) and
    swaps the chart inside it. Switching language and back only changes which widget
    is visible: the browser keeps each language's drawing and does not parse and
    draw the chart again.

    Parameters
    ----------
    name : str
        The slot's name; part of every cache key.
    cache : ChartCache
        Where built charts are kept.
    selection : str, optional
        Name of the chart's point selection to watch (``"township"``).
    field : str
        The selection's field whose values are passed on (``"code"``).
    on_select : callable, optional
        ``on_select(values)`` with the list of selected values (empty when cleared).
    css : str
        CSS class of the widget.
    """

    def __init__(self, name: str, cache: ChartCache, selection: Optional[str] = None, field: str = "code",
                 on_select: Optional[Callable[[list[Any]], None]] = None, css: str = "") -> None:
        self._name = name
        self._charts = cache
        self._selection = selection
        self._field = field
        self._on_select = on_select
        self._drawn = 0
        #: Chart widgets by language, made at the first :meth:`show` in that language
        #: (a chart never shown costs the page nothing).
        self._by_lang: dict[Hashable, _Drawn] = {}
        self._current: Optional[_Drawn] = None
        #: The slot's place on the page: a box that receives the chart widgets.
        self.widget = widgets.Box()
        self.widget.add_class("cm-chart-slot")
        if css:
            self.widget.add_class(css)

    @property
    def chart(self) -> Optional[alt.JupyterChart]:
        """The chart widget on screen (``None`` before the first :meth:`show`)."""
        return self._current.widget if self._current else None

    @property
    def key(self) -> Optional[Hashable]:
        """The key of the chart on screen."""
        return self._current.key if self._current else None

    @property
    def selected(self) -> tuple[Any, ...]:
        """Values the browser reports selected in the chart on screen."""
        return self._current.selected if self._current else ()

    def show(self, key: tuple, build: Callable[[], alt.TopLevelMixin], force: bool = False) -> bool:
        """Show the chart for ``key``, calling ``build()`` only for a key not cached.

        Parameters
        ----------
        key : tuple
            What the chart shows: language first, then filters, metric, highlight...
        build : callable
            Returns the chart for ``key``.
        force : bool
            Draw the chart again even if ``key`` is shown (to reset the browser's
            selection).

        Returns
        -------
        bool
            Whether a chart was sent to the browser (not only made visible).
        """
        drawn = self._by_lang.get(key[0])
        if drawn is not None and key == drawn.key and not force:
            self._make_current(drawn)
            return False
        chart = self._charts.get((self._name, key), build)
        if drawn is None:
            drawn = _Drawn(chart_widget_class()(chart, embed_options=dict(EMBED_OPTIONS)), key)
            self._by_lang[key[0]] = drawn
            self._make_current(drawn)
            self.widget.children = (*self.widget.children, drawn.widget)
        else:
            if chart is drawn.widget.chart:
                # The same chart would not be sent again: mark this drawing as a new one.
                self._drawn += 1
                usermeta = {"coopmap": {"drawn": self._drawn}}
                spec = chart.to_dict()
                chart = frozen(chart.properties(usermeta=usermeta), {**spec, "usermeta": usermeta})
            drawn.key = key
            drawn.widget.chart = chart
            self._make_current(drawn)
        drawn.selected = ()
        # The widget makes a new `selections` object for every chart: watch it again.
        if self._selection is not None:
            drawn.widget.selections.observe(lambda change, d=drawn: self._selection_changed(d, change), [self._selection])
        return True

    def present(self, base: tuple, highlight: Optional[str], build: Callable[[], alt.TopLevelMixin]) -> None:
        """Show the chart ``base + (highlight,)``, drawing it again only when the browser
        shows something else.

        What the browser marks is the chart's own highlight plus whatever the visitor
        has clicked in it since it was drawn (:attr:`selected`); the chart is drawn
        again when that differs from ``highlight``.
        """
        drawn = self._by_lang.get(base[0])
        if drawn is not None and self._marks(drawn, base, highlight):
            self._make_current(drawn)
        else:
            self.show(base + (highlight,), build, force=True)

    def prepare(self, key: Hashable, build: Callable[[], alt.TopLevelMixin]) -> None:
        """Build the chart for ``key`` into the cache without showing it."""
        self._charts.get((self._name, key), build)

    @staticmethod
    def _marks(drawn: _Drawn, base: tuple, highlight: Optional[str]) -> bool:
        if not isinstance(drawn.key, tuple) or drawn.key[:-1] != base:
            return False
        marked = set(drawn.selected) | ({drawn.key[-1]} if drawn.key[-1] is not None else set())
        return marked == ({highlight} if highlight is not None else set())

    def _make_current(self, drawn: _Drawn) -> None:
        if drawn is self._current:
            return
        for other in self._by_lang.values():
            other.widget.layout.display = None if other is drawn else "none"
        self._current = drawn

    def _selection_changed(self, drawn: _Drawn, change: dict[str, Any]) -> None:
        value = getattr(change["new"], "value", None) or []
        values = tuple(item.get(self._field) for item in value if isinstance(item, dict) and item.get(self._field) is not None)
        drawn.selected = values
        if self._on_select is not None and drawn is self._current:
            self._on_select(list(values))
