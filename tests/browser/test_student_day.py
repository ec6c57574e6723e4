"""A new student's first day, in a real browser, with JavaScript on and off: sign up, read
a lesson, take its quiz (one answer wrong on purpose), see the result with the missed
question's source sentence highlighted, study five cards, and see the progress page
count the reviews. Each page is saved as a screenshot at 375 and 1280 px wide."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_page, screenshot
from tests.browser.student import (
    WRONG_ON_PURPOSE,
    answer_current_question,
    next_after_feedback,
    open_lesson,
    reveal_and_rate,
    sign_up,
    start_quiz,
    study_front,
)

# Transactional, for the live server; serialized_rollback brings back the rows that
# migrations write (the Teachers group) after each test flushes the tables.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SOURCE = "Salmon return to the river 1 every autumn to spawn in its gravel beds."
STUDIED = 5
QUIZ_QUESTIONS = 4


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_new_student_reads_quizzes_studies_and_sees_progress(browser, live_server, javascript):
    page = new_page(browser, javascript=javascript)
    shot = "js" if javascript else "nojs"

    # Sign up, land home, open the first lesson.
    sign_up(page, live_server.url, "lin")
    expect(page.get_by_role("heading", level=1, name="Your documents")).to_be_visible()
    expect(page.get_by_role("heading", name="Rivers of the North")).to_be_visible()
    screenshot(page, f"{shot}-1-home")
    open_lesson(page, "River 1")
    expect(page.get_by_text("It flows for 42 kilometres")).to_be_visible()
    screenshot(page, f"{shot}-2-lesson")

    # Its quiz: every question answered, the cloze wrongly.
    start_quiz(page)
    screenshot(page, f"{shot}-3-quiz-question")
    rights = []
    for number in range(1, QUIZ_QUESTIONS + 1):
        expect(page.get_by_text(f"Question {number} of {QUIZ_QUESTIONS}")).to_be_visible()
        rights.append(answer_current_question(page, lesson=1))
        # With JavaScript, htmx swapped the feedback in; without, the form was posted.
        assert ("?feedback=" in page.url) is not javascript
        if not rights[-1]:
            screenshot(page, f"{shot}-4-quiz-feedback")
        assert next_after_feedback(page) == (number == QUIZ_QUESTIONS)
    assert rights.count(False) == 1

    # The result: 3 of 4, and the missed question's sentence highlighted in its paragraph.
    expect(page.get_by_text("You scored 3 of 4 (75%).")).to_be_visible()
    missed = page.get_by_role("listitem").filter(has_text=WRONG_ON_PURPOSE)
    expect(missed.locator("mark")).to_have_text(SOURCE)
    expect(missed).to_contain_text("autumn")
    screenshot(page, f"{shot}-5-quiz-result")

    # Progress so far: the quiz's answers count as reviews.
    page.get_by_role("link", name="Progress", exact=True).click()
    overview = page.get_by_role("region", name="At a glance")
    expect(overview).to_contain_text(f"Reviews in the last 90 days {QUIZ_QUESTIONS}")

    # Five cards: by keyboard with JavaScript, by the buttons without.
    page.get_by_role("link", name="Study", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Study")).to_be_visible()
    seen = []
    for number in range(STUDIED):
        seen.append(study_front(page))
        if number == 0:
            screenshot(page, f"{shot}-6-study-front")
        reveal_and_rate(
            page,
            keyboard=javascript,
            rating=3 if number % 2 else 4,
            on_back=(lambda: screenshot(page, f"{shot}-7-study-back")) if number == 0 else None,
        )
    assert len(set(seen)) == STUDIED, seen
    if javascript:  # htmx swapped each card in place
        assert page.url == f"{live_server.url}/study/"

    # Progress now counts the five cards too, all today.
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Your progress")).to_be_visible()
    reviews = QUIZ_QUESTIONS + STUDIED
    expect(overview).to_contain_text(f"Reviews in the last 90 days {reviews}")
    expect(overview).to_contain_text("Streak 1 day")
    screenshot(page, f"{shot}-8-progress")
    page.get_by_text("Reviews per day, last 90 days: the figures as a table").click()
    today = page.get_by_role("table", name="Reviews per day, last 90 days").get_by_role("row")
    expect(today.last.get_by_role("cell")).to_have_text(str(reviews))
    lesson_row = (
        page.get_by_role("region", name="Mastery by lesson")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="River 1", exact=True))
    )
    mastery = re.search(r"Mastery (\d+)%", lesson_row.inner_text())
    assert mastery and int(mastery.group(1)) > 0, lesson_row.inner_text()
