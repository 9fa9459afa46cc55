"""Interface text of the printed report (report., level.), zh and en."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "report.title": {"zh": "龙陵县党组织领办合作社情况报告", "en": "Party-led cooperatives of Longling County: report"},
    "report.title_township": {"zh": "龙陵县{township}党组织领办合作社情况报告",
                              "en": "Party-led cooperatives of {township}, Longling County: report"},
    "report.sample_note": {
        "zh": "本报告使用示例数据：合作社为程序生成，其合计数按公开报道校准，单个合作社信息并非真实记录。",
        "en": "This report uses illustrative sample data: the cooperatives are generated, their totals calibrated "
              "to the published figures; no single record is real.",
    },
    "report.figures": {"zh": "主要数据", "en": "Programme figures"},
    "report.figures_note": {"zh": "大字为台账计算数，下方为公开报道数。",
                            "en": "Large: computed from the registry; below: as published."},
    "report.coverage": {"zh": "覆盖情况", "en": "Coverage"},
    "report.coverage_line": {"zh": "全县{total}个村（社区）中，{covered}个有村级或村民小组领办的合作社，覆盖率{pct}。",
                             "en": "{covered} of the county's {total} villages have a village- or group-led cooperative: {pct}."},
    "report.coverage_rest": {"zh": "其余{rest}个中，{reached}个由外村或联合社的合作社服务（台账所记），{none}个未覆盖。",
                             "en": "Of the other {rest}, {reached} are served by a cooperative based elsewhere (as the registry "
                                   "records) and {none} are not covered."},
    "report.coverage_none": {"zh": "其余{none}个未覆盖。", "en": "The other {none} are not covered."},
    "report.ranking": {"zh": "乡镇排名", "en": "Townships"},
    "report.cases": {"zh": "典型案例", "en": "Named cases"},
    "report.cases_note": {"zh": "公开报道的案例及其数字；右列为台账中对应合作社的数值。",
                          "en": "Cases as published, with the matching registry cooperative's values."},
    "report.reconciliation": {"zh": "报告数与台账计算数核对", "en": "Published and computed figures"},
    "report.reconciliation_summary": {
        "zh": "共{n}项：一致{match}项，在报告范围内{within}项，有差异{differs}项，台账无法计算{na}项。",
        "en": "{n} figures: {match} match, {within} within the published figure, {differs} differ, {na} not computable.",
    },
    "report.figure": {"zh": "指标", "en": "Figure"},
    "report.status": {"zh": "核对", "en": "Check"},
    "report.explanation": {"zh": "说明", "en": "Explanation"},
    "report.township": {"zh": "乡镇", "en": "Township"},
    "report.villages": {"zh": "村（社区）", "en": "Villages"},
    "report.village": {"zh": "村（社区）", "en": "Village"},
    "report.level": {"zh": "领办层级", "en": "Led by"},
    "report.industry": {"zh": "主导产业", "en": "Industry"},
    "report.coop_name": {"zh": "合作社名称", "en": "Cooperative"},
    "report.coop_list": {"zh": "合作社名录", "en": "Cooperatives"},
    "report.villages_of": {"zh": "各村（社区）覆盖情况", "en": "Villages and coverage"},
    "report.rank_line": {"zh": "合作社数全县第{coops}位，村覆盖率第{coverage_pct}位，经营收入第{revenue}位，带动群众增收第{farmer_income}位（共{n}个乡镇）。",
                         "en": "Ranks {coops} by cooperatives, {coverage_pct} by village coverage, {revenue} by revenue and "
                               "{farmer_income} by income brought to farmers, of {n} townships."},
    "report.union_line": {"zh": "乡镇联合社：{name}，成员社{n}个。", "en": "Township union: {name}, {n} member cooperatives."},
    "report.privacy": {"zh": "个人信息已隐去（理事长姓名仅保留姓氏）。", "en": "Personal data masked (chairs' surnames only)."},
    "level.township": {"zh": "乡镇", "en": "Township"},
    "level.village": {"zh": "村", "en": "Village"},
    "level.group": {"zh": "村民小组", "en": "Villager group"},
}
