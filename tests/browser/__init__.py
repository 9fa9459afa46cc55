"""Browser tests of the dashboard (headless system Chromium, Playwright)."""
