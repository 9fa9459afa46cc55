"""Reports to take away: one self-contained HTML file, or an A4 PDF printed from it.

:func:`render_html` lays a :class:`coopmap.presentation.briefing.Briefing` out as one HTML page for
the county or for one township: a cover line that says what data it shows and when it
was made, the programme figures (computed beside published), the coverage map, the
township ranking, the named cases, the reconciliation. Charts are inline SVG rendered
offline by vl-convert, styles are inline and a Content-Security-Policy forbids every
request, so the file opens anywhere without a network and without JavaScript.

:func:`html_to_pdf` prints that page to an A4 PDF with headless Chromium: Chinese
stays text (searchable, copyable) and the charts stay vector graphics.
:func:`write_report` does both from a loaded registry (``coopmap report``);
:func:`report_bytes` gives the bytes for a download button.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from coopmap.data import sources
from coopmap.data.schema import column_unit, members_unit
from coopmap.errors import ExportError
from coopmap.figures.tables import total_unit
from coopmap.i18n import colon, format_number, t
from coopmap.presentation.briefing import Briefing, CaseView, FigureView
from coopmap.presentation.html import esc
from coopmap.presentation.tiles import TileStyle, grid, programme_tiles, tile

__all__ = ["FORMATS", "MEDIA_TYPES", "find_chromium", "html_to_pdf", "render_html", "report_bytes", "write_report"]

#: Report formats (file suffixes).
FORMATS = ("html", "pdf")
#: Media types for downloads.
MEDIA_TYPES = {"html": "text/html;charset=utf-8", "pdf": "application/pdf"}
#: Browsers tried for PDF printing, after ``$COOPMAP_CHROMIUM``.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_INSTALL = ("install Chromium (Debian/Ubuntu: sudo apt install chromium) or set COOPMAP_CHROMIUM "
            "to a Chromium or Chrome executable; the HTML report (--format html) needs no browser")
PDF_TIMEOUT = 180



#: The report's style sheet, inlined into its ``<style>`` (a report is one self-contained file).
_CSS = (Path(__file__).resolve().parent / "static" / "report.css").read_text(encoding="utf-8")
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"


#: The printed report's tiles (classes in :data:`_CSS`).
TILE_STYLE = TileStyle("tile", "differs", "label", "value", "published")


def _tiles(figures: Iterable[FigureView], lang: str, sample: bool = False) -> str:
    """Computed figures large (marked 示例 beside them when the data are the sample), published beneath."""
    mark = f' <span class="sample">{esc(t("brief.sample_mark", lang))}</span>' if sample else ""
    return grid(programme_tiles(figures, lang, style=TILE_STYLE, mark=mark), "tiles")


def _table(headers: list[tuple[str, bool]], rows: Iterable[list[str]], widths: Optional[list[int]] = None) -> str:
    """An HTML table; ``headers`` are (text, numeric); cells are already escaped HTML; ``widths`` in percent."""
    cols = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>" if widths else ""
    head = "".join(f'<th{" class=num" if numeric else ""}>{esc(h)}</th>' for h, numeric in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td{" class=num" if headers[i][1] else ""}>{cell}</td>' for i, cell in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table>{cols}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _reconciliation_html(b: Briefing) -> str:
    lang = b.lang
    counts = b.status_counts()
    summary = t("report.reconciliation_summary", lang, n=sum(counts.values()), match=counts["match"],
                within=counts["within_bound"], differs=counts["differs"], na=counts["not_computable"])
    rows = []
    for fig in b.reconciliation():
        rows.append([esc(fig.label), esc(fig.published), esc(fig.computed),
                     f'<span class="status-{fig.status}">{esc(t("brief.status." + fig.status, lang))}</span>',
                     esc(fig.explanation)])
    headers = [(t("report.figure", lang), False), (t("brief.published", lang), True), (_computed_header(b), True),
               (t("report.status", lang), False), (t("report.explanation", lang), False)]
    return f"<p>{esc(summary)}</p>" + _table(headers, rows, [22, 14, 14, 11, 39])


def _computed_header(b: Briefing) -> str:
    """台账, or 台账（示例） over values computed from the illustrative sample."""
    return t("brief.computed_sample" if b.provenance.illustrative else "brief.computed", b.lang)


def _case_html(case: CaseView, lang: str, computed: Optional[str] = None) -> str:
    rows = [[esc(f.label), esc(f.published), esc(f.registry or "—")] for f in case.figures]
    computed = computed or t("brief.computed", lang)
    table = _table([(t("report.figure", lang), False), (t("brief.published", lang), True), (computed, True)], rows) if rows else ""
    if case.coop_name:
        parts = [esc(case.coop_name)]
        if case.chair:
            parts.append(f"{esc(t('brief.chair', lang))} {esc(case.chair)}")
        if case.partner:
            parts.append(f"{esc(t('brief.partner', lang))} {esc(case.partner)}")
        coop = f'<p>{esc(t("brief.computed", lang))}{colon(lang)}{" · ".join(parts)}</p>'
    else:
        coop = f'<p class="note">{esc(t("brief.no_match", lang))}</p>'
    note = f'<p class="note">{esc(case.note)}</p>' if case.note else ""
    return f'<div class="case"><h3>{esc(case.place)} · {esc(case.industry)}</h3>{coop}{table}{note}</div>'


def _township_table_html(b: Briefing) -> str:
    lang = b.lang
    rows = []
    for _, r in b.townships.iterrows():
        rows.append([esc(b.township_name(r["code"])), esc(format_number(r["coops"], "个", lang)),
                     esc(t("brief.of", lang, part=int(r["villages_covered"]), whole=int(r["villages_total"]))),
                     esc(format_number(r["coverage_pct"], "%", lang, 1)), esc(format_number(r["members"], total_unit("members"), lang)),
                     esc(format_number(r["households"], total_unit("households"), lang)), esc(format_number(r["land_mu"], total_unit("land_mu"), lang, 0)),
                     esc(format_number(r["revenue"], total_unit("revenue"), lang, 1)), esc(format_number(r["farmer_income"], total_unit("farmer_income"), lang, 1)),
                     esc(format_number(r["collective_income"], total_unit("collective_income"), lang, 1))])
    headers = [(t("report.township", lang), False), (t("brief.coops", lang), True), (t("brief.villages_covered", lang), True),
               (t("brief.coverage", lang), True), (t("members", lang), True), (t("households", lang), True),
               (t("land_mu", lang), True), (t("revenue", lang), True), (t("farmer_income", lang), True),
               (t("collective_income", lang), True)]
    return _table(headers, rows)


def _county_body(b: Briefing) -> str:
    lang = b.lang
    covered, total, pct = b.county_coverage()
    counts = b.village_counts()
    rest = (t("report.coverage_rest", lang, rest=total - covered, reached=counts["reached"], none=counts["none"])
            if counts["reached"] else t("report.coverage_none", lang, none=counts["none"]))
    parts = [
        f'<section><h2>{esc(t("report.figures", lang))}</h2><p class="note">{esc(t("report.figures_note", lang))}</p>'
        f'{_tiles(b.programme_figures(), lang, b.provenance.illustrative)}</section>',
        f'<section class="page"><h2>{esc(t("report.coverage", lang))}</h2>'
        f'<p>{esc(t("report.coverage_line", lang, total=total, covered=covered, pct=format_number(pct, "%", lang, 1)))}'
        f'{"" if lang == "zh" else " "}{esc(rest)}</p>'
        f'<figure>{b.map_svg(scope="report-map")}</figure>'
        f'<figure>{b.village_svg(step=18, scope="report-villages")}</figure></section>',
        f'<section class="page"><h2>{esc(t("report.ranking", lang))}</h2><figure>{b.ranking_svg(scope="report-ranking")}</figure>'
        f'{_township_table_html(b)}</section>',
        f'<section><h2>{esc(t("report.cases", lang))}</h2><p class="note">{esc(t("report.cases_note", lang))}</p>'
        + "".join(_case_html(c, lang, _computed_header(b)) for c in b.cases()) + "</section>",
        f'<section class="page"><h2>{esc(t("report.reconciliation", lang))}</h2>{_reconciliation_html(b)}</section>',
    ]
    return "".join(parts)


def _township_body(b: Briefing, code: str) -> str:
    lang = b.lang
    view = b.township(code)
    tiles = "".join(tile(label, value, style=TILE_STYLE) for label, value in view.tiles)
    rank_values = {k: v[0] for k, v in view.rank.items()}
    rank = t("report.rank_line", lang, n=next(iter(view.rank.values()))[1], **rank_values)
    union = f"<p>{esc(t('report.union_line', lang, name=view.union, n=view.union_members))}</p>" if view.union else ""
    village_rows = [[esc(v["short"] if lang == "zh" else v["name"]),
                     f'<span class="status-{esc(v["status"])}">{esc(t("status." + v["status"], lang))}</span>',
                     esc(format_number(v["coops"], "个", lang))] for _, v in view.villages.iterrows()]
    villages = _table([(t("report.village", lang), False), (t("status.title", lang), False), (t("brief.coops", lang), True)], village_rows)
    coop_rows = [[esc(c["name"]), esc(t("level." + c["level"], lang)), esc(c["village"]), esc(c["industry"]),
                  esc(format_number(c["members"], members_unit(c["level"]), lang)),  # 人, or a union's 个
                  esc(format_number(c["revenue"], column_unit("revenue"), lang, 1)), esc(c["chair"] or "")]
                 for _, c in view.coops.iterrows()]
    coops = _table([(t("report.coop_name", lang), False), (t("report.level", lang), False), (t("report.village", lang), False),
                    (t("report.industry", lang), False), (t("members", lang), True), (t("revenue", lang), True),
                    (t("brief.chair", lang), False)], coop_rows)
    cases = [c for c in b.cases() if c.township == view.code]
    parts = [
        f'<section><h2>{esc(t("report.figures", lang))}</h2><div class="tiles three">{tiles}</div><p>{esc(rank)}</p>{union}</section>',
        f'<section><h2>{esc(t("report.coverage", lang))}</h2>'
        f'<figure>{b.map_svg(highlight=view.code, scope="report-map")}</figure>'
        f'<h3>{esc(t("report.villages_of", lang))}</h3>{villages}</section>',
        f'<section><h2>{esc(t("report.coop_list", lang))}</h2><p class="note">{esc(t("report.privacy", lang))}</p>{coops}</section>',
    ]
    if cases:
        parts.append(f'<section><h2>{esc(t("report.cases", lang))}</h2>' + "".join(_case_html(c, lang) for c in cases) + "</section>")
    return "".join(parts)


def render_html(briefing: Briefing, township: Optional[str] = None) -> str:
    """Return the report as one self-contained HTML page.

    Parameters
    ----------
    briefing : Briefing
        The data to report (:meth:`coopmap.presentation.briefing.Briefing.from_registry`).
    township : str, optional
        Report on one township (code or name) instead of the county.

    Returns
    -------
    str
        HTML with inline styles and inline SVG charts; no script, no external
        resource (a Content-Security-Policy forbids all requests).

    Raises
    ------
    DivisionError
        For an unknown township.
    FontError, ExportError
        When the charts cannot be rendered (no CJK font installed).
    """
    b = briefing
    lang = b.lang
    code = b.resolve_township(township) if township else None
    title = t("report.title_township", lang, township=b.township_name(code)) if code else t("report.title", lang)
    prov = b.provenance
    badge = f' <span class="sample">{esc(t("brief.sample_badge", lang))}</span>' if prov.illustrative else ""
    sample_note = f'<p class="sample-note">{esc(t("report.sample_note", lang))}</p>' if prov.illustrative else ""
    body = _township_body(b, code) if code else _county_body(b)
    footer_text = f"{title} · {prov.data_line(lang)} · {prov.generated_line(lang)}"
    css = _CSS.replace('var(--cm-footer, "")', '"' + t("brief.sample_badge", lang) + '"' if prov.illustrative else '""')
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="coopmap"><title>{esc(title)}</title>'
        f'<style>{css}</style></head><body>'
        f'<header class="cover"><h1>{esc(title)}{badge}</h1>'
        f'<p class="cover-line">{esc(prov.data_line(lang))}<br>{esc(prov.boundaries_line(lang))}<br>{esc(prov.generated_line(lang))}</p>'
        f'{sample_note}</header>{body}'
        f'<footer class="footer">{esc(footer_text)}<br>{esc(t("brief.source", lang))}{colon(lang)}'
        f'{esc("; ".join(s.cite(lang) for s in b.reported.sources.values()))}</footer>'
        f"</body></html>\n"
    )


def find_chromium() -> str:
    """Return the Chromium (or Chrome) executable used to print PDFs.

    ``$COOPMAP_CHROMIUM`` first, then :data:`CHROMIUM_NAMES` on ``PATH``.

    Raises
    ------
    ExportError
        When none is found; the message says to install ``chromium``.
    """
    env = sources.chromium_setting()
    if env:
        if Path(env).is_file() and os.access(env, os.X_OK):
            return env
        found = shutil.which(env)
        if found:
            return found
        raise ExportError(f"COOPMAP_CHROMIUM={env} is not an executable: {_INSTALL}")
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ExportError(f"a PDF report is printed by Chromium, which is not installed: {_INSTALL}")


def html_to_pdf(html: str, out: str | os.PathLike, *, timeout: float = PDF_TIMEOUT) -> Path:
    """Print an HTML page to an A4 PDF with headless Chromium (text stays text).

    Parameters
    ----------
    html : str
        A self-contained page (as :func:`render_html` gives).
    out : path
        The PDF to write; parent folders are created.
    timeout : float
        Seconds to wait for Chromium.

    Raises
    ------
    ExportError
        When Chromium is missing, fails, times out or writes no PDF.
    """
    browser = find_chromium()
    target = Path(out).resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{target.parent}: cannot create the folder for the PDF ({exc.strerror or exc})") from None
    with tempfile.TemporaryDirectory(prefix="coopmap-pdf-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        tmp_pdf = Path(folder) / "report.pdf"
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
            "--disable-default-apps", "--mute-audio", f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer", f"--print-to-pdf={tmp_pdf}", page.as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ExportError(f"Chromium ({browser}) did not finish printing the PDF within {timeout:.0f} s") from None
        except OSError as exc:
            raise ExportError(f"cannot run Chromium ({browser}): {exc.strerror or exc}; {_INSTALL}") from None
        if result.returncode != 0 or not tmp_pdf.is_file() or tmp_pdf.stat().st_size == 0:
            detail = (result.stderr or "").strip().splitlines()
            raise ExportError(f"Chromium ({browser}) could not print the PDF (exit {result.returncode})"
                              + (f": {detail[-1]}" if detail else ""))
        try:
            shutil.copyfile(tmp_pdf, target)
        except OSError as exc:
            raise ExportError(f"{target}: cannot write the PDF ({exc.strerror or exc}); close it if a viewer holds it open") from None
    return target


def report_bytes(briefing: Briefing, fmt: str, township: Optional[str] = None) -> bytes:
    """Return the report as HTML or PDF bytes (for a download button)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"a report can be written as {' or '.join(FORMATS)}, not {fmt!r}")
    html = render_html(briefing, township)
    if fmt == "html":
        return html.encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="coopmap-report-") as folder:
        return html_to_pdf(html, Path(folder) / "report.pdf").read_bytes()


def write_report(registry, out: str | os.PathLike, *, township: Optional[str] = None, boundaries: Optional[str] = None,
                 lang: str = "zh") -> Path:
    """Write the report of a registry as ``.html`` or ``.pdf`` (chosen by the suffix).

    Parameters
    ----------
    registry : Registry
        A loaded registry (:func:`coopmap.data.registry.load_registry`).
    out : path
        Output file ending in ``.html`` or ``.pdf``.
    township : str, optional
        One township (code or name) instead of the county.
    boundaries : str, optional
        A township boundary file instead of the default.
    lang : {"zh", "en"}

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ExportError
        Unknown suffix; Chromium missing for a PDF; an unwritable file.
    DivisionError
        Unknown township.
    """
    target = Path(out)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"{target}: a report can be written as .html or .pdf, not {target.suffix or 'a file without suffix'}")
    if fmt == "pdf":
        find_chromium()  # fail before the charts are drawn
    briefing = Briefing.from_registry(registry, boundaries=boundaries, lang=lang)
    html = render_html(briefing, township)
    if fmt == "pdf":
        return html_to_pdf(html, target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"{target}: cannot write the report ({exc.strerror or exc})") from None
    return target
