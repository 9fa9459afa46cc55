"""Interface text shared by every surface: maps, charts, village status, income streams and
registry measures (schema ids), zh and en."""

from __future__ import annotations

#: Keep keys sorted within each group.
STRINGS: dict[str, dict[str, str]] = {
    # maps and charts
    "map.schematic": {"zh": "示意边界", "en": "Schematic boundaries"},
    "map.schematic_note": {
        "zh": "示意边界：由乡镇位置推算，非法定界线",
        "en": "Schematic boundaries: drawn from township locations, not the legal boundaries",
    },
    "map.township": {"zh": "乡镇", "en": "Township"},
    "map.value": {"zh": "数值", "en": "Value"},
    "chart.county": {"zh": "全县", "en": "County"},
    "chart.county_median": {"zh": "全县中位数", "en": "County median"},
    "chart.cooperative": {"zh": "本社", "en": "This cooperative"},
    "chart.coops": {"zh": "合作社数", "en": "Cooperatives"},
    "chart.income_stream": {"zh": "收益来源", "en": "Income stream"},
    "chart.income_streams_title": {"zh": "群众五金收益", "en": "Five income streams"},
    "chart.amount": {"zh": "金额", "en": "Amount"},
    "chart.measure": {"zh": "指标", "en": "Measure"},
    "chart.not_reported": {"zh": "未填报", "en": "not reported"},
    "chart.township_median": {"zh": "乡镇中位数", "en": "Township median"},
    "chart.ranking_title": {"zh": "乡镇排名", "en": "Townships ranked"},
    "chart.village": {"zh": "村（社区）", "en": "Village"},
    "chart.village_grid_title": {"zh": "村级覆盖", "en": "Village coverage"},
    "chart.comparison_title": {"zh": "与乡镇、全县中位数比较", "en": "Against township and county medians"},
    # village coverage status
    "status.coop": {"zh": "有村级或组级领办合作社", "en": "Village- or group-led cooperative"},
    "status.reached": {"zh": "由外村或联合社的合作社服务", "en": "Served by a cooperative based elsewhere"},
    "status.none": {"zh": "未覆盖", "en": "Not covered"},
    "status.title": {"zh": "覆盖情况", "en": "Coverage"},
    "status.count": {"zh": "{label}（{n}）", "en": "{label} ({n})"},
    # income streams (schema ids)
    "income_rent": {"zh": "租金", "en": "Land rent"},
    "income_wages": {"zh": "薪金", "en": "Wages"},
    "income_dividends": {"zh": "分红", "en": "Dividends"},
    "income_commission": {"zh": "佣金", "en": "Commission"},
    "income_inputs": {"zh": "农资销售", "en": "Farm-input sales"},
    # registry measures used in comparisons (schema ids)
    "members": {"zh": "成员数", "en": "Members"},
    "members_union": {"zh": "成员合作社", "en": "Member cooperatives"},
    "households": {"zh": "带动农户数", "en": "Households reached"},
    "land_mu": {"zh": "流转土地", "en": "Land transferred"},
    "revenue": {"zh": "经营收入", "en": "Revenue"},
    "farmer_income": {"zh": "带动群众增收", "en": "Farmer income"},
    "collective_income": {"zh": "村集体增收", "en": "Collective income"},
    "sales": {"zh": "带动农产品销售额", "en": "Produce sales"},
}
