"""Interface text of the reconciliation's explanations (reconcile.), zh and en.

:func:`coopmap.figures.reconcile.reconcile` fills the ``{name}`` placeholders; its
numbers are written by :func:`coopmap.i18n.format_number`.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "reconcile.not_computable.coops_screened": {
        "zh": "这是全县所有合作社的筛查数，不限于党组织领办合作社，台账中没有。",
        "en": "Counts every cooperative screened in the county, not only party-led ones; a registry of party-led cooperatives cannot give it.",
    },
    "reconcile.not_computable.working_groups": {
        "zh": "工作组属于工作部署情况，不是合作社台账的内容。",
        "en": "Working groups are programme administration, not a registry column.",
    },
    "reconcile.not_computable.study_trips": {
        "zh": "考察学习属于工作部署情况，不是合作社台账的内容。",
        "en": "Study trips are programme administration, not a registry column.",
    },
    "reconcile.not_computable.funds_integrated_2023": {
        "zh": "整合涉农资金是县级投入，不是合作社台账的列。",
        "en": "Integrated agricultural funds are county spending, not a registry column.",
    },
    "reconcile.no_values": {"zh": "台账中没有这一列的数值。", "en": "The registry holds no values for this figure."},
    "reconcile.coverage": {
        "zh": "报告的{reported}%按{den}个行政村计算（{num}/{den}）；2023年区划名录有{total}个村级单位，"
              "台账中有村级或村民小组领办合作社的村{covered}个，{covered}/{total} = {rate}%。",
        "en": "The report's {reported}% is {num}/{den}: it assumes {den} villages, while the 2023 division list "
              "has {total} village-level units; {covered} of them have a village- or group-led cooperative in the "
              "registry, so {covered}/{total} = {rate}%.",
    },
    "reconcile.coverage_denominator": {"zh": "差异只来自分母。", "en": "The difference comes from the denominator only."},
    "reconcile.standardized": {
        "zh": "报告中新组建{new} + 改造提升{upgraded} = {formed}，已是全部{total}个合作社，所以“规范运行”"
              "{value}个理解为其中部分合作社的运行状态，按台账中标为规范运行的合作社计数。",
        "en": "In the report {new} newly formed + {upgraded} upgraded = {formed}, already all {total} cooperatives, "
              "so the {value} 'standardized' are read as a status of some of them and counted "
              "from the registry's 规范运行 column.",
    },
    "reconcile.formation": {
        "zh": "报告：{new} + {upgraded} = {total}；台账：新组建{c_new} + 改造提升{c_upgraded} = {c_formed}（共{c_total}个）。",
        "en": "Report: {new} + {upgraded} = {total}; registry: {c_new} new + {c_upgraded} upgraded = {c_formed} (of {c_total}).",
    },
    "reconcile.unions": {
        "zh": "乡镇领办的是联合社；台账中有{members}个合作社登记了所属联合社。",
        "en": "Township-led cooperatives are unions (联合社); {members} cooperatives in the registry name their union.",
    },
    "reconcile.at_least_met": {
        "zh": "报告为下限（{shown}）；台账合计{computed}达到该下限。",
        "en": "Published as a lower bound ({shown}); the registry total {computed} is at or above it.",
    },
    "reconcile.at_least_below": {
        "zh": "报告为下限（{shown}）；台账合计{computed}低于该下限。",
        "en": "Published as a lower bound ({shown}); the registry total {computed} is below it.",
    },
    "reconcile.about": {
        "zh": "报告为约数（{shown}，按±{tolerance}理解）；台账合计{computed}。",
        "en": "Published as a rounded figure ({shown}, read as ±{tolerance}); the registry total is {computed}.",
    },
    "reconcile.differs": {
        "zh": "台账计算为{computed}，报告为{reported}{relative}。",
        "en": "The registry gives {computed}, the report {reported}: a difference of {difference}{relative}.",
    },
    "reconcile.differs_relative": {"zh": "，相差{pct}%", "en": " ({pct}%)"},
    "reconcile.years": {
        "zh": "注意：报告数为{year}年，台账年度为{years}。",
        "en": "Note: the figure is for {year}; the registry holds year(s) {years}.",
    },
}
