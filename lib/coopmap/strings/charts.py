"""Interface text of charts beyond the common chart. keys (no data, filters), zh and en."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "chart.no_data": {"zh": "无数据", "en": "No data"},
    "chart.filtered_suffix": {"zh": "（筛选后）", "en": " (filtered)"},
    "chart.filtered_empty": {"zh": "筛选结果为空", "en": "Nothing matches the filters"},
    # a village's status under filters: only the matching cooperatives count
    "status.filtered.coop": {"zh": "有符合筛选的村级或组级合作社", "en": "Matching village- or group-led cooperative"},
    "status.filtered.reached": {"zh": "由符合筛选的外村或联合社合作社服务", "en": "Served by a matching cooperative based elsewhere"},
    "status.filtered.none": {"zh": "无符合筛选的合作社", "en": "No matching cooperative"},
}
