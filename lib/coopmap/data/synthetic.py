"""Synthetic registries of any size, for benchmarks: province- and nation-sized.

Longling's real division table (10 townships, 121 villages) is far too small to hold a
million cooperatives, so :func:`division_tables` makes a synthetic one of the same shape
(9-digit township codes under 6-digit county codes, 12-digit village codes under their
township, Chinese names with 镇/乡 and 村民委员会/社区居民委员会 suffixes).
:func:`write_divisions` writes it as the two CSV files that
:meth:`coopmap.data.divisions.Divisions.from_files` reads, so the benchmarks load it exactly as
the shipped list is loaded.

:func:`generate` draws a canonical registry (the columns of
:class:`coopmap.data.schema.RegistrySchema`) over those divisions, with valid unified social
credit codes (check characters computed with numpy, identical to :func:`coopmap.data.uscc.make`).
:func:`write_registry_file` writes it as a county office keeps it (title row, Chinese
headers and values, as :func:`coopmap.data.registry.to_display_table` gives them), optionally
with a known number of broken rows and a total row, so that a benchmark can check that
the loader found every one.

Nothing here is real: the names are drawn from a pool of common place-name characters
and the codes use province ``99``, which does not exist.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from coopmap.data import uscc
from coopmap.data.divisions import Divisions
from coopmap.data.schema import HEADERS_ZH
from coopmap.errors import CoopmapError

PROVINCE = "99"
"""Province code of every synthetic division (no real province has it)."""

COOPS_PER_TOWNSHIP = 25
"""About 1M party-led cooperatives over China's ~40,000 townships."""

MAX_TOWNSHIPS = 40_000
"""Nation-sized: China has about 38,600 township-level divisions."""

TOWNSHIPS_PER_COUNTY = 12

_PLACE_CHARS = (
    "龙山江河平安新兴华阳坪寨沟坝塘营田石桥林水湾岭岗湖溪泉源丰和顺福明清云南东西北中"
    "大小上下高长永太白金玉青松竹梅花马牛羊凤"
)
_INDUSTRIES = ("茶叶", "咖啡", "石斛", "火腿", "生猪", "肉牛", "蔬菜", "水果", "中药材", "核桃", "蚕桑", "烤烟", "食用菌", "养蜂", "乡村旅游")
_SURNAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "国华明建文军平志勇春兰英秀芳玉桂荣德成伟"
_PARTNERS = ("滇西农业开发有限公司", "高黎贡茶业有限公司", "云岭食品有限公司", "边城农产品有限公司")

TITLE = "合成基准数据（示例数据，非真实台账）"
"""Title row of every synthetic file; it contains 示例 so loaders flag it as illustrative."""


@dataclass(frozen=True)
class InjectedProblems:
    """What :func:`write_registry_file` broke on purpose, for a benchmark to check.

    Attributes
    ----------
    rejected : int
        Rows that must be rejected (bad check character, too few members, unknown
        village, founding date in the future).
    skipped : int
        Rows that must be skipped (one blank row, one total row).
    """

    rejected: int
    skipped: int


def _place_name(index: int, length: int) -> str:
    """Return a name of ``length`` pool characters; distinct indexes give distinct names."""
    base = len(_PLACE_CHARS)
    if index >= base**length:
        raise CoopmapError(f"synthetic name index {index} needs more than {length} characters")
    chars = []
    for _ in range(length):
        index, r = divmod(index, base)
        chars.append(_PLACE_CHARS[r])
    return "".join(reversed(chars))


def townships_for(n_coops: int) -> int:
    """Return how many townships a registry of ``n_coops`` cooperatives spans.

    At least 10 (a county like Longling), one per :data:`COOPS_PER_TOWNSHIP`
    cooperatives, at most :data:`MAX_TOWNSHIPS` (the whole country).
    """
    return int(min(MAX_TOWNSHIPS, max(10, math.ceil(n_coops / COOPS_PER_TOWNSHIP))))


