"""Interface text of the dashboard's notices about a changed registry (app.watch.), zh and en."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "app.notice.data_updated": {
        "zh": "数据已更新为 {value}，刷新后查看。本页仍显示更新前的数据。",
        "en": "The data have been updated to {value}: reload the page to see them. This page still shows the earlier data.",
    },
    "app.notice.data_updated_sample": {
        "zh": "数据已更新为内置示例数据（示例数据），刷新后查看。本页仍显示更新前的数据。",
        "en": "The data have been switched back to the shipped sample (illustrative data): reload the page to see "
              "them. This page still shows the earlier data.",
    },
}
