"""The slide deck widget: full screen, moved by a presenter's clicker, the keyboard or buttons.

:class:`Deck` is a small anywidget. Python gives it the slides (HTML) and the township
list; the browser shows one slide at a time over the whole window and moves with
the keys a presenter's remote sends — → ↓ PageDown Space Enter forward, ← ↑ PageUp
Backspace back, Home/End, F or F5 full screen, B or . blank screen — and with the
on-screen buttons. The current slide (``index``), the chosen township (``township``)
and the blank screen (``blank``) are synced back to Python. Voila gives no key events
to Python widgets, so the keys are handled here, in the page, with no round trip:
a slide changes at once even while the kernel is busy.

Download buttons in the bar ask the kernel for a file (the report, the table) and save
the bytes it sends back (:mod:`coopmap.outputs.downloads`): no file is served. The JavaScript
and CSS are inline; nothing is fetched.
"""

from __future__ import annotations

import anywidget
import traitlets

from coopmap.outputs.downloads import SAVE_JS

_ESM = SAVE_JS + r"""
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
"""

_CSS = r"""
.cm-deck {
  overflow: hidden; background: #ffffff; color: #1a1a1a; container-type: size;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC", "Microsoft YaHei",
    "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif;
  line-height: 1.35;
}
.cm-deck-page { position: fixed; top: 0; right: 0; bottom: 0; left: 0; z-index: 2000; }
.cm-deck-inline { position: relative; width: 100%; aspect-ratio: 16 / 9; max-height: 90vh; border: 1px solid #bbbbbb; outline: none; }
.cm-deck-inline:focus { border-color: #b0302a; }
.cm-deck-inline:fullscreen { width: 100vw; height: 100vh; max-height: none; border: 0; }
/* about 30 px at 1920×1080: from the window where container units are unknown, else from the deck */
.cm-deck-inner { position: absolute; top: 0; right: 0; bottom: 0; left: 0; display: flex; flex-direction: column;
  font-size: 18px; font-size: clamp(14px, min(2.8vh, 1.575vw), 72px); font-size: clamp(14px, min(2.8cqh, 1.575cqw), 72px); }
.cm-deck * { box-sizing: border-box; }
.cm-deck-stage { position: relative; flex: 1 1 auto; min-height: 0; }
.cm-deck.cm-blank .cm-deck-stage { visibility: hidden; }
.cm-deck.cm-blank { background: #000000; }
.cm-slide { position: absolute; top: 0; right: 0; bottom: 0; left: 0; display: flex; flex-direction: column; padding: 0.9em 1.8em 0.5em; }
.cm-slide-head { display: flex; align-items: center; gap: 0.6em; border-bottom: 0.12em solid #b0302a; padding-bottom: 0.3em; }
.cm-slide-head h1 { font-size: 1.55em; line-height: 1.2; margin: 0; font-weight: 700; color: #1a1a1a; }
.cm-sample { flex: none; font-size: 0.8em; font-weight: 700; color: #ffffff; background: #b0302a; border-radius: 0.25em; padding: 0.05em 0.45em; }
.cm-slide-body { flex: 1 1 auto; min-height: 0; display: flex; gap: 1.2em; padding-top: 0.7em; overflow: hidden; }
.cm-body-column { flex-direction: column; gap: 0.6em; }
.cm-body-title { flex-direction: column; justify-content: center; }
.cm-slide-foot { flex: none; font-size: 0.8em; color: #3a3a3a; padding-top: 0.25em; border-top: 1px solid #cccccc;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cm-title-kicker { font-size: 2.2em; font-weight: 700; color: #9c2520; margin: 0 0 0.4em; }
.cm-title-lines { font-size: 1em; margin: 0 0 0.8em; }
.cm-title-sample { font-size: 0.9em; border-left: 0.25em solid #b0302a; padding: 0.2em 0.6em; background: #fbeeed; margin: 0; }
.cm-tiles { display: grid; gap: 0.55em; align-content: start; }
.cm-tiles-4 { grid-template-columns: repeat(4, 1fr); }
.cm-tiles-3 { grid-template-columns: repeat(3, 1fr); }
.cm-tile { border: 0.08em solid #9a9a9a; border-radius: 0.3em; padding: 0.35em 0.6em 0.4em; min-width: 0; }
.cm-tile-label { font-size: 0.9em; color: #2e2e2e; }
.cm-tile-value { font-size: 2.1em; font-weight: 700; line-height: 1.15; }
/* The figure and its unit stay on one line; the 示例 mark goes to the next when the tile is narrow. */
.cm-figure { white-space: nowrap; }
.cm-unit { font-size: 0.5em; font-weight: 400; margin-left: 0.25em; }
.cm-sample-mark { display: inline-block; font-size: 0.8em; font-weight: 700; color: #9c2520; border: 1px solid #b0302a;
  border-radius: 0.25em; padding: 0 0.3em; margin-left: 0.4em; vertical-align: middle; line-height: 1.3; white-space: nowrap; }
/* The mark is text on a projector too: at least 24 px on a 1920 x 1080 slide (base 30 px). */
.cm-tile-value .cm-sample-mark { font-size: 0.4em; }
.cm-tile-foot .cm-sample-mark { font-size: 0.95em; }
.cm-tile-foot { font-size: 0.85em; color: #2e2e2e; }
.cm-tiles-fill { flex: 1 1 auto; min-height: 0; grid-auto-rows: 1fr; }
.cm-tiles-fill .cm-tile { display: flex; flex-direction: column; justify-content: center; padding: 0.5em 0.8em; }
.cm-tiles-fill .cm-tile-value { font-size: 2.6em; }
.cm-tiles-fill .cm-tile-label, .cm-tiles-fill .cm-tile-foot { font-size: 1em; }
.cm-tile.cm-differs { border-color: #b0302a; border-width: 0.12em; }
.cm-tile.cm-differs .cm-tile-foot { color: #9c2520; font-weight: 700; }
.cm-note { font-size: 0.85em; color: #2e2e2e; margin: 0.3em 0; }
.cm-source { font-size: 0.8em; color: #3a3a3a; margin: 0; }
.cm-chart { flex: 1 1 auto; min-width: 0; min-height: 0; display: flex; justify-content: center; align-items: center; }
.cm-chart svg { width: 100%; height: 100%; display: block; }
.cm-map-box { flex: 1.4 1 0; min-width: 0; min-height: 0; display: flex; flex-direction: column; }
.cm-map-note { flex: none; margin: 0; font-size: 0.85em; font-weight: 700; color: #9c2520; }
.cm-main { flex: 1.6 1 0; min-width: 0; display: flex; flex-direction: column; gap: 0.4em; }
.cm-side { flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; justify-content: center; gap: 0.4em; }
.cm-side-top { justify-content: flex-start; }
.cm-side h2, .cm-case-coop h2 { font-size: 1em; margin: 0 0 0.2em; }
.cm-statuses { list-style: none; margin: 0; padding: 0; }
.cm-status { display: flex; align-items: center; gap: 0.5em; padding: 0.35em 0; border-bottom: 1px solid #dddddd; }
.cm-status-label { flex: 1 1 auto; }
.cm-status-count { font-size: 1.6em; font-weight: 700; }
.cm-swatch { flex: none; display: inline-block; width: 0.9em; height: 0.9em; border-radius: 0.15em; border: 1px solid #777777; }
.cm-status-coop .cm-swatch { background: #b0302a; }
.cm-status-reached .cm-swatch { background: #e6a79f; }
.cm-status-none .cm-swatch { background: #e4e4e4; }
.cm-chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.35em 0.9em; }
.cm-chip { display: flex; align-items: center; gap: 0.3em; }
.cm-legend { list-style: none; margin: auto 0 0; padding: 0.4em 0 0; border-top: 1px solid #cccccc; font-size: 0.85em; }
.cm-legend li { display: flex; align-items: center; gap: 0.4em; }
.cm-tiles-fill.cm-tiles-3 .cm-tile-value { font-size: 2.3em; }
.cm-case-coop ul { margin: 0; padding-left: 1.1em; }
.cm-table { border-collapse: collapse; width: 100%; font-size: 0.8em; }
.cm-table th, .cm-table td { text-align: left; padding: 0.1em 0.5em; border-bottom: 1px solid #cccccc; }
.cm-table th { border-bottom: 2px solid #555555; }
.cm-table .cm-num { text-align: right; white-space: nowrap; }
.cm-table .cm-check { white-space: nowrap; }
.cm-row-differs td { color: #9c2520; font-weight: 700; }
.cm-differences { margin: 0; padding-left: 1.1em; }
.cm-differences li { margin-bottom: 0.5em; }
.cm-differences p { margin: 0.2em 0 0; font-size: 0.9em; }
.cm-bar { flex: none; display: flex; align-items: center; gap: 0.6em; padding: 0.25em 1.2em; font-size: 0.8em;
  background: #f0f0f0; border-top: 1px solid #bbbbbb; }
.cm-deck.cm-blank .cm-bar { opacity: 0; }
.cm-bar button, .cm-bar select { font: inherit; color: #1a1a1a; background: #ffffff; border: 1px solid #888888;
  border-radius: 0.25em; padding: 0.1em 0.7em; cursor: pointer; }
.cm-bar button:disabled { color: #999999; cursor: default; }
.cm-counter { min-width: 4.5em; text-align: center; font-weight: 700; }
.cm-pick { display: flex; align-items: center; gap: 0.4em; margin-left: 1em; }
.cm-files { display: flex; gap: 0.4em; margin-left: 1em; }
.cm-hint { margin-left: auto; color: #3a3a3a; }
"""


