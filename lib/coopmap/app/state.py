"""One visitor's place in the dashboard: what is selected, filtered and in which language.

:class:`AppState` is the only holder of a selection. Each visitor's kernel builds its
own (nothing module-level keeps one). Views never change each other: they call
:meth:`AppState.update`, and every subscriber gets one call with the names that changed.
The state also reads and writes the shareable query string (``township=<code>``,
``coop=<uscc>``, ``lang=zh|en``, ``metric=<id>`` and the filters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, urlencode

from coopmap.app.data import AppData, Filters
from coopmap.data.industries import split_industries
from coopmap.errors import CoopmapError, DivisionError
from coopmap.figures import catalog
from coopmap.i18n import LANGS

VIEWS = ("overview", "township", "coop")
DEFAULT_METRIC = "coverage_pct"
#: Longest query value quoted back in a notice; the rest is cut.
_QUOTE_MAX = 40
#: Query parameters the dashboard understands.
QUERY_KEYS = ("township", "coop", "lang", "metric", "level", "formation", "standardized", "industry")


@dataclass(frozen=True)
class Notice:
    """A message for the visitor (kept as a key so that it follows the language).

    A ``sticky`` notice is about the page, not the link (the data were updated
    elsewhere): it stays when the visitor moves to another view or follows a link.
    """

    key: str
    value: str = ""
    sticky: bool = False

    @staticmethod
    def quote(value: str) -> str:
        """Shorten a value from a link before it is shown back."""
        value = "".join(ch for ch in value if ch.isprintable())
        return value if len(value) <= _QUOTE_MAX else value[:_QUOTE_MAX] + "…"


Listener = Callable[[set[str]], None]


class AppState:
    """Selected township and cooperative, filters, map metric, language and notices.

    Parameters
    ----------
    data : AppData
        The data shown (to check codes against).

    Attributes
    ----------
    township : str or None
        9-digit code of the township shown, or ``None`` on the overview.
    coop : str or None
        USCC of the cooperative whose profile is shown.
    lang : {"zh", "en"}
    metric : str
        Id of the metric the map and ranking show (:func:`coopmap.figures.catalog.list_metrics`).
    filters : Filters
    notices : tuple of Notice
        Messages about the link that opened the page (unknown codes...).

    Notes
    -----
    A plain observable, not a ``traitlets.HasTraits``: one visitor action changes several
    fields that are checked together (a cooperative brings its township, a move clears
    the notices), and the one dispatcher (:meth:`coopmap.app.main.App._on_state`) must run
    once with the set of names that changed, so that a view refreshes once. Traitlets
    notify per trait (``hold_trait_notifications`` replays one notification per changed
    trait at the end), so the batching into one ``changed`` set would have to be written
    again on top of them; the observable is that batching and nothing else.
    """

    FIELDS = ("township", "coop", "lang", "metric", "filters", "notices")

    def __init__(self, data: AppData) -> None:
        self._data = data
        self.township: Optional[str] = None
        self.coop: Optional[str] = None
        self.lang: str = LANGS[0]
        self.metric: str = DEFAULT_METRIC
        self.filters: Filters = Filters()
        self.notices: tuple[Notice, ...] = ()
        self._listeners: list[Listener] = []

    # -- reading ---------------------------------------------------------------------
    @property
    def view(self) -> str:
        """``overview``, ``township`` or ``coop``."""
        if self.coop is not None:
            return "coop"
        if self.township is not None:
            return "township"
        return "overview"

    def sticky_notices(self) -> tuple[Notice, ...]:
        """The notices that stay when the view changes (:attr:`Notice.sticky`)."""
        return tuple(n for n in self.notices if n.sticky)

    def snapshot(self) -> dict[str, Any]:
        """Return the state's fields as a dict."""
        return {name: getattr(self, name) for name in self.FIELDS}

    # -- changing ----------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(changed_names)`` after every update that changes something."""
        self._listeners.append(listener)

    def update(self, **changes: Any) -> set[str]:
        """Change several fields at once and notify subscribers once.

        Choosing a cooperative also selects its township; choosing a township (or the
        overview, ``township=None``) leaves any cooperative. Moving to another view
        clears the notices (but the sticky ones) unless new ones are given.

        Returns
        -------
        set of str
            The names of the fields that changed.

        Raises
        ------
        CoopmapError
            For a value that is not valid here (unknown code, language or metric):
            links are checked by :meth:`apply_query`, so this is a programming error.
        """
        unknown = set(changes) - set(self.FIELDS)
        if unknown:
            raise CoopmapError(f"AppState has no field(s) {sorted(unknown)}; fields: {', '.join(self.FIELDS)}")
        new = self.snapshot()
        new.update(changes)
        if "coop" in changes and new["coop"] is not None:
            if not self._data.has_coop(new["coop"]):
                raise CoopmapError(f"{new['coop']!r} is not a cooperative of the registry shown")
            new["township"] = str(self._data.coop(new["coop"])["township"])
        elif "township" in changes and "coop" not in changes:
            new["coop"] = None
        if new["township"] is not None and new["township"] not in self._data.township_codes:
            raise CoopmapError(f"{new['township']!r} is not a township code of Longling County")
        if new["lang"] not in LANGS:
            raise CoopmapError(f"unknown language {new['lang']!r}: use one of {', '.join(LANGS)}")
        catalog.get_metric(new["metric"])
        if not isinstance(new["filters"], Filters):
            raise CoopmapError("filters must be a coopmap.app.data.Filters")
        moved = (new["township"], new["coop"]) != (self.township, self.coop)
        if moved and "notices" not in changes:
            new["notices"] = self.sticky_notices()
        changed = {name for name in self.FIELDS if new[name] != getattr(self, name)}
        for name in changed:
            setattr(self, name, new[name])
        if changed:
            for listener in list(self._listeners):
                listener(changed)
        return changed

    # -- the link ----------------------------------------------------------------------
    def query_items(self) -> list[tuple[str, str]]:
        """Return the query-string pairs that reopen this view."""
        items: list[tuple[str, str]] = []
        if self.coop is not None:
            items.append(("coop", self.coop))
        elif self.township is not None:
            items.append(("township", self.township))
        if self.lang != LANGS[0]:
            items.append(("lang", self.lang))
        if self.metric != DEFAULT_METRIC:
            items.append(("metric", self.metric))
        items.extend(self.filters.query_items())
        return items

    def query_string(self) -> str:
        """Return the query string (without ``?``) that reopens this view."""
        return urlencode(self.query_items())

    def apply_query(self, query: str | None) -> set[str]:
        """Open the view a link asks for; anything unknown becomes a notice, never an error.

        Parameters
        ----------
        query : str or None
            The URL's query string (``os.environ["QUERY_STRING"]`` under Voila).

        Returns
        -------
        set of str
            The names of the fields that changed.
        """
        try:
            parsed = parse_qs(query or "", keep_blank_values=False, max_num_fields=50)
        except ValueError:
            return self.update(notices=self.sticky_notices() + (Notice("app.notice.bad_link"),))
        # A key given twice with different values is ambiguous: neither is followed.
        repeated = sorted(key for key, values in parsed.items() if len({v.strip() for v in values}) > 1)
        params = {key: values[0].strip() for key, values in parsed.items() if values and key not in repeated}
        notices: list[Notice] = [Notice("app.notice.bad_param", Notice.quote(f"{key}={'|'.join(parsed[key])}"))
                                 for key in repeated if not key.startswith("voila")]
        changes: dict[str, Any] = {}
        lang = params.get("lang")
        if lang is not None:
            if lang in LANGS:
                changes["lang"] = lang
            else:
                notices.append(Notice("app.notice.bad_param", f"lang={Notice.quote(lang)}"))
        metric = params.get("metric")
        if metric is not None:
            if metric in {m.id for m in catalog.list_metrics()}:
                changes["metric"] = metric
            else:
                notices.append(Notice("app.notice.bad_param", f"metric={Notice.quote(metric)}"))
        filters, bad = Filters.from_query(params, self._data.industries)
        changes["filters"] = filters
        for name, value in bad:
            several = split_industries(value) if name == "industry" else ()
            if len(several) > 1 and set(several) <= set(self._data.industries):
                # a link from when the filter offered whole 主导产业 cells ("核桃、茶叶")
                notices.append(Notice("app.notice.industry_several", Notice.quote(value)))
            else:
                notices.append(Notice("app.notice.bad_param", f"{name}={Notice.quote(value)}"))
        coop = params.get("coop")
        township = params.get("township")
        if coop is not None:
            code = coop.upper()
            if self._data.has_coop(code):
                changes["coop"] = code
            else:
                notices.append(Notice("app.notice.unknown_coop", Notice.quote(coop)))
        if "coop" not in changes and township is not None:
            try:
                changes["township"] = self._data.divisions.resolve_township(township)
            except (DivisionError, ValueError):
                notices.append(Notice("app.notice.unknown_township", Notice.quote(township)))
        if "coop" not in changes and "township" not in changes:
            changes["township"] = None
        unknown = sorted(set(params) - set(QUERY_KEYS))
        # voila*: Voila's own; token: the Jupyter server token of `coopmap serve --public`.
        notices.extend(Notice("app.notice.bad_param", Notice.quote(f"{k}={params[k]}")) for k in unknown
                       if not k.startswith("voila") and k != "token")
        changes["notices"] = self.sticky_notices() + tuple(notices)
        return self.update(**changes)
