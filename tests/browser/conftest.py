"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches the system chromium
(``apt-get install chromium``), or the executable named by ``LECTERN_CHROMIUM``. Without
one the tests are skipped, except in CI (``CI=true``), where a missing browser fails the
run so that a green build always means the browser tests ran.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.quizzes.course import Course, build_course

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe-4.14.1.min.js"

CHROMIUM = os.environ.get("LECTERN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NARROW = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str:
    """The chromium executable, or a skip (a failure in CI) that says how to install it."""
    found = shutil.which(CHROMIUM)
    if found:
        return found
    install = "apt-get update && apt-get install -y chromium"
    message = (
        f"No chromium at {CHROMIUM!r} for the browser tests. Install Debian's ({install}) "
        "or set LECTERN_CHROMIUM to a chromium executable."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture
def course(teacher) -> Course:
    return build_course(teacher)


@pytest.fixture
def browser(live_server, course) -> Iterator[Browser]:
    """A headless chromium, started after the database and the course are ready and
    stopped before the test's database flush.

    Playwright's sync API runs an asyncio event loop in this (the test) thread. While it
    runs, Django takes the thread for async code: it refuses ORM calls
    (``SynchronousOnlyOperation``), and it would keep the thread's database connections
    apart from the ones the test database was set up on, so that a connection opened
    then is never closed (on PostgreSQL the test database then cannot be dropped). So
    every ORM write a test needs happens in fixtures set up before this one (name them
    first in the test's arguments), and the browser tests assert on pages, not on the
    database. Django's refusal is left on, so a test that breaks this rule fails.
    """
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def new_page(browser: Browser, *, javascript: bool = True, viewport: dict | None = None) -> Page:
    context = browser.new_context(
        java_script_enabled=javascript, viewport=viewport or NARROW, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def screenshot(page: Page, name: str) -> None:
    """Full-page screenshots at 375 and 1280 px wide, as test artefacts. At 375 px the
    page must not scroll sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for viewport in (NARROW, WIDE):
        page.set_viewport_size(viewport)
        page.screenshot(path=SCREENSHOTS / f"{name}-{viewport['width']}.png", full_page=True)
        if viewport is NARROW:
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways at 375 px by {overflow} px"
    if original:
        page.set_viewport_size(original)


SERIOUS = {"serious", "critical"}


def axe_violations(page: Page) -> list[str]:
    """The page's serious and critical axe-core violations, one line per element."""
    # Evaluated through the browser's DevTools protocol, which the page's Content Security
    # Policy does not govern: an injected <script> with inline code would be refused.
    page.evaluate(AXE.read_text() + "\n;undefined")
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {', '.join(map(str, node['target']))} - {v['help']}"
        for v in violations
        if v["impact"] in SERIOUS
        for node in v["nodes"]
    ]
