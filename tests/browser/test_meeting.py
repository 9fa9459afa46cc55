"""The meeting slides in headless Chromium at 1920×1080 with the network cut: a presenter's walk.

``coopmap meeting`` on the shipped data; the keys a presenter's clicker sends, the
on-screen buttons and the township list; every slide readable from the back of the
room (text at least 24 px, high contrast, nothing scrolls); the downloads in the bar;
a link that opens a township in English.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from coopmap.data.registry import load_registry
from coopmap.meeting.presenter import DOWNLOADS

from helpers.browser import LOAD_TIMEOUT_MS, PROJECT, Dashboard, Guard, is_local, screenshot, start_dashboard

SLIDE_COUNT = 12
FULL_HD = {"width": 1920, "height": 1080}

# For every text on the slide: its rendered size in CSS pixels (SVG text scaled by its
# transform) and, for HTML text, the contrast of its colour against the slide's white.
MEASURE = """() => {
  const stage = document.querySelector('.cm-deck-stage').getBoundingClientRect();
  const lum = (rgb) => {
    const [r, g, b] = rgb.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => v / 255)
      .map(c => c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const out = {min: 999, minText: '', lowContrast: [], outside: [],
               scroll: [document.scrollingElement.scrollHeight, window.innerHeight,
                        document.scrollingElement.scrollWidth, window.innerWidth]};
  for (const el of document.querySelectorAll('.cm-slide *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (box.width && (box.bottom > stage.bottom + 1 || box.right > stage.right + 1 || box.top < stage.top - 1)) {
      out.outside.push(el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30));
    }
    if (!own) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM();
      size *= Math.sqrt(m.a * m.a + m.b * m.b);
    } else if (!el.closest('.cm-sample')) {
      const contrast = 1.05 / (lum(getComputedStyle(el).color) + 0.05);
      if (contrast < 7) out.lowContrast.push(el.textContent.trim().slice(0, 20) + ' ' + contrast.toFixed(1));
    }
    if (size < out.min) { out.min = size; out.minText = el.textContent.trim().slice(0, 20); }
  }
  return out;
}"""


def start_meeting(tmp_dir: Path) -> Dashboard:
    """Start ``coopmap meeting --no-browser --port <free>`` and wait until its kernel is ready."""
    return start_dashboard(tmp_dir, command="meeting", notebook="meeting.ipynb")


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    running = start_meeting(tmp_path_factory.mktemp("meeting"))
    yield running
    running.stop()


@pytest.fixture
def screen(browser) -> Iterator:
    """A 1920×1080 page (a projector) whose requests off this machine fail the test."""
    context = browser.new_context(viewport=FULL_HD, locale="zh-CN", service_workers="block", accept_downloads=True)
    guard = Guard()

    def route(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            guard.offsite.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: guard.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: guard.errors.append(f"uncaught: {error}"))
    page.guard = guard
    page.set_default_timeout(30_000)
    yield page
    page.close(run_before_unload=True)
    context.close()
    guard.assert_clean()


def on_screen(page) -> tuple[str, str]:
    return tuple(page.evaluate("() => [document.querySelector('.cm-deck').dataset.slide,"
                         " document.querySelector('.cm-counter').textContent]"))


def press(page, key: str, expect: str) -> None:
    page.keyboard.press(key)
    page.wait_for_function("id => document.querySelector('.cm-deck').dataset.slide === id", arg=expect, timeout=5000)


def test_presenter_walks_the_deck_with_clicker_keys_buttons_and_the_township_list(meeting, screen, tmp_path):
    page = screen
    page.goto(meeting.url, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(".cm-deck .cm-slide", timeout=LOAD_TIMEOUT_MS)
    assert on_screen(page) == ("title", f"1 / {SLIDE_COUNT}")
    page.evaluate("() => { window.__stillHere = true; }")

    # every slide: readable from the back of the room, nothing scrolls
    seen = []
    for n in range(SLIDE_COUNT):
        slide, counter = on_screen(page)
        seen.append(slide)
        assert counter == f"{n + 1} / {SLIDE_COUNT}"
        m = page.evaluate(MEASURE)
        assert m["scroll"][0] <= m["scroll"][1] and m["scroll"][2] <= m["scroll"][3], f"{slide} scrolls: {m['scroll']}"
        assert m["outside"] == [], f"{slide}: text outside the screen: {m['outside']}"
        assert m["min"] >= 24, f"{slide}: text of {m['min']:.1f} px ({m['minText']})"
        assert m["lowContrast"] == [], f"{slide}: low contrast {m['lowContrast']}"
        if slide == "coverage":
            screenshot(page, "meeting-coverage")
        if n < SLIDE_COUNT - 1:
            page.keyboard.press(("ArrowRight", "PageDown", " ")[n % 3])
            page.wait_for_function("n => document.querySelector('.cm-counter').textContent.startsWith((n + 2) + ' /')",
                                   arg=n, timeout=5000)
    assert seen[:4] == ["title", "figures", "coverage", "ranking"] and seen[-2:] == ["reconciliation", "differences"]

    # back with the clicker's other keys; a press at the end goes nowhere
    press(page, "PageDown", "differences")
    press(page, "PageUp", "reconciliation")
    press(page, "ArrowLeft", seen[-3])
    press(page, "Shift+Space", seen[-4])
    press(page, "Home", "title")
    press(page, "ArrowLeft", "title")
    press(page, "End", "differences")

    # on-screen buttons
    page.click(".cm-prev")
    page.wait_for_function("() => document.querySelector('.cm-deck').dataset.slide === 'reconciliation'")
    page.click(".cm-next")
    page.wait_for_function("() => document.querySelector('.cm-deck').dataset.slide === 'differences'")
    assert page.is_disabled(".cm-next")
    press(page, "Space", "differences")  # the focus never stays on a button: Space is the deck's

    # a township on screen from the list; the arrows then move slides, not the list
    page.select_option(".cm-township", label="勐糯镇")
    page.wait_for_function("() => document.querySelector('.cm-deck').dataset.slide === 'township-530523103'", timeout=20_000)
    assert on_screen(page)[1] == f"{SLIDE_COUNT + 1} / {SLIDE_COUNT + 1}"
    assert page.inner_text(".cm-slide-head h1") == "勐糯镇：7个合作社，覆盖5/6个村（社区）"
    m = page.evaluate(MEASURE)
    assert m["min"] >= 24 and m["outside"] == [] and m["scroll"][0] <= m["scroll"][1]
    screenshot(page, "meeting-township")
    press(page, "ArrowLeft", "differences")
    assert page.input_value(".cm-township") == "530523103"
    press(page, "ArrowRight", "township-530523103")

    # blank screen and back; F5 from a remote does not reload the page
    page.keyboard.press("b")
    page.wait_for_function("() => document.querySelector('.cm-deck').classList.contains('cm-blank')")
    press(page, "ArrowLeft", "differences")
    assert not page.evaluate("() => document.querySelector('.cm-deck').classList.contains('cm-blank')")
    page.keyboard.press("F5")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__stillHere === true")

    # personal data: chairs' names masked on the case slides
    registry = load_registry(Path(PROJECT) / "data" / "registry" / "longling_coops_2023_sample.xlsx")
    press(page, "Home", "title")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.cm-deck').dataset.slide === 'case-potou_ham'")
    text = page.inner_text(".cm-slide")
    assert "理事长：" in text and not [name for name in registry.frame["leader"].dropna() if name in text]

    # downloads of the township on screen: the table (names masked) arrives as a file
    page.select_option(".cm-township", value="530523203")
    page.wait_for_function("() => document.querySelector('.cm-deck').dataset.slide === 'township-530523203'", timeout=20_000)
    assert list(DOWNLOADS) == ["report-pdf", "table-xlsx"]
    with page.expect_download(timeout=60_000) as info:
        page.click('.cm-file[data-download="table-xlsx"]')
    download = info.value
    assert download.suggested_filename == "龙陵县党组织领办合作社台账_碧寨乡.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    table = load_registry(saved)
    assert table.report.accepted > 0 and table.report.rejected == 0 and set(table.frame["township"]) == {"530523203"}
    assert all(name.endswith("**") for name in table.frame["leader"].dropna())

    with page.expect_download(timeout=120_000) as info:
        page.click('.cm-file[data-download="report-pdf"]')
    download = info.value
    assert download.suggested_filename == "龙陵县党组织领办合作社情况报告_碧寨乡.pdf"
    pdf = tmp_path / "report.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "龙陵" in text and "碧寨乡" in text
    assert page.inner_text('.cm-file[data-download="report-pdf"]') == "报告 PDF"
    page.guard.assert_clean()


def test_a_link_opens_a_township_in_english(meeting, screen):
    page = screen
    page.goto(meeting.url + "?township=%E9%BE%99%E6%B1%9F&lang=en", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function("() => document.querySelector('.cm-deck')?.dataset.slide === 'township-530523201'",
                           timeout=LOAD_TIMEOUT_MS)
    assert page.inner_text(".cm-slide-head h1").startswith("Longjiang: ")
    assert page.inner_text(".cm-next").endswith("Next ▶")
    m = page.evaluate(MEASURE)
    assert m["min"] >= 24 and m["outside"] == [] and m["lowContrast"] == []
    press(page, "Home", "title")
    press(page, "ArrowRight", "figures")
    assert "Programme figures" in page.inner_text(".cm-slide-head h1")
    page.guard.assert_clean()
