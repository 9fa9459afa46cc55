"""The shareable link: a copy button, and the address bar and Back/Forward kept in step with the view.

:class:`LinkButton` is a tiny anywidget. Its ``query`` trait holds the query string of
the current view (from :meth:`coopmap.app.state.AppState.query_string`); the browser
side writes it into the address bar (so reloading or bookmarking reopens the same view)
and copies the full link on click. No request is made: the link is the page's own
origin and path plus the query.

History: when the kernel sets ``query`` with ``push`` true, the browser adds a history
entry (``history.pushState``); otherwise it replaces the current one
(``history.replaceState``), and the page's first address is always replaced, so a link
opens the view it names without an extra entry. When the visitor goes Back or Forward
(``popstate``), the browser sends the address's query back in ``navigated``; the
kernel shows that view and answers with ``push`` false, so the entry is rewritten at
most, never added again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

#: The browser half (ES module).
_ESM = Path(__file__).resolve().parent / "static" / "link.js"


class LinkButton(anywidget.AnyWidget):
    """Copy-link button that keeps the address bar and the browser's history in step with the view.

    Attributes
    ----------
    query : str
        Query string of the current view, without ``?``.
    push : bool
        Whether the browser adds a history entry for the next ``query`` (else it
        replaces the current entry's address). Set both with :meth:`show`.
    label, copied_label : str
        Button text and the confirmation shown after copying.
    sync_address : bool
        Write the view's link into the address bar and follow Back/Forward.
    copied : str
        The last link the visitor copied (set by the browser).
    navigated : dict
        Set by the browser when the visitor goes Back or Forward: ``{"query": <the
        address's query string>, "seq": <count>}`` (the count makes a return to the same
        address a change too).
    """

    _esm = _ESM
    query = traitlets.Unicode("").tag(sync=True)
    push = traitlets.Bool(False).tag(sync=True)
    label = traitlets.Unicode("复制链接").tag(sync=True)
    copied_label = traitlets.Unicode("链接已复制").tag(sync=True)
    sync_address = traitlets.Bool(True).tag(sync=True)
    copied = traitlets.Unicode("").tag(sync=True)
    navigated = traitlets.Dict().tag(sync=True)

    def show(self, query: str, push: bool = False) -> None:
        """Show ``query`` as the view's link; ``push``: as a new history entry.

        Both go to the browser in one message, so the browser reads the right ``push``
        when the query arrives.
        """
        with self.hold_sync():
            self.push = push
            self.query = query

    @staticmethod
    def navigated_query(value: Any) -> str | None:
        """The query string of a ``navigated`` value, or ``None`` if it holds none."""
        query = value.get("query") if isinstance(value, dict) else None
        return query if isinstance(query, str) else None
