"""Interface text of the server's status page (server.status.), zh and en."""

from __future__ import annotations

#: The status page ``coopmap serve`` answers at ``/coopmap/status`` (coopmap.server.status).
STRINGS: dict[str, dict[str, str]] = {
    "server.status.title": {"zh": "服务器状态", "en": "Server status"},
    "server.status.with_page": {"zh": "正在使用的内核（有页面打开）", "en": "Kernels in use (a page open)"},
    "server.status.pool": {"zh": "预热内核 / 预热池大小", "en": "Preheated kernels / pool size"},
    "server.status.starting": {"zh": "{n} 个正在启动", "en": "{n} starting"},
    "server.status.without_page": {"zh": "无页面的内核（到空闲时限后关闭）", "en": "Kernels without a page (stopped after the idle timeout)"},
    "server.status.total": {"zh": "内核总数", "en": "Kernels in all"},
    "server.status.idle_timeout": {"zh": "空闲时限", "en": "Idle timeout"},
    "server.status.memory_kernels": {"zh": "内核内存合计", "en": "Memory of the kernels"},
    "server.status.memory_server": {"zh": "服务器进程内存", "en": "Memory of the server process"},
    "server.status.registry": {"zh": "新打开的页面显示的台账", "en": "Registry a page opened now shows"},
    "server.status.sample": {"zh": "示例数据", "en": "illustrative data"},
    "server.status.boundaries": {"zh": "乡镇边界", "en": "Township boundaries"},
    "server.status.boundaries_official": {"zh": "正式边界", "en": "official"},
    "server.status.time": {"zh": "更新于 {time}（每 10 秒刷新）", "en": "Updated {time} (refreshed every 10 s)"},
    "server.status.boundaries_schematic": {"zh": "示意边界", "en": "schematic"},
}
