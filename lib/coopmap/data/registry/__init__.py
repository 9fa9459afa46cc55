"""Loading a cooperative registry (台账) from a county office's spreadsheet.

:func:`load_registry` reads ``.xlsx``/``.xls``/``.csv`` as offices keep them (title rows
above the header, a two-row header under merged group labels, merged cells, Chinese
headers in several spellings, money in 元 or 万元, GBK, Big5, UTF-16 or UTF-8 text),
parses every cell, checks the rows against :class:`coopmap.data.schema.RegistrySchema` and
returns the accepted rows with a :class:`ValidationReport`. Nothing is dropped
silently: ``rows_read == accepted + rejected + skipped`` always holds; blank, total
(合计) and note rows are counted as skipped, each with its row number.

A file that is not a registry at all (an image, an encrypted or damaged workbook, a
zip bomb, a sheet reaching cell XFD1048576) raises :class:`RegistryError` with a
message that says what the file is and what to do; ``tests/data/bad`` holds a corpus
of such files with their expected outcomes.

:func:`write_registry` writes the canonical table back as officials read it.
"""

from coopmap.data.registry.checks import COOP_LAW_DATE
from coopmap.data.registry.load import load_registry
from coopmap.data.registry.reading import read_table
from coopmap.data.registry.report import Registry, RejectedRow, RowIssue, ValidationReport
from coopmap.data.registry.sheet import MAX_CELLS, MAX_FILE_BYTES, MAX_UNPACKED_BYTES
from coopmap.data.registry.writing import neutralise, to_display_table, write_registry

__all__ = [
    "COOP_LAW_DATE",
    "MAX_CELLS",
    "MAX_FILE_BYTES",
    "MAX_UNPACKED_BYTES",
    "Registry",
    "RejectedRow",
    "RowIssue",
    "ValidationReport",
    "load_registry",
    "neutralise",
    "read_table",
    "to_display_table",
    "write_registry",
]
