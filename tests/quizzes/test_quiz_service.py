"""services.start_attempt / finish_attempt: seeded randomisation, resume, time limits and
the attempts limit."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from quizzes.models import Answer, Choice, QuestionKind, QuizAttempt
from quizzes.services import (
    QuizUnavailable,
    TimeUp,
    answer_question,
    finish_attempt,
    start_attempt,
)
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def question_order(attempt):
    return list(attempt.answers.order_by("position").values_list("question_id", flat=True))


def choice_orders(attempt):
    return {
        a.question_id: a.choice_order
        for a in attempt.answers.all()
        if a.question.kind == QuestionKind.MULTIPLE_CHOICE
    }


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=3, extra_questions=3)


# --- Randomisation --------------------------------------------------------------------


def test_a_lesson_quiz_holds_every_published_quiz_question_of_the_lesson(student, course):
    lesson = course.lessons[0]

    attempt = start_attempt(user=student, lesson=lesson, now=T0, seed=1)

    quizzed = {
        q.pk for kind, q in course.questions[lesson.pk].items() if kind != QuestionKind.FLASHCARD
    }
    extras = set(lesson.questions.filter(prompt__startswith="Extra").values_list("pk", flat=True))
    assert set(question_order(attempt)) == quizzed | extras
    assert attempt.max_score == len(quizzed | extras) == 7
    assert list(attempt.answers.values_list("position", flat=True).order_by("position")) == list(
        range(1, 8)
    )
    assert not attempt.answers.filter(answered_at__isnull=False).exists()


def test_the_same_seed_gives_the_same_quiz_and_another_seed_a_different_one(student, course):
    lesson = course.lessons[0]
    first = start_attempt(user=student, lesson=lesson, now=T0, seed=42)
    first_order, first_choices = question_order(first), choice_orders(first)
    finish_attempt(attempt=first, now=T0)

    again = start_attempt(user=student, lesson=lesson, now=T0, seed=42)
    assert question_order(again) == first_order
    assert choice_orders(again) == first_choices
    finish_attempt(attempt=again, now=T0)

    orders = set()
    for seed in range(10):
        attempt = start_attempt(user=student, lesson=lesson, now=T0, seed=seed)
        orders.add(tuple(question_order(attempt)))
        finish_attempt(attempt=attempt, now=T0)
    assert len(orders) > 1


def test_options_are_shuffled_per_attempt_and_always_the_questions_own(student, course):
    mc = course.questions[course.lessons[0].pk][QuestionKind.MULTIPLE_CHOICE]
    own = sorted(Choice.objects.filter(question=mc).values_list("pk", "text", "is_correct"))
    seen = set()
    for seed in range(12):
        attempt = start_attempt(user=student, lesson=course.lessons[0], now=T0, seed=seed)
        order = [o["id"] for o in attempt.answers.get(question=mc).choice_order]
        copied = attempt.answers.get(question=mc).choice_order
        assert sorted((o["id"], o["text"], o["correct"]) for o in copied) == own
        seen.add(tuple(order))
        finish_attempt(attempt=attempt, now=T0)
    assert len(seen) > 1


def test_only_multiple_choice_questions_have_an_option_order(student, course):
    attempt = start_attempt(user=student, lesson=course.lessons[0], now=T0, seed=3)

    for answer in attempt.answers.select_related("question"):
        has_order = answer.question.kind == QuestionKind.MULTIPLE_CHOICE
        assert bool(answer.choice_order) is has_order


def test_a_started_attempt_draws_its_seed_at_random(student, course):
    attempt = start_attempt(user=student, lesson=course.lessons[0], now=T0)

    assert 0 <= attempt.seed < 2**31


def test_a_document_test_samples_its_question_count_across_the_lessons(student, teacher):
    course = build_course(teacher, lessons=4, extra_questions=2, test_question_count=9)

    attempt = start_attempt(user=student, document=course.document, now=T0, seed=5)
    again = QuizAttempt.objects.get(pk=attempt.pk)

    questions = attempt.answers.select_related("question")
    assert attempt.lesson is None and attempt.quiz_key == f"document:{course.document.pk}"
    assert attempt.max_score == questions.count() == 9
    assert len({a.question.lesson_id for a in questions}) > 1
    assert all(a.question.kind != QuestionKind.FLASHCARD for a in questions)
    assert question_order(again) == question_order(attempt)


def test_a_document_test_with_fewer_questions_than_asked_takes_them_all(student, teacher):
    course = build_course(teacher, lessons=2, test_question_count=50)

    attempt = start_attempt(user=student, document=course.document, now=T0, seed=5)

    assert attempt.max_score == 8  # 4 quizzed kinds x 2 lessons


def test_drafts_retired_flashcards_and_archived_lessons_are_never_quizzed(student, course):
    course.lessons[1].archived_at = T0
    course.lessons[1].save()

    attempt = start_attempt(user=student, document=course.document, now=T0, seed=9)

    for answer in attempt.answers.select_related("question"):
        assert answer.question.status == "published"
        assert answer.question.kind != QuestionKind.FLASHCARD
        assert answer.question.lesson_id != course.lessons[1].pk


def test_a_lesson_without_quiz_questions_cannot_be_started(student, course):
    lesson = course.lessons[0]
    lesson.questions.exclude(kind=QuestionKind.FLASHCARD).update(status="draft")

    with pytest.raises(QuizUnavailable, match="This lesson has no quiz questions yet"):
        start_attempt(user=student, lesson=lesson, now=T0)
    assert not QuizAttempt.objects.exists()


# --- Resume ---------------------------------------------------------------------------


def test_starting_a_quiz_with_an_unfinished_attempt_resumes_it(student, course):
    first = start_attempt(user=student, lesson=course.lessons[0], now=T0, seed=1)

    again = start_attempt(user=student, lesson=course.lessons[0], now=T0 + timedelta(days=3))

    assert again.pk == first.pk
    assert QuizAttempt.objects.count() == 1


def test_a_lesson_quiz_and_the_document_test_are_separate_quizzes(student, course):
    quiz = start_attempt(user=student, lesson=course.lessons[0], now=T0)
    test = start_attempt(user=student, document=course.document, now=T0)

    assert quiz.pk != test.pk
    assert QuizAttempt.objects.unfinished().count() == 2


def test_two_students_have_their_own_attempts(student, other_teacher, course):
    mine = start_attempt(user=student, lesson=course.lessons[0], now=T0)
    theirs = start_attempt(user=other_teacher, lesson=course.lessons[0], now=T0)

    assert mine.pk != theirs.pk


def test_a_lost_race_to_start_returns_the_other_attempt(student, course):
    """Two clicks on Start: the other request stores its attempt after this one looked for
    an unfinished attempt and before its own insert (simulated at the database driver,
    when this request reads the question pool)."""
    lesson = course.lessons[0]
    other = {}

    def concurrent_insert(execute, sql, params, many, context):
        if 'FROM "quizzes_question"' in sql and not other:
            other["busy"] = True
            other["attempt"] = QuizAttempt.objects.create(
                user=student,
                document=course.document,
                lesson=lesson,
                quiz_key=f"lesson:{lesson.pk}",
                feedback="immediate",
                seed=1,
                started_at=T0,
            )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(concurrent_insert):
        attempt = start_attempt(user=student, lesson=lesson, now=T0, seed=2)

    assert attempt.pk == other["attempt"].pk
    assert QuizAttempt.objects.count() == 1
    assert not Answer.objects.exists()  # nothing half-written by the losing request


# --- Time limits ----------------------------------------------------------------------


@pytest.fixture
def timed(teacher):
    return build_course(teacher, lessons=1, quiz_time_limit=10)


def test_a_time_limit_sets_the_deadline(student, timed):
    attempt = start_attempt(user=student, lesson=timed.lessons[0], now=T0)

    assert attempt.deadline == T0 + timedelta(minutes=10)


def test_no_time_limit_means_no_deadline(student, course):
    assert start_attempt(user=student, lesson=course.lessons[0], now=T0).deadline is None


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_is_finished_then(student, timed):
    attempt = start_attempt(user=student, lesson=timed.lessons[0], now=T0, seed=1)
    tf = timed.questions[timed.lessons[0].pk][QuestionKind.TRUE_FALSE]

    with pytest.raises(TimeUp):
        answer_question(
            attempt=attempt, question_id=tf.pk, response="true", now=T0 + timedelta(minutes=11)
        )

    attempt.refresh_from_db()
    assert attempt.submitted_at == T0 + timedelta(minutes=10)
    assert attempt.score == 0 and attempt.max_score == 4
    assert not attempt.answers.filter(answered_at__isnull=False).exists()
    assert not student.review_logs.exists()


def test_an_answer_on_the_deadline_still_counts(student, timed):
    attempt = start_attempt(user=student, lesson=timed.lessons[0], now=T0, seed=1)
    tf = timed.questions[timed.lessons[0].pk][QuestionKind.TRUE_FALSE]

    answer = answer_question(
        attempt=attempt, question_id=tf.pk, response="true", now=T0 + timedelta(minutes=10)
    )

    assert answer.correct is True


def test_starting_again_after_the_deadline_finishes_the_old_attempt_and_starts_anew(
    student, timed
):
    old = start_attempt(user=student, lesson=timed.lessons[0], now=T0)

    new = start_attempt(user=student, lesson=timed.lessons[0], now=T0 + timedelta(hours=2))

    old.refresh_from_db()
    assert new.pk != old.pk
    assert old.submitted_at == T0 + timedelta(minutes=10)
    assert new.deadline == T0 + timedelta(hours=2, minutes=10)


def test_an_expired_attempt_stays_finished_when_no_attempt_is_left_to_start(student, teacher):
    course = build_course(teacher, lessons=1, quiz_time_limit=1, quiz_max_attempts=1)
    attempt = start_attempt(user=student, lesson=course.lessons[0], now=T0)

    with pytest.raises(QuizUnavailable):
        start_attempt(user=student, lesson=course.lessons[0], now=T0 + timedelta(hours=1))

    attempt.refresh_from_db()
    assert attempt.submitted_at == T0 + timedelta(minutes=1)


def test_an_expired_attempt_stays_finished_when_the_quiz_has_no_questions_left(student, timed):
    lesson = timed.lessons[0]
    attempt = start_attempt(user=student, lesson=lesson, now=T0)
    lesson.questions.update(status="retired")

    with pytest.raises(QuizUnavailable, match="no quiz questions"):
        start_attempt(user=student, lesson=lesson, now=T0 + timedelta(hours=1))

    attempt.refresh_from_db()
    assert attempt.is_finished


# --- Attempts limit -------------------------------------------------------------------


def test_the_attempts_limit_counts_finished_and_unfinished_attempts(student, teacher):
    course = build_course(teacher, lessons=1, quiz_max_attempts=2)
    lesson = course.lessons[0]
    first = start_attempt(user=student, lesson=lesson, now=T0)
    finish_attempt(attempt=first, now=T0)
    second = start_attempt(user=student, lesson=lesson, now=T0)

    assert start_attempt(user=student, lesson=lesson, now=T0).pk == second.pk  # resume is fine
    finish_attempt(attempt=second, now=T0)
    with pytest.raises(QuizUnavailable, match="You have used all 2 attempts"):
        start_attempt(user=student, lesson=lesson, now=T0)
    assert QuizAttempt.objects.count() == 2


def test_no_attempts_limit_means_as_many_as_the_student_likes(student, course):
    for _ in range(5):
        finish_attempt(attempt=start_attempt(user=student, lesson=course.lessons[0], now=T0))

    assert QuizAttempt.objects.finished().count() == 5


# --- Finishing ------------------------------------------------------------------------


def test_finishing_counts_unanswered_questions_as_wrong_and_is_idempotent(student, course):
    lesson = course.lessons[0]
    attempt = start_attempt(user=student, lesson=lesson, now=T0, seed=1)
    tf = course.questions[lesson.pk][QuestionKind.TRUE_FALSE]
    answer_question(attempt=attempt, question_id=tf.pk, response="true", now=T0)

    finish_attempt(attempt=attempt, now=T0 + timedelta(minutes=3))
    finish_attempt(attempt=attempt, now=T0 + timedelta(minutes=9))

    attempt.refresh_from_db()
    assert attempt.submitted_at == T0 + timedelta(minutes=3)
    assert (attempt.score, attempt.max_score) == (1.0, 7)
    unanswered = attempt.answers.filter(answered_at__isnull=True)
    assert unanswered.count() == 6
    assert set(unanswered.values_list("correct", "score")) == {(False, 0.0)}
    assert student.review_logs.count() == 1
