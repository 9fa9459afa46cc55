"""Cell parsers: each turns one raw cell into a value or raises :class:`CellError`.

They never raise anything else for any text (property-tested), so a bad cell always
becomes a row error that names the row, the column and the value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

import pandas as pd

from coopmap.data.messages import LOOKALIKE_DIGITS, Message
from coopmap.data.text import normalize

_NA, _NAT = pd.NA, pd.NaT
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARS = _CONTROL
FULL_WIDTH_KEPT = "（），：；！？"
"""Full-width punctuation that :func:`parse_text` keeps (NFKC would make it ASCII)."""
_KEPT_RE = re.compile(f"([{FULL_WIDTH_KEPT}])")
"""Invisible control characters that :func:`parse_text` removes (NUL and the like)."""


class CellError(ValueError):
    """A cell's value breaks its column's rule; the message is in plain words.

    Raised with a :class:`coopmap.data.messages.Message` (its English text is the error's
    text; the loader keeps the message, which the dashboard shows in Chinese or English).
    """


_TRUE = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "对", "有"}
_FALSE = {"否", "×", "✗", "✘", "x", "n", "no", "false", "0", "无"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_COUNT_UNITS = ("亩", "户", "人", "名", "个")
_TRAILING_UNIT = re.compile(r"^([+-]?[\d.,]+)(\D{1,6})$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(:\d{2})?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_COMPACT_DATE = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LOOKALIKES = str.maketrans(LOOKALIKE_DIGITS)


def _letters_for_digits(text: str, value: object, reads: re.Pattern[str] | tuple[re.Pattern[str], ...]) -> CellError | None:
    """The error for a value that reads as a number or date once letters that look like digits are digits (3O: 30)."""
    fixed = text.translate(_LOOKALIKES)
    if fixed == text or not any(p.match(fixed) for p in (reads if isinstance(reads, tuple) else (reads,))):
        return None
    letters = list(dict.fromkeys(c for c in text if c in LOOKALIKE_DIGITS))
    return CellError(Message("load.letter_for_digit", value=value, letters=" ".join(letters),
                             digits=" ".join(LOOKALIKE_DIGITS[c] for c in letters)))


def is_blank(value: object) -> bool:
    """Return whether a cell is empty (None, NaN, NA/NaT, or only whitespace)."""
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return True
        if stripped.isascii():
            return False
        return not unicodedata.normalize("NFKC", stripped).strip()
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (int, bool, dt.date)):
        return False
    return value is _NA or value is _NAT


def parse_number(value: object, unit_scale: float = 1.0, money: bool = False) -> float:
    """Parse a number: full-width digits, thousands separators, a trailing unit.

    Parameters
    ----------
    value : object
        The cell (a number or text such as ``"1,234.5"``, ``"１２３"``, ``"12亩"``).
    unit_scale : float
        Factor from the column's unit to the canonical one (``0.0001`` for a column
        whose header says 元, since money is kept in 万元).
    money : bool
        Whether the column holds money; then a cell's own unit wins: ``"12万"`` and
        ``"12万元"`` are 12 万元, ``"120000元"`` is 12 万元, ``"1.2亿"`` is 12,000 万元,
        whatever the header says. Otherwise a count unit (亩, 户, 人, 名, 个) may follow
        the number, and ``万`` multiplies by 10,000 (``"1.2万亩"`` is 12,000).

    Raises
    ------
    CellError
        When the text is not a number, or carries a unit the column does not take.
    """
    if isinstance(value, bool):
        raise CellError(Message("load.bool_not_number", value=value))
    scale = unit_scale
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = normalize(value)
        if money:
            suffixes = (("亿元", 10000.0), ("亿", 10000.0), ("万元", 1.0), ("万", 1.0), ("元", 0.0001))
        else:
            suffixes = tuple((unit, unit_scale) for unit in _COUNT_UNITS)
        for suffix, factor in suffixes:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, scale = text[: -len(suffix)], factor
                break
        if not money and text.endswith("万") and len(text) > 1:
            text, scale = text[:-1], scale * 10000  # 1.2万亩 is 12,000 亩
        if _GROUPED.match(text):
            text = text.replace(",", "")
        if not _NUMBER.match(text):
            lookalike = _letters_for_digits(text, value, (_NUMBER, _GROUPED))
            if lookalike is not None:
                raise lookalike
            unit = _TRAILING_UNIT.match(text)
            if unit and _NUMBER.match(unit.group(1)):
                raise CellError(Message("load.unknown_unit_money" if money else "load.unknown_unit", unit=unit.group(2), value=value))
            raise CellError(Message("load.not_a_number", value=value))
        number = float(text)
    number *= scale
    if math.isnan(number) or math.isinf(number):
        raise CellError(Message("load.not_finite", value=value))
    return number


#: Largest whole number a cell may hold: beyond 2**53 a float no longer holds every
#: integer, and beyond 2**63 the int64 column overflowed (an OverflowError, not a row error).
MAX_WHOLE = 2**53


def parse_int(value: object) -> int:
    """Parse a whole number (``"12"``, ``12.0``, ``"1,200"``); a fraction or a number
    beyond :data:`MAX_WHOLE` is an error."""
    number = parse_number(value)
    if not float(number).is_integer():
        raise CellError(Message("load.not_whole", value=value))
    if abs(number) > MAX_WHOLE:
        raise CellError(Message("load.too_large", value=value))
    return int(number)


def parse_year(value: object) -> int:
    """Parse a year: ``2023``, ``"2023年"``, ``"2023年度"``, ``"２０２３"``."""
    if isinstance(value, str):
        text = normalize(value)
        for suffix in ("年度", "年"):
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                break
        try:
            return parse_int(text)
        except CellError as exc:
            if getattr(exc.args[0], "key", "") == "load.letter_for_digit":
                raise CellError(Message("load.letter_for_digit", **dict(exc.args[0].params, value=value))) from None
            raise CellError(Message("load.not_a_year", value=value)) from None
    return parse_int(value)


def parse_bool(value: object) -> bool:
    """Parse yes/no: 是/否, √/×, Y/N, yes/no, true/false, 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = normalize(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(Message("load.not_yes_no", value=value))


def parse_date(value: object, today: dt.date | None = None) -> dt.date:
    """Parse a date: 2023-03-15, 2023/3/15, 2023年3月15日, 20230315, an Excel serial, a datetime.

    Raises
    ------
    CellError
        When the text is not a date, or the date lies in the future.
    """
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    elif hasattr(value, "to_pydatetime"):
        date = value.to_pydatetime().date()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        date = _from_serial(float(value), value)
    else:
        text = normalize(value)
        date = None
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                except ValueError:
                    raise CellError(Message("load.no_such_date", value=value)) from None
                break
        if date is None and _COMPACT_DATE.match(text):
            try:
                date = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                raise CellError(Message("load.no_such_date", value=value)) from None
        if date is None:
            if _NUMBER.match(text):
                date = _from_serial(float(text), value)
            else:
                lookalike = _letters_for_digits(text, value, _DATE_PATTERNS + (_COMPACT_DATE,))
                if lookalike is not None:
                    raise lookalike
                raise CellError(Message("load.not_a_date", value=value))
    if date > today:
        raise CellError(Message("load.future_date", date=date.isoformat()))
    return date


def _from_serial(serial: float, raw: object) -> dt.date:
    """An Excel serial day number; a fraction is the time of day and is dropped."""
    if not (1 <= serial < 2958466):
        raise CellError(Message("load.not_a_date_serial", value=raw))
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def nfkc_unchanged(text: str) -> bool:
    """Whether the NFKC step of :func:`parse_text` leaves ``text`` as it is.

    The punctuation in :data:`FULL_WIDTH_KEPT` is set aside, as :func:`parse_text` does.
    """
    if not any(c in text for c in FULL_WIDTH_KEPT):  # (str's own search: faster than a regex)
        return unicodedata.is_normalized("NFKC", text)
    return all(unicodedata.is_normalized("NFKC", part) for part in _KEPT_RE.split(text)[::2])


def parse_text(value: object) -> str:
    """Return a cell as trimmed text, ``""`` when blank.

    NFKC is applied (full-width digits and letters become ASCII) except to the
    full-width punctuation of Chinese text in :data:`FULL_WIDTH_KEPT`: a registered name
    such as 龙陵县龙新乡（大坝）咖啡专业合作社 keeps its brackets. Invisible control
    characters (NUL and the like, pasted in from other systems) are removed; inner
    spaces, tabs and line breaks are kept.
    """
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if _KEPT_RE.search(text):  # NFKC around the full-width punctuation Chinese text is written with
        parts = _KEPT_RE.split(text)
        text = "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))
    else:
        text = unicodedata.normalize("NFKC", text)
    return _CONTROL.sub("", text).strip()
