"""How long a quiz answer took: from when its question was shown (a signed stamp in the
question's form), clamped to the attempt, and not timed at all past ten minutes."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import QuestionKind, Rating, ReviewLog
from quizzes.services import answer_question, start_attempt
from quizzes.services.attempts import read_shown_at, sign_shown_at
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=1)


@pytest.fixture
def questions(course):
    return course.questions[course.lessons[0].pk]


@pytest.fixture
def attempt(student, course):
    return start_attempt(user=student, lesson=course.lessons[0], now=T0, seed=1)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def rating(student, question):
    return ReviewLog.objects.get(user=student, question=question).rating


def test_reading_the_feedback_does_not_make_the_next_right_answer_hard(
    student, attempt, questions
):
    cloze, tf = questions[QuestionKind.CLOZE], questions[QuestionKind.TRUE_FALSE]
    answer_question(
        attempt=attempt, question_id=cloze.pk, response="autumn", shown_at=at(0), now=at(3)
    )
    # 15 s reading the feedback; the true/false question is shown at 18 s, answered at 21 s.
    graded = answer_question(
        attempt=attempt, question_id=tf.pk, response="true", shown_at=at(18), now=at(21)
    )

    assert graded.seconds == 3.0
    assert rating(student, tf) == Rating.GOOD


def test_a_stamp_older_than_the_previous_answer_counts_from_that_answer(attempt, questions):
    cloze, tf = questions[QuestionKind.CLOZE], questions[QuestionKind.TRUE_FALSE]
    answer_question(
        attempt=attempt, question_id=cloze.pk, response="autumn", shown_at=at(0), now=at(3)
    )

    graded = answer_question(
        attempt=attempt, question_id=tf.pk, response="true", shown_at=at(-50), now=at(8)
    )

    assert graded.seconds == 5.0


def test_a_stamp_from_the_future_counts_as_shown_now(attempt, questions):
    tf = questions[QuestionKind.TRUE_FALSE]

    graded = answer_question(
        attempt=attempt, question_id=tf.pk, response="true", shown_at=at(99), now=at(4)
    )

    assert graded.seconds == 0.0


def test_an_answer_after_ten_minutes_is_not_timed_and_a_right_one_is_good(
    student, attempt, questions
):
    cloze = questions[QuestionKind.CLOZE]

    graded = answer_question(
        attempt=attempt,
        question_id=cloze.pk,
        response="autumn",
        shown_at=at(0),
        now=at(24 * 3600),  # resumed the next day
    )

    assert graded.seconds is None
    log = ReviewLog.objects.get(question=cloze)
    assert (log.rating, log.duration_ms) == (Rating.GOOD, None)


def test_ten_minutes_exactly_is_still_timed_and_slow(student, attempt, questions):
    cloze = questions[QuestionKind.CLOZE]

    graded = answer_question(
        attempt=attempt, question_id=cloze.pk, response="autumn", shown_at=at(0), now=at(600)
    )

    assert graded.seconds == 600.0
    assert rating(student, cloze) == Rating.HARD


def test_an_answer_without_a_stamp_is_not_timed(student, attempt, questions):
    tf = questions[QuestionKind.TRUE_FALSE]

    graded = answer_question(attempt=attempt, question_id=tf.pk, response="false", now=at(90))

    assert graded.seconds is None
    assert rating(student, tf) == Rating.AGAIN


def test_a_stamp_is_bound_to_its_attempt_and_question(student, attempt, course, questions):
    tf, cloze = questions[QuestionKind.TRUE_FALSE], questions[QuestionKind.CLOZE]
    stamp = sign_shown_at(attempt=attempt, question_id=tf.pk, at=at(7))
    other = start_attempt(user=student, document=course.document, now=T0)

    assert read_shown_at(stamp, attempt=attempt, question_id=tf.pk) == at(7)
    assert read_shown_at(stamp, attempt=attempt, question_id=cloze.pk) is None
    assert read_shown_at(stamp, attempt=other, question_id=tf.pk) is None
    assert read_shown_at(stamp + "x", attempt=attempt, question_id=tf.pk) is None
    assert read_shown_at("", attempt=attempt, question_id=tf.pk) is None


# --- Through the page -----------------------------------------------------------------


def shown_stamp(page):
    return re.search(r'name="shown" value="([^"]+)"', page).group(1)


def any_input(attempt, question_id):
    kind = attempt.answers.get(question_id=question_id).question.kind
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return {"choice": "1"}
    return {"response": "true" if kind == QuestionKind.TRUE_FALSE else "x"}


def test_the_page_times_an_answer_from_when_it_showed_the_question(
    student_client, student, course, monkeypatch
):
    clock = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    attempt = start_attempt(user=student, lesson=course.lessons[0], seed=1)
    clock["now"] += timedelta(minutes=5)  # the student wanders off before the question
    page = student_client.get(reverse("attempt", args=[attempt.pk])).content.decode()
    current = int(re.search(r'name="question" value="(\d+)"', page).group(1))
    clock["now"] += timedelta(seconds=4)

    response = student_client.post(
        reverse("attempt", args=[attempt.pk]),
        {"question": current, "shown": shown_stamp(page), **any_input(attempt, current)},
    )

    assert response.status_code == 302
    assert attempt.answers.get(question_id=current).seconds == 4.0
    assert ReviewLog.objects.get(question_id=current).duration_ms == 4000


def test_a_forged_stamp_leaves_the_answer_untimed(student_client, student, course):
    attempt = start_attempt(user=student, lesson=course.lessons[0], seed=1)
    page = student_client.get(reverse("attempt", args=[attempt.pk])).content.decode()
    current = int(re.search(r'name="question" value="(\d+)"', page).group(1))
    forged = sign_shown_at(attempt=attempt, question_id=current, at=T0).replace(":", ";")

    response = student_client.post(
        reverse("attempt", args=[attempt.pk]),
        {"question": current, "shown": forged, **any_input(attempt, current)},
    )

    assert response.status_code == 302
    assert attempt.answers.get(question_id=current).seconds is None
