"""The 数据 / Data panel: upload a new registry, read its validation report, accept it, switch versions.

An official uploads a registry file (.xlsx, .xls or .csv). It is kept aside
(:func:`coopmap.data.versions.save_upload`) and checked (:func:`coopmap.data.versions.stage`),
and the panel shows what the check found (drawn by :mod:`coopmap.app.upload_report`): rows read, accepted, rejected and skipped,
and every rejected row with its row number, its cooperative (name and credit code),
the column, the raw value (the characters the column cannot hold marked, such as the
letter O in ``3O``) and the problem in the interface language, in a scrollable table
(the whole list also downloads as CSV). Before accepting it lists the cooperatives
that would be left out and how each township's cooperative count and village
coverage would change against the data the page shows
(:func:`~coopmap.app.upload_report.township_changes`). Nothing is stored until the
official presses 接受 / Accept; a file with rejected rows can be accepted only after
ticking the acknowledgement beside the button. Accepting stores the file as a new
dated version (:func:`coopmap.data.versions.accept`, written atomically) and makes it the
one shown; the stored versions are listed, with the base version last (the shipped
sample, 内置示例数据, or the file the server was started with), and any of them can be
made active again (:func:`coopmap.data.versions.activate`).

After accepting or switching, the panel loads the version (:func:`data_of_version`)
and hands it to the ``reload`` callback the page gave (:meth:`coopmap.app.main.App.reload`,
the dashboard's one refresh path);
the header's provenance line then names the new file. Other visitors' pages load the
active version when they open (a preheated page checks it then); pages already open
say that the data were updated (:mod:`coopmap.app.watch`).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import ipywidgets as widgets
import pandas as pd

from coopmap.app.data import AppData
from coopmap.app.html import esc
from coopmap.app.parts import held
from coopmap.app.state import AppState
from coopmap.app.upload_report import can_accept, report_csv, report_html, township_changes
from coopmap.data import sources, versions
from coopmap.data.registry import Registry, load_registry
from coopmap.errors import RegistryError
from coopmap.i18n import paren, t
from coopmap.outputs.downloads import DownloadButton, Payload

log = logging.getLogger(__name__)

#: What the file picker offers.
ACCEPT_TYPES = ".xlsx,.xls,.csv"


def data_of_version(current: AppData, path: str | os.PathLike[str]) -> AppData:
    """Load a stored registry version as the data a dashboard shows (same boundaries and published figures).

    Raises
    ------
    RegistryError
        When the file no longer loads.
    """
    path = Path(path)
    loaded = load_registry(path)
    shown = sources.provenance(loaded, current.provenance.boundaries if current.provenance else None, path=path)
    data = current.with_frame(loaded.frame)
    data.registry_source = str(path)
    data.illustrative = shown.illustrative
    data.title = shown.title
    data.report = loaded.report
    data.file_date = shown.file_date
    data.provenance = shown
    return data


@dataclass
class Upload:
    """A file uploaded and checked, waiting for accept or discard."""

    path: Path
    name: str
    registry: Registry
    _changes: tuple[int, pd.DataFrame] | None = field(default=None, repr=False)

    def changes(self, shown: AppData) -> pd.DataFrame:
        """:func:`~coopmap.app.upload_report.township_changes` from the data ``shown`` to this file's accepted rows (computed once per shown data)."""
        if self._changes is None or self._changes[0] != id(shown.frame):
            self._changes = (id(shown.frame), township_changes(shown.frame, self.registry.frame, shown.divisions))
        return self._changes[1]


# -- the panel --------------------------------------------------------------------------------


