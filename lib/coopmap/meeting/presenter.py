"""The review meeting: the slides of one registry in a deck, and the township slides on request.

:class:`Meeting` owns a :class:`~coopmap.meeting.deck.Deck` and the
:class:`~coopmap.presentation.briefing.Briefing` behind it. It builds the core slides once (before a
visitor arrives, under Voila's preheated kernels), adds a township's slide when the
township list asks for it, and opens at the slide and township a link names
(``?slide=3``, ``?slide=coverage``, ``?township=勐糯镇``, ``?lang=en``). The deck's
download buttons give the report (PDF) and the table (XLSX, names masked) of the
county, or of the township on screen.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Optional
from urllib.parse import parse_qsl

from coopmap.errors import CoopmapError, DivisionError
from coopmap.i18n import LANGS, t
from coopmap.meeting.deck import Deck
from coopmap.meeting.slides import Slide, core_slides, township_slide
from coopmap.outputs.downloads import Payload, report_payload, table_payload
from coopmap.presentation.briefing import Briefing

__all__ = ["Meeting", "build_meeting"]

log = logging.getLogger(__name__)

_LABELS = ("prev", "next", "fullscreen", "pick_township", "no_township", "keys_hint", "preparing")
#: Download buttons of the deck: id -> (label key, kind, format).
DOWNLOADS = {"report-pdf": ("meeting.download_report", "report", "pdf"),
             "table-xlsx": ("meeting.download_table", "table", "xlsx")}


class Meeting:
    """Slides for a review meeting, shown full screen.

    Parameters
    ----------
    briefing : Briefing
        The registry's figures, charts and cases (:meth:`Briefing.from_registry`).

    Examples
    --------
    >>> meeting = build_meeting()                      # doctest: +SKIP
    >>> meeting.widget                                 # doctest: +SKIP
    """

    def __init__(self, briefing: Briefing) -> None:
        self._briefing = briefing
        self._by_lang: dict[str, Briefing] = {briefing.lang: briefing}
        self._core: list[Slide] = []
        self._townships: dict[tuple[str, str], Slide] = {}
        self._deck = Deck()
        self._build()
        self._deck.observe(self._township_chosen, names="township")
        self._deck.on_msg(self._on_message)

    @classmethod
    def from_files(cls, registry: Optional[str | os.PathLike[str]] = None, boundaries: Optional[str] = None,
                   lang: str = "zh") -> "Meeting":
        """Build the meeting from a registry file (default :func:`coopmap.data.sources.default_registry`)."""
        from coopmap.data import sources

        loaded, _ = sources.load(registry)
        return cls(Briefing.from_registry(loaded, boundaries=boundaries, lang=lang))

    # -- what is on screen ------------------------------------------------------------------
    @property
    def widget(self) -> Deck:
        """The deck to display (the notebook's last line)."""
        return self._deck

    @property
    def lang(self) -> str:
        """The slides' language."""
        return self._briefing.lang

    @property
    def slides(self) -> list[Slide]:
        """The slides in the deck now (core slides, then the requested township's)."""
        return [Slide(**s) for s in self._deck.slides]

    @property
    def index(self) -> int:
        """The slide on screen (0-based)."""
        return self._deck.index

    @property
    def current(self) -> Slide:
        """The slide on screen."""
        return self.slides[self._deck.index]

    def go(self, slide: int | str) -> None:
        """Put a slide on screen by position (0-based) or id (``coverage``, ``case-anle_tea`` ...)."""
        if isinstance(slide, str):
            ids = [s["id"] for s in self._deck.slides]
            if slide not in ids:
                raise KeyError(f"no slide {slide!r}; the slides are {', '.join(ids)}")
            slide = ids.index(slide)
        self._deck.index = slide

    def show_township(self, township: Optional[str]) -> None:
        """Add the slide of a township (code or name) at the end and show it; ``None`` removes it.

        Raises
        ------
        DivisionError
            For a name that is not one of the ten townships.
        """
        code = self._briefing.resolve_township(township) if township else ""
        if code == self._deck.township:
            self._apply_township(code)
        else:
            self._deck.township = code  # observed: _apply_township

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        b = self._briefing
        lang = b.lang
        self._core = core_slides(b)
        with self._deck.hold_sync():
            self._deck.labels = {key: t(f"meeting.{key}", lang) for key in _LABELS}
            self._deck.downloads = [{"id": key, "label": t(label, lang)} for key, (label, _, _) in DOWNLOADS.items()]
            self._deck.townships = [[code, b.township_name(code)] for code in b.divisions.townships["code"]]
            self._deck.slides = [s.to_dict() for s in self._core]
            if self._deck.township:
                self._apply_township(self._deck.township, move=False)

    def _township_chosen(self, change: dict[str, Any]) -> None:
        self._apply_township(change["new"])

    def _apply_township(self, code: str, move: bool = True) -> None:
        slides = [s.to_dict() for s in self._core]
        if code:
            key = (self.lang, code)
            if key not in self._townships:
                self._townships[key] = township_slide(self._briefing, code)
            slides.append(self._townships[key].to_dict())
        with self._deck.hold_sync():
            self._deck.slides = slides
            if code and move:
                self._deck.index = len(slides) - 1
            else:
                self._deck.index = min(self._deck.index, len(slides) - 1)

    # -- downloads -----------------------------------------------------------------------------
    def download(self, download_id: str) -> Payload:
        """Make a download of the deck (``report-pdf``, ``table-xlsx``) for the county or the chosen township."""
        if download_id not in DOWNLOADS:
            raise KeyError(f"no download {download_id!r}; the deck offers {', '.join(DOWNLOADS)}")
        _, kind, fmt = DOWNLOADS[download_id]
        township = self._deck.township or None
        if kind == "report":
            return report_payload(self._briefing, fmt, township)
        return table_payload(self._briefing.frame, fmt, township, illustrative=self._briefing.provenance.illustrative,
                             mask=True)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("event") != "download":
            return
        download_id = str(content.get("id"))
        try:
            payload = self.download(download_id)
        except (CoopmapError, KeyError) as exc:
            text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            self._deck.send({"event": "error", "id": download_id, "text": str(text)})
            return
        except Exception as exc:  # the button must come back; the log has the traceback
            log.exception("meeting download %s failed", download_id)
            self._deck.send({"event": "error", "id": download_id, "text": f"{type(exc).__name__}: {exc}"})
            return
        message, buffers = payload.message()
        self._deck.send({**message, "id": download_id}, buffers)

    def set_language(self, lang: str) -> None:
        """Show the slides in ``zh`` or ``en`` (charts are drawn again for the new language)."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
        if lang == self.lang:
            return
        if lang not in self._by_lang:
            b = self._briefing
            self._by_lang[lang] = Briefing(b.frame, b.provenance, b.boundaries, lang=lang, reported=b.reported,
                                           divisions=b.divisions)
        index = self._deck.index
        self._briefing = self._by_lang[lang]
        self._build()
        self._deck.index = index

    def open(self, query: Optional[str]) -> list[str]:
        """Apply a link's query string: ``lang``, ``township``, ``slide`` (number from 1, or id).

        Returns
        -------
        list of str
            What could not be applied (an unknown township or slide), for a notice.
        """
        problems = []
        params = dict(parse_qsl((query or "").lstrip("?"), keep_blank_values=False))
        if params.get("lang") in LANGS:
            self.set_language(params["lang"])
        if params.get("township"):
            try:
                self.show_township(params["township"])
            except DivisionError:
                problems.append(f"township={params['township']}")
        slide = params.get("slide")
        if slide:
            try:
                self.go(int(slide) - 1 if slide.isdigit() else slide)
            except KeyError:
                problems.append(f"slide={slide}")
        return problems


def build_meeting(registry: Optional[str | os.PathLike[str]] = None, boundaries: Optional[str] = None,
                  lang: str = "zh") -> Meeting:
    """Build the meeting for the notebook: the registry and boundaries ``coopmap meeting`` passes on.

    The registry comes from ``registry``, else ``COOPMAP_REGISTRY``, else the shipped
    illustrative sample; the boundaries from ``boundaries``, else ``COOPMAP_BOUNDARIES``,
    ``data/local/`` or the schematic default.
    """
    return Meeting.from_files(registry, boundaries, lang)
