"""The cooperative registry's columns and its pandera schema, declared once.

Each :class:`Column` ties a canonical id to the header officials use (and the other
spellings met in county spreadsheets), its kind, unit and rule. The pandera model
:class:`RegistrySchema` checks the parsed, canonical table; :mod:`coopmap.data.registry`
turns its failures into row errors a person can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.api.extensions import register_check_method
from pandera.typing import Series

from coopmap.data.uscc import CHARSET
from coopmap.i18n import t, unit_id

LEAD_LEVELS = ("township", "village", "group")
FORMATIONS = ("new", "upgraded")
COOP_MIN_MEMBERS = 5
"""Legal minimum membership of a farmers' cooperative (Law on Farmers' Specialized Cooperatives, 2017 revision)."""
UNION_MIN_MEMBERS = 3
"""Legal minimum number of member cooperatives of a union of cooperatives (联合社; same law)."""
INCOME_STREAMS = ("income_rent", "income_wages", "income_dividends", "income_commission", "income_inputs")
SERVES_SEPARATOR = ";"
"""Separates the village codes of ``serves_villages`` in the canonical frame."""


def members_unit(lead_level: str) -> str:
    """Return what a cooperative's ``members`` counts, as a unit id of :data:`coopmap.i18n.UNITS`.

    Parameters
    ----------
    lead_level : str
        The cooperative's ``lead_level``.

    Returns
    -------
    str
        ``"member_coops"`` (个 / member cooperatives) for a township-led union (联合社),
        whose members are cooperatives; ``"people"`` (人 / people) for every other
        cooperative. Every page, chart, report and slide that shows one cooperative's
        ``members`` takes its unit from here.
    """
    return "member_coops" if lead_level == "township" else "people"


def members_label(lead_level: str, lang: str = "zh") -> str:
    """Return the label of a cooperative's ``members``: 成员数, or 成员合作社 for a union.

    Parameters
    ----------
    lead_level : str
        The cooperative's ``lead_level``.
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``成员数`` / ``Members`` (people), or ``成员合作社`` / ``Member cooperatives``
        for a township-led union (see :func:`members_unit`).
    """
    return t("members_union" if members_unit(lead_level) == "member_coops" else "members", lang)


@dataclass(frozen=True)
class Column:
    """One registry column.

    Attributes
    ----------
    id : str
        Canonical id used in code and JSON.
    header : str
        The header officials use (written by exports).
    en : str
        English label.
    kind : str
        ``text``, ``uscc``, ``lead_level``, ``township``, ``village``, ``villages`` (a
        list of villages of the row's township), ``formation``, ``bool``, ``date``,
        ``int``, ``money`` (万元), ``number`` or ``year``.
    required : bool
        Whether an empty cell rejects the row (conditional rules live in the loader).
    minimum : float or None
        Smallest allowed value for numbers.
    unit : str
        Unit shown beside values (万元, 亩, 人, 户); empty for ``members``, whose unit
        depends on the row (:func:`members_unit`).
    aliases : tuple of str
        Other header spellings accepted on load.
    """

    id: str
    header: str
    en: str
    kind: str
    required: bool = False
    minimum: Optional[float] = None
    unit: str = ""
    unit_en: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)


COLUMNS: tuple[Column, ...] = (
    Column("uscc", "统一社会信用代码", "Unified social credit code", "uscc", True, aliases=("信用代码", "社会信用代码", "USCC")),
    Column("name", "合作社名称", "Cooperative", "text", True, aliases=("名称", "合作社")),
    Column("lead_level", "领办层级", "Led by", "lead_level", True, aliases=("领办主体", "层级")),
    Column("township", "乡镇", "Township", "township", True, aliases=("乡(镇)", "乡镇名称", "所属乡镇")),
    Column("village", "村（社区）", "Village", "village", False, aliases=("村", "村(居)", "行政村", "所属村", "村社区", "村居")),
    Column("group", "村民小组", "Villager group", "text", False, aliases=("小组", "自然村")),
    Column("formation", "组建方式", "Formation", "formation", True, aliases=("组建类型",)),
    Column("standardized", "规范运行", "Standardized", "bool", True, aliases=("是否规范运行",)),
    Column("founded", "成立时间", "Founded", "date", True, aliases=("成立日期", "注册时间", "注册日期")),
    Column("industry", "主导产业", "Main industry", "text", True, aliases=("产业",)),
    Column("chair_is_secretary", "书记兼任理事长", "Secretary as chair", "bool", True, aliases=("书记任理事长", "支部书记兼任理事长")),
    Column("cross_appointed", "交叉任职人数", "Cross-appointed", "int", True, 0, "人", "people"),
    Column("members", "成员数", "Members", "int", True, 5, aliases=("社员数", "成员人数")),  # 人 or 个: members_unit
    Column("households", "带动农户数", "Households reached", "int", True, 0, "户", "households", ("带动户数",)),
    Column("land_mu", "流转土地（亩）", "Land transferred", "number", True, 0, "亩", "mu", ("流转土地", "流转面积(亩)")),
    Column("revenue", "经营收入（万元）", "Revenue", "money", True, 0, "万元", "CNY 10k", ("经营收入",)),
    Column("farmer_income", "带动群众增收（万元）", "Farmer income", "money", True, 0, "万元", "CNY 10k", ("带动群众增收", "带动农户增收(万元)")),
    Column("collective_income", "村集体增收（万元）", "Collective income", "money", True, 0, "万元", "CNY 10k", ("村集体增收", "村集体经济增收(万元)")),
    Column("sales", "带动农产品销售额（万元）", "Produce sales", "money", False, 0, "万元", "CNY 10k", ("带动农产品销售额", "农产品销售额(万元)")),
    Column("partner", "合作企业", "Partner enterprise", "text", False, aliases=("合作龙头企业", "龙头企业")),
    Column("union_uscc", "所属联合社", "Union", "text", False, aliases=("所属联合社代码",)),
    Column("serves_villages", "服务村（社区）", "Villages served", "villages", False,
           aliases=("覆盖村", "服务村", "辐射带动村", "带动村")),
    Column("income_rent", "租金（万元）", "Land rent", "money", False, 0, "万元", "CNY 10k", ("租金",)),
    Column("income_wages", "薪金（万元）", "Wages", "money", False, 0, "万元", "CNY 10k", ("薪金",)),
    Column("income_dividends", "分红（万元）", "Dividends", "money", False, 0, "万元", "CNY 10k", ("分红", "年金", "年金(万元)")),
    Column("income_commission", "佣金（万元）", "Commission", "money", False, 0, "万元", "CNY 10k", ("佣金",)),
    Column("income_inputs", "农资销售（万元）", "Farm-input sales", "money", False, 0, "万元", "CNY 10k", ("农资销售", "现金", "现金(万元)")),
    Column("leader", "理事长", "Chair", "text", False, aliases=("负责人", "理事长姓名")),
    Column("year", "年度", "Year", "year", True, aliases=("统计年度",)),
)

BY_ID: dict[str, Column] = {c.id: c for c in COLUMNS}
IDS: tuple[str, ...] = tuple(c.id for c in COLUMNS)
HEADERS_ZH: dict[str, str] = {c.id: c.header for c in COLUMNS}
MONEY_IDS: tuple[str, ...] = tuple(c.id for c in COLUMNS if c.kind == "money")


def column_unit(column: str) -> str:
    """Return the unit a registry column's values are shown in, as a unit id of :data:`coopmap.i18n.UNITS`.

    Parameters
    ----------
    column : str
        A column id (``revenue``, ``land_mu``...).

    Returns
    -------
    str
        The id of the column's :attr:`Column.unit` (万元 → ``money``, 亩 → ``mu``, 人 →
        ``people``, 户 → ``households``); ``count`` for a column without a unit or not in
        the schema. ``members`` has no unit of its own: see :func:`members_unit`.

    Examples
    --------
    >>> column_unit("revenue"), column_unit("land_mu"), column_unit("name")
    ('money', 'mu', 'count')
    """
    col = BY_ID.get(column)
    return unit_id(col.unit) if col is not None and col.unit else "count"


@register_check_method(statistics=["alphabet", "length"], supported_types=pd.Series)
def code_form(data: pd.Series, *, alphabet: str, length: int) -> pd.Series:
    """Whether each value is exactly ``length`` characters, all from ``alphabet`` (ASCII).

    The same as ``str_matches`` with ``re.fullmatch(f"[{alphabet}]{{{length}}}")``,
    checked for the whole column at once with numpy (a registry of 100,000 rows holds
    300,000 codes; one regular expression match per code took ~0.15 s).
    Missing values give ``False`` (pandera ignores them in nullable columns).
    """
    values = data.to_numpy(dtype=object, na_value=None)
    ok = np.zeros(len(values), dtype=bool)
    present = np.flatnonzero(pd.notna(values))
    if pd.api.types.infer_dtype(values[present], skipna=False) == "string":  # all text: checked in C
        texts = present
    else:
        texts = np.flatnonzero(np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values)))
    lengths = np.fromiter(map(len, values[texts]), dtype=np.int64, count=len(texts))
    texts = texts[lengths == length]
    if len(texts) and length:
        points = values[texts].astype(f"<U{length}").view(np.uint32).reshape(len(texts), length)
        allowed = np.zeros(128, dtype=bool)
        allowed[[ord(c) for c in alphabet]] = True
        ok[texts] = ((points < 128) & allowed[np.minimum(points, 127)]).all(axis=1)
    return pd.Series(ok, index=data.index)


_USCC_FORM = {"alphabet": CHARSET, "length": 18}


class RegistrySchema(pa.DataFrameModel):
    """The canonical, parsed registry: one row per cooperative.

    Parsing (:mod:`coopmap.data.registry.cells`) has already turned every cell into its value;
    this model holds the value rules. ``township`` and ``village`` are division codes.
    """

    uscc: Series[str] = pa.Field(code_form=_USCC_FORM, unique=True)
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    lead_level: Series[str] = pa.Field(isin=list(LEAD_LEVELS))
    township: Series[str] = pa.Field(code_form={"alphabet": "0123456789", "length": 9})
    village: Series[pd.StringDtype] = pa.Field(nullable=True, code_form={"alphabet": "0123456789", "length": 12})
    group: Series[pd.StringDtype] = pa.Field(nullable=True)
    formation: Series[str] = pa.Field(isin=list(FORMATIONS))
    standardized: Series[bool]
    founded: Series[pd.Timestamp]
    industry: Series[str] = pa.Field(str_length={"min_value": 1})
    chair_is_secretary: Series[bool]
    cross_appointed: Series[int] = pa.Field(ge=0)
    members: Series[int] = pa.Field(ge=1)  # the legal minimums: see members_at_least_the_legal_minimum
    households: Series[int] = pa.Field(ge=0)
    land_mu: Series[float] = pa.Field(ge=0)
    revenue: Series[float] = pa.Field(ge=0)
    farmer_income: Series[float] = pa.Field(ge=0)
    collective_income: Series[float] = pa.Field(ge=0)
    sales: Series[float] = pa.Field(ge=0, nullable=True)
    partner: Series[pd.StringDtype] = pa.Field(nullable=True)
    union_uscc: Series[pd.StringDtype] = pa.Field(nullable=True, code_form=_USCC_FORM)
    serves_villages: Optional[Series[pd.StringDtype]] = pa.Field(nullable=True)  # village codes, ";"-separated
    income_rent: Series[float] = pa.Field(ge=0, nullable=True)
    income_wages: Series[float] = pa.Field(ge=0, nullable=True)
    income_dividends: Series[float] = pa.Field(ge=0, nullable=True)
    income_commission: Series[float] = pa.Field(ge=0, nullable=True)
    income_inputs: Series[float] = pa.Field(ge=0, nullable=True)
    leader: Series[pd.StringDtype] = pa.Field(nullable=True)
    year: Series[int] = pa.Field(ge=1949, le=2100)
    source_row: Series[int] = pa.Field(ge=1)

    class Config:
        strict = True
        ordered = False

    @pa.dataframe_check(ignore_na=False)  # rows are never all empty; skips a whole-table isna
    def village_unless_township_led(cls, df: pd.DataFrame) -> Series[bool]:
        """A village is required unless the cooperative is township-led."""
        return (df["lead_level"] == "township") | df["village"].notna()

    @pa.dataframe_check(ignore_na=False)  # rows are never all empty; skips a whole-table isna
    def group_when_group_led(cls, df: pd.DataFrame) -> Series[bool]:
        """A villager group is required when the cooperative is group-led."""
        return (df["lead_level"] != "group") | df["group"].notna()

    @pa.dataframe_check(ignore_na=False)  # rows are never all empty; skips a whole-table isna
    def members_at_least_the_legal_minimum(cls, df: pd.DataFrame) -> Series[bool]:
        """must be at least 5 for a farmers' cooperative and at least 3 member cooperatives for a township-led union (联合社), the legal minimums."""
        minimum = np.where(df["lead_level"] == "township", UNION_MIN_MEMBERS, COOP_MIN_MEMBERS)
        return (df["members"] < 1) | (df["members"] >= minimum)  # below 1: the column's own rule says so

    @pa.dataframe_check(ignore_na=False)  # rows are never all empty; skips a whole-table isna
    def village_in_township(cls, df: pd.DataFrame) -> Series[bool]:
        """A village code must start with its township's code."""
        return df["village"].isna() | (df["village"].str[:9] == df["township"])

    @pa.dataframe_check(ignore_na=False)  # rows are never all empty; skips a whole-table isna
    def serves_villages_in_township(cls, df: pd.DataFrame) -> Series[bool]:
        """must list village codes of the cooperative's own township."""
        if "serves_villages" not in df.columns:
            return pd.Series(True, index=df.index)
        listed = df["serves_villages"].str.split(SERVES_SEPARATOR).explode().dropna()
        town = df["township"].reindex(listed.index)
        ok = listed.str.fullmatch(r"\d{12}").fillna(False).astype(bool) & (listed.str[:9] == town).fillna(False).astype(bool)
        return ok.groupby(level=0).all().reindex(df.index, fill_value=True)


def empty_registry() -> pd.DataFrame:
    """Return an empty canonical registry with the right dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in CANONICAL_DTYPES.items()})


CANONICAL_DTYPES: dict[str, str] = {
    "uscc": "str", "name": "str", "lead_level": "str", "township": "str",
    "village": "string", "group": "string", "formation": "str", "standardized": "bool",
    "founded": "datetime64[ns]", "industry": "str", "chair_is_secretary": "bool",
    "cross_appointed": "int64", "members": "int64", "households": "int64",
    "land_mu": "float64", "revenue": "float64", "farmer_income": "float64",
    "collective_income": "float64", "sales": "float64", "partner": "string",
    "union_uscc": "string", "serves_villages": "string", "income_rent": "float64", "income_wages": "float64",
    "income_dividends": "float64", "income_commission": "float64",
    "income_inputs": "float64", "leader": "string", "year": "int64", "source_row": "int64",
}
