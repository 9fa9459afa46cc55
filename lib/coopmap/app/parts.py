"""The widgets of a view as a whole: sending a refresh's updates together, finding a part.

A view owns its widgets (private attributes); the page sees only its container,
``view.widget``. Two helpers work on such a container:

* :func:`held` sends the updates of one refresh together: each widget it holds keeps
  its changed properties until the refresh ends (``ipywidgets.Widget.hold_sync``),
  then sends them in one message instead of one message per property (a widget with
  nothing changed sends nothing); :func:`page_widgets` lists the widgets of a page for
  it;
* :func:`find_parts` finds the widgets of a container by CSS class, as a browser test
  finds them on the page (the documented hook for tests and notebooks that read what
  a view shows without reaching into its attributes).
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import ipywidgets as widgets


@contextlib.contextmanager
def held(*parts: widgets.Widget) -> Iterator[None]:
    """Hold the sync of every widget in ``parts`` until the block ends.

    Parameters
    ----------
    *parts : ipywidgets.Widget
        The widgets a refresh changes.
    """
    with contextlib.ExitStack() as stack:
        for part in parts:
            stack.enter_context(part.hold_sync())
        yield


def page_widgets(root: widgets.Widget) -> list[widgets.Widget]:
    """Return ``root``, every widget inside it and their layouts (the models a refresh may change).

    Parameters
    ----------
    root : ipywidgets.Widget
        A view's container or the whole page.
    """
    found: list[widgets.Widget] = [root]
    layout = getattr(root, "layout", None)
    if isinstance(layout, widgets.Widget):
        found.append(layout)
    for child in getattr(root, "children", ()):
        found.extend(page_widgets(child))
    return found


def find_parts(root: widgets.Widget, css: str) -> list[widgets.Widget]:
    """Return the widgets inside ``root`` (``root`` too) that carry the CSS class ``css``, in page order.

    Parameters
    ----------
    root : ipywidgets.Widget
        A view's container (``view.widget``) or the whole page.
    css : str
        A class the view gives the part (``cm-upload-report``...).
    """
    found = [root] if css in getattr(root, "_dom_classes", ()) else []
    for child in getattr(root, "children", ()):
        found.extend(find_parts(child, css))
    return found


def find_part(root: widgets.Widget, css: str) -> widgets.Widget:
    """Return the one widget inside ``root`` with the CSS class ``css``.

    Raises
    ------
    LookupError
        When no widget or several carry it.
    """
    found = find_parts(root, css)
    if len(found) != 1:
        raise LookupError(f"{len(found)} widgets with class {css!r} in {type(root).__name__}; expected one")
    return found[0]


__all__ = ["find_part", "find_parts", "held", "page_widgets"]
