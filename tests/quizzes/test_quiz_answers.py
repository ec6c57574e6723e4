"""services.answer_question: grading every kind, refusals, idempotence, and the review each
answer logs for the flashcard schedule."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from quizzes.models import CardState, Choice, QuestionKind, Rating, ReviewLog
from quizzes.services import (
    AttemptFinished,
    InvalidAnswer,
    answer_question,
    finish_attempt,
    start_attempt,
)
from quizzes.services.attempts import REVIEW_NAMESPACE
from tests.quizzes.course import build_course, give_history

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=2)


@pytest.fixture
def questions(course):
    return course.questions[course.lessons[0].pk]


@pytest.fixture
def attempt(student, course):
    return start_attempt(user=student, lesson=course.lessons[0], now=T0, seed=7)


def choice(question, text):
    return Choice.objects.get(question=question, text=text)


def answer(attempt, question, *, seconds=5, shown=None, **given):
    """Answer ``seconds`` after T0; the question was shown ``shown`` seconds after T0
    (None: no stamp, so the answer is not timed)."""
    return answer_question(
        attempt=attempt,
        question_id=question.pk,
        now=T0 + timedelta(seconds=seconds),
        shown_at=None if shown is None else T0 + timedelta(seconds=shown),
        **given,
    )


# --- Grading --------------------------------------------------------------------------


def test_a_right_option_is_correct_and_a_wrong_one_is_not(attempt, questions, course):
    mc = questions[QuestionKind.MULTIPLE_CHOICE]
    right = answer(attempt, mc, choice_id=choice(mc, "Port Wren").pk)

    assert (right.correct, right.score, right.response) == (True, 1.0, "Port Wren")
    assert right.choice.text == "Port Wren"

    other = start_attempt(user=attempt.user, lesson=course.lessons[1], now=T0)
    mc2 = course.questions[course.lessons[1].pk][QuestionKind.MULTIPLE_CHOICE]
    wrong = answer(other, mc2, choice_id=choice(mc2, "Alder").pk)
    assert (wrong.correct, wrong.score) == (False, 0.0)


def test_true_false_compares_with_the_answer(attempt, questions):
    tf = questions[QuestionKind.TRUE_FALSE]

    graded = answer(attempt, tf, response="False")

    assert (graded.correct, graded.response) == (False, "false")


@pytest.mark.parametrize(
    ("response", "correct"),
    [("autumn", True), ("Autum", True), ("fall", True), ("spring", False)],
)
def test_a_cloze_answer_is_graded_with_typos_and_alternatives(
    attempt, questions, response, correct
):
    graded = answer(attempt, questions[QuestionKind.CLOZE], response=response)

    assert graded.correct is correct
    assert graded.response == response


def test_a_short_answer_accepts_its_alternatives(attempt, questions):
    graded = answer(attempt, questions[QuestionKind.SHORT_ANSWER], response="  alder ")

    assert graded.correct is True and graded.response == "alder"


def test_accent_sensitive_questions_refuse_a_missing_accent(attempt, questions):
    cloze = questions[QuestionKind.CLOZE]
    cloze.answer, cloze.accepted_answers, cloze.accent_sensitive = "café", [], True
    cloze.save()

    assert answer(attempt, cloze, response="cafe").correct is False


def test_the_time_taken_runs_from_when_the_question_was_shown(attempt, questions):
    first = answer(
        attempt, questions[QuestionKind.TRUE_FALSE], response="true", seconds=4, shown=0
    )
    # 20 s reading the feedback, then the next question is shown and answered in 10 s.
    second = answer(
        attempt, questions[QuestionKind.CLOZE], response="autumn", seconds=34, shown=24
    )

    assert (first.seconds, second.seconds) == (4.0, 10.0)
    assert second.answered_at == T0 + timedelta(seconds=34)


# --- Refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "given", "message"),
    [
        (QuestionKind.MULTIPLE_CHOICE, {}, "Choose an answer."),
        (QuestionKind.TRUE_FALSE, {"response": ""}, "Choose an answer."),
        (QuestionKind.TRUE_FALSE, {"response": "maybe"}, "Choose an answer."),
        (QuestionKind.CLOZE, {"response": "   "}, "Type an answer."),
        (QuestionKind.SHORT_ANSWER, {"response": "x" * 501}, "under 500 characters"),
    ],
)
def test_missing_input_is_refused_and_nothing_is_stored(attempt, questions, kind, given, message):
    with pytest.raises(InvalidAnswer, match=message):
        answer(attempt, questions[kind], **given)

    assert not attempt.answers.filter(answered_at__isnull=False).exists()
    assert not ReviewLog.objects.exists()


def test_an_option_of_another_question_is_refused(attempt, questions, course):
    other_mc = course.questions[course.lessons[1].pk][QuestionKind.MULTIPLE_CHOICE]

    with pytest.raises(InvalidAnswer, match="Choose one of the options shown"):
        answer(
            attempt,
            questions[QuestionKind.MULTIPLE_CHOICE],
            choice_id=choice(other_mc, "Port Wren").pk,
        )


def test_a_question_outside_the_attempt_is_refused(attempt, course):
    outside = course.questions[course.lessons[1].pk][QuestionKind.TRUE_FALSE]

    with pytest.raises(InvalidAnswer, match="not part of this quiz"):
        answer(attempt, outside, response="true")


def test_a_finished_attempt_takes_no_more_answers(attempt, questions):
    finish_attempt(attempt=attempt, now=T0)

    with pytest.raises(AttemptFinished, match="already finished"):
        answer(attempt, questions[QuestionKind.TRUE_FALSE], response="true")
    assert not ReviewLog.objects.exists()


def test_answering_twice_keeps_the_first_answer(attempt, questions):
    tf = questions[QuestionKind.TRUE_FALSE]
    first = answer(attempt, tf, response="true", seconds=3)

    second = answer(attempt, tf, response="false", seconds=9)

    assert second.pk == first.pk
    assert (second.response, second.correct, second.answered_at) == (
        "true",
        True,
        T0 + timedelta(seconds=3),
    )
    assert ReviewLog.objects.count() == 1


def test_answering_the_last_question_finishes_the_attempt(attempt, questions):
    answer(attempt, questions[QuestionKind.TRUE_FALSE], response="true", seconds=1)
    answer(attempt, questions[QuestionKind.CLOZE], response="autumn", seconds=2)
    answer(attempt, questions[QuestionKind.SHORT_ANSWER], response="nowhere", seconds=3)
    assert attempt.submitted_at is None

    mc = questions[QuestionKind.MULTIPLE_CHOICE]
    answer(attempt, mc, choice_id=choice(mc, "Port Wren").pk, seconds=4)

    attempt.refresh_from_db()
    assert attempt.submitted_at == T0 + timedelta(seconds=4)
    assert (attempt.score, attempt.max_score) == (3.0, 4)


# --- The schedule ---------------------------------------------------------------------


def logged(student, question):
    return ReviewLog.objects.get(user=student, question=question, device="web quiz")


def test_a_wrong_answer_logs_again(student, attempt, questions):
    tf = questions[QuestionKind.TRUE_FALSE]
    answer(attempt, tf, response="false", shown=0)

    log = logged(student, tf)
    assert log.rating == Rating.AGAIN
    assert log.id == uuid.uuid5(REVIEW_NAMESPACE, f"{attempt.pk}:{tf.pk}")
    assert (log.reviewed_at, log.duration_ms, log.device) == (
        T0 + timedelta(seconds=5),
        5000,
        "web quiz",
    )
    assert CardState.objects.get(user=student, question=tf).state == "learning"


def test_a_right_answer_logs_good_and_a_slow_one_hard(student, attempt, questions):
    answer(attempt, questions[QuestionKind.TRUE_FALSE], response="true", seconds=5, shown=0)
    answer(attempt, questions[QuestionKind.CLOZE], response="autumn", seconds=5 + 60, shown=5)

    assert logged(student, questions[QuestionKind.TRUE_FALSE]).rating == Rating.GOOD
    assert logged(student, questions[QuestionKind.CLOZE]).rating == Rating.HARD


def test_a_fast_right_answer_logs_easy_only_on_a_known_card(student, attempt, questions):
    tf, cloze = questions[QuestionKind.TRUE_FALSE], questions[QuestionKind.CLOZE]
    give_history(student, [tf], reviews=3, start=T0 - timedelta(days=30))
    assert CardState.objects.get(user=student, question=tf).state == "review"

    answer(attempt, tf, response="true", seconds=2, shown=0)
    answer(attempt, cloze, response="autumn", seconds=4, shown=2)

    assert logged(student, tf).rating == Rating.EASY
    assert logged(student, cloze).rating == Rating.GOOD  # fast, but a new card


def test_a_question_retired_mid_attempt_is_graded_but_not_scheduled(student, attempt, questions):
    tf = questions[QuestionKind.TRUE_FALSE]
    tf.status = "retired"
    tf.save()

    graded = answer(attempt, tf, response="true")

    assert graded.correct is True
    assert not ReviewLog.objects.exists()


# --- Feedback at the end: reviews wait for the end of the attempt ----------------------


@pytest.fixture
def deferred(student, teacher):
    course = build_course(teacher, title="Deferred", lessons=1, quiz_feedback="deferred")
    attempt = start_attempt(user=student, lesson=course.lessons[0], now=T0, seed=7)
    return attempt, course.questions[course.lessons[0].pk]


def test_with_feedback_at_the_end_no_review_is_logged_before_the_attempt_ends(student, deferred):
    attempt, questions = deferred
    answer(attempt, questions[QuestionKind.TRUE_FALSE], response="false", seconds=5)
    answer(attempt, questions[QuestionKind.CLOZE], response="spring", seconds=9)

    assert not ReviewLog.objects.exists()
    assert not CardState.objects.filter(user=student).exists()  # nothing due mid-quiz


def test_finishing_a_deferred_attempt_logs_each_answer_when_it_was_given(student, deferred):
    attempt, questions = deferred
    tf, cloze = questions[QuestionKind.TRUE_FALSE], questions[QuestionKind.CLOZE]
    answer(attempt, tf, response="false", seconds=5, shown=0)
    answer(attempt, cloze, response="autumn", seconds=9, shown=5)

    finish_attempt(attempt=attempt, now=T0 + timedelta(minutes=3))
    finish_attempt(attempt=attempt, now=T0 + timedelta(minutes=4))  # no second log

    assert ReviewLog.objects.count() == 2
    wrong, right = logged(student, tf), logged(student, cloze)
    assert (wrong.rating, wrong.reviewed_at, wrong.duration_ms) == (
        Rating.AGAIN,
        T0 + timedelta(seconds=5),
        5000,
    )
    assert wrong.id == uuid.uuid5(REVIEW_NAMESPACE, f"{attempt.pk}:{tf.pk}")
    assert (right.rating, right.reviewed_at) == (Rating.GOOD, T0 + timedelta(seconds=9))
    assert CardState.objects.get(user=student, question=tf).state == "learning"


def test_the_last_deferred_answer_logs_every_review(student, deferred):
    attempt, questions = deferred
    mc = questions[QuestionKind.MULTIPLE_CHOICE]
    answer(attempt, questions[QuestionKind.TRUE_FALSE], response="true", seconds=1)
    answer(attempt, questions[QuestionKind.CLOZE], response="autumn", seconds=2)
    answer(attempt, questions[QuestionKind.SHORT_ANSWER], response="nowhere", seconds=3)
    assert not ReviewLog.objects.exists()

    answer(attempt, mc, choice_id=choice(mc, "Port Wren").pk, seconds=4)

    assert ReviewLog.objects.filter(user=student, device="web quiz").count() == 4


def test_a_retired_question_does_not_stop_the_other_deferred_reviews(student, deferred):
    attempt, questions = deferred
    tf, cloze = questions[QuestionKind.TRUE_FALSE], questions[QuestionKind.CLOZE]
    answer(attempt, tf, response="true")
    answer(attempt, cloze, response="autumn")
    tf.status = "retired"
    tf.save()

    finish_attempt(attempt=attempt, now=T0 + timedelta(minutes=1))

    assert list(ReviewLog.objects.values_list("question_id", flat=True)) == [cloze.pk]
