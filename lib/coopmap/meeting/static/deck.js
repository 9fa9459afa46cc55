const FORWARD = new Set(["ArrowRight", "ArrowDown", "PageDown", " ", "Spacebar", "Enter", "N", "n"]);
const BACKWARD = new Set(["ArrowLeft", "ArrowUp", "PageUp", "Backspace", "P", "p"]);
const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

function toggleFullscreen(target) {
  if (document.fullscreenElement) {
    document.exitFullscreen().catch(() => {});
  } else if (target.requestFullscreen) {
    target.requestFullscreen().catch(() => {});
  }
}

function button(cls, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = cls;
  b.tabIndex = -1;  // never keeps the focus: Space and Enter stay with the deck
  b.addEventListener("mousedown", (e) => e.preventDefault());
  b.addEventListener("click", onClick);
  return b;
}

function render({ model, el }) {
  // Under Voila the deck is the page: it covers the window and takes the keys wherever
  // the focus is. In JupyterLab it is a 16:9 box in the notebook and takes the keys
  // only while it has the focus (click it), so the notebook's own keys keep working.
  const inVoila = !!(document.body && document.body.dataset.voila);
  const deck = document.createElement("div");
  deck.className = "cm-deck " + (inVoila ? "cm-deck-page" : "cm-deck-inline");
  deck.tabIndex = inVoila ? -1 : 0;
  const inner = document.createElement("div");
  inner.className = "cm-deck-inner";
  const fullTarget = inVoila ? document.documentElement : deck;
  const stage = document.createElement("div");
  stage.className = "cm-deck-stage";
  stage.setAttribute("role", "region");
  stage.setAttribute("aria-live", "polite");
  const bar = document.createElement("div");
  bar.className = "cm-bar";

  const clamp = (i) => Math.max(0, Math.min(model.get("slides").length - 1, i));
  const go = (i) => {
    const next = clamp(i);
    if (next !== model.get("index")) {
      model.set("index", next);
      model.save_changes();
    }
  };
  const prev = button("cm-prev", () => go(model.get("index") - 1));
  const next = button("cm-next", () => go(model.get("index") + 1));
  const counter = document.createElement("span");
  counter.className = "cm-counter";
  const pickLabel = document.createElement("label");
  pickLabel.className = "cm-pick";
  const pickText = document.createElement("span");
  const select = document.createElement("select");
  select.className = "cm-township";
  pickLabel.append(pickText, select);
  select.addEventListener("change", () => {
    model.set("township", select.value);
    model.save_changes();
    select.blur();  // the arrows move slides again, not the list
  });
  const files = document.createElement("span");
  files.className = "cm-files";
  const hint = document.createElement("span");
  hint.className = "cm-hint";
  const full = button("cm-full", () => toggleFullscreen(fullTarget));
  bar.append(prev, counter, next, pickLabel, files, hint, full);
  const pending = new Map();  // download id -> its button, while the kernel makes the file

  function drawFiles() {
    files.replaceChildren();
    pending.clear();
    for (const item of model.get("downloads")) {
      const b = button("cm-file", () => {
        if (b.disabled) return;
        b.disabled = true;
        b.textContent = model.get("labels").preparing || "…";
        pending.set(item.id, [b, item.label]);
        model.send({ event: "download", id: item.id });
      });
      b.dataset.download = item.id;
      b.textContent = item.label;
      files.append(b);
    }
  }
  model.on("msg:custom", (content, buffers) => {
    if (!content) return;
    const waiting = pending.get(content.id);
    if (waiting) {
      const [b, label] = waiting;
      b.disabled = false;
      b.textContent = label;
      b.title = content.event === "error" ? content.text : "";
      pending.delete(content.id);
    }
    if (content.event === "file") saveFile(content, buffers);
  });
  inner.append(stage, bar);
  deck.append(inner);
  el.append(deck);
  if (!inVoila) deck.addEventListener("mousedown", () => deck.focus());

  let shown = null;
  function draw() {
    const slides = model.get("slides");
    const i = clamp(model.get("index"));
    const slide = slides[i];
    if (slide && shown !== slide.html) {
      stage.innerHTML = slide.html;
      shown = slide.html;
    }
    deck.dataset.slide = slide ? slide.id : "";
    counter.textContent = slides.length ? `${i + 1} / ${slides.length}` : "";
    prev.disabled = i <= 0;
    next.disabled = i >= slides.length - 1;
  }
  function drawBar() {
    const labels = model.get("labels");
    prev.textContent = "◀ " + (labels.prev || "");
    next.textContent = (labels.next || "") + " ▶";
    full.textContent = labels.fullscreen || "";
    pickText.textContent = labels.pick_township || "";
    hint.textContent = labels.keys_hint || "";
    select.replaceChildren();
    const none = document.createElement("option");
    none.value = "";
    none.textContent = labels.no_township || "";
    select.append(none);
    for (const [code, name] of model.get("townships")) {
      const option = document.createElement("option");
      option.value = code;
      option.textContent = name;
      select.append(option);
    }
    select.value = model.get("township") || "";
  }
  function drawBlank() {
    deck.classList.toggle("cm-blank", !!model.get("blank"));
  }

  function onKey(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target || {};
    if (TYPING.has(target.tagName) || target.isContentEditable) return;
    let key = e.key;
    if (key === " " && e.shiftKey) key = "PageUp";
    if (key === "F5") {
      e.preventDefault();  // a remote's "start show" must not reload the page
      toggleFullscreen(fullTarget);
      return;
    }
    if (key === "f" || key === "F") { e.preventDefault(); toggleFullscreen(fullTarget); return; }
    if (key === "b" || key === "B" || key === "." || key === "w" || key === "W") {
      e.preventDefault();
      model.set("blank", !model.get("blank"));
      model.save_changes();
      return;
    }
    let target_index = null;
    if (FORWARD.has(key)) target_index = model.get("index") + 1;
    else if (BACKWARD.has(key)) target_index = model.get("index") - 1;
    else if (key === "Home") target_index = 0;
    else if (key === "End") target_index = model.get("slides").length - 1;
    else return;
    e.preventDefault();
    if (model.get("blank")) {  // the first press after a blank screen shows the slide again
      model.set("blank", false);
    }
    go(target_index);
    model.save_changes();
  }
  const keyTarget = inVoila ? document : deck;
  keyTarget.addEventListener("keydown", onKey);

  model.on("change:slides", draw);
  model.on("change:index", draw);
  model.on("change:labels", drawBar);
  model.on("change:townships", drawBar);
  model.on("change:township", () => { select.value = model.get("township") || ""; });
  model.on("change:blank", drawBlank);
  model.on("change:downloads", drawFiles);
  drawFiles();
  drawBar();
  draw();
  drawBlank();
  return () => keyTarget.removeEventListener("keydown", onKey);
}

export default { render };
