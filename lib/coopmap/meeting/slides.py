"""The meeting's slides: one message each, as HTML fragments built from a :class:`~coopmap.presentation.briefing.Briefing`.

Each function returns a :class:`Slide` (id, title, HTML). The HTML is sized in ``em``
of the deck's font, which the deck sets from the screen height (about 30 px at
1920×1080), so every slide fits a 16:9 screen without scrolling and the smallest
text is 0.8 em (24 px). Charts are inline SVG that scale to their box.

* :func:`title_slide` — what the meeting shows, which data, when made;
* :func:`figures_slide` — the programme figures, computed beside published;
* :func:`coverage_slide` — the coverage map and the village counts;
* :func:`ranking_slide` — townships ranked by village coverage;
* :func:`case_slide` — one named case with its published figures;
* :func:`reconciliation_slide`, :func:`differences_slide` — published against computed;
* :func:`township_slide` — one township, on request.

Personal names come masked from the briefing; every registry value is escaped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from coopmap.figures.tables import VILLAGE_STATUSES
from coopmap.i18n import colon, format_number, join, t
from coopmap.outputs import report as _report  # noqa: F401  (registers the report.* text the slides share)
from coopmap.presentation.briefing import Briefing, CaseView
from coopmap.presentation.html import esc
from coopmap.presentation.tiles import TileStyle, programme_tiles, tile

__all__ = ["Slide", "core_slides", "township_slide"]




@dataclass(frozen=True)
class Slide:
    """One slide: a stable id (``figures``, ``case-potou_ham``, ``township-530523103`` ...), its title and HTML."""

    id: str
    title: str
    html: str

    def to_dict(self) -> dict[str, str]:
        """The slide as the deck widget holds it."""
        return asdict(self)


def _frame(b: Briefing, slide_id: str, title: str, body: str, *, body_class: str = "") -> Slide:
    """Wrap a slide body with its heading (and the 示例数据 mark) and the provenance footer."""
    lang = b.lang
    prov = b.provenance
    sample = f'<span class="cm-sample">{esc(t("brief.sample_badge", lang))}</span>' if prov.illustrative else ""
    foot = prov.short_line(lang)
    html = (
        f'<section class="cm-slide" data-slide="{esc(slide_id)}">'
        f'<header class="cm-slide-head"><h1>{esc(title)}</h1>{sample}</header>'
        f'<div class="cm-slide-body {esc(body_class)}">{body}</div>'
        f'<footer class="cm-slide-foot">{esc(foot)}</footer></section>'
    )
    return Slide(slide_id, title, html)


#: The slides' tiles (classes in meeting's stylesheet): figure and unit in one span.
TILE_STYLE = TileStyle("cm-tile", "cm-differs", "cm-tile-label", "cm-tile-value", "cm-tile-foot", "grouped",
                       figure="cm-figure", unit="cm-unit")


def _tile(label: str, value: str, foot: str = "", *, sample_foot: str = "") -> str:
    """A figure tile; the unit after the number's first space is set smaller (``1,386.1`` ``万元``).

    ``sample_foot`` is the 示例 mark set beside the foot when it is computed from the
    illustrative sample (a case's registry value); a published figure is never marked.
    The programme figures' tiles are :func:`coopmap.presentation.tiles.programme_tiles`.
    """
    return tile(label, value, foot, style=TILE_STYLE, foot_mark=_sample_markup(sample_foot))


def _sample_markup(sample: str) -> str:
    """The slides' 示例 mark beside a value ("" when ``sample`` is)."""
    return f'<span class="cm-sample-mark">{esc(sample)}</span>' if sample else ""


def _sample_mark(b: Briefing) -> str:
    """示例 for values computed from the illustrative sample ("" for a real registry)."""
    return t("brief.sample_mark", b.lang) if b.provenance.illustrative else ""


def title_slide(b: Briefing) -> Slide:
    """The opening slide: the programme, the data it shows, the boundaries, when made."""
    lang = b.lang
    prov = b.provenance
    sample = f'<p class="cm-title-sample">{esc(t("report.sample_note", lang))}</p>' if prov.illustrative else ""
    body = (f'<div class="cm-title-block"><p class="cm-title-kicker">{esc(t("meeting.subtitle", lang))}</p>'
            f'<p class="cm-title-lines">{esc(prov.data_line(lang))}<br>{esc(prov.boundaries_line(lang))}<br>'
            f'{esc(prov.generated_line(lang))}</p>{sample}</div>')
    return _frame(b, "title", t("meeting.title", lang), body, body_class="cm-body-title")


def figures_slide(b: Briefing) -> Slide:
    """The programme figures: the registry's number large, the published one beneath."""
    lang = b.lang
    figures = b.programme_figures()
    tiles = programme_tiles(figures, lang, style=TILE_STYLE, mark=_sample_markup(_sample_mark(b)))
    coops = next((f.computed for f in figures if f.id == "coops_total"), "")
    title = t("meeting.figures", lang, coops=coops.split(" ")[0])
    body = f'<div class="cm-tiles cm-tiles-4 cm-tiles-fill">{"".join(tiles)}</div><p class="cm-note">{esc(t("meeting.figures_note", lang))}</p>'
    return _frame(b, "figures", title, body, body_class="cm-body-column")


def coverage_slide(b: Briefing) -> Slide:
    """The coverage map, with the count of villages by status beside it."""
    lang = b.lang
    covered, total, pct = b.county_coverage()
    rows = "".join(
        f'<li class="cm-status cm-status-{s}"><span class="cm-swatch"></span>'
        f'<span class="cm-status-label">{esc(t("status." + s, lang))}</span>'
        f'<span class="cm-status-count">{n}</span></li>'
        for s, n in b.village_counts().items()
    )
    note = ""
    fig = b.reported.figures.get("village_coverage_pct")
    if fig is not None and fig.extra.get("denominator"):
        text = t("meeting.coverage_published", lang, published=fig.published(lang), den=fig.extra["denominator"], total=total)
        note = f'<p class="cm-note">{esc(text)}</p>'
    chart = b.map_svg(width=300, height=300, scope="slide-map", fit=True, note=False)
    map_note = f'<p class="cm-map-note">{esc(b.map_note())}</p>' if b.map_note() else ""
    body = (f'<div class="cm-map-box">{map_note}<div class="cm-chart">{chart}</div></div>'
            f'<div class="cm-side"><ul class="cm-statuses">{rows}</ul>{note}</div>')
    title = t("meeting.coverage", lang, covered=covered, pct=format_number(pct, "%", lang, 1))
    return _frame(b, "coverage", title, body)


def ranking_slide(b: Briefing) -> Slide:
    """Townships ranked by village coverage."""
    lang = b.lang
    table = b.townships.sort_values("coverage_pct", ascending=False, kind="stable")
    top, bottom = table.iloc[0], table.iloc[-1]
    title = t("meeting.ranking", lang, top=b.township_name(top["code"]), top_value=format_number(top["coverage_pct"], "%", lang, 1),
              bottom=b.township_name(bottom["code"]), bottom_value=format_number(bottom["coverage_pct"], "%", lang, 1))
    chart = b.ranking_svg(width=300, height=260, scope="slide-ranking", fit=True)
    return _frame(b, "ranking", title, f'<div class="cm-chart">{chart}</div>')


def case_slide(b: Briefing, case: CaseView) -> Slide:
    """One named case: the published figures large, the registry's values beneath."""
    lang = b.lang
    tiles = []
    for fig in case.figures:
        foot = t("meeting.registry_value", lang, value=fig.registry) if fig.registry else ""
        tiles.append(_tile(fig.label, fig.published, foot, sample_foot=_sample_mark(b) if fig.registry else ""))
    figures = f'<div class="cm-tiles cm-tiles-3">{"".join(tiles)}</div>' if tiles else f'<p>{esc(t("meeting.no_figures", lang))}</p>'
    if case.coop_name:
        facts = [f"<li>{esc(case.coop_name)}</li>"]
        if case.chair:
            facts.append(f"<li>{esc(t('brief.chair', lang))}{colon(lang)}{esc(case.chair)}</li>")
        if case.partner:
            facts.append(f"<li>{esc(t('brief.partner', lang))}{colon(lang)}{esc(case.partner)}</li>")
        coop = f'<div class="cm-case-coop"><h2>{esc(t("meeting.registry_coop", lang))}</h2><ul>{"".join(facts)}</ul></div>'
    else:
        coop = f'<p class="cm-note">{esc(t("brief.no_match", lang))}</p>'
    note = f'<p class="cm-note">{esc(case.note)}</p>' if case.note else ""
    source = f'<p class="cm-source">{esc(t("brief.source", lang))}{colon(lang)}{esc(case.source)}</p>'
    title = t("meeting.case", lang, place=case.place, industry=case.industry)
    return _frame(b, f"case-{case.id}", title, figures + coop + note + source, body_class="cm-body-column")


def reconciliation_slide(b: Briefing) -> Slide:
    """Published against computed for every figure the registry can give."""
    lang = b.lang
    figures = b.reconciliation()
    computable = [f for f in figures if f.status != "not_computable"]
    others = [f for f in figures if f.status == "not_computable"]
    rows = "".join(
        f'<tr class="cm-row-{f.status}"><td>{esc(f.label)}</td><td class="cm-num">{esc(f.published)}</td>'
        f'<td class="cm-num">{esc(f.computed)}</td><td class="cm-check">{esc(t("brief.status." + f.status, lang))}</td></tr>'
        for f in computable
    )
    head = (f'<tr><th>{esc(t("report.figure", lang))}</th><th class="cm-num">{esc(t("brief.published", lang))}</th>'
            f'<th class="cm-num">{esc(t("brief.computed_sample" if b.provenance.illustrative else "brief.computed", lang))}</th>'
            f'<th>{esc(t("report.status", lang))}</th></tr>')
    rest = (f'<p class="cm-note">{esc(t("meeting.not_computable_line", lang, n=len(others), labels=join((f.label for f in others), lang)))}</p>'
            if others else "")
    differs = sum(f.differs for f in computable)
    title = t("meeting.reconciliation", lang, ok=len(computable) - differs, differs=differs)
    body = f'<table class="cm-table"><thead>{head}</thead><tbody>{rows}</tbody></table>{rest}'
    return _frame(b, "reconciliation", title, body, body_class="cm-body-column")


def differences_slide(b: Briefing) -> Slide:
    """Why the figures that differ differ (the known explanations)."""
    lang = b.lang
    differing = [f for f in b.reconciliation() if f.differs]
    if differing:
        items = "".join(
            f'<li><strong>{esc(f.label)}</strong>{colon(lang)}'
            f'{esc(t("brief.published", lang))} {esc(f.published)} · {esc(t("brief.computed", lang))} {esc(f.computed)}'
            f'<p>{esc(f.explanation)}</p></li>'
            for f in differing
        )
        body = f'<ul class="cm-differences">{items}</ul>'
    else:
        body = f'<p>{esc(t("meeting.no_differences", lang))}</p>'
    return _frame(b, "differences", t("meeting.differences", lang), body, body_class="cm-body-column")


def township_slide(b: Briefing, township: str) -> Slide:
    """One township: its figures and its villages by coverage status."""
    lang = b.lang
    view = b.township(township)
    row = b.townships.set_index("code").loc[view.code]
    tiles = "".join(_tile(label, value) for label, value in view.tiles)
    chips = "".join(
        f'<li class="cm-chip cm-status-{esc(v["status"])}"><span class="cm-swatch"></span>'
        f'{esc(v["short"] if lang == "zh" else v["name"])}</li>'
        for _, v in view.villages.iterrows()
    )
    union = (f'<p class="cm-note">{esc(t("report.union_line", lang, name=view.union, n=view.union_members))}</p>'
             if view.union else "")
    legend = "".join(f'<li class="cm-status-{s}"><span class="cm-swatch"></span>{esc(t("status." + s, lang))}</li>'
                     for s in VILLAGE_STATUSES if (view.villages["status"] == s).any())
    body = (f'<div class="cm-main"><div class="cm-tiles cm-tiles-3 cm-tiles-fill">{tiles}</div>{union}</div>'
            f'<div class="cm-side cm-side-top"><h2>{esc(t("meeting.villages", lang))}</h2><ul class="cm-chips">{chips}</ul>'
            f'<ul class="cm-legend">{legend}</ul></div>')
    title = t("meeting.township", lang, name=view.name, coops=int(row["coops"]),
              covered=int(row["villages_covered"]), total=int(row["villages_total"]))
    return _frame(b, f"township-{view.code}", title, body)


def core_slides(b: Briefing) -> list[Slide]:
    """The meeting's slides in order: title, figures, coverage, ranking, cases, reconciliation, differences."""
    slides = [title_slide(b), figures_slide(b), coverage_slide(b), ranking_slide(b)]
    slides += [case_slide(b, case) for case in b.cases()]
    slides.append(reconciliation_slide(b))
    if any(f.differs for f in b.reconciliation()):
        slides.append(differences_slide(b))
    return slides
