"""Finding a CJK font so Chinese labels render as Chinese, not as boxes.

Charts name a font stack explicitly (:data:`FONT_FAMILY`): browsers pick the first
family they have. For exported images vl-convert draws with the host's fonts, so
:func:`find_cjk_font` looks for one (fontconfig first, then the usual font folders
of Linux, macOS, Windows and conda) and :mod:`coopmap.presentation.chart_images` registers it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from coopmap.data import sources
from coopmap.errors import FontError

__all__ = ["CJKFont", "FONT_FAMILY", "PREFERRED_FAMILIES", "find_cjk_font", "font_stack"]

#: CJK sans-serif families, most preferred first (Simplified Chinese forms).
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Droid Sans Fallback",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "AR PL UMing CN",
)

#: File-name fragments (lower case) of fonts whose family name the file does not say.
_FILE_HINTS: tuple[tuple[str, str], ...] = (
    ("notosanscjk", "Noto Sans CJK SC"),
    ("sourcehansanssc", "Source Han Sans SC"),
    ("sourcehansanscn", "Source Han Sans CN"),
    ("sourcehansans", "Source Han Sans SC"),
    ("notosanssc", "Noto Sans SC"),
    ("wqy-zenhei", "WenQuanYi Zen Hei"),
    ("wqy-microhei", "WenQuanYi Micro Hei"),
    ("msyh", "Microsoft YaHei"),
    ("pingfang", "PingFang SC"),
    ("hiragino sans gb", "Hiragino Sans GB"),
    ("simhei", "SimHei"),
    ("droidsansfallback", "Droid Sans Fallback"),
    ("notoserifcjk", "Noto Serif CJK SC"),
    ("sourcehanserif", "Source Han Serif SC"),
    ("uming", "AR PL UMing CN"),
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

#: Install hint used in every FontError.
INSTALL_HINT = (
    "install a CJK font: on Debian/Ubuntu `apt install fonts-noto-cjk`, with conda "
    "`conda install -c conda-forge font-ttf-noto-cjk`; on Windows and macOS Microsoft YaHei "
    "and PingFang SC are built in; or set COOPMAP_FONT_DIR to a folder holding one"
)


def font_stack(first: str | None = None) -> str:
    """Return a CSS font-family list of the preferred CJK families, ``first`` leading.

    Examples
    --------
    >>> font_stack().split(", ")[0]
    '"Noto Sans CJK SC"'
    """
    families = list(PREFERRED_FAMILIES[:9])
    if first:
        families = [first] + [f for f in families if f != first]
    return ", ".join(f'"{f}"' for f in families) + ", sans-serif"


#: The font stack named in every chart's config.
FONT_FAMILY = font_stack()


@dataclass(frozen=True)
class CJKFont:
    """A CJK font found on this machine.

    Attributes
    ----------
    family : str
        Family name to put in a chart config.
    path : pathlib.Path
        The font file.
    """

    family: str
    path: Path


def _default_dirs() -> list[Path]:
    home = Path.home()
    dirs = [
        Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts",
        home / ".local/share/fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts"),
        home / "Library/Fonts", Path(sys.prefix) / "fonts", Path(sys.prefix) / "share/fonts",
    ]
    windir = os.environ.get("WINDIR")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft/Windows/Fonts")
    return dirs


def _rank(family: str) -> int:
    try:
        return PREFERRED_FAMILIES.index(family)
    except ValueError:
        return len(PREFERRED_FAMILIES)


def _from_fontconfig() -> list[CJKFont]:
    exe = shutil.which("fc-list")
    if not exe:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh-cn", "family", "file"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in out.splitlines():
        path, _, families = line.partition(": ")
        for family in families.split(","):
            family = family.strip().replace("\\-", "-")
            if family in PREFERRED_FAMILIES:
                found.append(CJKFont(family, Path(path.strip())))
    return found


def _from_dirs(dirs: Iterable[Path]) -> list[CJKFont]:
    found = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.suffix.lower() not in _FONT_SUFFIXES:
                continue
            lowered = path.name.lower()
            for fragment, family in _FILE_HINTS:
                if fragment in lowered:
                    found.append(CJKFont(family, path))
                    break
    return found


def find_cjk_font(search_dirs: Sequence[str | os.PathLike] | None = None, use_fontconfig: bool = True) -> CJKFont:
    """Return the best CJK font installed, preferring a Simplified-Chinese sans-serif.

    Parameters
    ----------
    search_dirs : sequence of paths, optional
        Folders to scan. Default: ``COOPMAP_FONT_DIR`` if set, then the usual font
        folders of Linux, macOS, Windows and the Python/conda prefix.
    use_fontconfig : bool, default True
        Ask ``fc-list`` first where it exists.

    Returns
    -------
    CJKFont

    Raises
    ------
    FontError
        When no CJK font is found; the message names the package to install
        (``fonts-noto-cjk``).
    """
    return _find(tuple(Path(d) for d in search_dirs) if search_dirs is not None else None, use_fontconfig)


@lru_cache(maxsize=8)
def _find(search_dirs: tuple[Path, ...] | None, use_fontconfig: bool) -> CJKFont:
    candidates: list[CJKFont] = []
    if search_dirs is None:
        extra = sources.font_dir_setting()
        dirs = ([extra] if extra else []) + _default_dirs()
        candidates += _from_dirs(dirs[:1]) if extra else []
    else:
        dirs = list(search_dirs)
    if not candidates and use_fontconfig:
        candidates = _from_fontconfig()
    if not candidates:
        candidates = _from_dirs(dirs)
    candidates = [c for c in candidates if c.path.is_file()]
    if not candidates:
        where = ", ".join(str(d) for d in dirs)
        raise FontError(f"no Chinese (CJK) font found (fontconfig and {where}); {INSTALL_HINT}")
    return min(candidates, key=lambda c: (_rank(c.family), "bold" in c.path.name.lower(), str(c.path)))
