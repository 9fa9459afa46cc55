"""The waiting page: what a visitor sees while the kernel starts and runs the dashboard.

With no preheated kernel (``--pool-size 0``) the visitor waits the longest: the kernel
starts, reads the registry and the map, and only then does the page get its cells.
Sampled twice a second from the first byte, the page shows the title and a hint in the
link's language, never Voila's English "Running ...", "Executing 3 of 3" or
"Loading widget...", and the waiting page is gone once the dashboard is drawn.
"""

from __future__ import annotations

import time
from typing import Iterator

import pytest

from helpers.browser import LOAD_TIMEOUT_MS, SCREENSHOTS, Dashboard, start_dashboard

#: Voila's own loading text, in English.
VOILA_TEXT = r"/Running |Executing \d|Reading \d|Loading widget/"
#: Voila's text the visitor can see: a text node whose spot on the screen shows it, not
#: the waiting page over it.
SHOWN_VOILA_TEXT = """pattern => {
  const found = [];
  if (!document.body) return found;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!new RegExp(pattern.slice(1, -1)).test(node.textContent)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const box of range.getClientRects()) {
      const x = box.left + box.width / 2, y = box.top + box.height / 2;
      const top = document.elementFromPoint(x, y);
      if (box.width > 0 && top && node.parentElement.contains(top)) found.push(node.textContent.trim());
    }
  }
  return found;
}"""
WAITING = """() => {
  const waiting = document.getElementById('cm-waiting');
  if (!waiting) return null;
  const style = getComputedStyle(waiting);
  const box = waiting.getBoundingClientRect();
  const current = waiting.querySelector('.cm-current');
  return {shown: style.display !== 'none' && style.opacity === '1' && !waiting.classList.contains('cm-hidden'),
          covers: box.width >= window.innerWidth && box.height >= window.innerHeight,
          text: waiting.innerText, step: current ? current.dataset.step : '',
          lang: document.documentElement.lang};
}"""
STEPS = ("start", "build", "show")


@pytest.fixture(scope="module")
def cold_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """No preheated kernel: every visitor waits for a kernel to start."""
    running = start_dashboard(tmp_path_factory.mktemp("serve-cold"), "--pool-size", "0", timeout=90,
                              ready="Voilà is running at")
    yield running
    running.stop()


def watch_the_wait(page, url: str, shot: str) -> list[dict]:
    """Open ``url`` and sample the page until the dashboard is drawn; return the samples
    taken while the waiting page was up (one screenshot of it goes to ``shot``)."""
    samples = []
    opened = time.monotonic()
    page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
    deadline = opened + LOAD_TIMEOUT_MS / 1000
    shot_taken = False
    while page.locator(".cm-header").count() == 0 or page.evaluate(WAITING) is not None:
        assert time.monotonic() < deadline, "the dashboard did not appear"
        state = page.evaluate(WAITING)
        shown = page.evaluate(SHOWN_VOILA_TEXT, VOILA_TEXT)
        assert shown == [], f"Voila's own loading text is visible: {shown}"
        if state is not None and state["shown"]:
            samples.append(state)
            if not shot_taken and time.monotonic() - opened > 4:  # the seconds waited are shown
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"))
                shot_taken = True
        page.wait_for_timeout(500)
    return samples


def check_steps(samples: list[dict]) -> None:
    steps = [s["step"] for s in samples]
    assert steps[0] == "start"
    assert [STEPS.index(s) for s in steps] == sorted(STEPS.index(s) for s in steps), f"steps went back: {steps}"
    assert all(s["covers"] for s in samples)


def test_the_visitor_waits_on_a_chinese_page_with_the_title_and_what_is_being_done(page, cold_dashboard):
    samples = watch_the_wait(page, cold_dashboard.url, "waiting")
    assert len(samples) >= 4, f"the waiting page was seen {len(samples)} times in a cold start"
    check_steps(samples)
    for state in samples:
        assert state["lang"] == "zh"
        assert state["text"].startswith("龙陵县党组织领办合作社\n")
        assert "正在打开页面，请稍候" in state["text"]
        assert "Party-led" not in state["text"] and "Opening" not in state["text"]
    assert any("已等待" in s["text"] and "秒" in s["text"] for s in samples)
    # once drawn, the dashboard is what the visitor sees
    assert page.locator("#cm-waiting").count() == 0
    assert page.locator(".cm-header").is_visible()
    page.guard.assert_clean()


def test_the_waiting_page_follows_the_language_of_the_link(page, cold_dashboard):
    samples = watch_the_wait(page, f"{cold_dashboard.url}?lang=en", "waiting-en")
    assert samples
    check_steps(samples)
    for state in samples:
        assert state["lang"] == "en"
        assert state["text"].startswith("Party-led cooperatives of Longling County\n")
        assert "Opening the page, please wait" in state["text"]
        assert "龙陵" not in state["text"] and "正在" not in state["text"]
    assert page.locator("#cm-waiting").count() == 0
    assert "Party-led cooperatives" in page.locator(".cm-header").inner_text()
    page.guard.assert_clean()