class DataPanel:
    """The header's 数据 button and the panel it opens: upload, check, accept, versions.

    Parameters
    ----------
    data : AppData
        The data on screen (the uploaded file is compared with them).
    state : AppState
        The visitor's place (the panel reads its language).
    reload : callable
        ``reload(data)`` shows other data on the page; accepting or switching calls it
        (:meth:`coopmap.app.main.App.reload`), and the page then gives the panel the new
        data and state (:meth:`attach`).
    close_others : callable
        ``close_others()`` closes the page's other drawers when this one opens.

    Attributes
    ----------
    toggle : ipywidgets.ToggleButton
        In the header; opens and closes :attr:`widget`.
    widget : ipywidgets.VBox
        The panel under the header (hidden until opened; built at the first opening).
        Its parts carry CSS classes (:func:`coopmap.app.parts.find_part`):
        ``cm-upload`` (the file picker), ``cm-upload-report`` (the validation report of
        the file uploaded), ``cm-acknowledge`` (shown for a file with rejected rows; 接受
        waits for it), ``cm-accept``, ``cm-discard``, ``cm-report-csv``,
        ``cm-update-status`` (what happened last: accepted, switched, an error),
        ``cm-versions`` (the stored versions, then the base version),
        ``cm-version-pick`` (version ids; ``base``: the shipped sample or the server's
        ``--registry`` file) and ``cm-activate``.
    pending : Upload or None
        The file waiting for accept or discard.
    """

    def __init__(self, data: AppData, state: AppState, reload: Callable[[AppData], None],
                 close_others: Callable[[], None]) -> None:
        self._data, self._state = data, state
        self._reload, self._close_others = reload, close_others
        self._built = False
        self._pick_active = False
        self.pending: Optional[Upload] = None
        self._status: tuple[str, dict[str, Any], str] = ("", {}, "")
        self.toggle = widgets.ToggleButton(value=False, layout=widgets.Layout(width="auto"))
        self.toggle.add_class("cm-tool")
        self.toggle.add_class("cm-data-toggle")
        self.toggle.observe(self._toggled, "value")
        self.widget = widgets.VBox(layout=widgets.Layout(display="none"))
        self.widget.add_class("cm-drawer")
        self.widget.add_class("cm-data-panel")
        self._title = widgets.HTML()
        self._intro = widgets.HTML()
        self._upload = widgets.FileUpload(accept=ACCEPT_TYPES, multiple=False, icon="", layout=widgets.Layout(width="auto"))
        self._upload.add_class("cm-upload")
        self._upload.observe(self._uploaded, "value")
        self._report = widgets.HTML()
        self._report.add_class("cm-upload-report")
        self._acknowledge = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="auto", display="none"))
        self._acknowledge.add_class("cm-acknowledge")
        self._acknowledge.observe(lambda _: self._update_buttons(), "value")
        self._accept_button = widgets.Button(disabled=True, button_style="danger", layout=widgets.Layout(width="auto"))
        self._accept_button.add_class("cm-accept")
        self._accept_button.on_click(lambda _: self.accept())
        self._discard_button = widgets.Button(layout=widgets.Layout(width="auto"))
        self._discard_button.add_class("cm-discard")
        self._discard_button.on_click(lambda _: self.discard())
        self._report_download = DownloadButton(self._report_payload, label="")
        self._report_download.add_class("cm-report-csv")
        self._reason = widgets.HTML()
        self._reason.add_class("cm-accept-reason")
        self._status_line = widgets.HTML()
        self._status_line.add_class("cm-update-status")
        self._versions_title = widgets.HTML()
        self._versions = widgets.HTML()
        self._versions.add_class("cm-versions")
        self._version_pick = widgets.Dropdown(layout=widgets.Layout(width="auto"))
        self._version_pick.add_class("cm-version-pick")
        self._version_pick.observe(lambda _: self._update_activate(), "value")
        self._activate_button = widgets.Button(layout=widgets.Layout(width="auto"))
        self._activate_button.add_class("cm-activate")
        self._activate_button.on_click(lambda _: self.activate(self._version_pick.value))
        self._pending_box = widgets.VBox([
            self._report, self._acknowledge,
            widgets.HBox([self._accept_button, self._discard_button, self._report_download, self._reason],
                         layout=widgets.Layout(align_items="center", flex_flow="row wrap")),
        ], layout=widgets.Layout(display="none"))
        self._pending_box.add_class("cm-pending")

    def attach(self, data: AppData, state: AppState) -> None:
        """Work on other data (the page reloaded them); the panel, its upload and status stay.

        The page's refresh (:meth:`refresh`) follows.
        """
        self._data, self._state = data, state

    # -- opening ------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Whether the panel is shown."""
        return bool(self.toggle.value)

    def open(self, value: bool = True) -> None:
        """Show (or hide) the panel."""
        self.toggle.value = value

    def _toggled(self, change: dict[str, Any]) -> None:
        if change["new"]:
            if not self._built:
                self.widget.children = (
                    self._title, self._intro,
                    widgets.HBox([self._upload, self._status_line], layout=widgets.Layout(align_items="center")),
                    self._pending_box,
                    self._versions_title, self._versions,
                    widgets.HBox([self._version_pick, self._activate_button], layout=widgets.Layout(align_items="center")),
                )
                self._built = True
            self._close_others()
            self.refresh()
        self.widget.layout.display = None if change["new"] else "none"

    # -- uploading ----------------------------------------------------------------------------
    def _uploaded(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        name = str(item.get("name") or "registry")
        content = item.get("content")
        data = bytes(content) if content is not None else b""
        try:
            self.receive(name, data)
        finally:
            self._upload.value = ()  # the same file can be chosen again

    def receive(self, name: str, data: bytes) -> Optional[Upload]:
        """Keep an uploaded file aside, check it and show its report (nothing is stored yet).

        Returns
        -------
        Upload or None
            The checked file, or ``None`` when it cannot be read (the panel says why).
        """
        self._drop_pending()
        self._set_status("app.update.checking", {"name": name}, "busy")
        path: Optional[Path] = None
        try:
            path = versions.save_upload(data, name)
            registry = versions.stage(path)
        except (RegistryError, OSError) as exc:
            if path is not None:
                versions.discard_upload(path)
            self._set_status("app.update.unreadable", {"name": name, "message": str(exc)}, "error")
            return None
        except Exception as exc:  # a reader bug must not take the page down; the log has the traceback
            log.exception("checking an uploaded registry failed")
            if path is not None:
                versions.discard_upload(path)
            self._set_status("app.update.unreadable", {"name": name, "message": f"{type(exc).__name__}: {exc}"}, "error")
            return None
        self.pending = Upload(path, name, registry)
        self._acknowledge.value = False
        self._set_status("", {}, "")
        self._show_pending()
        return self.pending

    def discard(self) -> None:
        """Drop the uploaded file without storing anything."""
        if self.pending is None:
            return
        self._drop_pending()
        self._set_status("app.update.discarded", {}, "")

    def _drop_pending(self) -> None:
        if self.pending is not None:
            versions.discard_upload(self.pending.path)
        self.pending = None
        self._acknowledge.value = False
        self._show_pending()

    # -- accepting and switching ------------------------------------------------------------------
    def accept(self) -> Optional[versions.Version]:
        """Store the checked file as a new dated version, make it active and show it.

        Refused (the panel says why) while :func:`~coopmap.app.upload_report.can_accept` says no: no accepted
        row, or rejected rows not acknowledged.

        Returns
        -------
        Version or None
            The stored version, or ``None`` when nothing was stored.
        """
        pending = self.pending
        if pending is None:
            return None
        ok, reason = can_accept(pending.registry.report, self._acknowledge.value)
        if not ok:
            self._set_status(reason, {}, "error")
            return None
        self._set_status("app.update.saving", {}, "busy")
        try:
            version = versions.accept(pending.path, acknowledge_rejected=bool(self._acknowledge.value), name=pending.name)
        except (RegistryError, OSError) as exc:
            self._set_status("app.update.failed", {"message": str(exc)}, "error")
            return None
        self._drop_pending()
        if self._show(version.path):
            self._set_status("app.update.done", {"id": version.id}, "ok")
        return version

    def activate(self, version_id: Optional[str]) -> Optional[versions.Version]:
        """Make a stored version active again and show it.

        Returns
        -------
        Version or None
            The version now active, or ``None`` when it could not be (the panel says why).
        """
        if not version_id:
            return None
        self._set_status("app.update.saving", {}, "busy")
        try:
            version = versions.activate(version_id)
        except (RegistryError, OSError) as exc:
            self._set_status("app.update.failed", {"message": str(exc)}, "error")
            self.refresh()
            return None
        if self._show(version.path):
            if version.base:
                self._set_status("app.update.activated_base", {"name": self._base_name(version)}, "ok")
            else:
                self._set_status("app.update.activated", {"id": version.id}, "ok")
        return version

    def _show(self, path: Path) -> bool:
        """Load the version and give it to the dashboard's refresh path."""
        try:
            data = data_of_version(self._data, path)
        except (RegistryError, OSError) as exc:
            self._set_status("app.update.failed", {"message": str(exc)}, "error")
            self.refresh()
            return False
        self._reload(data)
        self._pick_active = True  # the list starts again from the version now shown
        self.refresh()
        return True

    # -- drawing --------------------------------------------------------------------------------
    def _set_status(self, key: str, values: dict[str, Any], kind: str) -> None:
        self._status = (key, values, kind)
        lang = self._state.lang
        text = t(key, lang, **values) if key else ""
        self._status_line.value = f'<div class="cm-status-{esc(kind)}" role="status">{esc(text)}</div>' if text else ""

    def _report_payload(self) -> Payload:
        if self.pending is None:
            raise RegistryError("no uploaded file is waiting; upload one first")
        stem = Path(self.pending.path.name).stem
        lang = self._state.lang
        prefix = "校验报告" if lang == "zh" else "check-report"
        return Payload(f"{prefix}_{stem}.csv", "text/csv;charset=utf-8", report_csv(self.pending.registry.report, lang))

    def _show_pending(self) -> None:
        lang = self._state.lang
        pending = self.pending
        if pending is None:
            self._pending_box.layout.display = "none"
            self._report.value = ""
            self._acknowledge.layout.display = "none"
        else:
            report = pending.registry.report
            self._pending_box.layout.display = None
            changes = pending.changes(self._data) if report.accepted else None
            self._report.value = report_html(report, pending.name, lang, changes=changes)
            self._acknowledge.description = t("app.update.acknowledge", lang, n=report.rejected)
            self._acknowledge.layout.display = None if report.rejected and report.accepted else "none"
        self._update_buttons()

    def _update_buttons(self) -> None:
        lang = self._state.lang
        report = self.pending.registry.report if self.pending is not None else None
        ok, reason = can_accept(report, bool(self._acknowledge.value))
        self._accept_button.disabled = not ok
        self._reason.value = f'<span class="cm-muted">{esc(t(reason, lang))}</span>' if reason else ""

    def _shows(self, version: versions.Version) -> bool:
        """Whether this page shows ``version``."""
        return versions.same_file(version.path, self._data.registry_source)

    def _base_name(self, version: versions.Version, lang: Optional[str] = None) -> str:
        """The base version as the panel names it: 内置示例数据, or the file's name."""
        if version.shipped_sample:
            return t("app.update.sample", lang or self._state.lang)
        return version.original_name

    def _update_activate(self) -> None:
        chosen = next((v for v in versions.list_versions(include_base=True) if v.id == self._version_pick.value), None)
        self._activate_button.disabled = chosen is None or (chosen.active and self._shows(chosen))

    def versions_html(self, lang: str, listed: Optional[list[versions.Version]] = None) -> str:
        """The versions one can switch to: the stored ones, newest first, then the base version
        (the shipped sample or the server's ``--registry`` file); the active one and the one
        this page shows are marked."""
        listed = versions.list_versions(include_base=True) if listed is None else listed
        parts = []
        if not any(not v.base for v in listed):
            data = self._data
            source = t("app.update.sample", lang) if data.illustrative else Path(data.registry_source).name
            parts.append(f'<div class="cm-muted">{esc(t("app.update.no_versions", lang, source=source))}</div>')
        head = "".join(f"<th>{esc(t(f'app.update.col.{k}', lang))}</th>" for k in ("created", "file", "rows", "state"))
        rows = []
        for v in listed:
            shown = self._shows(v)
            marks = []
            if v.active:
                marks.append(f'<span class="cm-badge ok">{esc(t("app.update.active", lang))}</span>')
            if shown:
                marks.append(f'<span class="cm-badge">{esc(t("app.update.shown", lang))}</span>')
            if v.acknowledged_rejected:
                marks.append(f'<span class="cm-badge warn">{esc(t("app.update.acknowledged", lang))}</span>')
            if v.base:
                report = self._data.report if shown else None  # the base's counts are known once it is loaded
                counts = "—" if report is None else f"{report.accepted} / {report.rejected}"
                when = esc(t("app.update.base_when", lang))
                if v.shipped_sample:
                    name = (f'{esc(t("app.update.base_sample", lang))} '
                            f'<span class="cm-badge sample">{esc(t("app.sample", lang))}</span>')
                else:
                    name = f'{esc(v.original_name)} <span class="cm-muted">{esc(t("app.update.base_file", lang))}</span>'
            else:
                counts = "—" if v.accepted is None else f"{v.accepted} / {v.rejected or 0}"
                when = esc(v.created.strftime("%Y-%m-%d %H:%M:%S")) if v.created else "—"
                name = f'{esc(v.original_name)} <span class="cm-muted cm-mono">{esc(v.id)}</span>'
            css = " ".join(c for c, on in (("cm-version-active", v.active), ("cm-version-base", v.base)) if on)
            rows.append(f'<tr class="{css}" data-version="{esc(v.id)}">'
                        f'<td class="cm-num">{when}</td><td>{name}</td>'
                        f'<td class="cm-num">{esc(counts)}</td><td>{"".join(marks)}</td></tr>')
        parts.append(f'<div class="cm-issues-scroll"><table class="cm-issues cm-version-table"><thead><tr>{head}</tr></thead>'
                     f'<tbody>{"".join(rows)}</tbody></table></div>')
        return "".join(parts)

    def _option_label(self, version: versions.Version, lang: str) -> str:
        """A version in the dropdown: date and file, or the base version's name; the active one marked."""
        if version.base:
            text = (f'{t("app.update.base_sample", lang)} · {t("app.sample", lang)}' if version.shipped_sample
                    else f'{version.original_name} · {t("app.update.base_file", lang)}')
        else:
            when = version.created.strftime("%Y-%m-%d %H:%M:%S") if version.created else ""
            text = f"{when} · {version.original_name}"
        if version.active:
            text += paren(t("app.update.active", lang), lang)
        return text

    def refresh(self) -> None:
        """Label the toggle; if the panel is open, show its text, the report and the versions in the page's language.

        The panel's one refresh path; its widgets send their changes together (:func:`held`).
        """
        lang = self._state.lang
        with self.toggle.hold_sync():
            self.toggle.description = t("app.update.menu", lang)
            self.toggle.tooltip = t("app.update.title", lang)
        if not self._built:
            return
        parts = (self._title, self._intro, self._upload, self._accept_button, self._discard_button, self._report_download,
                 self._activate_button, self._activate_button.layout, self._versions_title, self._versions,
                 self._version_pick, self._version_pick.layout, self._status_line, self._report, self._acknowledge,
                 self._acknowledge.layout, self._pending_box.layout, self._reason)
        with held(*parts):
            self._draw(lang)

    def _draw(self, lang: str) -> None:
        self._title.value = f'<div class="cm-drawer-title">{esc(t("app.update.title", lang))}</div>'
        self._intro.value = f'<div class="cm-drawer-note">{esc(t("app.update.intro", lang))}</div>'
        self._upload.description = t("app.update.choose", lang)
        self._accept_button.description = t("app.update.accept", lang)
        self._discard_button.description = t("app.update.discard", lang)
        self._report_download.label = t("app.update.report_csv", lang)
        self._report_download.busy_label = "…"
        self._activate_button.description = t("app.update.activate", lang)
        self._versions_title.value = f'<h4>{esc(t("app.update.versions", lang))}</h4>'
        listed = versions.list_versions(include_base=True)
        self._versions.value = self.versions_html(lang, listed)
        current = self._version_pick.value
        self._version_pick.options = [(self._option_label(v, lang), v.id) for v in listed]
        ids = [v.id for v in listed]
        active = next((v.id for v in listed if v.active), ids[0])
        self._version_pick.value = current if current in ids and not self._pick_active else active
        self._pick_active = False
        self._version_pick.description = ""
        # hidden while there is nothing to switch to: only the base version, and this page shows it
        switchable = len(listed) > 1 or not self._shows(listed[0])
        self._version_pick.layout.display = None if switchable else "none"
        self._activate_button.layout.display = None if switchable else "none"
        self._update_activate()
        key, values, kind = self._status
        self._set_status(key, values, kind)
        self._show_pending()


__all__ = ["ACCEPT_TYPES", "DataPanel", "Upload", "data_of_version"]
