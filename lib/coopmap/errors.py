"""Named exceptions a user can meet. Each message says what went wrong and what to do."""

from __future__ import annotations


class CoopmapError(Exception):
    """Base class of every error the library raises on purpose."""


class DivisionError(CoopmapError, LookupError):
    """A township or village name or code does not resolve to an official division."""


class RegistryError(CoopmapError):
    """A file cannot be read as a cooperative registry at all (not a row problem)."""


class BoundaryError(CoopmapError):
    """A boundary file is unusable: missing, duplicate or unknown townships, bad CRS."""


class FontError(CoopmapError):
    """No CJK font is available to draw Chinese text in exported charts."""


class ExportError(CoopmapError):
    """A chart, report or table could not be written."""
