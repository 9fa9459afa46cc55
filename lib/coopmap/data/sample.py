"""The illustrative sample registry: generated, seeded, calibrated to the published figures.

No per-cooperative records of Longling County are public. :func:`generate` builds a
registry of fictional cooperatives in the county's real townships and villages whose
totals reproduce the published programme figures (``data/reported/longling_2023.yaml``):
every count exactly, money within the published bounds, land and sales within 2%. It
holds the report's six named cases in their real places with their published numbers.
Everything else — which villages, names, leaders (written ``杨某华``, the way Chinese
reports anonymise people), partner enterprises (``龙陵某茶业有限公司``), dates and
amounts — is invented. :data:`TITLE` says so above the header of every shipped file.

How the counts are reached
--------------------------
* One township-led union (联合社) per township; its member cooperatives point at it
  through ``union_uscc``. A union's members are cooperatives, so its ``members`` is
  the number of member cooperatives; every union gets at least :data:`MIN_UNION_MEMBERS`
  (the law, and the registry's rule for unions, ask for 3).
* The village-led cooperatives sit in distinct villages, spread over the townships in
  proportion to their villages (largest remainder, each township first getting enough
  for its union); group-led cooperatives sit in villages that also have a village-led
  one, so the covered villages equal the village-led count.
* Formation, standardized operation, secretaries as chair and cross-appointments are
  drawn at random with exactly the published totals (unions are newly formed and
  chaired by township cadres, so they have no village secretary or cross-appointment).
* Money is drawn from industry profiles and scaled so that the free rows fill what the
  named cases leave of each target.
* Only a named case that publishes how many villages it reaches (坡头's ham cooperative:
  7) lists the villages it serves (``serves_villages``): its own and others of its
  township, drawn at random. No other row, and no union, records a reach, so every
  other village without a cooperative of its own shows as not covered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from coopmap import paths
from coopmap.data import uscc
from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.industries import split_industries
from coopmap.data.reported import Case, Figure, Reported, load_reported
from coopmap.data.schema import CANONICAL_DTYPES, IDS, SERVES_SEPARATOR
from coopmap.errors import CoopmapError

TITLE = "龙陵县党组织领办合作社台账（2023年）——示例数据，程序生成，非真实记录 / Illustrative data, generated, not real records"
DEFAULT_SEED = 2023
MIN_UNION_MEMBERS = 5
LAW_DATE = dt.date(2007, 7, 1)  # the Farmers' Professional Cooperatives Law took effect

# Industry texts avoid full-width punctuation (the loader applies NFKC), so that the
# sample reads back exactly as generated.
PUBLIC_MARKET = "农贸市场管理服务"
PUBLIC_WEDDINGS = "红白理事公益服务"
PUBLIC = (PUBLIC_MARKET, PUBLIC_WEDDINGS)

#: Industry → the words a registered name uses for it.
NAME_WORDS: dict[str, str] = {
    "茶叶": "茶叶种植", "咖啡": "咖啡种植", "石斛": "石斛种植", "龙陵黄山羊": "黄山羊养殖",
    "核桃": "核桃种植", "柑橘": "柑橘种植", "褚橙": "褚橙种植", "甘蔗": "甘蔗种植", "火腿": "火腿",
    "蔬菜": "蔬菜种植", "中药材": "中药材种植", "乡村旅游": "乡村旅游",
    PUBLIC_MARKET: "农贸市场管理服务", PUBLIC_WEDDINGS: "红白理事公益服务",
}
#: Industry → a short word for union names.
SHORT_WORDS: dict[str, str] = {"龙陵黄山羊": "黄山羊", PUBLIC_MARKET: "农贸市场", PUBLIC_WEDDINGS: "红白理事"}

#: Township (official name) → industries that fit it, with weights.
TOWNSHIP_INDUSTRIES: dict[str, dict[str, float]] = {
    "龙山镇": {"蔬菜": 3, "石斛": 2, "龙陵黄山羊": 2, "乡村旅游": 1, "茶叶": 1, "中药材": 1},
    "镇安镇": {"石斛": 3, "茶叶": 2, "核桃": 1, "蔬菜": 1, "龙陵黄山羊": 1},
    "勐糯镇": {"甘蔗": 2, "柑橘": 2, "咖啡": 1, "蔬菜": 1},
    "腊勐镇": {"咖啡": 2, "茶叶": 1, "核桃": 1, "乡村旅游": 1, "龙陵黄山羊": 1},
    "象达镇": {"茶叶": 3, "核桃": 2, "石斛": 1, "中药材": 1},
    "龙江乡": {"茶叶": 3, "石斛": 2, "中药材": 1, "核桃": 1, "乡村旅游": 1},
    "碧寨乡": {"龙陵黄山羊": 2, "茶叶": 2, "核桃": 2, "中药材": 1, "火腿": 1},
    "龙新乡": {"茶叶": 2, "核桃": 2, "中药材": 2, "龙陵黄山羊": 1},
    "平达乡": {"茶叶": 3, "核桃": 2, "龙陵黄山羊": 1, "中药材": 1},
    "木城彝族傈僳族乡": {"咖啡": 2, "甘蔗": 2, "核桃": 1, "柑橘": 1},
}

#: Industry → relative size of (land 亩, revenue, sales, farmer income, collective income).
#: Only the proportions matter: rows are scaled to the published totals.
PROFILES: dict[str, tuple[float, float, float, float, float]] = {
    "茶叶": (150, 14, 150, 5.0, 3.2), "咖啡": (120, 12, 130, 4.5, 3.0), "石斛": (60, 18, 170, 5.5, 3.5),
    "龙陵黄山羊": (40, 12, 90, 4.0, 3.0), "核桃": (200, 8, 80, 3.5, 2.5), "柑橘": (150, 15, 160, 5.0, 3.5),
    "褚橙": (300, 30, 1500, 8.0, 5.0), "甘蔗": (250, 10, 150, 4.5, 3.0), "火腿": (10, 20, 150, 5.0, 3.5),
    "蔬菜": (100, 14, 140, 5.0, 3.0), "中药材": (90, 10, 90, 3.5, 2.5), "乡村旅游": (20, 15, 40, 4.0, 4.0),
    PUBLIC_MARKET: (0, 30, np.nan, 1.0, 10.0), PUBLIC_WEDDINGS: (0, 2, np.nan, 0.0, 0.5),
    "union": (0, 25, 250, 2.0, 2.0),
}
_MONEY_ORDER = ("land_mu", "revenue", "sales", "farmer_income", "collective_income")

#: Industry → fictional partner enterprises, anonymised the way reports do (某).
PARTNERS: dict[str, tuple[str, ...]] = {
    "茶叶": ("龙陵某茶业有限公司", "保山某茶叶有限公司"), "咖啡": ("保山某咖啡有限公司",),
    "石斛": ("龙陵某石斛开发有限公司",), "龙陵黄山羊": ("龙陵某畜牧有限公司",), "核桃": ("龙陵某林产品有限公司",),
    "柑橘": ("龙陵某果业有限公司",), "甘蔗": ("龙陵某糖业有限公司",), "火腿": ("龙陵某食品有限公司",),
    "蔬菜": ("龙陵某农业开发有限公司",), "中药材": ("龙陵某药业有限公司",), "乡村旅游": ("龙陵某文化旅游有限公司",),
}
CHU_ORANGE_PARTNER = "褚橙公司"

SURNAMES = tuple("杨李张赵王段刘尹董陈寸孙杜字蔺周黄郭施罗")
GIVEN = tuple("华明国林红忠平学兴文荣强芬美云勇军德福春秀金永光")
GROUP_NAMES = ("大寨", "新寨", "上寨", "下寨", "中寨", "老寨", "河边", "田心", "坝头", "小寨")

# Ranges for the seeded targets. At-least figures are met with a margin; farmer income
# needs more, because the 田坡 case alone holds about 2,450 万元 of it.
_AT_LEAST_MARGIN = {"member_income_2023": (1.10, 1.20)}
_DEFAULT_MARGIN = (1.04, 1.12)
_ABOUT_SPREAD = 0.015  # rounded figures: within 1.5% (and within the published tolerance)


@dataclass
class _Row:
    level: str
    township: str
    village: Optional[str] = None
    group: Optional[str] = None
    industry: str = ""
    case: Optional[Case] = None
    members_of: list[int] = field(default_factory=list)  # for unions: row indices
    union: Optional[int] = None


def _figure_target(fig: Figure, rng: np.random.Generator) -> float:
    value = fig.compare_value
    if fig.qualifier == "at_least":
        lo, hi = _AT_LEAST_MARGIN.get(fig.id, _DEFAULT_MARGIN)
        return round(value * rng.uniform(lo, hi), 1)
    if fig.qualifier == "about":
        spread = min(_ABOUT_SPREAD * value, fig.compare_tolerance or 0.0)
        return round(value + rng.uniform(-spread, spread), 1)
    return round(value, 1)


def _allocate(total: int, caps: list[int], base: list[int], rng: np.random.Generator) -> list[int]:
    """Share ``total`` over townships: ``base`` first, the rest by largest remainder of room left."""
    room = [c - b for c, b in zip(caps, base)]
    rest = total - sum(base)
    if rest < 0 or rest > sum(room):
        raise CoopmapError(f"cannot place {total} village-led cooperatives in {sum(caps)} villages with {sum(base)} needed first")
    quota = [rest * r / sum(room) if sum(room) else 0.0 for r in room]
    alloc = [b + int(q) for b, q in zip(base, quota)]
    ties = rng.permutation(len(caps))
    order = sorted(range(len(caps)), key=lambda i: (-(quota[i] - int(quota[i])), ties[i]))
    for i in order[: total - sum(alloc)]:
        alloc[i] += 1
    return alloc


def _date_between(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _leader(rng: np.random.Generator) -> str:
    return f"{SURNAMES[rng.integers(len(SURNAMES))]}某{GIVEN[rng.integers(len(GIVEN))]}"


def _calibrate(weights: np.ndarray, fixed: dict[int, float], target: float) -> np.ndarray:
    """Scale the free rows so that fixed + free = target (0.1 precision); NaN weights stay NaN."""
    out = weights.astype(float).copy()
    free = [i for i in range(len(out)) if i not in fixed and not np.isnan(out[i])]
    for i, v in fixed.items():
        out[i] = v
    fixed_sum = sum(fixed.values())
    room = target - fixed_sum
    wsum = sum(out[i] for i in free)
    if room <= 0 or wsum <= 0:
        raise CoopmapError(f"the named cases already give {fixed_sum:.1f} of a total of {target:.1f}; nothing is left to spread")
    for i in free:
        out[i] = round(out[i] / wsum * room, 1)
    biggest = max(free, key=lambda i: out[i])
    out[biggest] = round(out[biggest] + round(target - np.nansum(out), 1), 1)
    return out


def _served_villages(rows: list[_Row], div: Divisions, seed: int) -> list[Optional[str]]:
    """The villages each row serves: only for a named case whose published figure gives their number.

    Its own village and others of its township drawn at random, as village codes in
    division order joined by :data:`coopmap.data.schema.SERVES_SEPARATOR`. The draw has its
    own random stream, so the rest of the sample does not depend on it.
    """
    rng = np.random.default_rng([seed, 7])
    out: list[Optional[str]] = [None] * len(rows)
    for i, r in enumerate(rows):
        figure = next((f for f in (r.case.figures if r.case else ()) if f.columns == ("serves_villages",)), None)
        if figure is None or r.village is None:
            continue
        codes = list(div.villages_of(r.township)["code"])
        others = [c for c in codes if c != r.village]
        n = int(figure.compare_value)
        if not 1 <= n <= len(codes):
            raise CoopmapError(f"case {r.case.id}: serves {n} villages, its township has {len(codes)}")
        chosen = {r.village, *(str(c) for c in rng.choice(others, n - 1, replace=False))}
        out[i] = SERVES_SEPARATOR.join(c for c in codes if c in chosen)
    return out


def generate(seed: int = DEFAULT_SEED, *, reported: Optional[Reported] = None, divisions: Optional[Divisions] = None) -> pd.DataFrame:
    """Generate the illustrative registry.

    Parameters
    ----------
    seed : int
        Random seed; the same seed always gives the same frame.
    reported : Reported, optional
        Published figures to reproduce (default: the shipped YAML).
    divisions : Divisions, optional
        Official divisions (default: the shipped list).

    Returns
    -------
    pandas.DataFrame
        A canonical registry (the columns and dtypes of
        :data:`coopmap.data.schema.CANONICAL_DTYPES`), one row per cooperative, townships in
        official order with each union first, ``source_row`` as in a file written with
        a title row.

    Raises
    ------
    CoopmapError
        When the published figures cannot be met with the county's divisions.
    """
    rng = np.random.default_rng(seed)
    rep = reported or load_reported()
    div = divisions or load_divisions()
    n = {k: int(rep[k].compare_value) for k in (
        "coops_total", "coops_township_led", "coops_village_led", "coops_group_led", "formed_new",
        "standardized", "secretaries_as_chair", "cross_appointed")}
    towns = list(div.townships["code"])
    town_name = dict(zip(div.townships["code"], div.townships["name"]))
    if n["coops_township_led"] != len(towns):
        raise CoopmapError(f"the figures give {n['coops_township_led']} township-led cooperatives but the county has {len(towns)} townships (one union each)")
    if n["coops_township_led"] + n["coops_village_led"] + n["coops_group_led"] != n["coops_total"]:
        raise CoopmapError("the figures' township-, village- and group-led counts do not add up to the total")
    years = {f.year for f in rep if f.year is not None}
    year = max(years) if years else dt.date.today().year

    # -- where the named cases are ------------------------------------------------------
    cases = list(rep.cases.values())
    case_town = {c.id: div.resolve_township(c.township) for c in cases}
    case_village = {c.id: div.resolve_village(c.village, case_town[c.id]) for c in cases if c.village}
    forced: dict[str, set[str]] = {t: set() for t in towns}  # villages that must have a village-led coop
    public_in_town: dict[str, int] = {t: 0 for t in towns}
    for c in cases:
        if c.level in ("village", "group"):
            forced[case_town[c.id]].add(case_village[c.id])
        if c.level == "village" and c.industry_zh in PUBLIC:
            public_in_town[case_town[c.id]] += 1

    # -- how many village-led cooperatives per township, and in which villages ------------
    caps = [len(div.villages_of(t)) for t in towns]
    base = [min(cap, max(len(forced[t]), MIN_UNION_MEMBERS + public_in_town[t])) for t, cap in zip(towns, caps)]
    alloc = _allocate(n["coops_village_led"], caps, base, rng)
    chosen: dict[str, list[str]] = {}
    for t, k in zip(towns, alloc):
        pool = sorted(set(div.villages_of(t)["code"]) - forced[t])
        extra = list(rng.choice(pool, size=k - len(forced[t]), replace=False)) if k > len(forced[t]) else []
        chosen[t] = sorted(forced[t] | {str(v) for v in extra})

    village_case = {(case_village[c.id], c.level): c for c in cases if c.level in ("village", "group")}
    union_case = {case_town[c.id]: c for c in cases if c.level == "township"}
    group_rows: list[tuple[str, str, Optional[Case]]] = []  # (village, group name, case)
    for c in cases:
        if c.level == "group":
            group_rows.append((case_village[c.id], c.group or "", c))
    taken = {v for v, _, _ in group_rows}
    covered = [v for t in towns for v in chosen[t] if v not in taken]
    for _ in range(n["coops_group_led"] - len(group_rows)):
        v = str(covered.pop(int(rng.integers(len(covered)))))
        group_rows.append((v, GROUP_NAMES[rng.integers(len(GROUP_NAMES))] + "村民小组", None))
    if len(group_rows) != n["coops_group_led"]:
        raise CoopmapError(f"the named cases have {len(group_rows)} group-led cooperatives, more than the published {n['coops_group_led']}")

    # -- rows, in file order -------------------------------------------------------------
    rows: list[_Row] = []
    for t in towns:
        weights = TOWNSHIP_INDUSTRIES.get(town_name[t]) or {"茶叶": 1.0, "核桃": 1.0}
        inds, w = list(weights), np.array(list(weights.values()), dtype=float)
        pick = lambda inds=inds, w=w: inds[rng.choice(len(inds), p=w / w.sum())]  # noqa: E731
        union_i = len(rows)
        rows.append(_Row("township", t, case=union_case.get(t)))
        for v in chosen[t]:
            c = village_case.get((v, "village"))
            rows.append(_Row("village", t, v, industry=c.industry_zh if c else pick(), case=c))
            for gv, gname, gc in group_rows:
                if gv == v:
                    rows.append(_Row("group", t, v, gname, industry=gc.industry_zh if gc else pick(), case=gc))
        members = [i for i in range(union_i + 1, len(rows)) if rows[i].industry not in PUBLIC]
        if len(members) < MIN_UNION_MEMBERS:
            raise CoopmapError(f"{town_name[t]} has only {len(members)} cooperatives to join its union")
        uc = rows[union_i].case
        must = [i for i in members if uc and uc.industry_keyword in rows[i].industry]
        rest = [i for i in members if i not in must]
        size = int(rng.integers(max(MIN_UNION_MEMBERS, len(must)), len(members) + 1))
        picked = must + list(rng.choice(rest, size=size - len(must), replace=False))
        rows[union_i].members_of = sorted(int(i) for i in picked)
        for i in rows[union_i].members_of:
            rows[i].union = union_i
        if uc:
            rows[union_i].industry = uc.industry_zh
        else:
            counts = pd.Series([rows[i].industry for i in rows[union_i].members_of]).value_counts(sort=False)
            top = counts.sort_values(ascending=False, kind="stable").index[:2]
            rows[union_i].industry = "、".join(top)

    total = len(rows)
    if total != n["coops_total"]:
        raise CoopmapError(f"generated {total} cooperatives, the figures say {n['coops_total']}")
    level = np.array([r.level for r in rows])
    is_case = np.array([r.case is not None for r in rows])
    local = np.flatnonzero(level != "township")

    # -- counts with exact totals ------------------------------------------------------------
    formation = np.array(["upgraded"] * total, dtype=object)
    unions = np.flatnonzero(level == "township")
    new_unions = unions if n["formed_new"] >= len(unions) else rng.choice(unions, n["formed_new"], replace=False)
    formation[new_unions] = "new"
    formation[rng.choice(local, n["formed_new"] - len(new_unions), replace=False)] = "new"

    standardized = np.zeros(total, dtype=bool)
    standardized[is_case] = True
    standardized[rng.choice(np.flatnonzero(~is_case), n["standardized"] - int(is_case.sum()), replace=False)] = True

    secretary = np.zeros(total, dtype=bool)
    case_local = np.flatnonzero(is_case & (level != "township"))
    secretary[case_local] = True
    others = np.setdiff1d(local, case_local)
    secretary[rng.choice(others, n["secretaries_as_chair"] - len(case_local), replace=False)] = True

    cross = np.zeros(total, dtype=int)
    cross[local] = rng.integers(1, 8, size=len(local))
    while cross.sum() != n["cross_appointed"]:
        i = int(rng.choice(local))
        if cross.sum() < n["cross_appointed"] and cross[i] < 9:
            cross[i] += 1
        elif cross.sum() > n["cross_appointed"] and cross[i] > 0:
            cross[i] -= 1

    # -- people and dates -----------------------------------------------------------------------
    members = np.zeros(total, dtype=int)
    households = np.zeros(total, dtype=int)
    for i in local:
        members[i] = int(np.clip(round(rng.lognormal(np.log(40), 0.6)), 6, 400))
        households[i] = int(round(members[i] * rng.uniform(1.2, 3.5)))
        c = rows[i].case
        if c:
            for fig in c.figures:
                if fig.columns == ("households",):
                    households[i] = int(fig.compare_value)
                    members[i] = min(members[i], households[i])
    for u in unions:
        members[u] = len(rows[u].members_of)
        households[u] = int(households[rows[u].members_of].sum())

    founded = []
    for i in range(total):
        if level[i] == "township":
            founded.append(_date_between(rng, dt.date(year - 1, 6, 1), dt.date(year, 6, 30)))
        elif formation[i] == "new":
            founded.append(_date_between(rng, dt.date(year - 2, 9, 1), dt.date(year, 9, 30)))
        else:
            founded.append(_date_between(rng, max(dt.date(2008, 1, 1), LAW_DATE), dt.date(year - 2, 12, 31)))

    # -- money -----------------------------------------------------------------------------------
    size = rng.lognormal(0.0, 0.45, total)
    weight = {col: np.zeros(total) for col in _MONEY_ORDER}
    for i, r in enumerate(rows):
        profile = PROFILES["union" if r.level == "township" else r.industry]
        for col, base_w in zip(_MONEY_ORDER, profile):
            weight[col][i] = base_w * size[i] * rng.lognormal(0.0, 0.25)

    streams = {c: np.full(total, np.nan) for c in ("income_rent", "income_wages", "income_dividends", "income_commission", "income_inputs")}
    fixed: dict[str, dict[int, float]] = {col: {} for col in _MONEY_ORDER}
    partner: list[Optional[str]] = [None] * total
    for i, r in enumerate(rows):
        c = r.case
        if c is None:
            continue
        if c.with_enterprise:
            partner[i] = CHU_ORANGE_PARTNER if "褚橙" in c.industry_zh else PARTNERS.get(r.industry, ("龙陵某农业开发有限公司",))[0]
        figs = {f.id: f for f in c.figures}
        for f in c.figures:  # lower bounds on farmer and collective income, met with a small margin
            if f.columns in (("farmer_income",), ("collective_income",)):
                fixed[f.columns[0]][i] = round(f.compare_value * (rng.uniform(1.01, 1.06) if f.qualifier == "at_least" else 1.0), 1)
        if "rent_and_dividends" in figs:  # 田坡: the five streams
            total_rd = figs["rent_and_dividends"].compare_value
            rent = round(total_rd * rng.uniform(0.55, 0.70), 1)
            streams["income_rent"][i] = rent
            streams["income_dividends"][i] = round(total_rd - rent, 1)
            if "orchard_households" in figs and "orchard_income_avg" in figs:
                streams["income_wages"][i] = round(figs["orchard_households"].value * figs["orchard_income_avg"].compare_value, 1)
            streams["income_inputs"][i] = round(rng.uniform(5, 12), 1)
            streams["income_commission"][i] = round(rng.uniform(10, 25), 1)
            fixed["land_mu"][i] = round(rent / rng.uniform(0.10, 0.14), 1)  # rent of 1,000-1,400 yuan a mu
            fixed["farmer_income"][i] = round(sum(streams[s][i] for s in ("income_rent", "income_wages", "income_dividends", "income_inputs")), 1)
            fixed["collective_income"][i] = round(streams["income_commission"][i] + rng.uniform(5, 15), 1)
        for f in c.figures:
            if f.columns == ("income_wages",):  # 安乐: wages paid to people employed nearby
                wages = round(f.compare_value * (rng.uniform(1.02, 1.10) if f.qualifier == "at_least" else 1.0), 1)
                streams["income_wages"][i] = wages
                fixed["farmer_income"][i] = round(wages + rng.uniform(10, 30), 1)

    targets = {
        "land_mu": _figure_target(rep["land_transferred"], rng),
        "sales": _figure_target(rep["sales_driven_2023"], rng),
        "revenue": _figure_target(rep["coop_revenue_2023"], rng),
        "farmer_income": _figure_target(rep["member_income_2023"], rng),
        "collective_income": _figure_target(rep["collective_income_2023"], rng),
    }
    money = {col: _calibrate(weight[col], fixed[col], targets[col]) for col in _MONEY_ORDER}

    # Partners and income streams for some of the other cooperatives.
    for i, r in enumerate(rows):
        if r.case is not None or r.industry in PUBLIC:
            continue
        main = split_industries(r.industry)[0]
        if rng.random() < (0.5 if r.level == "township" else 0.3) and main in PARTNERS:
            options = PARTNERS[main]
            partner[i] = options[rng.integers(len(options))]
        if r.level != "township" and rng.random() < 0.4:
            share = rng.uniform(0.5, 0.9) * money["farmer_income"][i]
            alpha = np.array([2.0 if money["land_mu"][i] > 0 else 1e-9, 2.0, 1.5, 0.7])
            parts = rng.dirichlet(alpha) * share
            for col, part in zip(("income_rent", "income_wages", "income_dividends", "income_inputs"), parts):
                value = np.floor(part * 10) / 10
                if value > 0:
                    streams[col][i] = value
            streams["income_commission"][i] = np.floor(money["collective_income"][i] * rng.uniform(0.2, 0.6) * 10) / 10

    serves = _served_villages(rows, div, seed)

    serials = 10_000_000 + rng.choice(390_000_000, size=total, replace=False)
    codes = [uscc.make(paths.COUNTY_CODE, int(s)) for s in serials]

    # -- names ------------------------------------------------------------------------------------
    vshort = dict(zip(div.villages["code"], div.villages["short"]))
    names = []
    for r in rows:
        tn = town_name[r.township]
        if r.level == "township":
            words = "".join(SHORT_WORDS.get(x, x) for x in split_industries(r.industry))
            names.append(f"龙陵县{tn}{words}专业合作社联合社")
        elif r.level == "group":
            names.append(f"龙陵县{tn}{vshort[r.village]}{(r.group or '').removesuffix('村民小组')}{NAME_WORDS[r.industry]}专业合作社")
        else:
            names.append(f"龙陵县{tn}{vshort[r.village]}{NAME_WORDS[r.industry]}专业合作社")

    frame = pd.DataFrame({
        "uscc": codes,
        "name": names,
        "lead_level": level,
        "township": [r.township for r in rows],
        "village": [r.village for r in rows],
        "group": [r.group for r in rows],
        "formation": formation,
        "standardized": standardized,
        "founded": pd.to_datetime(founded),
        "industry": [r.industry for r in rows],
        "chair_is_secretary": secretary,
        "cross_appointed": cross,
        "members": members,
        "households": households,
        "land_mu": money["land_mu"],
        "revenue": money["revenue"],
        "farmer_income": money["farmer_income"],
        "collective_income": money["collective_income"],
        "sales": money["sales"],
        "partner": partner,
        "union_uscc": [codes[r.union] if r.union is not None else None for r in rows],
        "serves_villages": serves,
        **streams,
        "leader": [_leader(rng) for _ in rows],
        "year": year,
        "source_row": np.arange(total) + 3,  # row 1 title, row 2 header
    })
    return frame[[c for c in IDS if c in frame.columns] + ["source_row"]].astype(CANONICAL_DTYPES)


def write_sample(out_dir: str | Path | None = None, seed: int = DEFAULT_SEED) -> tuple[Path, Path]:
    """Generate the sample and write it as ``.xlsx`` and ``.csv`` under :data:`TITLE`.

    Parameters
    ----------
    out_dir : str or Path, optional
        Folder for the two files (default ``data/registry/``); the file names are those
        of :data:`coopmap.paths.SAMPLE_XLSX` and :data:`coopmap.paths.SAMPLE_CSV`.
    seed : int
        Random seed passed to :func:`generate`.

    Returns
    -------
    tuple of Path
        The written ``.xlsx`` and ``.csv``.
    """
    from coopmap.data.registry import write_registry

    out = Path(out_dir) if out_dir is not None else paths.SAMPLE_XLSX.parent
    frame = generate(seed)
    xlsx = write_registry(frame, out / paths.SAMPLE_XLSX.name, title=TITLE)
    csv = write_registry(frame, out / paths.SAMPLE_CSV.name, title=TITLE)
    return xlsx, csv
