"""Interface text of the page around the dashboard: waiting page, reload notice (page.), zh and en."""

from __future__ import annotations

#: Interface text of the page around the dashboard (the waiting page, the notice that
#: the page must be reloaded); the template reads it through the ``coopmap_texts`` filter.
STRINGS: dict[str, dict[str, str]] = {
    "page.title": {"zh": "龙陵县党组织领办合作社", "en": "Party-led cooperatives of Longling County"},
    "page.wait": {"zh": "正在打开页面，请稍候…", "en": "Opening the page, please wait…"},
    "page.wait.start": {"zh": "启动并读取台账和地图", "en": "Starting, reading the registry and the map"},
    "page.wait.build": {"zh": "生成页面", "en": "Building the page"},
    "page.wait.show": {"zh": "显示页面", "en": "Showing the page"},
    "page.wait.elapsed": {"zh": "已等待 {seconds} 秒", "en": "Waiting for {seconds} s"},
    "page.gone": {"zh": "页面已断开，请刷新后继续使用。", "en": "This page has lost its connection: reload it to continue."},
    "page.reload": {"zh": "刷新", "en": "Reload"},
}
