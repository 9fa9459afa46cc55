"""Saving charts as PNG, SVG or PDF with vl-convert, offline and with Chinese text.

:func:`save_chart` finds a CJK font (:func:`coopmap.presentation.fonts.find_cjk_font`), registers
its folder with vl-convert, makes sure the chart's config names it first, and
renders. No network is used: charts carry their data inline and vl-convert is told
to allow no external URL.
"""

from __future__ import annotations

import copy
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from coopmap.errors import ExportError
from coopmap.presentation.fonts import CJKFont, find_cjk_font, font_stack

__all__ = ["FORMATS", "chart_to_bytes", "save_chart"]

#: Supported output formats (file suffixes).
FORMATS = ("png", "svg", "pdf")


@lru_cache(maxsize=16)
def _register(folder: str) -> None:
    import vl_convert

    vl_convert.register_font_directory(folder)


def _spec(chart: Any) -> dict:
    if isinstance(chart, dict):
        return copy.deepcopy(chart)
    if isinstance(chart, str):
        return json.loads(chart)
    to_dict = getattr(chart, "to_dict", None)
    if to_dict is None:
        raise ExportError(f"cannot export a {type(chart).__name__}: pass an altair chart or a Vega-Lite dict")
    try:
        return to_dict()
    except Exception as exc:
        raise ExportError(f"the chart is not a valid Vega-Lite spec: {exc}") from None


def _vl_version(spec: dict) -> str | None:
    """Return vl-convert's version string for the spec's ``$schema`` (v6.4.1 → 6.4)."""
    import vl_convert

    schema = spec.get("$schema", "")
    available = vl_convert.get_vegalite_versions()
    for part in schema.split("/"):
        if part.startswith("v") and part[1:2].isdigit():
            major_minor = ".".join(part[1:].split(".")[:2]).removesuffix(".json")
            if major_minor in available:
                return major_minor
            same_major = [v for v in available if v.split(".")[0] == major_minor.split(".")[0]]
            return same_major[-1] if same_major else None
    return None


def _with_font(spec: dict, font: CJKFont) -> dict:
    """Put the found font first in the spec's config (keeping the others as fallbacks)."""
    config = spec.setdefault("config", {})
    first = str(config.get("font") or "").split(",")[0].strip().strip("\"'")
    if first != font.family:
        config["font"] = font_stack(first=font.family)
    return spec


def chart_to_bytes(chart: Any, fmt: str = "png", scale: float = 2.0) -> bytes:
    """Render a chart to PNG, SVG or PDF bytes.

    Parameters
    ----------
    chart : altair chart or dict
        The chart (or its Vega-Lite spec).
    fmt : {"png", "svg", "pdf"}
    scale : float, default 2.0
        PNG pixel scale; at least 2 so exports stay sharp on projectors and in print.

    Returns
    -------
    bytes

    Raises
    ------
    FontError
        When no CJK font is installed (names the font package to install).
    ExportError
        For an unknown format, a scale below 2 or a spec vl-convert cannot render.
    """
    import vl_convert

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"cannot export to .{fmt}: use one of {', '.join('.' + f for f in FORMATS)}")
    if fmt == "png" and scale < 2:
        raise ExportError(f"PNG scale {scale} is too small: use 2 or more")
    font = find_cjk_font()
    _register(str(font.path.parent))
    spec = _with_font(_spec(chart), font)
    kwargs: dict[str, Any] = {"vl_version": _vl_version(spec), "allowed_base_urls": []}
    try:
        if fmt == "png":
            return vl_convert.vegalite_to_png(spec, scale=scale, **kwargs)
        if fmt == "svg":
            return vl_convert.vegalite_to_svg(spec, **kwargs).encode("utf-8")
        return vl_convert.vegalite_to_pdf(spec, **kwargs)
    except Exception as exc:
        raise ExportError(f"vl-convert could not render the chart as {fmt.upper()}: {str(exc).strip().splitlines()[0]}") from None


def save_chart(chart: Any, path: str | os.PathLike, scale: float = 2.0) -> Path:
    """Save a chart as PNG (``scale``× pixels), SVG or PDF, chosen by the file suffix.

    Parameters
    ----------
    chart : altair chart or dict
    path : str or path-like
        Output file; ``.png``, ``.svg`` or ``.pdf``. Parent folders are created.
    scale : float, default 2.0
        PNG pixel scale (at least 2).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    FontError
        No CJK font on this machine: install ``fonts-noto-cjk`` (Debian/Ubuntu).
    ExportError
        Unknown suffix, unwritable path, or a chart vl-convert cannot render.

    Examples
    --------
    >>> save_chart(chart, "out/map.png")  # doctest: +SKIP
    """
    out = Path(path)
    data = chart_to_bytes(chart, out.suffix, scale=scale)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the chart ({exc.strerror or exc})") from None
    return out
