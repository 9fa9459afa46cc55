"""Interface text of messages about a registry file (load.), zh and en."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # cells (coopmap.data.registry.cells)
    "load.bool_not_number": {"zh": "应为数字，填的是“{value}”", "en": "expected a number, got {value!r}"},
    "load.unknown_unit_money": {
        "zh": "“{value}”中的单位“{unit}”无法识别；请以万元或元填写",
        "en": "unknown unit {unit!r} in {value!r}; write the number in 万元 or 元",
    },
    "load.unknown_unit": {
        "zh": "“{value}”中的单位“{unit}”无法识别；请按本列的单位填写数字",
        "en": "unknown unit {unit!r} in {value!r}; write the number in the column's unit",
    },
    "load.letter_for_digit": {
        "zh": "“{value}”中的 {letters} 是字母，不是数字 {digits}；请改为数字",
        "en": "{value!r} holds the letter {letters}, not the digit {digits}; type the digit",
    },
    "load.not_a_number": {"zh": "不是数字：“{value}”", "en": "not a number: {value!r}"},
    "load.not_finite": {"zh": "不是有效的数字：“{value}”", "en": "not a finite number: {value!r}"},
    "load.not_whole": {"zh": "应为整数，填的是“{value}”", "en": "expected a whole number, got {value!r}"},
    "load.too_large": {"zh": "数字过大，不可能是本列的值：“{value}”", "en": "number too large to be this column's value: {value!r}"},
    "load.not_a_year": {"zh": "年度应为数字（写作 2023）：“{value}”", "en": "not a number for a year (write it as 2023): {value!r}"},
    "load.not_yes_no": {
        "zh": "应填“是”或“否”（也可用 √/×、Y/N、1/0），填的是“{value}”",
        "en": "expected yes or no (是/否, √/×, Y/N, 1/0), got {value!r}",
    },
    "load.no_such_date": {"zh": "没有这一天：“{value}”", "en": "no such date: {value!r}"},
    "load.not_a_date": {
        "zh": "不是日期（请写作 2023-03-15、2023/3/15 或 2023年3月15日）：“{value}”",
        "en": "not a date (use 2023-03-15, 2023/3/15 or 2023年3月15日): {value!r}",
    },
    "load.not_a_date_serial": {"zh": "不是日期：“{value}”", "en": "not a date: {value!r}"},
    "load.future_date": {"zh": "日期在今天之后：{date}", "en": "date lies in the future: {date}"},
    # cells (coopmap.data.registry, coopmap.data.divisions, coopmap.data.uscc)
    "load.uscc_number": {
        "zh": "代码以数字格式保存，Excel 已丢掉或舍入了其中的字符；请把这一列设为文本格式，重新输入 18 位代码",
        "en": "the code is stored as a number, so Excel has dropped or rounded characters; "
              "format the column as text and type the 18-character code again",
    },
    "load.lead_level": {"zh": "领办层级应为 乡镇、村 或 村民小组，填的是“{value}”", "en": "lead level must be 乡镇, 村 or 村民小组, got {value!r}"},
    "load.formation": {"zh": "组建方式应为 新组建 或 改造提升，填的是“{value}”", "en": "formation must be 新组建 or 改造提升, got {value!r}"},
    "load.not_township": {"zh": "“{value}”不是龙陵县的乡镇", "en": "{value!r} is not a township of Longling County (龙陵县)"},
    "load.not_village": {"zh": "“{value}”不是{town}的村（社区）", "en": "{value!r} is not a village of {town}"},
    "load.not_village_elsewhere": {
        "zh": "“{value}”不是{town}的村（社区），而是{owners}的",
        "en": "{value!r} is not a village of {town}; it is in {owners}",
    },
    "load.uscc_length": {
        "zh": "统一社会信用代码应为 18 位，这里是 {n} 位",
        "en": "a unified social credit code has 18 characters, this one has {n}",
    },
    "load.uscc_chars": {
        "zh": "统一社会信用代码中不能有这些字符：{chars}（代码不用字母 I、O、S、V、Z）",
        "en": "characters not allowed in a unified social credit code: {chars}",
    },
    "load.uscc_check": {
        "zh": "校验位是 {got}，按前 17 位应为 {expected}（代码是否输错？）",
        "en": "check character is {got}, but the first 17 characters give {expected} (mistyped code?)",
    },
    "load.required": {"zh": "{header}未填；此项必填", "en": "{header} is empty; it is required"},
    "load.duplicate_uscc": {"zh": "重复：第 {row} 行已有同一代码", "en": "duplicate: the same code is already on row {row}"},
    # rules of the schema (coopmap.data.schema), named after the column they concern
    "load.check.at_least": {"zh": "{header}不能小于 {n}", "en": "{header} must be at least {n}"},
    "load.check.at_most": {"zh": "{header}不能大于 {n}", "en": "{header} must be at most {n}"},
    "load.check.one_of": {"zh": "{header}应为以下之一：{values}", "en": "{header} must be one of {values}"},
    "load.check.form": {"zh": "{header}的格式不对", "en": "{header} has the wrong form"},
    "load.check.required": {"zh": "{header}必填", "en": "{header} is required"},
    "load.check.unique": {"zh": "{header}不能重复", "en": "{header} must be unique"},
    # the schema's table-wide rules (coopmap.data.schema.RegistrySchema), named after the rule;
    # the English says what the rule's docstring says
    "load.check.village_unless_township_led": {
        "zh": "除乡镇领办的联合社外，合作社须填写村（社区）",
        "en": "A village is required unless the cooperative is township-led",
    },
    "load.check.group_when_group_led": {
        "zh": "村民小组领办的合作社须填写村民小组",
        "en": "A villager group is required when the cooperative is group-led",
    },
    "load.check.members_at_least_the_legal_minimum": {
        "zh": "{header}低于法定最低数：合作社至少 5 名成员，乡镇领办的联合社至少 3 个成员社",
        "en": "{header} must be at least 5 for a farmers' cooperative and at least 3 member cooperatives "
              "for a township-led union (联合社), the legal minimums",
    },
    "load.check.village_in_township": {
        "zh": "村（社区）代码须以其乡镇的代码开头",
        "en": "A village code must start with its township's code",
    },
    "load.check.serves_villages_in_township": {
        "zh": "{header}只能填本乡镇的村（社区）",
        "en": "{header} must list village codes of the cooperative's own township",
    },
    # warnings
    "load.founded_before_law": {
        "zh": "成立日期早于《农民专业合作社法》施行之日（2007-07-01）",
        "en": "founded before the Farmers' Cooperatives Law took effect (2007-07-01)",
    },
    "load.uscc_not_93": {
        "zh": "代码不以 93（农民专业合作社的类别代码）开头",
        "en": "does not start with 93, the code of a farmers' cooperative",
    },
    "load.union_unknown": {"zh": "本文件中没有这个代码的乡镇领办联合社", "en": "names no township-led union in this file"},
    "load.beyond_header": {
        "zh": "{letters} 列在最后一个表头的右侧，其中的值未读取",
        "en": "values in column(s) {letters}, right of the last header, were ignored",
    },
    "load.unknown_column": {"zh": "{letter} 列不是台账的列，未读取", "en": "column {letter} is not a registry column and was ignored"},
    "load.header_spans": {
        "zh": "表头占第 {first}-{last} 行（合并的分组表头），已合起来读取",
        "en": "the header spans rows {first}-{last} (merged group headers); read as one",
    },
    "load.sheet_chosen": {
        "zh": "读取了工作表“{name}”；它前面的工作表 {passed} 中没有台账表头",
        "en": "read sheet {name!r}; sheet(s) {passed} before it hold no registry header",
    },
    "load.utf16_no_bom": {
        "zh": "文件是不带字节顺序标记的 {encoding} 文本，已按此读取",
        "en": "the file is {encoding} text without a byte-order mark; read as such",
    },
    "load.nul_bytes": {
        "zh": "已删除 {n} 个 NUL 字节（会让其他程序出错的不可见字符），在第 {lines} 行",
        "en": "removed {n} NUL byte(s) (invisible characters that break other programs) on line(s) {lines}",
    },
    "load.gbk_line": {
        "zh": "此行是 GBK/GB18030 编码，而文件其余部分是 UTF-8；已按 GBK 读取——请把整个文件另存为“CSV UTF-8”",
        "en": "this line is in GBK/GB18030 while the rest of the file is UTF-8; it was read as GBK — save the whole file as 'CSV UTF-8'",
    },
    "load.big5": {"zh": "文件是 Big5（繁体中文）编码，已按此读取", "en": "the file is in Big5 (traditional Chinese) encoding; read as such"},
    "load.tabs": {"zh": "各值以制表符分隔，已按此读取", "en": "values are separated by tabs; read as such"},
    "load.semicolons": {"zh": "各值以分号（;）分隔，已按此读取", "en": "values are separated by semicolons (;); read as such"},
    "load.html_table": {
        "zh": "文件是网页（HTML 表格），只是用了电子表格的文件名（有些网上系统这样导出）；已读取其中第一个表格",
        "en": "the file is a web page (HTML table) with a spreadsheet name, as some online systems export; read its first table",
    },
    "load.csv_named": {
        "zh": "文件名是 {suffix}，内容却是文本（CSV）表格；已按 CSV 读取",
        "en": "the file is a text (CSV) table despite its {suffix} name; read as CSV",
    },
    "load.formulas_uncached": {
        "zh": "{n} 个公式单元格没有保存计算结果（文件由不计算公式的程序写出），按空值读取；请用 Excel 或 WPS 打开后重新保存",
        "en": "{n} formula cell(s) have no stored value (the file was written by a program that does not "
              "calculate) and read as empty; open the file in Excel or WPS and save it again",
    },
    # rows that are not cooperatives (skipped, each with its reason)
    "load.skip.blank": {"zh": "空行", "en": "blank row"},
    "load.skip.serial_only": {"zh": "空行（仅有序号）", "en": "blank row with only its serial number (序号)"},
    "load.skip.total": {"zh": "合计行（合计/小计/总计）", "en": "total row (合计/小计/总计)"},
    "load.skip.signature": {"zh": "签字行", "en": "signature line (填表人/审核人/填报日期), not a cooperative"},
    "load.skip.note": {"zh": "说明行：只有一个值，不是合作社", "en": "note row: only one value, not a cooperative"},
    # what a character in a raw value is (tooltips on the marked characters)
    "load.char.letter_digit": {"zh": "字母 {char}，不是数字 {digit}", "en": "the letter {char}, not the digit {digit}"},
    "load.char.fullwidth_letter_digit": {
        "zh": "全角字母 {char}，不是数字 {digit}", "en": "the full-width letter {char}, not the digit {digit}",
    },
    "load.char.lookalike_digit": {"zh": "“{char}”不是数字 {digit}", "en": "“{char}” is not the digit {digit}"},
    "load.char.letter": {"zh": "字母 {char}", "en": "the letter {char}"},
    "load.char.fullwidth": {"zh": "全角字符 {char}", "en": "the full-width character {char}"},
    "load.char.decimal_point": {"zh": "“{char}”不是小数点 .", "en": "“{char}” is not the decimal point ."},
    "load.char.space": {"zh": "空格（读取时忽略）", "en": "a space (ignored when read)"},
    "load.char.fullwidth_space": {"zh": "全角空格（读取时忽略）", "en": "a full-width space (ignored when read)"},
    "load.char.invisible": {"zh": "不可见字符 {code}", "en": "an invisible character, {code}"},
    "load.char.other": {"zh": "字符“{char}”", "en": "the character “{char}”"},
}