def division_tables(n_townships: int, seed: int = 0, villages: tuple[int, int] = (8, 16)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a synthetic division table and alias table.

    Parameters
    ----------
    n_townships : int
        Number of townships; they are grouped into counties of
        :data:`TOWNSHIPS_PER_COUNTY`, counties into prefectures of up to 99.
    seed : int
        Random seed for the number of villages per township.
    villages : (int, int)
        Smallest and largest number of villages in a township.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The division table (``code, name, level, parent_code``; counties, townships and
        villages in code order) and the alias table (``alias, code, kind, note``: one
        former name per 100 townships), in the layout of ``data/divisions/``.
    """
    if n_townships < 1:
        raise CoopmapError(f"a synthetic division table needs at least one township, got {n_townships}")
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str, str, str]] = []
    aliases: list[tuple[str, str, str, str]] = []
    n_counties = math.ceil(n_townships / TOWNSHIPS_PER_COUNTY)
    if n_counties > 99 * 99:
        raise CoopmapError(f"{n_townships} townships need more than 99×99 counties")
    counts = rng.integers(villages[0], villages[1] + 1, size=n_townships)
    town_index = 0
    for c in range(n_counties):
        county = f"{PROVINCE}{c // 99 + 1:02d}{c % 99 + 1:02d}"
        rows.append((county, f"{_place_name(c, 2)}县", "county", f"{county[:4]}00"))
        for t in range(min(TOWNSHIPS_PER_COUNTY, n_townships - town_index)):
            code = f"{county}{(101 + t) if t < 6 else (201 + t - 6):03d}"
            suffix = "镇" if t < 6 else "乡"
            name = _place_name(town_index, 3) + suffix
            rows.append((code, name, "township", county))
            if town_index % 100 == 0:
                aliases.append((name[:-1] + ("乡" if suffix == "镇" else "镇"), code, "former_name", "synthetic"))
            for v in range(int(counts[town_index])):
                # distinct within the township, varied across townships (names repeat nationally too)
                base = _place_name((town_index * 7 + v) % len(_PLACE_CHARS) ** 2, 2)
                if v < 2:
                    vname, vcode = f"{base}社区居民委员会", f"{code}{v + 1:03d}"
                else:
                    vname, vcode = f"{base}村民委员会", f"{code}{199 + v:03d}"
                rows.append((vcode, vname, "village", code))
            town_index += 1
    table = pd.DataFrame(rows, columns=["code", "name", "level", "parent_code"])
    alias_table = pd.DataFrame(aliases, columns=["alias", "code", "kind", "note"])
    return table, alias_table


def write_divisions(folder: str | Path, n_townships: int, seed: int = 0) -> tuple[Path, Path]:
    """Write :func:`division_tables` as ``divisions.csv`` and ``aliases.csv`` in ``folder``.

    Returns
    -------
    (Path, Path)
        The two files, ready for :meth:`coopmap.data.divisions.Divisions.from_files`.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table, aliases = division_tables(n_townships, seed)
    divisions_csv, aliases_csv = folder / "divisions.csv", folder / "aliases.csv"
    table.to_csv(divisions_csv, index=False)
    aliases.to_csv(aliases_csv, index=False)
    return divisions_csv, aliases_csv


def make_usccs(division6: np.ndarray, serials: np.ndarray) -> np.ndarray:
    """Return valid farmer-cooperative USCCs, vectorised; same result as :func:`coopmap.data.uscc.make`.

    Parameters
    ----------
    division6 : array of str
        Six-digit division (county) codes.
    serials : array of int
        Serials ``0 <= s < 31**8``; distinct serials give distinct codes.

    Returns
    -------
    numpy.ndarray
        Array of 18-character strings (dtype ``<U18``).
    """
    serials = np.asarray(serials, dtype=np.int64)
    n = len(serials)
    if n and (serials.min() < 0 or serials.max() >= 31**8):
        raise CoopmapError("USCC serials must lie in 0 .. 31**8 - 1")
    value = {c: i for i, c in enumerate(uscc.CHARSET)}
    values = np.zeros((n, 17), dtype=np.int64)
    values[:, 0], values[:, 1] = value["9"], value["3"]
    digits = np.asarray(division6, dtype="<U6").view(np.uint32).reshape(n, 6).astype(np.int64) - ord("0")
    values[:, 2:8] = digits
    rest = serials.copy()
    for k in range(7, -1, -1):  # organisation-code body, most significant first
        rest, values[:, 8 + k] = np.divmod(rest, 31)
    r = 11 - (values[:, 8:16] * np.array((3, 7, 9, 10, 5, 8, 4, 2))).sum(axis=1) % 11
    values[:, 16] = np.where(r == 10, value["X"], np.where(r == 11, 0, r))
    weights = np.array([pow(3, i, 31) for i in range(17)])
    check = (31 - (values * weights).sum(axis=1) % 31) % 31
    codes = np.concatenate([values, check[:, None]], axis=1)
    points = np.frombuffer(uscc.CHARSET.encode("ascii"), dtype=np.uint8).astype(np.uint32)[codes]
    return np.ascontiguousarray(points).view("<U18").reshape(n)


def generate(n: int, divisions: Divisions, seed: int = 0, year: int = 2023) -> pd.DataFrame:
    """Draw a canonical registry of ``n`` cooperatives over ``divisions``.

    Every row is valid: township-led cooperatives (5%) have no village, village-led
    (75%) and group-led (20%) ones a village of their own township; about a third of
    village-led cooperatives belong to their township's union when it has one.

    Parameters
    ----------
    n : int
        Number of cooperatives.
    divisions : Divisions
        Division tables, e.g. ``Divisions.from_files(*write_divisions(folder, k))``.
    seed : int
        Random seed; the same arguments give the same table.
    year : int
        The registry's year (founding dates lie before 1 July of it).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`coopmap.data.schema.CANONICAL_DTYPES`, ``source_row`` counting
        from 3 (title row, header row).
    """
    if n < 1:
        raise CoopmapError(f"a synthetic registry needs at least one cooperative, got {n}")
    rng = np.random.default_rng(seed)
    towns = divisions.townships["code"].to_numpy(dtype="<U9")
    vills = divisions.villages.sort_values("code", kind="stable")
    vill_codes = vills["code"].to_numpy(dtype="<U12")
    vill_short = vills["short"].to_numpy(dtype=object)
    vill_town = vills["township"].to_numpy(dtype="<U9")
    starts = np.searchsorted(vill_town, towns, side="left")
    counts = np.searchsorted(vill_town, towns, side="right") - starts
    if (counts == 0).any():
        raise CoopmapError("every township of a synthetic division table needs at least one village")

    t = rng.integers(0, len(towns), size=n)
    level = rng.choice(np.array(["township", "village", "group"], dtype=object), size=n, p=[0.05, 0.75, 0.20])
    is_town = level == "township"
    v = starts[t] + (rng.random(n) * counts[t]).astype(np.int64)
    township = towns[t]
    village = pd.array(np.where(is_town, None, vill_codes[v].astype(object)), dtype="string")
    codes = make_usccs(township.astype("<U6"), np.arange(n, dtype=np.int64) + 1000)
    industry = rng.choice(np.array(_INDUSTRIES, dtype=object), size=n)
    town_short = dict(zip(divisions.townships["code"], divisions.townships["short"]))
    place = np.where(is_town, pd.Series(township).map(town_short).to_numpy(dtype=object), vill_short[v])
    kind = np.where(is_town, "联合社", "专业合作社")
    name = pd.Series(place, dtype=object) + pd.Series(industry, dtype=object) + pd.Series(np.arange(n) % 97 + 1).astype(str) + "号" + pd.Series(kind)
    group = pd.array(np.where(level == "group", pd.Series(rng.integers(1, 13, size=n)).map(lambda k: f"第{k}村民小组").to_numpy(dtype=object), None), dtype="string")

    first_union = pd.Series(codes[is_town], index=township[is_town]).groupby(level=0).first()
    union_of_town = pd.Series(township).map(first_union).to_numpy(dtype=object)
    joins = (level == "village") & (rng.random(n) < 0.35) & pd.notna(union_of_town)
    union = pd.array(np.where(joins, union_of_town, None), dtype="string")

    start = np.datetime64("2008-01-01")
    span = (np.datetime64(f"{year}-07-01") - start).astype(int)
    founded = (start + rng.integers(0, span, size=n).astype("timedelta64[D]")).astype("datetime64[ns]")
    members = rng.integers(5, 300, size=n)
    money = lambda scale: np.round(rng.gamma(2.0, scale, size=n), 2)  # noqa: E731
    maybe = lambda values, p: np.where(rng.random(n) < p, values, np.nan)  # noqa: E731
    leader = pd.Series(rng.choice(list(_SURNAMES), size=n), dtype=object) + pd.Series(rng.choice(list(_GIVEN), size=n), dtype=object) + pd.Series(rng.choice(list(_GIVEN), size=n), dtype=object)
    frame = pd.DataFrame({
        "uscc": codes.astype(object),
        "name": name.to_numpy(dtype=object),
        "lead_level": level,
        "township": township.astype(object),
        "village": village,
        "group": group,
        "formation": rng.choice(np.array(["new", "upgraded"], dtype=object), size=n, p=[0.7, 0.3]),
        "standardized": rng.random(n) < 0.6,
        "founded": founded,
        "industry": industry,
        "chair_is_secretary": rng.random(n) < 0.8,
        "cross_appointed": rng.integers(0, 8, size=n),
        "members": members,
        "households": members * rng.integers(1, 5, size=n),
        "land_mu": np.round(rng.gamma(2.0, 150.0, size=n), 1),
        "revenue": money(40.0),
        "farmer_income": money(20.0),
        "collective_income": money(3.0),
        "sales": maybe(money(60.0), 0.7),
        "partner": pd.array(np.where(rng.random(n) < 0.2, rng.choice(np.array(_PARTNERS, dtype=object), size=n), None), dtype="string"),
        "union_uscc": union,
        "income_rent": maybe(money(2.0), 0.5),
        "income_wages": maybe(money(4.0), 0.5),
        "income_dividends": maybe(money(1.0), 0.5),
        "income_commission": maybe(money(0.5), 0.3),
        "income_inputs": maybe(money(1.0), 0.3),
        "leader": pd.array(leader.to_numpy(dtype=object), dtype="string"),
        "year": np.full(n, year, dtype=np.int64),
        "source_row": np.arange(n, dtype=np.int64) + 3,
    })
    for column in ("uscc", "name", "lead_level", "township", "formation", "industry"):
        frame[column] = frame[column].astype("str")
    return frame


def write_registry_file(frame: pd.DataFrame, path: str | Path, divisions: Divisions, *, broken_per_mille: float = 2.0, seed: int = 0) -> InjectedProblems:
    """Write a synthetic registry as a county office keeps it, with known problems.

    The table is :func:`coopmap.data.registry.to_display_table` (Chinese headers, official
    division names, 是/否, dates as text) under the title row :data:`TITLE`. About
    ``broken_per_mille`` rows in a thousand are broken, each in one way: a mistyped
    check character, 2 members, a village that does not exist, a founding date in 2099.
    A blank row and a 合计 total row end the table.

    ``.csv`` is UTF-8 with a BOM (as :func:`coopmap.data.registry.write_registry`);
    ``.xlsx`` is written with openpyxl's write-only mode, which handles 100k rows in
    seconds where the styled writer of :func:`~coopmap.data.registry.write_registry` takes
    minutes.

    Returns
    -------
    InjectedProblems
        How many rows the loader must reject and skip.
    """
    from coopmap.data.registry import to_display_table

    path = Path(path)
    table = to_display_table(frame, divisions)
    rng = np.random.default_rng(seed + 1)
    n = len(table)
    n_broken = min(n, int(round(n * broken_per_mille / 1000.0)))
    broken = rng.choice(n, size=n_broken, replace=False) if n_broken else np.array([], dtype=np.int64)
    headers = HEADERS_ZH
    for k, row in enumerate(broken):
        how = k % 4
        if how == 0:
            code = table.at[table.index[row], headers["uscc"]]
            wrong = uscc.CHARSET[(uscc.CHARSET.index(code[17]) + 1) % 31]
            table.at[table.index[row], headers["uscc"]] = code[:17] + wrong
        elif how == 1:
            table.at[table.index[row], headers["members"]] = 2  # below a union's minimum (3) as well as a cooperative's (5)
        elif how == 2:
            if table.at[table.index[row], headers["lead_level"]] == "乡镇":
                table.at[table.index[row], headers["lead_level"]] = "村"
            table.at[table.index[row], headers["village"]] = "不存在村"
        else:
            table.at[table.index[row], headers["founded"]] = "2099-01-01"
    total = [None] * len(table.columns)
    total[0], total[1] = "合计", f"{n}个"
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([TITLE])
            writer.writerow(list(table.columns))
        table.to_csv(path, mode="a", header=False, index=False, encoding="utf-8", lineterminator="\r\n")
        with path.open("a", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([""] * len(table.columns))
            writer.writerow(["" if v is None else v for v in total])
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("台账")
        sheet.append([TITLE])
        sheet.append(list(table.columns))
        for row in table.itertuples(index=False, name=None):
            sheet.append([None if v is None or (isinstance(v, float) and v != v) else v for v in row])
        sheet.append([])
        sheet.append(total)
        book.save(path)
    else:
        raise CoopmapError(f"{path}: synthetic registries are written as .csv or .xlsx")
    return InjectedProblems(rejected=n_broken, skipped=2)


def build(folder: str | Path, n: int, formats: tuple[str, ...] = ("csv",), seed: int = 0) -> dict[str, object]:
    """Write divisions and a registry of ``n`` cooperatives into ``folder``.

    Returns
    -------
    dict
        ``divisions_csv``, ``aliases_csv``, ``townships``, ``villages``, ``rows``
        (cooperatives), ``files`` (format → path), ``rejected`` and ``skipped`` (what a
        correct loader reports), all JSON-ready.
    """
    folder = Path(folder)
    n_towns = townships_for(n)
    divisions_csv, aliases_csv = write_divisions(folder, n_towns, seed)
    divisions = Divisions.from_files(divisions_csv, aliases_csv)
    frame = generate(n, divisions, seed)
    files: dict[str, str] = {}
    injected = InjectedProblems(0, 0)
    for fmt in formats:
        path = folder / f"registry_{n}.{fmt}"
        injected = write_registry_file(frame, path, divisions, seed=seed)
        files[fmt] = str(path)
    return {
        "divisions_csv": str(divisions_csv),
        "aliases_csv": str(aliases_csv),
        "townships": int(len(divisions.townships)),
        "villages": int(len(divisions.villages)),
        "rows": int(n),
        "files": files,
        "rejected": injected.rejected,
        "skipped": injected.skipped,
    }


__all__ = [
    "InjectedProblems", "PROVINCE", "TITLE", "build", "division_tables", "generate", "make_usccs",
    "townships_for", "write_divisions", "write_registry_file",
]
