"""HTML escaping for every page coopmap writes: dashboard, report and meeting slides.

Every value from a registry passes through :func:`esc` before it reaches a page, so a
cooperative named ``<script>…`` shows as text.
"""

from __future__ import annotations

import html
import math
from typing import Any

__all__ = ["esc"]


def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute.

    Parameters
    ----------
    value : Any
        Shown as ``str(value)``; ``None``, NaN and ``pandas.NA`` become an empty string.

    Returns
    -------
    str
        The text with ``& < > " '`` escaped.

    Examples
    --------
    >>> esc('<b title="x">')
    '&lt;b title=&quot;x&quot;&gt;'
    >>> esc(None)
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__module__.startswith("pandas"):  # pandas.NA; pandas is imported lazily so the server stays light
        import pandas as pd

        if value is pd.NA:
            return ""
    return html.escape(str(value), quote=True)
