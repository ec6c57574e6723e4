"""What a student does in the browser, step by step, on a course from ``build_course``:
shared by the walk through a first day and the accessibility checks."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

WRONG_ON_PURPOSE = "spring"
"""The cloze answer given on purpose (the right one is "autumn")."""


HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


def settle(page: Page) -> None:
    """Wait until htmx has finished swapping content in. htmx binds the forms of new
    content when it settles (20 ms after the swap): a key pressed sooner, faster than any
    person types, would send the plain form instead."""
    page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")


def sign_up(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text(f"Welcome to Lectern, {username}!")).to_be_visible()


def open_lesson(page: Page, heading: str) -> None:
    page.get_by_role("link", name=heading, exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def start_quiz(page: Page) -> None:
    """From a lesson page: its quiz's start page, then the first question."""
    page.get_by_role("link", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text(re.compile(r"Question 1 of \d+"))).to_be_visible()


def answers(n: int) -> dict[str, tuple[str, str, bool]]:
    """Lesson ``n``'s quiz: prompt -> (how to answer, what to give, right?)."""
    return {
        f"Salmon return to the river {n} every _____ to spawn.": (
            "type",
            WRONG_ON_PURPOSE,
            False,
        ),
        f"Where does the river {n} reach the sea?": ("choose", "Port Wren", True),
        f"The river {n} flows for 42 kilometres.": ("choose", "True", True),
        f"In which hills does the river {n} rise?": ("type", "Alder", True),
    }


def answer_current_question(page: Page, lesson: int) -> bool:
    """Answer the question on screen (the cloze wrongly, the others rightly), check the
    verdict the page announces, and return whether it was meant to be right."""
    expect(page.get_by_role("button", name="Answer", exact=True)).to_be_visible()
    settle(page)
    on_screen = [
        (prompt, how, given, right)
        for prompt, (how, given, right) in answers(lesson).items()
        if page.get_by_role("textbox" if how == "type" else "group", name=prompt).is_visible()
    ]
    assert len(on_screen) == 1, f"not one of lesson {lesson}'s questions: {on_screen}"
    prompt, how, given, right = on_screen[0]
    if how == "type":
        page.get_by_role("textbox", name=prompt).fill(given)
    else:
        page.get_by_role("group", name=prompt).get_by_role("radio", name=given).check()
    page.get_by_role("button", name="Answer", exact=True).click()
    verdict = page.get_by_role("status").filter(has_text=re.compile(r"Correct|Not quite"))
    expect(verdict).to_contain_text("Correct." if right else "Not quite.")
    expect(page.get_by_role("heading", name=prompt)).to_be_visible()
    return right


def next_after_feedback(page: Page) -> bool:
    """Follow the feedback's link: True when it led to the result page."""
    following = page.get_by_role("link", name="Next question").or_(
        page.get_by_role("link", name="See your result")
    )
    expect(following).to_be_visible()
    settle(page)
    finished = following.inner_text().strip() == "See your result"
    following.click()
    if finished:
        expect(page.get_by_text(re.compile(r"You scored"))).to_be_visible()
    return finished


def study_front(page: Page) -> str:
    """The prompt of the card on screen, once its front shows (and the page's scripts
    have loaded, as they have long before a person presses a key)."""
    page.wait_for_load_state()
    expect(page.get_by_role("button", name=re.compile(r"^Show answer"))).to_be_visible()
    return page.locator("#study-prompt").inner_text()


def reveal_and_rate(
    page: Page, *, keyboard: bool, rating: int = 3, on_back: Callable[[], None] | None = None
) -> None:
    """Show the card's back, then rate it: by keys (Space, then a digit) or by clicks.
    ``on_back`` runs while the back shows."""
    if keyboard:
        settle(page)
        page.keyboard.press("Space")
    else:
        page.get_by_role("button", name=re.compile(r"^Show answer")).click()
    grades = page.get_by_role("group", name="How well did you know it?")
    expect(grades).to_be_visible()
    expect(page.get_by_text("Answer", exact=True)).to_be_visible()
    if on_back:
        on_back()
    if keyboard:
        settle(page)
        page.keyboard.press(str(rating))
    else:
        label = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}[rating]
        grades.get_by_role("button", name=re.compile(rf"^{label}\b")).click()
    expect(grades).to_be_hidden()
