"""The dashboard's interface text, added to :data:`coopmap.i18n.STRINGS` under ``app.``.

Keys are registered when :mod:`coopmap.app` is imported, so that every label goes
through :func:`coopmap.i18n.t` like the rest of the library's text.
"""

from __future__ import annotations

from coopmap import i18n

APP_STRINGS: dict[str, dict[str, str]] = {
    # page
    "app.title": {"zh": "龙陵县党组织领办合作社", "en": "Party-led cooperatives of Longling County"},
    "app.county": {"zh": "龙陵县", "en": "Longling County"},
    "app.lang_label": {"zh": "语言", "en": "Language"},
    "app.copy_link": {"zh": "复制链接", "en": "Copy link"},
    "app.copied": {"zh": "链接已复制", "en": "Link copied"},
    # provenance
    "app.data": {"zh": "数据", "en": "Data"},
    "app.sample": {"zh": "示例数据", "en": "illustrative sample data"},
    "app.sample_badge": {"zh": "示例", "en": "sample"},
    "app.sample_badge_tip": {"zh": "由示例数据计算，不是真实数", "en": "Computed from the illustrative sample, not a real figure"},
    "app.sample_note": {
        "zh": "示例数据为演示生成的虚构合作社，其合计数按公开报道校准，个别合作社信息并非真实记录。",
        "en": "The sample holds generated cooperatives whose totals are calibrated to the published figures; "
              "no single record is real.",
    },
    "app.registry": {"zh": "台账", "en": "registry"},
    "app.year": {"zh": "{year}年度", "en": "year {year}"},
    "app.file_date": {"zh": "文件日期 {date}", "en": "file of {date}"},
    "app.boundaries": {"zh": "边界", "en": "Boundaries"},
    "app.boundaries_schematic": {"zh": "示意边界", "en": "schematic"},
    "app.boundaries_official": {"zh": "正式边界", "en": "official"},
    "app.rows": {"zh": "{accepted} 行有效，{rejected} 行未通过校验", "en": "{accepted} rows accepted, {rejected} rejected"},
    # filters
    "app.filter.title": {"zh": "筛选", "en": "Filter"},
    "app.filter.lead_level": {"zh": "领办层级", "en": "Led by"},
    "app.filter.formation": {"zh": "组建方式", "en": "Formation"},
    "app.filter.standardized": {"zh": "规范运行", "en": "Standardized"},
    "app.filter.industry": {"zh": "主导产业", "en": "Industry"},
    "app.filter.all": {"zh": "全部", "en": "All"},
    "app.filter.clear": {"zh": "清除筛选", "en": "Clear filters"},
    "app.filter.active": {"zh": "已筛选：{n} 个合作社", "en": "Filtered: {n} cooperatives"},
    "app.filter.empty": {"zh": "筛选结果为空", "en": "Nothing matches the filters"},
    "app.filter.empty_detail": {
        "zh": "全县没有合作社符合筛选条件（{filters}）。请更改或清除筛选。",
        "en": "No cooperative of the county matches ({filters}). Change or clear the filters.",
    },
    # categories
    "app.level.township": {"zh": "乡镇领办", "en": "Township-led"},
    "app.level.village": {"zh": "村级领办", "en": "Village-led"},
    "app.level.group": {"zh": "村民小组领办", "en": "Group-led"},
    "app.formation.new": {"zh": "新组建", "en": "Newly formed"},
    "app.formation.upgraded": {"zh": "改造提升", "en": "Upgraded"},
    "app.yes": {"zh": "是", "en": "Yes"},
    "app.no": {"zh": "否", "en": "No"},
    # notices
    "app.notice.unknown_township": {
        "zh": "链接中的乡镇“{value}”不是龙陵县的乡镇，已为您打开全县总览。",
        "en": "The link names a township “{value}” that is not in Longling County; here is the county overview.",
    },
    "app.notice.unknown_coop": {
        "zh": "链接中的合作社代码“{value}”不在当前台账中，已为您打开全县总览。",
        "en": "The link's cooperative code “{value}” is not in the registry shown; here is the county overview.",
    },
    "app.notice.bad_param": {
        "zh": "链接参数“{value}”无法识别，已忽略。",
        "en": "The link parameter “{value}” was not understood and is ignored.",
    },
    "app.notice.bad_link": {"zh": "链接无法识别，已为您打开全县总览。", "en": "The link could not be read; here is the county overview."},
    "app.notice.plugin_failed": {
        "zh": "有一个指标插件未能加载，其指标不在地图指标中：{value}",
        "en": "A metric plug-in failed to load, so its metrics are missing from the map: {value}",
    },
    "app.notice.industry_several": {
        "zh": "链接中的主导产业“{value}”含多个产业；现按单一产业筛选，请在“主导产业”中选择其一。",
        "en": "The link's industry “{value}” lists several industries; the filter now takes one industry: pick it under Industry.",
    },
    "app.notice.filtered_out": {
        "zh": "该合作社不符合当前筛选条件，仍显示其档案。",
        "en": "This cooperative is outside the current filters; its profile is still shown.",
    },
    # tiles: short names of the programme figures (the reconciliation table uses the report's own)
    "app.fig.coops_total": {"zh": "党组织领办合作社", "en": "Party-led cooperatives"},
    "app.fig.village_coverage_pct": {"zh": "行政村覆盖率", "en": "Village coverage"},
    "app.fig.formed_new": {"zh": "新组建", "en": "Newly formed"},
    "app.fig.formed_upgraded": {"zh": "改造提升", "en": "Upgraded"},
    "app.fig.standardized": {"zh": "规范运行", "en": "Standardized"},
    "app.fig.secretaries_as_chair": {"zh": "书记兼任理事长", "en": "Secretaries as chair"},
    "app.fig.cross_appointed": {"zh": "“两委”交叉任职", "en": "Cross-appointed"},
    "app.fig.land_transferred": {"zh": "流转土地", "en": "Land transferred"},
    "app.fig.coop_revenue_2023": {"zh": "合作社经营收入", "en": "Cooperative revenue"},
    "app.fig.member_income_2023": {"zh": "带动群众增收", "en": "Income to farmers"},
    "app.fig.collective_income_2023": {"zh": "村集体经济增收", "en": "Collective income"},
    "app.fig.sales_driven_2023": {"zh": "带动农产品销售", "en": "Produce sales"},
    # tiles
    "app.tile.published": {"zh": "报告 {value}", "en": "published {value}"},
    "app.tile.differs": {"zh": "与报告数不同", "en": "differs from the published figure"},
    "app.tile.within": {"zh": "在报告范围内", "en": "within the published figure"},
    "app.tile.filtered": {
        "zh": "已筛选（{filters}）：数值只含符合条件的 {n} 个合作社，不与报告数比较。",
        "en": "Filtered ({filters}): figures cover the {n} matching cooperatives only and are not compared with the published ones.",
    },
    "app.tile.villages_covered": {"zh": "覆盖村（社区）", "en": "Villages covered"},
    "app.tile.of": {"zh": "共 {total} 个", "en": "of {total}"},
    "app.tile.county_share": {"zh": "占全县 {pct}", "en": "{pct} of the county"},
    # overview
    "app.map.metric": {"zh": "地图指标", "en": "Map shows"},
    "app.map.hint": {"zh": "点击地图、排名或列表中的乡镇查看详情", "en": "Click a township on the map, the ranking or the list for its details"},
    "app.map.pick": {"zh": "选择乡镇", "en": "Pick a township"},
    "app.map.filtered": {
        "zh": "筛选后（{filters}）：地图只计符合条件的合作社。",
        "en": "Filtered ({filters}): the map counts the matching cooperatives only.",
    },
    "app.map.filtered_grey": {
        "zh": "灰色的 {n} 个乡镇没有符合条件的合作社（无数据）。",
        "en": "The {n} grey townships have no matching cooperative (no data).",
    },
    "app.map.filtered_empty": {
        "zh": "筛选结果为空：全县没有合作社符合筛选条件（{filters}），地图无数据。",
        "en": "Nothing matches the filters ({filters}) anywhere in the county: the map has no data.",
    },
    "app.reconcile.title": {"zh": "报告数与计算数核对", "en": "Published and computed figures"},
    "app.reconcile.unfiltered": {"zh": "（按全部合作社计算，不受筛选影响）", "en": " (all cooperatives, whatever the filters)"},
    "app.reconcile.figure": {"zh": "指标", "en": "Figure"},
    "app.reconcile.reported": {"zh": "报告数", "en": "Published"},
    "app.reconcile.computed": {"zh": "计算数", "en": "Computed"},
    "app.reconcile.difference": {"zh": "差异", "en": "Difference"},
    "app.reconcile.status": {"zh": "核对", "en": "Check"},
    "app.reconcile.explanation": {"zh": "说明", "en": "Explanation"},
    "app.reconcile.source": {"zh": "报告来源：{source}", "en": "Published in: {source}"},
    "app.status.match": {"zh": "一致", "en": "match"},
    "app.status.differs": {"zh": "不同", "en": "differs"},
    "app.status.within_bound": {"zh": "符合", "en": "consistent"},
    "app.status.not_computable": {"zh": "台账无此项", "en": "not in registry"},
    # township view
    "app.township.villages": {"zh": "村（社区）覆盖情况", "en": "Villages"},
    "app.township.union": {"zh": "乡镇联合社", "en": "Township union"},
    "app.township.no_union": {"zh": "台账中本乡镇没有乡镇领办的联合社。", "en": "The registry has no township-led union here."},
    "app.township.union_members": {"zh": "成员合作社 {n} 个", "en": "{n} member cooperatives"},
    "app.township.coops": {"zh": "合作社名录", "en": "Cooperatives"},
    "app.township.county_rank": {"zh": "全县第 {rank} 位", "en": "ranked {rank} of 10"},
    "app.township.rank_filtered": {"zh": "筛选后全县第 {rank} 位（{n} 个乡镇有数据）",
                                   "en": "filtered: ranked {rank} of the {n} townships with data"},
    "app.township.no_data_filtered": {"zh": "筛选后无数据", "en": "no data under the filters"},
    "app.township.filtered": {
        "zh": "已筛选（{filters}）：本页的数值、村覆盖情况和名录只含本乡镇符合条件的 {shown} 个合作社（共 {total} 个）。",
        "en": "Filtered ({filters}): the figures, villages and list cover the {shown} matching cooperatives of this township ({total} in all).",
    },
    "app.township.filtered_empty": {
        "zh": "筛选后无数据：本乡镇的 {total} 个合作社都不符合筛选条件（{filters}）。",
        "en": "No data under the filters: none of this township's {total} cooperatives matches ({filters}).",
    },
    "app.township.no_union_filtered": {
        "zh": "筛选后本乡镇没有乡镇领办的联合社（共有 {n} 个联合社未显示）。",
        "en": "No township-led union here matches the filters ({n} not shown).",
    },
    "app.township.coops_filtered": {"zh": "（筛选后 {shown}/{total} 个）", "en": " (filtered: {shown} of {total})"},
    "app.tile.county_share_filtered": {"zh": "占筛选结果 {pct}", "en": "{pct} of the matching cooperatives"},
    # table
    "app.table.search": {"zh": "搜索名称、村、产业、代码", "en": "Search name, village, industry, code"},
    "app.table.sort": {"zh": "排序", "en": "Sort by"},
    "app.table.name": {"zh": "合作社", "en": "Cooperative"},
    "app.table.place": {"zh": "村（社区）", "en": "Village"},
    "app.table.level": {"zh": "领办", "en": "Led by"},
    "app.table.industry": {"zh": "产业", "en": "Industry"},
    "app.table.members": {"zh": "成员", "en": "Members"},
    "app.table.revenue": {"zh": "经营收入", "en": "Revenue"},
    "app.table.count": {"zh": "共 {n} 个合作社", "en": "{n} cooperatives"},
    "app.table.page": {"zh": "第 {page} / {pages} 页", "en": "page {page} of {pages}"},
    "app.table.prev": {"zh": "上一页", "en": "Previous"},
    "app.table.next": {"zh": "下一页", "en": "Next"},
    "app.table.empty": {"zh": "没有符合条件的合作社。", "en": "No cooperative matches."},
    "app.table.asc": {"zh": "升序", "en": "ascending"},
    "app.table.desc": {"zh": "降序", "en": "descending"},
    # cooperative profile
    "app.coop.badge.standardized": {"zh": "规范运行", "en": "Standardized"},
    "app.coop.badge.not_standardized": {"zh": "未达规范运行", "en": "Not yet standardized"},
    "app.coop.badge.secretary": {"zh": "书记兼任理事长", "en": "Secretary as chair"},
    "app.coop.partner": {"zh": "合作企业", "en": "Partner enterprise"},
    "app.coop.no_partner": {"zh": "台账未填合作企业", "en": "No partner enterprise recorded"},
    "app.coop.fields": {"zh": "台账信息", "en": "Registry record"},
    "app.coop.income": {"zh": "群众五金收益", "en": "Five income streams"},
    "app.coop.compare": {"zh": "与乡镇、全县中位数比较", "en": "Against township and county medians"},
    "app.coop.union_of": {"zh": "所属联合社", "en": "Member of union"},
    "app.coop.members_of_union": {"zh": "本联合社的成员合作社", "en": "Member cooperatives of this union"},
    "app.coop.source_row": {"zh": "台账第 {row} 行", "en": "registry row {row}"},
    "app.coop.empty": {"zh": "—", "en": "—"},
}


i18n.add_strings(APP_STRINGS, "coopmap.app")
