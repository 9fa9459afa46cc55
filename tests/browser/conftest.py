"""Browser fixtures: ``coopmap serve`` on a free port, and headless Chromium with the network cut.

Every page gets a guard that aborts any request not addressed to 127.0.0.1/localhost
and records it, and records console errors and uncaught page errors; each test ends
with :meth:`Guard.assert_clean`, and the fixture checks again when the page closes.
The helpers the tests call themselves are in ``tests/helpers/browser.py``.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from helpers import REAL_BOUNDARIES
from helpers.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Dashboard,
    close_page,
    guarded_page,
    playwright_api,
    start_dashboard,
)

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser() -> Iterator["playwright_api.Browser"]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":  # CI must run the browser tests, never skip them
            pytest.fail(f"no system Chromium at {CHROMIUM}: .ci/run must install the Debian package 'chromium'")
        pytest.skip(f"no system Chromium at {CHROMIUM} (Debian package 'chromium')")
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """The dashboard on the shipped data, as the README starts it."""
    running = start_dashboard(tmp_path_factory.mktemp("serve"))
    yield running
    running.stop()


@pytest.fixture
def page(browser: "playwright_api.Browser") -> Iterator["playwright_api.Page"]:
    """A fresh page whose requests off 127.0.0.1/localhost are aborted and fail the test."""
    page = guarded_page(browser)
    yield page
    close_page(page)
    guard = page.guard
    if guard.offsite or guard.errors:
        pytest.fail(f"requests left localhost: {guard.offsite}; console errors: {guard.errors}")


@pytest.fixture(scope="module")
def real_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """The dashboard on the real township boundaries from ../shared (skipped without them)."""
    if not REAL_BOUNDARIES.exists():
        pytest.skip(f"real township boundaries not found at {REAL_BOUNDARIES} (they are not part of the project)")
    running = start_dashboard(tmp_path_factory.mktemp("serve-real"), "--boundaries", str(REAL_BOUNDARIES))
    yield running
    running.stop()
