"""The dashboard as one widget: :class:`App` puts the views together and routes the state.

Layout (the map stays on screen in every view)::

    header: title · data provenance · 中文/English · copy link
    filters            breadcrumb 龙陵县 › 勐糯镇 › 合作社         notices
    ┌ map panel ───────┬ overview │ township │ cooperative (one shown) ┐
    └──────────────────┴───────────────────────────────────────────────┘
    reconciliation (overview only)

:meth:`App._on_state` is the one place that reacts to the visitor: it refreshes the
header, filters and breadcrumb, refreshes the view the state asks for (its text, then
it is shown, then its charts) and the map; views not shown are refreshed when they are
shown next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import Any, Iterator, Optional
from urllib.parse import parse_qsl, urlencode

import ipywidgets as widgets

from coopmap.app.chrome import Breadcrumb, FilterBar, Header, NoticeBar
from coopmap.app.cooperative import CoopView
from coopmap.app.data import AppData
from coopmap.app.datapanel import DataPanel, data_of_version
from coopmap.app.downloadbar import DownloadMenu
from coopmap.app.mappanel import MapPanel
from coopmap.app.overview import OverviewView
from coopmap.app.parts import held, page_widgets
from coopmap.app.slots import enable_offline
from coopmap.app.state import DEFAULT_METRIC, AppState, Notice
from coopmap.app.township import TownshipView
from coopmap.app.watch import VersionWatch
from coopmap.data import sources
from coopmap.errors import CoopmapError
from coopmap.figures.plugins import load_plugins

log = logging.getLogger(__name__)
STYLE_SHEET = Path(__file__).resolve().parent / "templates" / "coopmap" / "static" / "coopmap.css"
#: State fields whose change is a new entry in the browser's history: what the page shows
#: (the place, the filters, the map's measure), so Back undoes it. The language is not:
#: the same page in other words replaces the entry, and Back keeps the language.
HISTORY_FIELDS = frozenset({"township", "coop", "filters", "metric"})


class App:
    """One visitor's dashboard.

    Parameters
    ----------
    data : AppData
        What to show (load it once with :meth:`AppData.load`).

    Attributes
    ----------
    state : AppState
    header : Header
    filters : FilterBar
    breadcrumb : Breadcrumb
    notices : NoticeBar
    map : MapPanel
    overview : OverviewView
    township : TownshipView
    coop : CoopView
    widget : ipywidgets.VBox
        The whole page; the notebook's last cell shows it.
    """

    def __init__(self, data: AppData, notices: tuple[Notice, ...] = ()) -> None:
        self._startup_notices = tuple(notices)
        #: Whether the data are the default registry (so a newer active version is loaded on open).
        self.follows_default = False
        #: True while a change must rewrite the address, not add a history entry (see open, navigate).
        self._replacing = False
        # The download menu and the data panel stay when the data change: made at the first
        # _build, given the new data and state at the next ones (see reload).
        self.downloads: Optional[DownloadMenu] = None
        self.data_panel: Optional[DataPanel] = None
        #: Tells the page when another page makes another registry version active (started by build_app).
        self.watch = VersionWatch(self._followed)
        self.widget = widgets.VBox()
        self.widget.add_class("cm-app")
        self._build(data)
        if self._startup_notices:
            self.state.update(notices=self._startup_notices)

    def _build(self, data: AppData, **keep: Any) -> None:
        """Make the parts that show ``data`` and put them on the page (``keep``: state to start from)."""
        self.data = data
        self.state = AppState(data)
        if keep:
            self.state.update(**keep)  # before anyone listens
        self.header = Header(data, self.state, navigate=self.navigate)
        self.filters = FilterBar(data, self.state)
        self.breadcrumb = Breadcrumb(data, self.state)
        self.notices = NoticeBar(self.state)
        self.map = MapPanel(data, self.state)
        self.overview = OverviewView(data, self.state)
        self.township = TownshipView(data, self.state)
        self.coop = CoopView(data, self.state)
        self._views = {"overview": self.overview, "township": self.township, "coop": self.coop}
        self._build_drawers(data)
        self.header.set_tools((self.downloads.toggle, self.data_panel.toggle))
        style = widgets.HTML(f"<style>{STYLE_SHEET.read_text(encoding='utf-8')}</style>")
        style.add_class("cm-style")
        content = widgets.VBox([self.overview.widget, self.township.widget, self.coop.widget],
                               layout=widgets.Layout(flex="1 1 0", min_width="0"))
        content.add_class("cm-content")
        self.widget.children = [
            style,
            self.header.widget,
            self.downloads.widget,
            self.data_panel.widget,
            widgets.HBox([self.breadcrumb.widget, self.filters.widget],
                         layout=widgets.Layout(justify_content="space-between", align_items="center",
                                               flex_flow="row wrap")),
            self.notices.widget,
            widgets.HBox([self.map.widget, content], layout=widgets.Layout(align_items="flex-start")),
            self.overview.footer,
        ]
        self._interactive = False  # while building, charts are drawn at once (preheating)
        self.state.subscribe(self._on_state)
        self._on_state(set(AppState.FIELDS))
        self._interactive = True

    def _build_drawers(self, data: AppData) -> None:
        """Make the download menu and the data panel, or give them the new data and state."""
        charts = {**self.map.charts, **self.overview.charts, **self.coop.charts}
        if self.downloads is None or self.data_panel is None:
            self.downloads = DownloadMenu(data, self.state, charts,
                                          close_others=lambda: self.close_drawers(keep=self.downloads))
            self.data_panel = DataPanel(data, self.state, reload=self.reload,
                                        close_others=lambda: self.close_drawers(keep=self.data_panel))
        else:
            self.downloads.attach(data, self.state, charts)
            self.data_panel.attach(data, self.state)

    def _followed(self) -> Optional[tuple[AppData, AppState]]:
        """The data and state a version watch tells about a newer version, if the page follows the store."""
        return (self.data, self.state) if self.follows_default else None

    # -- new data: the one refresh path ---------------------------------------------------
    def reload(self, data: AppData) -> None:
        """Show other data (a version accepted or switched to in the data panel).

        Every part that shows data is made again for ``data``, so no table, chart or
        cache of the old data survives; the old widgets are closed. The visitor keeps
        the language, the map metric and the township shown; filters and an open
        cooperative are left (they may not exist in the new data).
        """
        keep: dict[str, Any] = {"lang": self.state.lang, "metric": self.state.metric, "township": self.state.township}
        stay = {id(self.downloads.widget), id(self.data_panel.widget)}
        old = [w for w in self.widget.children if id(w) not in stay]
        old_header = self.header
        self._build(data, **keep)
        old_header.set_tools(())  # the menu buttons stay on the page
        for widget in old:
            _close_tree(widget)

    def close_drawers(self, keep: Any = None) -> None:
        """Close the download menu and the data panel, except ``keep``."""
        for drawer in (self.downloads, self.data_panel):
            if drawer is not keep and drawer.is_open:
                drawer.open(False)

    @classmethod
    def from_files(cls, registry: Optional[str | os.PathLike[str]] = None,
                   boundaries: Optional[str | os.PathLike[str]] = None) -> "App":
        """Load metric plug-ins and the data.

        The registry is by default the active version of the local store, else the file
        the server was started with (``COOPMAP_REGISTRY``), else the shipped sample
        (:data:`coopmap.data.sources.STORE_FIRST`); the boundaries come from the
        environment, else the shipped files. A plug-in that fails does not stop the
        dashboard: the page says which one.
        """
        notices: tuple[Notice, ...] = ()
        try:
            load_plugins()
        except CoopmapError as exc:
            notices = (Notice("app.notice.plugin_failed", str(exc)),)
        app = cls(AppData.load(registry, boundaries, policy=sources.STORE_FIRST), notices)
        app.follows_default = registry is None
        return app

    @property
    def view(self) -> str:
        """The view shown: ``overview``, ``township`` or ``coop``."""
        return self.state.view

    def open(self, query: Optional[str]) -> None:
        """Open the view a link's query string asks for (unknown codes become notices).

        A page prepared before the visitor came (a preheated kernel) first loads the
        active registry version if one was accepted or switched to since.
        """
        self._catch_up()
        with self._replacing_address():  # the page's own address: no history entry
            self.state.apply_query(query)
            if self._startup_notices:
                self.state.update(notices=self.state.notices + self._startup_notices)

    def navigate(self, query: str) -> None:
        """Show the view of the history entry the visitor went Back or Forward to.

        The browser sends the entry's query string (see :class:`coopmap.app.link.LinkButton`). The view,
        filters and map measure are the entry's; the language stays the one the visitor
        reads now (a language switch is not a history entry). The address is rewritten,
        never pushed, so going back does not add an entry.

        Parameters
        ----------
        query : str
            The query string of the entry's address, without ``?``.
        """
        try:
            pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=50)
        except ValueError:
            pass  # apply_query says the link is broken
        else:
            kept = [(key, value) for key, value in pairs if key != "lang"]
            if not any(key == "metric" for key, _ in kept):
                kept.append(("metric", DEFAULT_METRIC))  # an entry without one showed the default
            query = urlencode(kept + [("lang", self.state.lang)])
        with self._replacing_address():
            self.state.apply_query(query)

    @contextlib.contextmanager
    def _replacing_address(self) -> Iterator[None]:
        self._replacing, before = True, self._replacing
        try:
            yield
        finally:
            self._replacing = before

    def _on_state(self, changed: set[str]) -> None:
        # Each widget sends what this change did to it in one message (hold_sync), not one per property.
        with held(*page_widgets(self.widget)):
            self._refresh(changed)
        self._later(self._draw_charts)

    def _refresh(self, changed: set[str]) -> None:
        """Refresh the parts ``changed`` concerns and show the view the state asks for (not its charts)."""
        state = self.state
        if changed & {"lang", "filters", "township", "coop", "metric"}:
            # Only the visitor's own moves add history entries, not the page being built or opened.
            self.header.refresh(push=self._interactive and not self._replacing and bool(changed & HISTORY_FIELDS))
        if changed & {"lang", "filters"}:
            self.filters.refresh()
        if changed & {"lang", "township", "coop"}:
            self.breadcrumb.refresh()
        if changed & {"lang", "notices"}:
            self.notices.refresh()
        if changed & {"lang", "township", "coop", "filters"}:
            self.downloads.refresh()
        if "lang" in changed:
            self.data_panel.refresh()
        active = state.view
        view = self._views[active]
        view.refresh()  # first the view's text, so it is right when it appears
        for name, other in self._views.items():
            other.widget.layout.display = None if name == active else "none"
        self.overview.footer.layout.display = None if active == "overview" else "none"

    def _draw_charts(self) -> None:
        self._views[self.state.view].refresh_charts()
        self.map.refresh()

    def _later(self, work) -> None:
        """Run ``work`` once the kernel has answered the visitor's message.

        Charts take a tenth of a second or more to build and serialise; the view's
        text goes out first. While the app is being built (in a preheated kernel,
        before any visitor) and outside a kernel (tests), at once. Only a kernel's own
        loop is trusted to run the work soon: another running loop in the process (a
        test's Playwright session, say) may never come back to it.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or not self._interactive or not _in_kernel():
            work()
        else:
            loop.call_soon(work)

    def _catch_up(self) -> None:
        if not self.follows_default:
            return
        latest = sources.current_registry()
        if latest.is_file() and not sources.same_file(latest, self.data.registry_source):
            try:
                self.reload(data_of_version(self.data, latest))
            except CoopmapError:
                log.exception("the active registry version %s does not load; showing %s", latest, self.data.registry_source)

    def prepare(self) -> None:
        """Build the charts a visitor's first language switch, filter or profile needs.

        Run while a preheated kernel waits for its visitor (:func:`build_app` does it
        under Voila's ``VOILA_PREHEAT``): the overview and map in every language, and
        under each lead-level filter in the default language, the map outlining a
        township, and the profile chart templates in every language (about 1.5 s of CPU
        on an idle 2-core machine). Afterwards these actions only swap charts already
        built; other combinations are built when asked for.
        """
        from coopmap.app.data import Filters
        from coopmap.data.schema import LEAD_LEVELS
        from coopmap.i18n import LANGS

        state = self.state
        wanted = [(lang, state.filters) for lang in LANGS]
        wanted += [(state.lang, Filters(lead_level=level)) for level in LEAD_LEVELS]
        for lang, filters in wanted:
            self.map.prepare(lang, filters, state.metric)
            self.overview.prepare(lang, filters, state.metric)
        for lang in LANGS:
            self.coop.prepare(lang)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _close_tree(widget: widgets.Widget) -> None:
    """Close a widget and every widget inside it (their models leave the page)."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


def _in_kernel() -> bool:
    """Whether this code runs in a Jupyter kernel (Voila's or JupyterLab's)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def build_app(registry: Optional[str | os.PathLike[str]] = None,
              boundaries: Optional[str | os.PathLike[str]] = None) -> App:
    """Build the dashboard for the notebook: charts offline, plug-ins and data loaded,
    overview drawn.

    Parameters
    ----------
    registry, boundaries : path, optional
        Files to show; by default the active version of the local store, else the
        ``COOPMAP_REGISTRY`` file (set by ``coopmap serve --registry``), else the shipped
        sample (:func:`coopmap.data.sources.current_registry`), and the
        ``COOPMAP_BOUNDARIES`` file, else the schematic boundaries. In a kernel, the
        page then looks every few seconds whether another page made another version
        active (:class:`coopmap.app.watch.VersionWatch`).

    Returns
    -------
    App
    """
    enable_offline()
    app = App.from_files(registry, boundaries)
    if os.environ.get("VOILA_PREHEAT") == "True":  # a kernel waiting for its visitor
        app.prepare()
    if _in_kernel():
        app.watch.start()  # the kernel's event loop runs it between the visitor's messages
    return app
