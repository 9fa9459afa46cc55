"""Masking personal data before it is shown on slides or printed in reports.

A registry names each cooperative's chair (``leader``) and some offices keep phone
numbers or identity-card numbers in it, in a column of their own or inside a text
cell ("王小明 13912345678"). Whatever is put on a projector or handed out goes
through these functions first:

* :func:`mask_name` — ``王小明`` → ``王**`` (the surname stays, two-character
  compound surnames such as 欧阳 included; one ``*`` per hidden character);
* :func:`mask_phone` — ``13912345678`` → ``139****5678``; ``0875-6123456`` →
  ``0875-***3456``;
* :func:`mask_id_number` — ``530523199001011234`` → ``530523********1234``
  (the birth date is hidden);
* :func:`mask_text` — finds phone and identity numbers inside free text and masks
  them, leaving everything else (unified social credit codes, amounts, years) alone;
* :func:`mask_frame` — a registry frame with names masked and every text column
  scanned; columns that hold phones or identity numbers (by their header) masked
  whole.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import pandas as pd

__all__ = [
    "COMPOUND_SURNAMES",
    "mask_frame",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_text",
]

#: Two-character surnames kept whole by :func:`mask_name` (the common ones).
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "闻人",
    "申屠", "澹台", "公冶", "太史", "东郭", "赫连", "拓跋", "完颜", "司空", "单于", "濮阳", "淳于",
})

# Mainland mobile numbers (optionally +86 / 86), not inside a longer run of digits.
_MOBILE = re.compile(r"(?<![0-9A-Za-z])((?:\+?86[- ]?)?)(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z])")
# Landlines with an area code: 0875-6123456, (0875)6123456, 0875 6123456.
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])(\(?0\d{2,3}\)?[- ]?)(\d{3,4})(\d{4})(?![0-9A-Za-z])")
# 18-digit resident identity numbers: region (first digit 1-8), birth date, sequence, check.
_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-8]\d{5})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3}[0-9Xx])(?![0-9A-Za-z])")
# Old 15-digit identity numbers: region, YYMMDD, sequence.
_ID15 = re.compile(r"(?<![0-9A-Za-z])([1-8]\d{5})(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3})(?![0-9A-Za-z])")
_SEPARATORS = re.compile(r"[\s、，,;；/]+")
_PERSONAL_HEADERS = ("电话", "手机", "联系方式", "phone", "mobile", "tel", "身份证", "证件号", "id_number", "idcard", "id_card")
_NAME_HEADERS = ("leader", "理事长", "负责人", "联系人", "姓名", "contact", "chair")
_KEEP = ("uscc", "union_uscc")


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _mask_one_name(name: str) -> str:
    if len(name) <= 1:
        return name
    if "·" in name or " " in name:  # 阿不都·热合曼, John Smith: keep the first letter only
        return name[0] + "".join("·" if c in "·" else (" " if c == " " else "*") for c in name[1:])
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "*" * (len(name) - keep)


def mask_name(name: Any) -> Any:
    """Mask a person's name, keeping the surname.

    Parameters
    ----------
    name : str or None
        One name, or several separated by ``、`` / ``,`` / ``;`` / ``/``. A name
        already written with 某 (``董某忠``) is masked too.

    Returns
    -------
    str or None
        ``None``/NaN come back unchanged.

    Examples
    --------
    >>> mask_name("王小明")
    '王**'
    >>> mask_name("欧阳修")
    '欧阳*'
    >>> mask_name("李四、张三丰")
    '李*、张**'
    """
    if _blank(name):
        return name
    text = mask_text(str(name).strip())
    parts = _SEPARATORS.split(text)
    seps = _SEPARATORS.findall(text)
    out = [_mask_one_name(p) if p and "*" not in p else p for p in parts]
    return "".join(p + (seps[i] if i < len(seps) else "") for i, p in enumerate(out))


def mask_phone(value: Any) -> Any:
    """Mask phone numbers: ``13912345678`` → ``139****5678``, ``0875-6123456`` → ``0875-***3456``.

    Text around the number is kept; a value without a phone number comes back as it was.
    """
    if _blank(value):
        return value
    text = str(value)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(4)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}{'*' * len(m.group(2))}{m.group(3)}", text)


def mask_id_number(value: Any) -> Any:
    """Mask resident identity numbers (18 or 15 digits), hiding the birth date.

    ``530523199001011234`` → ``530523********1234``. Unified social credit codes
    (which start with 9 and usually hold letters) are not identity numbers and stay.
    """
    if _blank(value):
        return value
    text = str(value)
    text = _ID18.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    return _ID15.sub(lambda m: m.group(1) + "*" * 6 + m.group(3), text)


def mask_text(value: Any) -> Any:
    """Mask identity and phone numbers found anywhere in a text; keep everything else."""
    return mask_phone(mask_id_number(value))


def _is_personal(column: str) -> bool:
    key = str(column).lower()
    return any(word in key for word in _PERSONAL_HEADERS)


def _is_name(column: str) -> bool:
    key = str(column).lower()
    return any(word in key for word in _NAME_HEADERS)


def mask_frame(frame: pd.DataFrame, names: Iterable[str] | None = None) -> pd.DataFrame:
    """Return a copy of a table with personal data masked.

    Parameters
    ----------
    frame : pandas.DataFrame
        A canonical registry, a display table with Chinese headers, or any table.
    names : iterable of str, optional
        Columns holding people's names. Default: those whose header says so
        (``leader``, 理事长, 负责人, 联系人, 姓名).

    Returns
    -------
    pandas.DataFrame
        Name columns through :func:`mask_name`; phone or identity columns (电话, 手机,
        联系方式, 身份证 ...) and every other text column through :func:`mask_text`.
        Unified social credit code columns are left as they are.
    """
    out = frame.copy()
    name_columns = set(names) if names is not None else {c for c in out.columns if _is_name(c)}
    for column in out.columns:
        if column in _KEEP or str(column).startswith("统一社会信用代码"):
            continue
        values = out[column]
        if column in name_columns:
            out[column] = values.map(mask_name, na_action="ignore")
        elif _is_personal(column) or values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            out[column] = values.map(lambda v, column=column: mask_text(v) if isinstance(v, str) else (mask_text(str(v)) if _is_personal(column) and not _blank(v) else v))
    return out
