"""Text normalisation shared by every matcher (headers, townships, villages, yes/no).

Matching in coopmap is exact *after* normalisation, never fuzzy: Unicode NFKC
(full-width to half-width), all whitespace removed, traditional characters converted
to simplified with OpenCC.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    for config in ("t2s", "t2s.json"):
        try:
            return opencc.OpenCC(config)
        except Exception:  # pragma: no cover - depends on the installed binding
            continue
    raise ImportError("OpenCC is installed but has no 't2s' configuration")


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified (OpenCC ``t2s``).

    Parameters
    ----------
    text : str
        Any text; characters without a traditional form are left alone.

    Returns
    -------
    str
        The simplified text.
    """
    return _converter().convert(text)


@lru_cache(maxsize=65536)
def normalize(value: object) -> str:
    """Normalise a cell or name for exact matching.

    NFKC (full-width letters, digits and brackets become half-width), every
    whitespace character removed, traditional → simplified.

    Parameters
    ----------
    value : object
        A cell value; ``None`` gives ``""``.

    Returns
    -------
    str
        The normalised text.

    Examples
    --------
    >>> normalize(" 龍陵縣 ")
    '龙陵县'
    >>> normalize("村（社区）")
    '村(社区)'
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _WS.sub("", text)
    # NFKC leaves U+3000-range punctuation used in headers; fold the common ones.
    text = text.replace("、", ",")
    if text and not text.isascii():
        text = to_simplified(text)
    return text
