"""Meeting mode: the figures on a projector, one message per slide, moved by a presenter's clicker.

``dashboards/meeting.ipynb`` shows :func:`build_meeting`'s deck; ``coopmap meeting``
serves it offline (:mod:`coopmap.meeting.serve`). The slides are built in
:mod:`coopmap.meeting.slides` from a :class:`coopmap.presentation.briefing.Briefing`; the deck widget
(:mod:`coopmap.meeting.deck`) handles the keys in the page.

The names below load on first use, so that ``coopmap meeting --help`` stays quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["Deck", "Meeting", "Slide", "build_meeting", "core_slides", "township_slide"]

_WHERE = {
    "Deck": ".deck",
    "Meeting": ".presenter",
    "build_meeting": ".presenter",
    "Slide": ".slides",
    "core_slides": ".slides",
    "township_slide": ".slides",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
