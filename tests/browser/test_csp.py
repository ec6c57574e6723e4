"""The Content Security Policy holds in a real browser: chromium reports no violation
(no inline script, style or event handler blocked, nothing loaded from elsewhere) and no
script error on the student's pages, the log-in page, the teacher's admin pages and the
API documentation, with htmx and the admin's scripts at work."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from accounts.models import User
from quizzes.models import Classroom, Membership
from tests.browser.conftest import SCREENSHOTS, WIDE, new_page
from tests.browser.student import (
    answer_current_question,
    open_lesson,
    reveal_and_rate,
    sign_up,
    start_quiz,
    study_front,
)
from tests.conftest import PASSWORD
from tests.quizzes.course import Course

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Runs in every document before its own scripts (Playwright injects it, outside the
# page's policy): each violation the browser reports becomes a console error.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || document.location.href}:${event.lineNumber} ` +
    `(${event.sample || "no sample"})`
  );
});
"""


def watched_page(browser: Browser, problems: list[str], **options) -> Page:
    page = new_page(browser, **options)
    page.context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message: ConsoleMessage) -> None:
        # Browsers ask for /favicon.ico on their own; there is none.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error {error}"))
    return page


def visit(page: Page, problems: list[str], name: str, step: Callable[[], object]) -> None:
    """Take one step and let the page settle; any violation is reported with its name."""
    before = len(problems)
    step()
    page.wait_for_load_state("load")
    # A tick for late style or script work (htmx settles 20 ms after a swap).
    page.wait_for_timeout(100)
    problems[before:] = [f"[{name}] {problem}" for problem in problems[before:]]


@pytest.fixture
def classroom(teacher, course: Course) -> Classroom:
    """A class of the teacher's with the course and two students, for the admin's page."""
    classroom = Classroom.objects.create(teacher=teacher, name="Geography 7B")
    classroom.documents.add(course.document)
    for name in ("kim", "lee"):
        student = User.objects.create_user(username=name, password=PASSWORD)
        Membership.objects.create(classroom=classroom, student=student)
    return classroom


def test_the_student_pages_break_no_rule_of_the_policy(browser, live_server):
    problems: list[str] = []
    page = watched_page(browser, problems)
    base = live_server.url

    visit(page, problems, "log-in page", lambda: page.goto(f"{base}/accounts/login/"))
    visit(page, problems, "sign-up and home", lambda: sign_up(page, base, "lin"))
    expect(page.get_by_role("heading", level=1, name="Your documents")).to_be_visible()
    visit(page, problems, "lesson", lambda: open_lesson(page, "River 1"))
    visit(page, problems, "quiz question", lambda: start_quiz(page))
    visit(page, problems, "quiz feedback", lambda: answer_current_question(page, lesson=1))
    visit(
        page,
        problems,
        "study front",
        lambda: (page.get_by_role("link", name="Study", exact=True).click(), study_front(page)),
    )
    visit(page, problems, "study back and rating", lambda: reveal_and_rate(page, keyboard=True))
    visit(
        page,
        problems,
        "progress",
        lambda: page.get_by_role("link", name="Progress", exact=True).click(),
    )
    expect(page.get_by_role("heading", level=1, name="Your progress")).to_be_visible()
    visit(
        page,
        problems,
        "classes",
        lambda: page.get_by_role("link", name="Classes", exact=True).click(),
    )
    visit(page, problems, "account", lambda: page.goto(f"{base}/accounts/"))
    page.goto(f"{base}/study/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(WIDE)
    page.screenshot(path=SCREENSHOTS / "csp-student-study-1280.png", full_page=True)

    assert not problems, "\n".join(problems)


# The class comes before the browser: pytest sets fixtures up in the order they are
# named, and the ORM refuses to write while the browser runs (see the browser fixture).
def test_the_admin_pages_break_no_rule_of_the_policy(classroom, course, browser, live_server):
    problems: list[str] = []
    page = watched_page(browser, problems, viewport=WIDE)
    base = live_server.url
    question = course.published()[1]  # the multiple-choice one, with its choices inline

    def log_in() -> None:
        page.goto(f"{base}/admin/login/")
        page.get_by_label("Username").fill("ada")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()

    visit(page, problems, "admin log-in", log_in)
    admin = f"{base}/admin/quizzes"
    pages = {
        "documents": f"{admin}/document/",
        "document": f"{admin}/document/{course.document.pk}/change/",
        "questions": f"{admin}/question/",
        "question with choices": f"{admin}/question/{question.pk}/change/",
        "classes": f"{admin}/classroom/",
        "class": f"{admin}/classroom/{classroom.pk}/change/",
    }
    for name, url in pages.items():
        visit(page, problems, name, lambda url=url: page.goto(url))
        assert page.title() != "Server Error (500)", name
    # The inline's "add another" row is built by the admin's script.
    page.goto(pages["question with choices"])
    visit(
        page,
        problems,
        "add a choice",
        lambda: page.get_by_role("button", name="Add another Choice").click(),
    )
    page.screenshot(path=SCREENSHOTS / "csp-admin-question-1280.png", full_page=True)

    assert not problems, "\n".join(problems)


def test_the_api_documentation_breaks_no_rule_of_the_policy(browser, live_server):
    problems: list[str] = []
    page = watched_page(browser, problems, viewport=WIDE)

    visit(page, problems, "api docs", lambda: page.goto(f"{live_server.url}/api/v1/docs/"))
    expect(page.get_by_text("Lectern API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/auth/login/").first).to_be_visible()

    assert not problems, "\n".join(problems)
