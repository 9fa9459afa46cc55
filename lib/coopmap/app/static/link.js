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
