"""Helpers shared by the tests: the project's folders and registries as county offices write them.

``tests`` is on ``sys.path`` (``pythonpath`` in pyproject.toml), so a test imports
``from helpers import coop_row, write_csv`` and the submodules ``helpers.png`` (decode
the PNGs charts render to), ``helpers.hostile`` (a registry full of markup and
formulas), ``helpers.bad_corpus`` (the generator of ``tests/data/bad``) and
``helpers.browser`` (a dashboard server, guarded Chromium pages and the dashboard's
selectors and clicks for the browser tests). The valid row here is the one the bad-input corpus starts from too.
"""

from __future__ import annotations

import csv
from pathlib import Path

from coopmap.data import uscc

PROJECT = Path(__file__).resolve().parents[2]
SHARED = PROJECT.parent / "shared"
#: The real township boundaries (tests and local use only; never committed).
REAL_BOUNDARIES = SHARED / "data" / "boundaries" / "longling_townships.geojson"

HEADER = [
    "统一社会信用代码", "合作社名称", "领办层级", "乡镇", "村（社区）", "村民小组", "组建方式", "规范运行",
    "成立时间", "主导产业", "书记兼任理事长", "交叉任职人数", "成员数", "带动农户数", "流转土地（亩）",
    "经营收入（万元）", "带动群众增收（万元）", "村集体增收（万元）", "年度",
]


def coop_row(serial: int, **overrides: object) -> dict[str, object]:
    """One valid village-led cooperative row (Chinese headers), with overrides by header."""
    row: dict[str, object] = {
        "统一社会信用代码": uscc.make("530523", serial),
        "合作社名称": f"龙陵县测试{serial}号专业合作社",
        "领办层级": "村",
        "乡镇": "碧寨乡",
        "村（社区）": "坡头村",
        "村民小组": "",
        "组建方式": "新组建",
        "规范运行": "是",
        "成立时间": "2021-05-06",
        "主导产业": "火腿",
        "书记兼任理事长": "是",
        "交叉任职人数": "3",
        "成员数": "12",
        "带动农户数": "40",
        "流转土地（亩）": "100.5",
        "经营收入（万元）": "12.5",
        "带动群众增收（万元）": "30",
        "村集体增收（万元）": "3",
        "年度": "2023",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows: list[dict[str, object]], title: str | None = None, encoding: str = "utf-8-sig",
              header: list[str] | None = None) -> Path:
    """Write rows as a CSV registry, optionally under a title row."""
    header = header or HEADER
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        if title:
            writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
    return path
