// The page around the dashboard: the waiting page while the kernel works, and a notice
// when the page's kernel is gone. Inlined by spinner.macro.html.j2 through Jinja's
// include, so this file holds no pair of opening curly braces and no brace-hash.
//
// Voila's page calls window.voila_process(i, n) as each cell's output arrives and
// window.voila_finish() once all have; follow() (called by index.html.j2 right after
// Voila defines them) moves the steps along. The waiting page stays over Voila's
// "Loading widget..." placeholders until the dashboard's widgets are drawn.
(function () {
  "use strict";

  const TEXT = window.coopmapPageText;
  const waiting = document.getElementById("cm-waiting");
  const elapsed = waiting.querySelector(".cm-waiting-elapsed");
  // A check of the kernel at most this often on clicks and keys (ms).
  const CHECK_GAP = 5000;
  // And this often while the page is visible (ms): one small request a minute.
  const CHECK_EVERY = 60000;
  // The first check if the dashboard is not drawn this long after its cells ran (ms).
  const FIRST_CHECK = 15000;

  function lang() {
    return new URLSearchParams(window.location.search).get("lang") === "en" ? "en" : "zh";
  }

  function text(key, values) {
    return TEXT[lang()][key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  if (lang() === "en") {
    document.documentElement.lang = "en";
  }
  waiting.dataset.lang = lang();

  // Seconds since the visitor asked for the page (performance.now() counts from the
  // navigation); shown from the third second on.
  function tick() {
    const seconds = Math.round(performance.now() / 1000);
    elapsed.textContent = seconds >= 3 ? text("page.wait.elapsed", { seconds: seconds }) : "";
  }
  tick();
  const ticker = window.setInterval(tick, 1000);

  function step(name) {
    let reached = false;
    for (const item of waiting.querySelectorAll("[data-step]")) {
      const current = item.dataset.step === name;
      item.classList.toggle("cm-current", current);
      item.classList.toggle("cm-done", !reached && !current);
      reached = reached || current;
    }
  }

  // How many cell outputs are widgets (counted before Voila's scripts turn them into
  // "Loading widget..." placeholders).
  let widgets = 0;

  function countWidgets() {
    const outputs = document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]');
    return Array.from(outputs).filter((node) => node.textContent.includes("application/vnd.jupyter.widget-view+json")).length;
  }

  // A widget output is drawn once its placeholder holds the widget's view (a Lumino
  // widget: ipywidgets' boxes as well as anywidget's views, like the meeting's deck).
  function drawn() {
    return document.querySelectorAll("#rendered_cells .jp-OutputArea-output > .lm-Widget").length >= widgets;
  }

  function ready() {
    window.clearInterval(ticker);
    waiting.classList.add("cm-hidden");
    waiting.setAttribute("aria-hidden", "true");
    window.setTimeout(() => waiting.remove(), 400);
  }

  function whenDrawn() {
    // Without widgets to wait for (a cell failed), show what Voila shows at once.
    widgets = countWidgets();
    if (widgets === 0 || drawn()) {
      ready();
      return;
    }
    const observer = new MutationObserver(() => {
      if (drawn()) {
        observer.disconnect();
        ready();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  }

  function follow() {
    const process = window.voila_process;
    const finish = window.voila_finish;
    window.voila_process = function () {
      step("build");
      return process.apply(this, arguments);
    };
    window.voila_finish = function () {
      step("show");
      const result = finish.apply(this, arguments);
      whenDrawn();
      // From here the page has its kernel; if the kernel goes before the widgets are
      // drawn, they never are: the first check comes while the page still waits.
      watchKernel();
      return result;
    };
  }

  // The kernel behind an open page goes when the server restarts, or when the page lost
  // its connection for longer than coopmap serve's --idle-timeout (a laptop asleep);
  // the page then no longer answers, so it says so and offers to reload.
  let lastCheck = 0;
  let failures = 0;
  let lost = false; // the server said the kernel does not exist: nothing more to ask

  function showGone(gone) {
    let notice = document.getElementById("cm-gone");
    if (!gone) {
      if (notice) notice.remove();
      return;
    }
    if (notice) return;
    notice = document.createElement("div");
    notice.id = "cm-gone";
    notice.className = "cm-waiting cm-gone";
    notice.setAttribute("role", "alert");
    const card = document.createElement("div");
    card.className = "cm-waiting-card";
    const title = document.createElement("h1");
    title.className = "cm-waiting-title";
    title.textContent = text("page.title", {});
    const message = document.createElement("p");
    message.className = "cm-gone-message";
    message.textContent = text("page.gone", {});
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cm-gone-reload";
    button.textContent = text("page.reload", {});
    button.addEventListener("click", () => window.location.reload());
    card.append(title, message, button);
    notice.append(card);
    document.body.append(notice);
    button.focus();
  }

  // Voila's page asks the server to shut its kernel down when the visitor leaves; once
  // the server has said the kernel does not exist, that request would only fail (404).
  // This listener is added before Voila's, so it can stop it.
  window.addEventListener("beforeunload", (event) => {
    if (lost) event.stopImmediatePropagation();
  });

  async function check() {
    if (lost) return;
    lastCheck = Date.now();
    const config = document.getElementById("jupyter-config-data");
    if (!config) return;
    const page = JSON.parse(config.textContent);
    let status = 0;
    try {
      const reply = await fetch(`${page.baseUrl}api/kernels/${encodeURIComponent(page.kernelId)}`, {
        cache: "no-store",
        credentials: "same-origin",
      });
      status = reply.status;
    } catch (error) {
      status = 0; // no answer: the server is down or the network is
    }
    if (status === 404) {
      lost = true;
      showGone(true);
    } else if (status === 0) {
      // One lost request is not a lost page: ask again before saying so.
      failures += 1;
      if (failures >= 2) showGone(true);
      else window.setTimeout(check, CHECK_GAP);
    } else if (status === 200) {
      failures = 0;
      showGone(false);
    }
  }

  function watchKernel() {
    const soon = () => {
      if (Date.now() - lastCheck > CHECK_GAP) check();
    };
    document.addEventListener("pointerdown", soon, true);
    document.addEventListener("keydown", soon, true);
    window.addEventListener("online", check);
    window.addEventListener("pageshow", (event) => event.persisted && check());
    document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && check());
    window.setInterval(() => document.visibilityState === "visible" && check(), CHECK_EVERY);
    window.setTimeout(() => document.getElementById("cm-waiting") && check(), FIRST_CHECK);
  }

  window.coopmapPage = { follow: follow };
})();
