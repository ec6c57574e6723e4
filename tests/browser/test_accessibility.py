"""axe-core (vendored, injected into the page) finds no serious or critical violation on
any of the student's pages (their classes included), at 375 px wide with JavaScript on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, new_page
from tests.browser.student import (
    answer_current_question,
    next_after_feedback,
    open_lesson,
    reveal_and_rate,
    sign_up,
    start_quiz,
    study_front,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def lesson(page: Page) -> None:
    open_lesson(page, "River 1")


def quiz_question(page: Page) -> None:
    lesson(page)
    start_quiz(page)


def quiz_feedback(page: Page) -> None:
    quiz_question(page)
    answer_current_question(page, lesson=1)


def quiz_result(page: Page) -> None:
    quiz_question(page)
    while True:
        answer_current_question(page, lesson=1)
        if next_after_feedback(page):
            break


def study(page: Page) -> None:
    page.get_by_role("link", name="Study", exact=True).click()
    study_front(page)


def study_back(page: Page) -> None:
    study(page)
    page.keyboard.press("Space")
    expect(page.get_by_role("group", name="How well did you know it?")).to_be_visible()


def progress(page: Page) -> None:
    """After a quiz and one card, so that every part of the page has something to show."""
    quiz_result(page)
    study(page)
    reveal_and_rate(page, keyboard=True)
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Your progress")).to_be_visible()


def classes_with_an_error(page: Page) -> None:
    """The classes page, showing the join form's error for a code that matches nothing."""
    page.get_by_role("link", name="Classes", exact=True).click()
    page.get_by_label("Class code").fill("WRONG-CODE")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("No class has the code")).to_be_visible()


PAGES: dict[str, Callable[[Page], None]] = {
    "home": lambda page: None,
    "lesson": lesson,
    "quiz question": quiz_question,
    "quiz feedback": quiz_feedback,
    "quiz result": quiz_result,
    "study front": study,
    "study back": study_back,
    "progress": progress,
    "classes": classes_with_an_error,
}


@pytest.mark.parametrize("name", PAGES)
def test_the_page_has_no_serious_accessibility_violations(browser, live_server, name):
    page = new_page(browser)
    sign_up(page, live_server.url, "lin")
    PAGES[name](page)

    violations = axe_violations(page)

    assert not violations, f"{name} ({page.url}):\n" + "\n".join(violations)
