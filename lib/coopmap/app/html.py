"""Small HTML fragments for the dashboard's HTML widgets, and number formats.

Every value from a registry passes through :func:`esc` before it reaches the page, so
a cooperative named ``<script>…`` shows as text. Numbers follow
:func:`coopmap.i18n.format_number` (万元 with thousands separators, 亩, one-decimal
percentages; CNY 10k and mu in English).
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from coopmap.data.schema import column_unit, members_unit
from coopmap.figures.catalog import Metric
from coopmap.i18n import format_number, t, township_label
from coopmap.presentation import tiles as tiles_markup
from coopmap.presentation.html import esc  # the one escape; app views import it from here too

#: The dashboard's tiles (classes in app/templates' stylesheet).
TILE_STYLE = tiles_markup.TileStyle("cm-tile", "cm-tile-differs", "cm-tile-label", "cm-tile-value", "cm-tile-foot",
                                    "split", number="cm-tile-number", unit="cm-tile-unit", tail="cm-tile-tail")

def column_value(column: str, value: Any, lang: str, lead_level: Optional[str] = None) -> str:
    """Format a registry column's value with its unit.

    ``members`` needs the cooperative's ``lead_level``: a union's members are
    cooperatives (个), any other cooperative's are people (人).
    """
    if column == "members":
        if lead_level is None:
            raise ValueError("column_value('members', ...) needs the cooperative's lead_level: a union's members are cooperatives")
        return format_number(value, members_unit(lead_level), lang, 0)
    return format_number(value, column_unit(column), lang)  # the schema's unit, its default decimals


def metric_value(value: Any, metric: Metric, lang: str) -> str:
    """Format a township metric's value with the metric's own unit and decimals."""
    return format_number(value, "count", lang, metric.decimals, label=metric.unit(lang))


def badge(text: str, kind: str = "") -> str:
    """A small label (``kind``: ``accent``, ``sample``, ``muted``, ``warn`` or empty)."""
    return f'<span class="cm-badge {esc(kind)}">{esc(text)}</span>'


def tile(label: str, value: str, foot: str = "", *, mark: str = "", sample: bool = False, lang: str = "zh") -> str:
    """One figure tile: a label, a big value and a small line beneath.

    ``sample`` marks the big value, the one computed from the registry, as
    illustrative (示例) right beside it; the line beneath (a published figure, say)
    is not marked. ``mark`` (already escaped text) flags a difference from the
    published figure. The markup is :func:`coopmap.presentation.tiles.tile`'s.
    """
    # Chinese: a narrow upright tag (示/例) that fits beside 13,000 万元 in a 142 px tile; the
    # horizontal one wrapped onto a line of its own, just above the published figure
    vertical = " cm-badge-vertical" if lang == "zh" else ""
    sample_badge = (f'<span class="cm-badge sample{vertical}" title="{esc(t("app.sample_badge_tip", lang))}">'
                    f'{esc(t("app.sample_badge", lang))}</span>') if sample else ""
    # the unit and the badge keep together (layout "split"): if the line breaks, both go to the value's second line
    after = f'<div class="cm-tile-mark" title="{mark}">≠ {mark}</div>' if mark else ""
    return tiles_markup.tile(label, value, foot, style=TILE_STYLE, differs=bool(mark), mark=sample_badge, after=after)


def tiles(items: Iterable[str], css: str = "") -> str:
    """Lay tiles out in a wrapping grid."""
    return tiles_markup.grid(items, f"cm-tiles {css}")


def township_name(code: str, name: str, lang: str) -> str:
    """A township's name for ``lang`` (Chinese name, or pinyin in English)."""
    return township_label(code, name, lang)


def level_label(level: str, lang: str) -> str:
    """领办层级 for ``lang``."""
    return t(f"app.level.{level}", lang)


def formation_label(formation: str, lang: str) -> str:
    """组建方式 for ``lang``."""
    return t(f"app.formation.{formation}", lang)


def yes_no(value: Any, lang: str) -> str:
    """是/否 (Yes/No)."""
    return t("app.yes" if bool(value) else "app.no", lang)