class Deck(anywidget.AnyWidget):
    """Full-screen slides with keyboard, clicker and button navigation.

    Attributes
    ----------
    slides : list of dict
        ``{"id", "title", "html"}`` per slide, in order.
    index : int
        The slide on screen (0-based); the browser moves it.
    townships : list of [code, name]
        The choices of the township list.
    township : str
        The township chosen in the list (``""``: none); Python answers by adding its slide.
    blank : bool
        Screen blanked (key B or .).
    labels : dict
        Button and list texts (``prev``, ``next``, ``fullscreen``, ``pick_township``,
        ``no_township``, ``keys_hint``, ``preparing``).
    downloads : list of dict
        ``{"id", "label"}`` per download button. A press sends ``{"event": "download",
        "id"}``; the kernel answers with ``{"event": "file", "id", "name", "mime"}`` and the
        bytes (saved as a file) or ``{"event": "error", "id", "text"}``.
    """

    _esm = _ESM
    _css = _CSS
    slides = traitlets.List(traitlets.Dict()).tag(sync=True)
    index = traitlets.Int(0).tag(sync=True)
    townships = traitlets.List(traitlets.List()).tag(sync=True)
    township = traitlets.Unicode("").tag(sync=True)
    blank = traitlets.Bool(False).tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    downloads = traitlets.List(traitlets.Dict()).tag(sync=True)

    @traitlets.validate("index")
    def _valid_index(self, proposal: dict) -> int:
        count = len(self.slides)
        return max(0, min(int(proposal["value"]), count - 1)) if count else 0
