"""What a briefing shows: the figures, charts and cases that reports and meeting slides present.

:class:`Briefing` gathers, from one registry, everything a report
(:mod:`coopmap.outputs.report`) or the meeting slides (:mod:`coopmap.meeting`) put in front of
people, already formatted for reading:

* :attr:`Briefing.provenance` — what data it is (the illustrative sample or a
  registry file and its date), which boundaries, when it was made;
* :meth:`Briefing.programme_figures` — the county's headline figures, computed and
  published side by side;
* :meth:`Briefing.reconciliation` — every published figure against the registry;
* :meth:`Briefing.cases` — the report's named cases with their published figures and
  the registry's cooperative for each;
* :meth:`Briefing.township` — one township's figures, villages and cooperatives;
* charts as inline SVG (:meth:`Briefing.map_svg`, :meth:`Briefing.ranking_svg`,
  :meth:`Briefing.village_svg`), rendered offline by :func:`coopmap.presentation.chart_images.chart_to_bytes`.

Chairs' names are masked (:func:`coopmap.data.privacy.mask_name`) before anything leaves
this module. Nothing here draws a page: it holds data and text, and the report and
the slides lay them out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from coopmap import i18n
from coopmap.data import sources
from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.privacy import mask_name, mask_text
from coopmap.data.reported import MONEY_UNITS, Reported, load_reported
from coopmap.data.schema import BY_ID, SERVES_SEPARATOR
from coopmap.errors import DivisionError
from coopmap.figures import relations
from coopmap.figures.tables import total_unit
from coopmap.i18n import colon, format_number, join, paren, t, township_label
from coopmap.presentation.html import esc

__all__ = ["Briefing", "CaseView", "FigureView", "Provenance", "TownshipView", "scope_svg"]



#: Headline figures of the programme, in the order slides and reports show them.
HEADLINE_FIGURES = (
    "coops_total", "village_coverage_pct", "secretaries_as_chair", "land_transferred",
    "coop_revenue_2023", "member_income_2023", "collective_income_2023", "standardized",
)


def _unit(symbol: str) -> dict[str, str]:
    """:func:`coopmap.i18n.format_number`'s unit arguments for a published unit symbol.

    A symbol it does not know (a facts file may name any) is shown as written.
    """
    try:
        return {"unit": i18n.unit_id(symbol)}
    except ValueError:
        return {"unit": "count", "label": symbol}


def scope_svg(svg: str, scope: str, *, fit: bool = False, label: str = "") -> str:
    """Make a vl-convert SVG safe to inline next to others.

    Element ids (gradients, clip paths) get the prefix ``scope`` so that two charts
    on one page do not borrow each other's definitions; the XML prolog goes. With
    ``fit`` the fixed width and height become 100 % so the chart scales to its box
    (its ``viewBox`` keeps the proportions). ``label`` becomes the ``aria-label``.
    """
    scope = re.sub(r"[^A-Za-z0-9_-]", "_", scope)
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{scope}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{scope}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{scope}-{m.group(1)}"', svg)
    open_tag = re.match(r"<svg\b[^>]*>", svg)
    if open_tag is None:
        return svg
    tag = open_tag.group(0)
    if fit:
        tag = re.sub(r'\swidth="[^"]*"', ' width="100%"', tag, count=1)
        tag = re.sub(r'\sheight="[^"]*"', ' height="100%"', tag, count=1)
    if 'class="' in tag:
        tag = tag.replace('class="', 'class="cm-chart-svg ', 1)
    else:
        tag = tag[:-1] + ' class="cm-chart-svg">'
    if label:
        tag = tag[:-1] + f' role="img" aria-label="{esc(label)}">'
    return tag + svg[open_tag.end():]


@dataclass(frozen=True)
class Provenance:
    """What a briefing's data are and when it was made."""

    illustrative: bool
    source: str
    file_date: Optional[dt.date]
    years: tuple[int, ...]
    schematic: bool
    boundaries: str
    generated: dt.datetime

    @classmethod
    def of(cls, shown: sources.Provenance, generated: dt.datetime) -> "Provenance":
        """Return the briefing's provenance of the data :mod:`coopmap.data.sources` resolved, made at ``generated``."""
        return cls(
            illustrative=shown.illustrative, source=str(shown.registry_file), file_date=shown.file_date,
            years=shown.years, schematic=shown.schematic, boundaries=shown.boundaries.description,
            generated=generated.replace(microsecond=0),
        )

    def data_line(self, lang: str = "zh") -> str:
        """``数据：示例数据（…），台账文件 x.xlsx（文件日期 …，2023年度）``."""
        parts = []
        name = Path(self.source).name if self.source else ""
        details = []
        if self.file_date:
            details.append(t("brief.file_date", lang, date=self.file_date.isoformat()))
        if self.years:
            details.append(t("brief.years", lang, years=join(self.years, lang)))
        if self.illustrative:
            parts.append(t("brief.sample", lang))
        if name:
            file_text = t("brief.registry_file", lang, name=name)
            if details:
                file_text += paren(join(details, lang, clauses=True), lang)
            parts.append(file_text)
        return t("brief.data", lang) + colon(lang) + join(parts, lang, clauses=True)

    def boundaries_line(self, lang: str = "zh") -> str:
        """``边界：示意边界（…）`` or the boundary file's name."""
        text = t("brief.schematic", lang) if self.schematic else t("brief.official", lang, name=Path(self.boundaries).name)
        return t("brief.boundaries", lang) + colon(lang) + text

    def generated_line(self, lang: str = "zh") -> str:
        """``生成时间：2026-11-30 14:05``."""
        return t("brief.generated", lang) + colon(lang) + self.generated.strftime("%Y-%m-%d %H:%M")

    def short_line(self, lang: str = "zh") -> str:
        """One short line for a slide's foot: ``示例数据 · x.xlsx（2023年度） · 示意边界 · 2026-11-30``."""
        parts = []
        if self.illustrative:
            parts.append(t("brief.sample_badge", lang))
        name = Path(self.source).name if self.source else ""
        if name:
            years = join(self.years, lang)
            if years:
                name += paren(t('brief.years', lang, years=years), lang)
            parts.append(name)
        parts.append(t("map.schematic", lang) if self.schematic else Path(self.boundaries).name)
        parts.append(self.generated.date().isoformat())
        return " · ".join(parts)

    def cover_line(self, lang: str = "zh") -> str:
        """The three lines above joined: what data, which boundaries, when made."""
        sep = " · "
        return sep.join([self.data_line(lang), self.boundaries_line(lang), self.generated_line(lang)])


