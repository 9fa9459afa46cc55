"""The look every chart of coopmap shares: colours, fonts, axes, and the text of a value.

Every chart names a CJK font stack in its config (:data:`coopmap.presentation.fonts.FONT_FAMILY`,
applied by :func:`configure`) and writes its values with :func:`label_text`, so the map,
the ranking, the village grid and a cooperative's charts look and read alike. The charts
themselves are in :mod:`coopmap.presentation.township_charts`,
:mod:`coopmap.presentation.village_charts` and :mod:`coopmap.presentation.cooperative_charts`.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from coopmap.i18n import format_number, t
from coopmap.presentation.fonts import FONT_FAMILY

__all__ = ["ACCENT", "BAR", "INK", "configure", "label_text"]

#: The one accent colour (a restrained red) for selections and highlights.
ACCENT = "#b0302a"
#: The colour of a bar that is not highlighted.
BAR = "#8fa9c4"
#: The colour of text, axes and titles.
INK = "#333333"


def configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the project's look: the CJK font stack, quiet axes, no view frame.

    Parameters
    ----------
    chart : altair chart
        A top-level chart (every chart builder passes its result through here).

    Returns
    -------
    altair chart
        The chart configured.
    """
    return (
        chart.configure(font=FONT_FAMILY)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=12, labelColor=INK, titleColor=INK, grid=False)
        .configure_legend(labelFontSize=11, titleFontSize=12)
        .configure_title(fontSize=14, anchor="start", color=INK)
    )


def label_text(value: Any, unit: str, decimals: int, lang: str) -> str:
    """A chart label's text: :func:`coopmap.i18n.format_number` with the unit as shown (未填报 when missing).

    Parameters
    ----------
    value : number or None
        NaN or ``None`` is not reported.
    unit : str
        The unit as shown beside the number (万元, or ``""``).
    decimals : int
    lang : {"zh", "en"}

    Returns
    -------
    str
    """
    return format_number(value, "count", lang, decimals, label=unit, missing=t("chart.not_reported", lang))
