"""Figure tiles: a label, a big value and a small line beneath, for every surface.

The dashboard, the report and the meeting slides show their figures in tiles built by
:func:`tile`. Each surface names its own CSS classes and value layout in a
:class:`TileStyle` (the dashboard's ``cm-tile-*``, the slides' ``cm-figure``, the
printed report's short ``tile``/``label``/``value``), so that its stylesheet stays its
own; the markup is written in one place. :func:`programme_tiles` makes the tiles of a
briefing's programme figures, which the report and the figures slide show alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Literal

from coopmap.i18n import colon, t
from coopmap.presentation.html import esc

if TYPE_CHECKING:
    from coopmap.presentation.briefing import FigureView

__all__ = ["TileStyle", "grid", "programme_tiles", "tile"]


@dataclass(frozen=True)
class TileStyle:
    """A surface's CSS classes and value layout for :func:`tile`.

    Attributes
    ----------
    tile, differs, label, value, foot : str
        Classes of the tile, of a tile whose figure differs from the published one,
        and of its label, value and foot ``div`` elements.
    layout : {"whole", "grouped", "split"}
        How the value is written. ``whole``: as it is. The others split it at its first
        space into number and unit (``1,386.1`` ``万元``), the unit set smaller:
        ``grouped`` keeps both in one ``figure`` span, the sample mark after it;
        ``split`` writes the number, a space, and a ``tail`` span holding the unit and
        the sample mark, so that the two wrap together.
    figure, number, unit, tail : str
        Classes of the spans of the ``grouped`` and ``split`` layouts.
    """

    tile: str
    differs: str
    label: str
    value: str
    foot: str
    layout: Literal["whole", "grouped", "split"] = "whole"
    figure: str = ""
    number: str = ""
    unit: str = ""
    tail: str = ""


def _value_html(value: str, style: TileStyle, mark: str) -> str:
    if style.layout == "whole":
        return f"{esc(value)}{mark}"
    number, _, unit = value.partition(" ")
    if style.layout == "grouped":
        unit_html = f'<span class="{style.unit}">{esc(unit)}</span>' if unit else ""
        return f'<span class="{style.figure}">{esc(number)}{unit_html}</span>{mark}'
    if unit:
        return (f'<span class="{style.number}">{esc(number)}</span> '
                f'<span class="{style.tail}"><span class="{style.unit}">{esc(unit)}</span>{mark}</span>')
    return f'<span class="{style.tail}"><span class="{style.number}">{esc(value)}</span>{mark}</span>'


def tile(label: str, value: str, foot: str = "", *, style: TileStyle, differs: bool = False,
         mark: str = "", foot_mark: str = "", after: str = "") -> str:
    """Return one figure tile's HTML.

    Parameters
    ----------
    label : str
        What the figure is (escaped here).
    value : str
        The figure as formatted (``1,386.1 万元``; escaped here).
    foot : str, optional
        The small line beneath (the published figure, say; escaped here); none when empty.
    style : TileStyle
        The surface's classes and value layout.
    differs : bool, default False
        Whether the figure differs from the published one (adds ``style.differs``).
    mark, foot_mark : str, optional
        Markup (already escaped) set beside the value or the foot: the 示例 mark of a
        figure computed from the illustrative sample.
    after : str, optional
        Markup (already escaped) after the foot, e.g. the dashboard's ≠ note.

    Returns
    -------
    str
    """
    css = f"{style.tile} {style.differs}" if differs else style.tile
    foot_html = f'<div class="{style.foot}">{esc(foot)}{foot_mark}</div>' if foot else ""
    return (f'<div class="{css}"><div class="{style.label}">{esc(label)}</div>'
            f'<div class="{style.value}">{_value_html(value, style, mark)}</div>{foot_html}{after}</div>')


def programme_tiles(figures: Iterable["FigureView"], lang: str, *, style: TileStyle, mark: str = "") -> list[str]:
    """Return the tiles of a briefing's programme figures (:meth:`Briefing.programme_figures
    <coopmap.presentation.briefing.Briefing.programme_figures>`): the registry's value
    large, ``报告：`` and the published figure beneath, a figure that differs from it flagged.

    Parameters
    ----------
    figures : iterable of FigureView
    lang : {"zh", "en"}
    style : TileStyle
        The surface's classes and value layout.
    mark : str, optional
        Markup (already escaped) set beside each computed value: the surface's 示例 mark
        when the data are the illustrative sample; a published figure is never marked.
    """
    published = f"{t('brief.published', lang)}{colon(lang)}"
    return [tile(fig.label, fig.computed, f"{published}{fig.published}", style=style, differs=fig.differs, mark=mark)
            for fig in figures]


def grid(items: Iterable[str], classes: str) -> str:
    """Lay tiles out in a grid ``div`` with ``classes`` (escaped here)."""
    return f'<div class="{esc(classes)}">{"".join(items)}</div>'
