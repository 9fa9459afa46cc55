"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character set (digits and upper-case letters without I, O,
S, V, Z): registration authority (1), organisation type (1), division code (6),
organisation code (9, GB 11714 with its own check character), and a check character.
Farmers' cooperatives are registered by the market regulator as type ``93``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from coopmap.data.messages import Message

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_LOOKUP = np.full(256, -1, dtype=np.int16)
for _i, _c in enumerate(CHARSET):
    _LOOKUP[ord(_c)] = _i
FARMER_COOP_PREFIX = "93"


def check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters.

    Examples
    --------
    >>> check_char("91350100M000100Y4")
    '3'
    """
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise ValueError(f"need 17 characters from the USCC character set, got {first17!r}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    """Return the GB 11714 check character of an 8-character organisation code body."""
    total = sum(_VALUE[c] * w for c, w in zip(first8, _ORG_WEIGHTS))
    r = 11 - total % 11
    return "X" if r == 10 else ("0" if r == 11 else str(r))


def problem(code: str) -> str | None:
    """Return why ``code`` is not a valid USCC, or ``None`` when it is valid.

    Parameters
    ----------
    code : str
        The normalised code (upper case, no spaces).
    """
    if len(code) != 18:
        return Message("load.uscc_length", n=len(code))
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return Message("load.uscc_chars", chars=" ".join(bad))
    expected = check_char(code[:17])
    if code[17] != expected:
        return Message("load.uscc_check", got=code[17], expected=expected)
    return None


def problems(codes: "Sequence[str | None]") -> list[str | None]:
    """Return :func:`problem` for each code (``None`` for valid or missing codes).

    Well-formed codes (18 ASCII characters) are checked together with numpy; only the
    others, and those that fail, go through :func:`problem` one by one.
    """
    values = np.asarray(codes, dtype=object) if not isinstance(codes, np.ndarray) else codes.astype(object, copy=False)
    n = len(values)
    out = np.full(n, None, dtype=object)
    texts = np.flatnonzero(np.fromiter((type(c) is str for c in values), dtype=bool, count=n))
    lengths = np.fromiter(map(len, values[texts]), dtype=np.int64, count=len(texts))
    candidates = texts[lengths == 18]
    joined = "".join(values[candidates])
    if not joined.isascii():  # rare: find the codes with other characters
        ascii_ok = np.fromiter((c.isascii() for c in values[candidates]), dtype=bool, count=len(candidates))
        candidates = candidates[ascii_ok]
        joined = "".join(values[candidates])
    if len(candidates):
        raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        digits = _LOOKUP[raw]
        well_formed = (digits >= 0).all(axis=1)
        totals = (digits[:, :17].astype(np.int64) * np.array(_WEIGHTS)).sum(axis=1)
        expected = (31 - totals % 31) % 31
        good = well_formed & (digits[:, 17] == expected)
    else:
        good = np.zeros(0, dtype=bool)
    one_by_one = np.setdiff1d(texts, candidates[good], assume_unique=True)
    for k in one_by_one:
        out[k] = problem(values[k])
    return out.tolist()


def make(division: str, serial: int, prefix: str = FARMER_COOP_PREFIX) -> str:
    """Build a valid USCC for a cooperative: prefix + 6-digit division + org code + check.

    Used by the illustrative sample and the benchmarks' synthetic registries; the
    organisation-code part is derived from ``serial`` and carries its own valid check.
    """
    body = ""
    n = serial
    for _ in range(8):
        n, r = divmod(n, 31)
        body = CHARSET[r] + body
    org = body + org_check_char(body)
    first17 = prefix + division[:6] + org
    return first17 + check_char(first17)
