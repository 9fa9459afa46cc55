"""Interface text of exported registry tables (table.): the title row above the header, zh and en.

The header itself stays the schema's Chinese headers in both languages, so that an
exported table loads again.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "table.title": {"zh": "龙陵县党组织领办合作社台账", "en": "Party-led cooperatives of Longling County: registry"},
    "table.years": {"zh": "{years}年", "en": "{years}"},
    "table.separator": {"zh": "——", "en": " — "},
    "table.exported": {"zh": "导出 {date}", "en": "exported {date}"},
}
