"""The slide deck widget: full screen, moved by a presenter's clicker, the keyboard or buttons.

:class:`Deck` is a small anywidget. Python gives it the slides (HTML) and the township
list; the browser shows one slide at a time over the whole window and moves with
the keys a presenter's remote sends — → ↓ PageDown Space Enter forward, ← ↑ PageUp
Backspace back, Home/End, F or F5 full screen, B or . blank screen — and with the
on-screen buttons. The current slide (``index``), the chosen township (``township``)
and the blank screen (``blank``) are synced back to Python. Voila gives no key events
to Python widgets, so the keys are handled here, in the page, with no round trip:
a slide changes at once even while the kernel is busy.

Download buttons in the bar ask the kernel for a file (the report, the table) and save
the bytes it sends back (:mod:`coopmap.outputs.downloads`): no file is served. The JavaScript
and CSS ship beside this module (``static/deck.js``, ``static/deck.css``) and are
sent with the widget; nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from coopmap.outputs.downloads import SAVE_JS

STATIC = Path(__file__).resolve().parent / "static"

#: The deck's ES module: the download half (:data:`coopmap.outputs.downloads.SAVE_JS`), then the deck.
_ESM = SAVE_JS + (STATIC / "deck.js").read_text(encoding="utf-8")

_CSS = STATIC / "deck.css"


class Deck(anywidget.AnyWidget):
    """Full-screen slides with keyboard, clicker and button navigation.

    Attributes
    ----------
    slides : list of dict
        ``{"id", "title", "html"}`` per slide, in order.
    index : int
        The slide on screen (0-based); the browser moves it.
    townships : list of [code, name]
        The choices of the township list.
    township : str
        The township chosen in the list (``""``: none); Python answers by adding its slide.
    blank : bool
        Screen blanked (key B or .).
    labels : dict
        Button and list texts (``prev``, ``next``, ``fullscreen``, ``pick_township``,
        ``no_township``, ``keys_hint``, ``preparing``).
    downloads : list of dict
        ``{"id", "label"}`` per download button. A press sends ``{"event": "download",
        "id"}``; the kernel answers with ``{"event": "file", "id", "name", "mime"}`` and the
        bytes (saved as a file) or ``{"event": "error", "id", "text"}``.
    """

    _esm = _ESM
    _css = _CSS
    slides = traitlets.List(traitlets.Dict()).tag(sync=True)
    index = traitlets.Int(0).tag(sync=True)
    townships = traitlets.List(traitlets.List()).tag(sync=True)
    township = traitlets.Unicode("").tag(sync=True)
    blank = traitlets.Bool(False).tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    downloads = traitlets.List(traitlets.Dict()).tag(sync=True)

    @traitlets.validate("index")
    def _valid_index(self, proposal: dict) -> int:
        count = len(self.slides)
        return max(0, min(int(proposal["value"]), count - 1)) if count else 0
