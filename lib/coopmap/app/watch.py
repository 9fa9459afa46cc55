"""Tell an open page that another page made another registry version active.

Every visitor has their own kernel (Voila), so a page learns of an accept or a switch
made on another page only from the version store. :class:`VersionWatch` looks at the
store's pointer every few seconds on the kernel's event loop: one ``stat``
(:func:`coopmap.data.sources.pointer_stamp`), nothing loaded. When the pointer was written
and the version a page opened now would show is not the one this page shows, the page
gets a notice (数据已更新为…，刷新后查看) that stays while the visitor moves between
views. The page's figures are never replaced under the visitor's eyes (an official may
be presenting them); reloading the page opens it on the active version
(:meth:`coopmap.app.main.App.open`). A switch back to the version shown removes the
notice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, Optional

from coopmap.app.data import AppData
from coopmap.app.state import AppState, Notice
from coopmap.data import sources, versions
from coopmap.strings.watch import STRINGS  # this module's table of the catalog (coopmap.i18n loads it up front)

log = logging.getLogger(__name__)

#: Seconds between two looks at the pointer: a stat costs microseconds, and a colleague's
#: switch is announced within a few seconds.
INTERVAL_S = 3.0

#: The notices this module posts (and removes).
NOTICE_KEYS = frozenset(STRINGS)


def version_label(version: versions.Version) -> str:
    """A version as the notice names it: file name and when it was accepted (the base: its file name)."""
    if version.base or version.created is None:
        return version.original_name
    return f"{version.original_name} · {version.created.strftime('%Y-%m-%d %H:%M')}"


def update_notice(shown: str) -> Optional[Notice]:
    """The notice for a page showing the registry file ``shown``, or ``None`` when it shows the current one.

    The current one is :func:`coopmap.data.sources.current_registry`: what a page opened
    now would show.
    """
    current = sources.current_registry()
    if sources.same_file(current, shown):
        return None
    listed = versions.list_versions(include_base=True)
    version = next((v for v in listed if sources.same_file(v.path, current)), None)
    if version is not None and version.shipped_sample:
        return Notice("app.notice.data_updated_sample", sticky=True)
    label = version_label(version) if version is not None else current.name
    return Notice("app.notice.data_updated", label, sticky=True)


class VersionWatch:
    """Looks at the version store's pointer and posts the notice when another version became active.

    Parameters
    ----------
    page : callable
        ``page()`` returns the data and state of the page to tell, or ``None`` for a page
        that does not follow the store (opened on a file of its own,
        :attr:`coopmap.app.main.App.follows_default`): such a page is never told.
    interval : float
        Seconds between two looks once :meth:`start` ed.

    Attributes
    ----------
    running : bool
        Whether it looks by itself (:meth:`start`).
    """

    def __init__(self, page: Callable[[], Optional[tuple[AppData, AppState]]], interval: float = INTERVAL_S) -> None:
        self._page = page
        self.interval = interval
        self._stamp = sources.pointer_stamp()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._handle: Optional[asyncio.TimerHandle] = None

    @property
    def running(self) -> bool:
        return self._handle is not None

    def check(self) -> bool:
        """Look at the pointer once; when it was written since the last look, post or remove the notice.

        Returns
        -------
        bool
            Whether the pointer was written since the last look.
        """
        stamp = sources.pointer_stamp()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        self.sync()
        return True

    def sync(self) -> None:
        """Post the notice if the page does not show the current version, remove it if it does."""
        page = self._page()
        if page is None:
            return
        data, state = page
        notice = update_notice(data.registry_source)
        kept = tuple(n for n in state.notices if n.key not in NOTICE_KEYS)
        wanted = kept + ((notice,) if notice is not None else ())
        if wanted != state.notices:
            state.update(notices=wanted)

    # -- looking by itself -------------------------------------------------------------------
    def start(self) -> bool:
        """Look every :attr:`interval` seconds on the running event loop (the kernel's).

        Returns
        -------
        bool
            Whether it started: only where an event loop runs (a kernel); elsewhere
            :meth:`check` is called by hand.
        """
        if self._handle is not None:
            return True
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._handle = self._loop.call_later(self.interval, self._tick)
        return True

    def stop(self) -> None:
        """Stop looking."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _tick(self) -> None:
        try:
            self.check()
        except Exception:  # the page must keep working; the server log has the traceback
            log.exception("checking the registry version store failed")
        if self._handle is not None and self._loop is not None and not self._loop.is_closed():
            self._handle = self._loop.call_later(self.interval, self._tick)


__all__ = ["INTERVAL_S", "NOTICE_KEYS", "VersionWatch", "update_notice", "version_label"]
