"""The validation report of an uploaded registry file, as the data panel shows and downloads it.

:mod:`coopmap.app.datapanel` checks an upload (:func:`coopmap.data.versions.stage`) and
shows what this module draws from the check's :class:`~coopmap.data.registry.ValidationReport`:
the counts (rows read, accepted, rejected, skipped), every rejected row with its row
number, its cooperative (name and credit code), the column, the raw value (the
characters the column cannot hold marked, such as the letter O in ``3O``) and the
problem in the interface language (:func:`report_html`); the whole list as CSV
(:func:`report_csv`); what accepting the file would do, the cooperatives left out and
each township's cooperative count and village coverage before and after
(:func:`township_changes`, :func:`impact_html`); and whether the file may be accepted
(:func:`can_accept`). Everything here is pure: report in, text out, no widgets.
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from typing import Any, Optional

import pandas as pd

from coopmap.app.html import esc
from coopmap.data.divisions import Divisions
from coopmap.data.messages import odd_characters
from coopmap.data.registry import RejectedRow, RowIssue, ValidationReport, neutralise
from coopmap.data.schema import BY_ID
from coopmap.figures.tables import township_table
from coopmap.i18n import format_number, t, township_label

#: Rejected rows listed in the page; the CSV download has all of them.
MAX_SHOWN = 500


def column_label(column: Optional[str], lang: str) -> str:
    """A registry column id as officials read it (``members`` → ``成员数``; ``Members`` in English).

    Parameters
    ----------
    column : str or None
        A column id of :data:`coopmap.data.schema.BY_ID`; an unknown id is returned as it is.
    lang : {"zh", "en"}

    Returns
    -------
    str
        The column's header, or ``""`` for no column (a problem of the whole file).
    """
    if not column:
        return ""
    col = BY_ID.get(column)
    if col is None:
        return column
    return col.header if lang == "zh" else col.en


def can_accept(report: Optional[ValidationReport], acknowledged: bool) -> tuple[bool, str]:
    """Whether a checked file may be accepted, and the text key that says why (not).

    A file needs at least one accepted row; a file with rejected rows needs the
    acknowledgement.

    Parameters
    ----------
    report : ValidationReport or None
        The file's check (``None``: no file waiting).
    acknowledged : bool
        Whether the official ticked the acknowledgement of the rejected rows.

    Returns
    -------
    tuple of (bool, str)
        May it be accepted, and the ``app.update.*`` key of the reason (``""`` for no file).
    """
    if report is None:
        return False, ""
    if report.accepted == 0:
        return False, "app.update.no_rows"
    if report.rejected and not acknowledged:
        return False, "app.update.need_ack"
    return True, "app.update.ready"


def marked_value(value: str, column: Optional[str], lang: str = "zh") -> str:
    """A raw cell value as HTML: escaped, the characters its column cannot hold in ``<mark>``.

    Each mark's ``title`` says in ``lang`` what the character is (字母 O，不是数字 0;
    see :func:`coopmap.data.messages.odd_characters`). A value that is no number at all (more
    odd characters than digits: ``abc``, ``#N/A``) is shown unmarked: its message says
    so, and marking every character would point at nothing.

    Parameters
    ----------
    value : str
        The cell as read.
    column : str or None
        The column id; its kind says which characters are odd (none for an unknown column).
    lang : {"zh", "en"}
        The language of the marks' titles.

    Returns
    -------
    str
        HTML.
    """
    col = BY_ID.get(column or "")
    odd = odd_characters(value, col.kind) if col is not None else []
    solid = sum(not c.char.isspace() for c in odd)
    digits = sum(ch.isdigit() for ch in unicodedata.normalize("NFKC", value))
    if not odd or solid > digits:
        return esc(value)
    marks = {c.index: c for c in odd}
    out = []
    for i, char in enumerate(value):
        mark = marks.get(i)
        if mark is None:
            out.append(esc(char))
            continue
        kind = "cm-odd-space" if char.isspace() else "cm-odd-invisible" if not char.isprintable() or unicodedata.category(char) == "Cf" else ""
        out.append(f'<mark class="cm-odd {kind}" title="{esc(mark.reason.text(lang))}">{esc(char)}</mark>')
    return "".join(out)


def _coop_html(coop: Optional[RejectedRow], lang: str) -> str:
    if coop is None:
        return ""
    name = esc(coop.name) if coop.name else f'<span class="cm-muted">{esc(t("app.update.check.no_name", lang))}</span>'
    code = f'<div class="cm-mono cm-muted cm-issue-uscc">{esc(coop.uscc)}</div>' if coop.uscc else ""
    return f'<div class="cm-issue-name">{name}</div>{code}'


def _issue_cells(issue: RowIssue, lang: str) -> str:
    return (f"<td>{esc(column_label(issue.column, lang))}</td>"
            f'<td class="cm-issue-value">{marked_value(issue.value, issue.column, lang)}</td>'
            f"<td>{esc(issue.text(lang))}</td>")


def _issue_rows(issues: list[RowIssue], lang: str, limit: Optional[int]) -> str:
    rows = []
    for issue in issues[:limit] if limit is not None else issues:
        row = str(issue.row) if issue.row is not None else t("app.update.whole_file", lang)
        rows.append(f'<tr><td class="cm-num">{esc(row)}</td>{_issue_cells(issue, lang)}</tr>')
    return "".join(rows)


def _error_rows(report: ValidationReport, lang: str, limit: Optional[int]) -> str:
    """The rejected rows' problems, each row's number and cooperative once beside all its problems."""
    coops = {c.row: c for c in report.rejected_rows}
    rows = []
    shown = report.errors[:limit] if limit is not None else report.errors
    for row, group in itertools.groupby(shown, key=lambda e: e.row):
        issues = list(group)
        span = f' rowspan="{len(issues)}"' if len(issues) > 1 else ""
        lead = (f'<td class="cm-num"{span}>{esc(row)}</td>'
                f'<td class="cm-issue-coop"{span}>{_coop_html(coops.get(row) if row is not None else None, lang)}</td>')
        rows.extend(f'<tr>{lead if i == 0 else ""}{_issue_cells(issue, lang)}</tr>' for i, issue in enumerate(issues))
    return "".join(rows)


def _issue_table(issues: list[RowIssue], lang: str, limit: Optional[int], css: str) -> str:
    head = "".join(f"<th>{esc(t(f'app.update.col.{k}', lang))}</th>" for k in ("row", "column", "value", "message"))
    return (f'<div class="cm-issues-scroll {css}"><table class="cm-issues"><thead><tr>{head}</tr></thead>'
            f"<tbody>{_issue_rows(issues, lang, limit)}</tbody></table></div>")


def _error_table(report: ValidationReport, lang: str, limit: Optional[int]) -> str:
    keys = ("app.update.col.row", "app.update.check.col.coop", "app.update.col.column", "app.update.col.value", "app.update.col.message")
    head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in keys)
    return (f'<div class="cm-issues-scroll cm-upload-errors"><table class="cm-issues"><thead><tr>{head}</tr></thead>'
            f"<tbody>{_error_rows(report, lang, limit)}</tbody></table></div>")


def township_changes(before: pd.DataFrame, after: pd.DataFrame, divisions: Divisions) -> pd.DataFrame:
    """The townships whose cooperative count or village coverage differs between two registries.

    Both go through :func:`coopmap.figures.tables.township_table`, so the figures are those
    the dashboard shows.

    Parameters
    ----------
    before, after : pandas.DataFrame
        Canonical registries (the data shown now; an uploaded file's accepted rows).
    divisions : Divisions

    Returns
    -------
    pandas.DataFrame
        ``code``, ``name``, ``coops_before``, ``coops_after``, ``coverage_before`` and
        ``coverage_after`` (percent), one row per township that changes (a coverage
        change counts when it shows at one decimal), in the official order.
    """
    old, new = township_table(before, divisions), township_table(after, divisions)
    table = pd.DataFrame({
        "code": old["code"], "name": old["name"], "coops_before": old["coops"], "coops_after": new["coops"],
        "coverage_before": old["coverage_pct"], "coverage_after": new["coverage_pct"],
    })
    changed = (table["coops_before"] != table["coops_after"]) | (table["coverage_before"].round(1) != table["coverage_after"].round(1))
    return table[changed].reset_index(drop=True)


def _change(before: Any, after: Any, unit: str, lang: str) -> str:
    old, new = format_number(before, unit, lang), format_number(after, unit, lang)
    if old == new:
        return f'<span class="cm-muted">{esc(new)}</span>'
    return f'{esc(old)} → <b class="cm-change-{"down" if after < before else "up"}">{esc(new)}</b>'


def impact_html(report: ValidationReport, changes: Optional[pd.DataFrame], lang: str, limit: int = MAX_SHOWN) -> str:
    """What accepting a checked file would do: the cooperatives left out and the townships' figures that change.

    Parameters
    ----------
    report : ValidationReport
        The file's check (its :attr:`~coopmap.data.registry.ValidationReport.rejected_rows`).
    changes : pandas.DataFrame or None
        :func:`township_changes` between the data shown and the file's accepted rows
        (``None``: not computed, not shown).
    lang : {"zh", "en"}
    limit : int
        Cooperatives listed at most (the check report CSV has all rejected rows).

    Returns
    -------
    str
        HTML, or ``""`` when there is nothing to say.
    """
    parts = [f'<h4>{esc(t("app.update.check.if_accepted", lang))}</h4>']
    if report.rejected_rows:
        keys = ("app.update.col.row", "app.update.check.col.coop", "app.update.check.col.uscc", "app.update.check.col.township")
        head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in keys)
        body = "".join(
            f'<tr><td class="cm-num">{esc(c.row)}</td>'
            f'<td>{esc(c.name) if c.name else esc(t("app.update.check.no_name", lang))}</td>'
            f'<td class="cm-mono">{esc(c.uscc)}</td><td>{esc(c.township)}</td></tr>'
            for c in report.rejected_rows[:limit])
        parts.append(f'<div class="cm-left-out-note">{esc(t("app.update.check.left_out", lang, n=len(report.rejected_rows)))}</div>'
                     f'<div class="cm-issues-scroll cm-left-out"><table class="cm-issues"><thead><tr>{head}</tr></thead>'
                     f"<tbody>{body}</tbody></table></div>")
        if len(report.rejected_rows) > limit:
            parts.append(f'<div class="cm-muted">{esc(t("app.update.more", lang, n=len(report.rejected_rows) - limit))}</div>')
        parts.append(f'<div class="cm-muted">{esc(t("app.update.check.left_out_fix", lang))}</div>')
    if changes is not None:
        if changes.empty:
            parts.append(f'<div class="cm-changes-none">{esc(t("app.update.check.no_changes", lang))}</div>')
        else:
            keys = ("app.update.check.col.township", "app.update.check.col.coops", "app.update.check.col.coverage")
            head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in keys)
            body = "".join(
                f'<tr><td>{esc(township_label(r.code, r.name, lang))}</td>'
                f'<td class="cm-num">{_change(r.coops_before, r.coops_after, "count", lang)}</td>'
                f'<td class="cm-num">{_change(r.coverage_before, r.coverage_after, "pct", lang)}</td></tr>'
                for r in changes.itertuples(index=False))
            parts.append(f'<div class="cm-changes-note">{esc(t("app.update.check.changes", lang))}</div>'
                         f'<div class="cm-issues-scroll cm-changes"><table class="cm-issues"><thead><tr>{head}</tr></thead>'
                         f"<tbody>{body}</tbody></table></div>")
    return "".join(parts) if len(parts) > 1 else ""


def report_html(report: ValidationReport, name: str, lang: str, limit: int = MAX_SHOWN,
                changes: Optional[pd.DataFrame] = None) -> str:
    """The validation report of an uploaded file as HTML (every value escaped), in ``lang``.

    Counts (read, accepted, rejected, skipped), then every rejected row's problems in
    a scrollable table (the first ``limit``; the CSV has them all) naming the row's
    cooperative and marking the odd characters of each value, then the skipped rows
    and the warnings, folded, then what accepting would do (:func:`impact_html`).

    Parameters
    ----------
    report : ValidationReport
        The file's check.
    name : str
        The file's name as uploaded.
    lang : {"zh", "en"}
    limit : int
        Problems (and cooperatives left out) listed at most.
    changes : pandas.DataFrame or None
        :func:`township_changes` for the impact part (``None``: not shown).

    Returns
    -------
    str
        HTML.
    """
    badges = [
        f'<span class="cm-badge">{esc(t("app.update.rows_read", lang, n=report.rows_read))}</span>',
        f'<span class="cm-badge ok">{esc(t("app.update.accepted", lang, n=report.accepted))}</span>',
        f'<span class="cm-badge {"accent" if report.rejected else ""}">{esc(t("app.update.rejected", lang, n=report.rejected))}</span>',
        f'<span class="cm-badge muted">{esc(t("app.update.skipped", lang, n=report.skipped))}</span>',
    ]
    parts = [f'<div class="cm-upload-file">{esc(t("app.update.file", lang, name=name))}'
             + (f' <span class="cm-muted">{esc(report.title)}</span>' if report.title else "") + "</div>",
             f'<div class="cm-upload-counts">{"".join(badges)}</div>']
    if report.errors:
        parts.append(f'<h4>{esc(t("app.update.errors", lang))}</h4>')
        parts.append(_error_table(report, lang, limit))
        if len(report.errors) > limit:
            parts.append(f'<div class="cm-muted">{esc(t("app.update.more", lang, n=len(report.errors) - limit))}</div>')
    else:
        parts.append(f'<div class="cm-upload-ok">{esc(t("app.update.no_errors", lang))}</div>')
    for key, issues in (("app.update.skipped_rows", report.skipped_rows), ("app.update.warnings", report.warnings)):
        if issues:
            parts.append(f"<details><summary>{esc(t(key, lang, n=len(issues)))}</summary>"
                         f"{_issue_table(issues, lang, limit, 'cm-upload-notes')}</details>")
    if report.accepted:
        parts.append(impact_html(report, changes, lang, limit))
    return "".join(parts)


def report_csv(report: ValidationReport, lang: str = "zh") -> bytes:
    """Every error, skipped row and warning of a check as CSV (UTF-8 with a BOM, formulas neutralised).

    Messages are in ``lang``; an error's row names its cooperative (name and credit code).

    Parameters
    ----------
    report : ValidationReport
        The file's check.
    lang : {"zh", "en"}

    Returns
    -------
    bytes
        The CSV file's content.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([t(k, lang) for k in ("app.update.col.kind", "app.update.col.row", "app.update.check.col.coop",
                                          "app.update.check.col.uscc", "app.update.col.column", "app.update.col.value",
                                          "app.update.col.message")])
    coops = {c.row: c for c in report.rejected_rows}
    for kind, issues in (("error", report.errors), ("skipped", report.skipped_rows), ("warning", report.warnings)):
        for issue in issues:
            coop = coops.get(issue.row) if kind == "error" and issue.row is not None else None
            writer.writerow([neutralise(v) for v in (
                t(f"app.update.kind.{kind}", lang), "" if issue.row is None else issue.row,
                coop.name if coop else "", coop.uscc if coop else "",
                column_label(issue.column, lang), issue.value, issue.text(lang))])
    return out.getvalue().encode("utf-8-sig")


__all__ = ["MAX_SHOWN", "can_accept", "column_label", "impact_html", "marked_value", "report_csv", "report_html",
           "township_changes"]
