"""The string catalog: every interface text of coopmap, by key, in zh and en.

Each module here is data (one dict ``STRINGS``, no imports), one table per part of the
interface. :mod:`coopmap.i18n` loads them all when it is first imported, so a key is
there whatever view, report or slide has been imported, or not, before it is used.

To add a string, add it to the table of the part that shows it, in both languages.
To add a table, add a module and list it in :data:`TABLES`. A plug-in outside the
package adds its own text with :func:`coopmap.i18n.add_strings`.
"""

from __future__ import annotations

from coopmap.strings import (
    app,
    briefing,
    charts,
    common,
    datapanel,
    downloadbar,
    meeting,
    messages,
    page,
    reconcile,
    report,
    status,
    tables,
    watch,
)

#: (owner named in a clash error, table), in load order.
TABLES: tuple[tuple[str, dict[str, dict[str, str]]], ...] = tuple(
    (module.__name__, module.STRINGS)
    for module in (common, charts, messages, briefing, reconcile, report, tables, meeting, app, datapanel, downloadbar, watch,
                   page, status)
)