@dataclass(frozen=True)
class FigureView:
    """One figure ready to show: label, computed and published text, reconciliation status."""

    id: str
    label: str
    computed: str
    published: str
    status: str
    explanation: str = ""

    @property
    def differs(self) -> bool:
        """Whether the registry's value disagrees with the published one."""
        return self.status == "differs"


@dataclass(frozen=True)
class CaseFigureView:
    """A named case's published figure, with the registry's value where it has one."""

    label: str
    published: str
    registry: Optional[str]


@dataclass(frozen=True)
class CaseView:
    """A named case of the report and the cooperative the registry holds for it."""

    id: str
    place: str
    industry: str
    note: str
    source: str
    township: str
    figures: tuple[CaseFigureView, ...]
    coop_name: Optional[str] = None
    coop_uscc: Optional[str] = None
    chair: Optional[str] = None
    partner: Optional[str] = None


@dataclass(frozen=True)
class TownshipView:
    """One township: its figures, its villages by coverage status, its cooperatives."""

    code: str
    name: str
    tiles: tuple[tuple[str, str], ...]
    villages: pd.DataFrame
    coops: pd.DataFrame
    union: Optional[str] = None
    union_members: int = 0
    rank: dict[str, tuple[int, int]] = field(default_factory=dict)


class Briefing:
    """Everything a report or meeting shows about one registry, formatted for reading.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    provenance : Provenance
        What the data are (see :meth:`from_registry`).
    boundaries : geopandas.GeoDataFrame
        Township boundaries for the map.
    lang : {"zh", "en"}
    reported : Reported, optional
        Published figures (default: the shipped facts).
    divisions : Divisions, optional
    """

    def __init__(self, frame: pd.DataFrame, provenance: Provenance, boundaries, *, lang: str = "zh",
                 reported: Optional[Reported] = None, divisions: Optional[Divisions] = None) -> None:
        i18n._check_lang(lang)
        self.frame = frame
        self.provenance = provenance
        self.boundaries = boundaries
        self.lang = lang
        self.reported = reported or load_reported()
        self.divisions = divisions or load_divisions()
        self._svg: dict[tuple, str] = {}

    @classmethod
    def from_registry(cls, registry, *, boundaries: str | None = None, lang: str = "zh",
                      now: Optional[dt.datetime] = None) -> "Briefing":
        """Build a briefing from a loaded :class:`coopmap.data.registry.Registry`.

        Parameters
        ----------
        registry : Registry
        boundaries : str, optional
            A boundary file; default :func:`coopmap.geo.boundaries.default_boundaries`
            (``COOPMAP_BOUNDARIES``, ``data/local/``, else schematic).
        lang : {"zh", "en"}
        now : datetime, optional
            The time the briefing says it was made (default: now).
        """
        from coopmap.geo.boundaries import default_boundaries

        shown = sources.provenance(registry, sources.boundaries_file(boundaries))
        gdf, _, _ = default_boundaries(shown.boundaries)
        provenance = Provenance.of(shown, now or dt.datetime.now())
        if not registry.report.source:  # a registry built in memory names no file
            provenance = dataclasses.replace(provenance, source="", file_date=None)
        return cls(registry.frame, provenance, gdf, lang=lang)

    # -- tables ---------------------------------------------------------------------------
    @cached_property
    def townships(self) -> pd.DataFrame:
        """:func:`coopmap.figures.tables.township_table` of the registry."""
        from coopmap.figures.tables import township_table

        return township_table(self.frame, self.divisions)

    @cached_property
    def villages(self) -> pd.DataFrame:
        """:func:`coopmap.figures.tables.village_table` of the registry."""
        from coopmap.figures.tables import village_table

        return village_table(self.frame, self.divisions)

    @cached_property
    def _reconciled(self) -> pd.DataFrame:
        from coopmap.figures.reconcile import reconcile

        return reconcile(self.frame, self.reported, divisions=self.divisions, lang=self.lang)

    def township_name(self, code: str) -> str:
        """A township's name in the briefing's language."""
        return township_label(code, self.divisions.township_name(code), self.lang)

    def resolve_township(self, township: str) -> str:
        """Return the 9-digit code of a township named in any accepted form."""
        return self.divisions.resolve_township(township)

    # -- figures --------------------------------------------------------------------------
    def _label(self, row: pd.Series) -> str:
        return row["label_en"] if self.lang == "en" else row["label_zh"]

    def reconciliation(self) -> list[FigureView]:
        """Every published figure against the registry, in the facts sheet's order."""
        out = []
        for _, row in self._reconciled.iterrows():
            fig = self.reported[row["id"]]
            computed = row["computed"]
            decimals = 2 if fig.compare_unit == "%" else (1 if fig.compare_unit in ("万元", "亩") else 0)
            computed_text = (t("brief.not_computable", self.lang) if pd.isna(computed)
                             else format_number(computed, lang=self.lang, decimals=decimals, **_unit(fig.compare_unit)))
            out.append(FigureView(row["id"], self._label(row), computed_text, fig.published(self.lang),
                                  row["status"], row["explanation"] or ""))
        return out

    def programme_figures(self, ids: tuple[str, ...] = HEADLINE_FIGURES) -> list[FigureView]:
        """The county's headline figures (:data:`HEADLINE_FIGURES`), computed and published."""
        by_id = {f.id: f for f in self.reconciliation()}
        out = []
        for fid in ids:
            if fid not in by_id:
                continue
            fig = by_id[fid]
            key = f"fig.{fid}"
            label = t(key, self.lang) if key in i18n.STRINGS else fig.label
            out.append(FigureView(fid, label, fig.computed, fig.published, fig.status, fig.explanation))
        return out

    def status_counts(self) -> dict[str, int]:
        """How many published figures match, lie within bounds, differ or cannot be computed."""
        counts = self._reconciled["status"].value_counts()
        return {s: int(counts.get(s, 0)) for s in ("match", "within_bound", "differs", "not_computable")}

    def county_coverage(self) -> tuple[int, int, float]:
        """Covered villages, all villages, coverage in percent."""
        covered = int((self.villages["status"] == "coop").sum())
        total = len(self.villages)
        return covered, total, 100.0 * covered / total if total else 0.0

    def village_counts(self) -> dict[str, int]:
        """How many villages have each coverage status (:func:`coopmap.figures.tables.village_status_counts`)."""
        from coopmap.figures.tables import village_status_counts

        return village_status_counts(self.villages)

    # -- named cases ------------------------------------------------------------------------
    def cases(self) -> list[CaseView]:
        """The report's named cases, each with the registry's cooperative (if one matches)."""
        out = []
        for case in self.reported.cases.values():
            coop = relations.case_cooperative(self.frame, case, self.divisions)
            figures = []
            for fig in case.figures:
                key = f"case.{fig.id}"
                label = t(key, self.lang) if key in i18n.STRINGS else fig.label_en
                unit = "万元" if fig.unit in MONEY_UNITS else fig.unit
                decimals = 0 if float(fig.compare_value).is_integer() else 1
                published = format_number(fig.compare_value, lang=self.lang, decimals=decimals, **_unit(unit))
                if fig.qualifier == "at_least":
                    published = f"{published}以上" if self.lang == "zh" else f"{published} or more"
                elif fig.qualifier == "about":
                    published = f"约{published}" if self.lang == "zh" else f"about {published}"
                registry = None
                if coop is not None and fig.columns and all(c in coop.index for c in fig.columns):
                    # a list of villages (serves_villages) counts its villages
                    values = [len(coop[c].split(SERVES_SEPARATOR)) if BY_ID[c].kind == "villages" and isinstance(coop[c], str)
                              else coop[c] for c in fig.columns]
                    if not any(pd.isna(v) for v in values):
                        registry = format_number(sum(float(v) for v in values), lang=self.lang,
                                                  decimals=1 if unit == "万元" else 0, **_unit(unit))
                figures.append(CaseFigureView(label, published, registry))
            industry = case.industry_en if self.lang == "en" else case.industry_zh
            place = case.place_zh
            town_code = None
            try:
                town_code = self.divisions.resolve_township(case.township)
                if self.lang == "en":
                    place = self.township_name(town_code) + (f", {case.village}" if case.village else "")
            except DivisionError:
                pass
            out.append(CaseView(
                id=case.id, place=place, industry=industry, note=case.note if self.lang == "en" else "",
                source=case.source.cite(self.lang), township=town_code or "", figures=tuple(figures),
                coop_name=None if coop is None else mask_text(str(coop["name"])),
                coop_uscc=None if coop is None else str(coop["uscc"]),
                chair=None if coop is None or pd.isna(coop.get("leader")) else mask_name(str(coop["leader"])),
                partner=None if coop is None or pd.isna(coop.get("partner")) else mask_text(str(coop["partner"])),
            ))
        return out

    # -- one township ---------------------------------------------------------------------
    def township(self, township: str) -> TownshipView:
        """One township's figures, villages and cooperatives (names masked)."""
        code = self.resolve_township(township)
        table = self.townships.set_index("code")
        row = table.loc[code]
        lang = self.lang
        tiles = (
            (t("brief.coops", lang), format_number(row["coops"], "个", lang)),
            (t("brief.villages_covered", lang), t("brief.of", lang, part=int(row["villages_covered"]), whole=int(row["villages_total"]))),
            (t("brief.coverage", lang), format_number(row["coverage_pct"], "%", lang, 1)),
            (t("members", lang), format_number(row["members"], total_unit("members"), lang)),
            (t("households", lang), format_number(row["households"], total_unit("households"), lang)),
            (t("land_mu", lang), format_number(row["land_mu"], total_unit("land_mu"), lang, 0)),
            (t("revenue", lang), format_number(row["revenue"], total_unit("revenue"), lang, 1)),
            (t("farmer_income", lang), format_number(row["farmer_income"], total_unit("farmer_income"), lang, 1)),
            (t("collective_income", lang), format_number(row["collective_income"], total_unit("collective_income"), lang, 1)),
        )
        rank = {}
        for column in ("coops", "coverage_pct", "revenue", "farmer_income"):
            order = table[column].rank(ascending=False, method="min")
            rank[column] = (int(order.loc[code]), len(table))
        villages = self.villages[self.villages["township"] == code].reset_index(drop=True)
        coops = self.frame[self.frame["township"].astype(str) == code]
        union = relations.township_unions(self.frame, code)
        union_name = mask_text(str(union.iloc[0]["name"])) if len(union) else None
        union_members = len(relations.union_members(self.frame, str(union.iloc[0]["uscc"]))) if len(union) else 0
        listing = pd.DataFrame({
            "name": coops["name"].astype(str).map(mask_text),
            "level": coops["lead_level"],
            "village": coops["village"].map(lambda v: self._village_short(v)),
            "industry": coops["industry"].astype(str).map(mask_text),
            "members": coops["members"],
            "revenue": coops["revenue"],
            "chair": coops["leader"].map(lambda v: None if pd.isna(v) else mask_name(str(v))),
        }).reset_index(drop=True)
        return TownshipView(code, self.township_name(code), tiles, villages, listing, union_name, union_members, rank)

    def _village_short(self, code: Any) -> str:
        if code is None or code is pd.NA or (isinstance(code, float) and math.isnan(code)):
            return ""
        v = self.divisions.villages
        match = v[v["code"] == str(code)]
        if not len(match):
            return str(code)
        return str(match.iloc[0]["short"] if self.lang == "zh" else match.iloc[0]["name"])

    # -- charts ---------------------------------------------------------------------------
    def _render(self, key: tuple, build) -> str:
        if key not in self._svg:
            from coopmap.presentation.chart_images import chart_to_bytes

            self._svg[key] = chart_to_bytes(build(), "svg").decode("utf-8")
        return self._svg[key]

    def map_svg(self, metric: str = "coverage_pct", *, highlight: Optional[str] = None, width: int = 460,
                height: int = 440, scope: str = "map", fit: bool = False, note: bool = True) -> str:
        """The township choropleth of ``metric`` as inline SVG.

        On schematic boundaries the chart says 示意边界 above the map; with
        ``note=False`` that line is left out of the chart (the caller then shows
        :meth:`map_note` beside it), so that a long English note does not shrink the map.
        """
        from coopmap.presentation.township_charts import township_map

        def build():
            chart = township_map(self.boundaries, self.townships, metric, highlight=highlight, lang=self.lang,
                                 width=width, height=height)
            if note:
                return chart
            spec = chart.to_dict()
            spec.pop("title", None)
            return spec

        svg = self._render(("map", metric, highlight, width, height, note), build)
        return scope_svg(svg, scope, fit=fit, label=t("map.township", self.lang))

    def map_note(self) -> str:
        """The schematic-boundary note for a map (empty for official boundaries)."""
        return t("map.schematic_note", self.lang) if self.provenance.schematic else ""

    def ranking_svg(self, metric: str = "coverage_pct", *, highlight: Optional[str] = None, width: int = 320,
                    height: Optional[int] = None, scope: str = "ranking", fit: bool = False) -> str:
        """The townships ranked by ``metric`` as inline SVG."""
        from coopmap.presentation.township_charts import township_ranking

        svg = self._render(("ranking", metric, highlight, width, height), lambda: township_ranking(
            self.townships, metric, highlight=highlight, lang=self.lang, width=width, height=height))
        return scope_svg(svg, scope, fit=fit, label=t("chart.ranking_title", self.lang))

    def village_svg(self, *, highlight: Optional[str] = None, step: int = 20, scope: str = "villages",
                    fit: bool = False) -> str:
        """The 121 villages as tiles coloured by coverage status, as inline SVG."""
        from coopmap.presentation.village_charts import village_grid

        svg = self._render(("villages", highlight, step), lambda: village_grid(
            self.villages, highlight=highlight, lang=self.lang, step=step))
        return scope_svg(svg, scope, fit=fit, label=t("chart.village_grid_title", self.lang))
