"""Interface text of the dashboard's download menu (app.download.), zh and en."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "app.download.menu": {"zh": "下载", "en": "Download"},
    "app.download.scope": {"zh": "本页：{place}", "en": "This page: {place}"},
    "app.download.county": {"zh": "龙陵县全县", "en": "the whole of Longling County"},
    "app.download.report": {"zh": "报告", "en": "Report"},
    "app.download.table": {"zh": "台账表格", "en": "Registry table"},
    "app.download.charts": {"zh": "图表", "en": "Charts"},
    "app.download.busy": {"zh": "正在生成…", "en": "Preparing…"},
    "app.download.unfiltered": {
        "zh": "报告和表格包含本页的全部合作社，不受筛选影响。",
        "en": "The report and the table cover every cooperative of this page, whatever the filters.",
    },
    "app.download.charts_filtered": {
        "zh": "地图、排名和村级覆盖图是筛选后的结果（{filters}），文件名注明“筛选后”。",
        "en": "The map, ranking and village charts show the filtered view ({filters}); their file names say “filtered”.",
    },
    "app.download.filtered_stem": {"zh": "筛选后", "en": "filtered"},
    "app.download.hint": {
        "zh": "文件在本机生成并直接保存，不经过网络。",
        "en": "Files are made on this computer and saved directly; nothing goes over the internet.",
    },
    "app.download.map": {"zh": "地图", "en": "Map"},
    "app.download.not_drawn": {
        "zh": "图表尚未画出，请稍候再试。",
        "en": "The chart is not drawn yet; try again in a moment.",
    },
    "app.download.tip": {"zh": "下载 {what}（{fmt}）", "en": "Download {what} ({fmt})"},
}
