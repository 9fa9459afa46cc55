"""Downloads from a Voila page without file serving: the bytes travel over the widget channel.

Voila serves no ``.csv``/``.xlsx``/``.pdf`` files from the notebook folder (and should
not), so a report or table is made in the kernel when the button is pressed and sent to
the page as a binary widget message; the page turns it into a file with a Blob and an
``<a download>`` link. Nothing is written to disk and no request leaves the page.

* :class:`DownloadButton` — one button for one file, made on demand by a callable
  returning a :class:`Payload` (for the dashboard: report of the current view, table,
  PNG/SVG of a chart);
* :func:`report_payload`, :func:`table_payload`, :func:`chart_payload` — the payloads
  for a report (HTML/PDF), a table (XLSX/CSV) and a chart (PNG/SVG);
* :data:`SAVE_JS` — the browser half, shared with the meeting deck.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import anywidget
import traitlets

from coopmap.errors import CoopmapError

__all__ = ["DownloadButton", "Payload", "SAVE_JS", "chart_payload", "report_payload", "table_payload"]

log = logging.getLogger(__name__)

#: The browser halves of the widgets (JavaScript and CSS files shipped with the package).
STATIC = Path(__file__).resolve().parent / "static"

#: Browser side: save the bytes of a ``{"event": "file"}`` message as a file (``saveFile(content, buffers)``).
SAVE_JS = (STATIC / "save_file.js").read_text(encoding="utf-8")

_ESM = SAVE_JS + (STATIC / "download_button.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Payload:
    """A file to download: its name, media type and bytes."""

    name: str
    mime: str
    data: bytes

    def message(self) -> tuple[dict[str, Any], list[bytes]]:
        """The widget message (content, buffers) that :data:`SAVE_JS` saves."""
        return {"event": "file", "name": self.name, "mime": self.mime, "size": len(self.data)}, [self.data]


class DownloadButton(anywidget.AnyWidget):
    """A button that makes a file in the kernel when pressed and saves it in the browser.

    Parameters
    ----------
    make : callable
        ``make() -> Payload``; called on each press (so the file is of the view at
        that moment). A :class:`CoopmapError` it raises is shown beside the button.
    label : str
        Button text (e.g. ``下载报告（PDF）``).
    busy_label : str
        Text while the file is being made.
    description : str
        Tooltip.
    """

    _esm = _ESM
    _css = STATIC / "download_button.css"
    label = traitlets.Unicode("").tag(sync=True)
    busy_label = traitlets.Unicode("…").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    #: Name of the last file sent (for tests and logs).
    sent = traitlets.Unicode("").tag(sync=True)

    def __init__(self, make: Callable[[], Payload], label: str, busy_label: str = "…", description: str = "",
                 **kwargs: Any) -> None:
        super().__init__(label=label, busy_label=busy_label, description=description, **kwargs)
        self._make = make
        self.on_msg(self._on_message)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "request":
            self.deliver()

    def deliver(self) -> Optional[Payload]:
        """Make the file and send it to the page; return it (``None`` on a user-facing error)."""
        try:
            payload = self._make()
        except CoopmapError as exc:
            self.error = str(exc)
            self.busy = False
            return None
        except Exception as exc:  # keep the page usable; the log has the traceback
            log.exception("download failed")
            self.error = f"{type(exc).__name__}: {exc}"
            self.busy = False
            return None
        content, buffers = payload.message()
        self.send(content, buffers)
        self.sent = payload.name
        self.busy = False
        return payload


def report_payload(briefing, fmt: str, township: Optional[str] = None) -> Payload:
    """The report of the county or a township as HTML or PDF (:func:`coopmap.outputs.report.report_bytes`)."""
    from coopmap.outputs.report import MEDIA_TYPES, report_bytes
    from coopmap.outputs.tables import file_name

    data = report_bytes(briefing, fmt, township)
    stem = "龙陵县党组织领办合作社情况报告" if briefing.lang == "zh" else "longling-cooperatives-report"
    return Payload(file_name(township, fmt, briefing.divisions, stem=stem), MEDIA_TYPES[fmt], data)


def table_payload(frame, fmt: str, township: Optional[str] = None, *, illustrative: bool = False,
                  mask: bool = False, lang: str = "zh") -> Payload:
    """The cooperatives of the county or a township as XLSX or CSV (:func:`coopmap.outputs.tables.table_bytes`),
    its title row in ``lang``."""
    from coopmap.outputs.tables import MEDIA_TYPES, file_name, table_bytes

    data = table_bytes(frame, fmt, township=township, illustrative=illustrative, mask=mask, lang=lang)
    return Payload(file_name(township, fmt, stem="龙陵县党组织领办合作社台账"), MEDIA_TYPES[fmt], data)


def chart_payload(chart: Any, fmt: str, name: str) -> Payload:
    """A chart as PNG or SVG (:func:`coopmap.presentation.chart_images.chart_to_bytes`), saved as ``name.fmt``."""
    from coopmap.errors import ExportError
    from coopmap.presentation.chart_images import chart_to_bytes

    fmt = fmt.lower().lstrip(".")
    mime = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}.get(fmt)
    if mime is None:
        raise ExportError(f"a chart downloads as png, svg or pdf, not {fmt!r}")
    return Payload(f"{name}.{fmt}", mime, chart_to_bytes(chart, fmt))
