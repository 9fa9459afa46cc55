"""The shareable link: a copy button, and the address bar and Back/Forward kept in step with the view.

:class:`LinkButton` is a tiny anywidget. Its ``query`` trait holds the query string of
the current view (from :meth:`coopmap.app.state.AppState.query_string`); the browser
side writes it into the address bar (so reloading or bookmarking reopens the same view)
and copies the full link on click. No request is made: the link is the page's own
origin and path plus the query.

History: when the kernel sets ``query`` with ``push`` true, the browser adds a history
entry (``history.pushState``); otherwise it replaces the current one
(``history.replaceState``), and the page's first address is always replaced, so a link
opens the view it names without an extra entry. When the visitor goes Back or Forward
(``popstate``), the browser sends the address's query back in ``navigated``; the
kernel shows that view and answers with ``push`` false, so the entry is rewritten at
most, never added again.
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

_ESM = r"""
function fullUrl(query) {
  return window.location.origin + window.location.pathname + (query ? "?" + query : "");
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (error) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }
}

function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "cm-link-button";
  button.type = "button";
  const status = document.createElement("span");
  status.className = "cm-link-status";
  status.setAttribute("role", "status");
  let timer = null;

  function label() {
    button.textContent = model.get("label");
    button.title = fullUrl(model.get("query"));
  }

  // The page's first address is replaced (a link opens the view it names, no extra
  // entry); later views are pushed when the kernel asks for it.
  function address(first) {
    if (!model.get("sync_address")) { return; }
    const url = fullUrl(model.get("query"));
    if (url === window.location.href) { return; }
    try {
      if (!first && model.get("push")) {
        window.history.pushState({ coopmap: true }, "", url);
      } else {
        window.history.replaceState(window.history.state, "", url);
      }
    } catch (e) { /* file:// etc. */ }
  }

  // Back or Forward: the kernel shows the entry's view (and only replaces the address).
  function popped() {
    if (!model.get("sync_address")) { return; }
    const query = window.location.search.replace(/^\?/, "");
    if (query === model.get("query")) { return; }
    const last = model.get("navigated") || {};
    model.set("navigated", { query: query, seq: (last.seq || 0) + 1 });
    model.save_changes();
  }

  button.addEventListener("click", async () => {
    const url = fullUrl(model.get("query"));
    const ok = await copyText(url);
    status.textContent = ok ? model.get("copied_label") : url;
    model.set("copied", url);
    model.save_changes();
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(() => { status.textContent = ""; }, 4000);
  });

  model.on("change:query", () => { label(); address(false); });
  model.on("change:label", () => { status.textContent = ""; label(); });
  window.addEventListener("popstate", popped);
  label();
  address(true);
  el.classList.add("cm-link");
  el.append(button, status);
  // A page that shows other data makes a new button: the old one stops listening.
  return () => {
    window.removeEventListener("popstate", popped);
    if (timer) { clearTimeout(timer); }
  };
}

export default { render };
"""


class LinkButton(anywidget.AnyWidget):
    """Copy-link button that keeps the address bar and the browser's history in step with the view.

    Attributes
    ----------
    query : str
        Query string of the current view, without ``?``.
    push : bool
        Whether the browser adds a history entry for the next ``query`` (else it
        replaces the current entry's address). Set both with :meth:`show`.
    label, copied_label : str
        Button text and the confirmation shown after copying.
    sync_address : bool
        Write the view's link into the address bar and follow Back/Forward.
    copied : str
        The last link the visitor copied (set by the browser).
    navigated : dict
        Set by the browser when the visitor goes Back or Forward: ``{"query": <the
        address's query string>, "seq": <count>}`` (the count makes a return to the same
        address a change too).
    """

    _esm = _ESM
    query = traitlets.Unicode("").tag(sync=True)
    push = traitlets.Bool(False).tag(sync=True)
    label = traitlets.Unicode("复制链接").tag(sync=True)
    copied_label = traitlets.Unicode("链接已复制").tag(sync=True)
    sync_address = traitlets.Bool(True).tag(sync=True)
    copied = traitlets.Unicode("").tag(sync=True)
    navigated = traitlets.Dict().tag(sync=True)

    def show(self, query: str, push: bool = False) -> None:
        """Show ``query`` as the view's link; ``push``: as a new history entry.

        Both go to the browser in one message, so the browser reads the right ``push``
        when the query arrives.
        """
        with self.hold_sync():
            self.push = push
            self.query = query

    @staticmethod
    def navigated_query(value: Any) -> str | None:
        """The query string of a ``navigated`` value, or ``None`` if it holds none."""
        query = value.get("query") if isinstance(value, dict) else None
        return query if isinstance(query, str) else None
