"""The shareable link: a copy button, and the address bar kept in step with the view.

:class:`LinkButton` is a tiny anywidget. Its ``query`` trait holds the query string of
the current view (from :meth:`coopmap.app.state.AppState.query_string`); the browser
side writes it into the address bar with ``history.replaceState`` (so reloading or
bookmarking reopens the same view) and copies the full link on click. No request is
made: the link is the page's own origin and path plus the query.
"""

from __future__ import annotations

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

  function sync() {
    button.textContent = model.get("label");
    const url = fullUrl(model.get("query"));
    button.title = url;
    if (model.get("sync_address") && url !== window.location.href) {
      try { window.history.replaceState(window.history.state, "", url); } catch (e) { /* file:// etc. */ }
    }
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

  model.on("change:query", sync);
  model.on("change:label", () => { status.textContent = ""; sync(); });
  sync();
  el.classList.add("cm-link");
  el.append(button, status);
}

export default { render };
"""


class LinkButton(anywidget.AnyWidget):
    """Copy-link button that also keeps the address bar's query in step with the view.

    Attributes
    ----------
    query : str
        Query string of the current view, without ``?``.
    label, copied_label : str
        Button text and the confirmation shown after copying.
    sync_address : bool
        Write the view's link into the address bar.
    copied : str
        The last link the visitor copied (set by the browser).
    """

    _esm = _ESM
    query = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("复制链接").tag(sync=True)
    copied_label = traitlets.Unicode("链接已复制").tag(sync=True)
    sync_address = traitlets.Bool(True).tag(sync=True)
    copied = traitlets.Unicode("").tag(sync=True)
