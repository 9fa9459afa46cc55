"""What the registry loader says about a file, its rows and its cells, in Chinese and English.

Every problem, warning and skipped-row reason the loader reports is a :class:`Message`:
a ``str`` holding the English text (what ``RowIssue.message``, ``coopmap validate`` and
the JSON report show) that also keeps its catalog key and parameters, so that the
dashboard renders the same message in the interface language (:meth:`Message.text`).
Both languages come from one catalog, :data:`STRINGS`, added to :mod:`coopmap.i18n`.

:func:`odd_characters` finds the characters of a raw cell that a numeric or code
column cannot hold (the letter O in ``3O``, a full-width letter, an ideographic full
stop for a decimal point), each with a short description for a tooltip.
"""

from __future__ import annotations

import unicodedata
from typing import Any, NamedTuple

from coopmap import i18n
from coopmap.strings.messages import STRINGS  # this module's table of the catalog (coopmap.i18n loads it up front)

__all__ = ["LOOKALIKE_DIGITS", "STRINGS", "Message", "OddCharacter", "message_of", "odd_characters", "text_of"]

#: Characters typed for a digit they look like: the letters O and l, the ideographic zero.
LOOKALIKE_DIGITS: dict[str, str] = {"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1"}

_DECIMAL_LOOKALIKES = "。·"
"""Typed for the decimal point with a Chinese input method (NFKC keeps them)."""

#: Characters each kind of column takes besides digits (units the parser reads included).
_ALLOWED = {
    "number": set(".,+-eE万亩户人名个"),
    "int": set(".,+-eE万亩户人名个"),
    "money": set(".,+-eE万元亿"),
    "year": set("年度"),
    "uscc": set("ABCDEFGHJKLMNPQRTUWXYabcdefghjklmnpqrtuwxy"),
}


class Message(str):
    """A message of the loader: its English text as a ``str``, with its key and parameters.

    Parameters
    ----------
    key : str
        A key of :data:`STRINGS` (or of another catalog added to :mod:`coopmap.i18n`).
    **params
        Values for the placeholders of the text.

    Examples
    --------
    >>> m = Message("load.not_a_number", value="3O")
    >>> m
    "not a number: '3O'"
    >>> m.text("zh")
    '不是数字：“3O”'
    """

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Message:
        obj = super().__new__(cls, i18n.t(key, "en", **params))
        obj.key = key
        obj.params = params
        return obj

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``)."""
        return i18n.t(self.key, lang, **self.params)

    def __reduce__(self) -> tuple[Any, ...]:  # pickling and copying keep the key (str's would drop it)
        return (_restore, (self.key, self.params))


def _restore(key: str, params: dict[str, Any]) -> Message:
    return Message(key, **params)


def text_of(message: str, lang: str = "en") -> str:
    """A message in ``lang``: a :class:`Message` rendered, any other text as it is."""
    return message.text(lang) if isinstance(message, Message) else str(message)


def message_of(exc: BaseException) -> str:
    """The :class:`Message` an exception was raised with, else its text."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Message) else str(exc)


class OddCharacter(NamedTuple):
    """A character of a raw value that its column cannot hold."""

    index: int
    char: str
    reason: Message


def odd_characters(value: str, kind: str) -> list[OddCharacter]:
    """The characters of a raw cell value that a column of ``kind`` does not take.

    For numbers (``int``, ``number``, ``money``, ``year``) everything but digits, the
    decimal point, signs, thousands separators and the units the parser reads; for
    ``uscc`` everything outside the code's character set. Full-width digits and
    punctuation count as their half-width forms (the parser reads them so);
    whitespace, which the parser ignores, is reported too, since it hides in a cell.
    Other kinds of column give no marks.

    Parameters
    ----------
    value : str
        The cell as read.
    kind : str
        The column's kind (:attr:`coopmap.data.schema.Column.kind`).

    Returns
    -------
    list of OddCharacter
        Each with its position in ``value`` and a :class:`Message` saying what it is.

    Examples
    --------
    >>> [(c.index, c.char, c.reason.text("zh")) for c in odd_characters("3O", "int")]
    [(1, 'O', '字母 O，不是数字 0')]
    """
    allowed = _ALLOWED.get(kind)
    if allowed is None:
        return []
    out = []
    for i, char in enumerate(value):
        folded = unicodedata.normalize("NFKC", char)
        if folded.isdigit() and folded.isascii() or (folded in allowed and len(folded) == 1):
            continue
        out.append(OddCharacter(i, char, _describe(char, folded)))
    return out


def _describe(char: str, folded: str) -> Message:
    full_width = folded != char and "\uff01" <= char <= "\uff5e"
    if char in ("\u3000",):
        return Message("load.char.fullwidth_space")
    if char.isspace() or folded.isspace():
        return Message("load.char.space") if char == " " else Message("load.char.invisible", code=f"U+{ord(char):04X}")
    if not char.isprintable() or unicodedata.category(char) in ("Cf", "Cc"):
        return Message("load.char.invisible", code=f"U+{ord(char):04X}")
    digit = LOOKALIKE_DIGITS.get(folded)
    if digit is not None:
        if full_width:
            return Message("load.char.fullwidth_letter_digit", char=char, digit=digit)
        if folded.isascii():
            return Message("load.char.letter_digit", char=char, digit=digit)
        return Message("load.char.lookalike_digit", char=char, digit=digit)
    if char in _DECIMAL_LOOKALIKES:
        return Message("load.char.decimal_point", char=char)
    if full_width:
        return Message("load.char.fullwidth", char=char)
    if folded.isascii() and folded.isalpha():
        return Message("load.char.letter", char=char)
    return Message("load.char.other", char=char)
