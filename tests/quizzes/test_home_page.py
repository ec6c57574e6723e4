"""The home page: a visitor is invited in; a student sees their documents, each lesson's
mastery, the cards due today, and one clear thing to do next."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Feedback, Question, QuestionKind, QuestionStatus, QuizAttempt, ReviewLog
from quizzes.services import replay_card_states
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def course(teacher):
    return build_course(teacher)


def review(user, question, at, rating=3):
    ReviewLog.objects.create(
        id=uuid.uuid4(), user=user, question=question, rating=rating, reviewed_at=at
    )
    replay_card_states(user=user, question_ids={question.pk})


def finish_quiz(user, lesson, at=NOW - timedelta(days=1)):
    return QuizAttempt.objects.create(
        user=user,
        document=lesson.document,
        lesson=lesson,
        quiz_key=f"lesson:{lesson.pk}",
        feedback=Feedback.IMMEDIATE,
        seed=1,
        started_at=at - timedelta(minutes=5),
        submitted_at=at,
        score=3,
        max_score=4,
    )


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_is_invited_to_log_in_and_sees_no_documents(client, course):
    page = home(client)

    assert reverse("login") in page and reverse("signup") in page
    assert "Rivers of the North" not in page
    assert "What to do next" not in page


def test_a_student_sees_each_document_with_its_lessons(student_client, course):
    page = home(student_client)

    assert "Rivers of the North" in page
    for lesson in course.lessons:
        assert reverse("lesson_detail", args=[lesson.pk]) in page
    assert "Lessons completed: 0 of 2" in page
    assert "No cards due today" in page
    assert reverse("document_test", args=[course.document.pk]) in page


def test_a_document_without_quiz_questions_offers_no_test(student_client, course):
    Question.objects.exclude(kind=QuestionKind.FLASHCARD).update(status=QuestionStatus.DRAFT)

    assert reverse("document_test", args=[course.document.pk]) not in home(student_client)


def test_a_teacher_sees_the_documents_like_a_student(teacher_client, course, other_teacher):
    build_course(other_teacher, title="Mountains of the South")

    page = home(teacher_client)

    assert "Rivers of the North" in page and "Mountains of the South" in page
    assert "What to do next" in page


def test_archived_lessons_are_not_listed(student_client, course):
    _first, second = course.lessons
    second.archived_at = NOW
    second.save()

    page = home(student_client)

    assert reverse("lesson_detail", args=[second.pk]) not in page
    assert "Lessons completed: 0 of 1" in page


def test_mastery_counts_a_card_just_reviewed_fully_and_an_unseen_card_as_zero(
    student, student_client, course
):
    # Lesson 1 has five published cards (its draft and retired ones do not count).
    first, _second = course.lessons
    review(student, course.questions[first.pk]["flashcard"], NOW - timedelta(minutes=1))

    page = home(student_client)

    assert "Mastery 20%" in page
    assert "Mastery 0%" in page


def test_mastery_fades_as_time_passes_since_the_reviews(
    student, student_client, course, monkeypatch
):
    first, _second = course.lessons
    for question in course.questions[first.pk].values():
        review(student, question, NOW - timedelta(minutes=30))
    assert "Mastery 100%" in home(student_client)

    # Each card was rated Good once: a stability of a few days, so recall drops to
    # about three in four a week later.
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(days=7))
    page = home(student_client)

    assert "Mastery 100%" not in page
    assert any(f"Mastery {p}%" in page for p in range(60, 90))


def test_it_shows_how_many_cards_are_due_today_in_each_document(
    student, student_client, course, teacher
):
    other = build_course(teacher, title="Lakes")
    first, second = course.lessons
    # Due now (a learning card reviewed 20 minutes ago), and later today (a learning card
    # reviewed just now is due in ten minutes): both count as due today.
    review(student, course.questions[first.pk]["cloze"], NOW - timedelta(minutes=20))
    review(student, course.questions[second.pk]["cloze"], NOW)
    # Reviewed long ago with Easy: not due for weeks.
    review(student, other.questions[other.lessons[0].pk]["cloze"], NOW, rating=4)

    page = home(student_client)

    assert "2 cards due today" in page
    assert "No cards due today" in page  # Lakes


def test_next_step_is_reviewing_when_cards_are_due(student, student_client, course):
    first, _second = course.lessons
    review(student, course.questions[first.pk]["cloze"], NOW - timedelta(minutes=20))
    review(student, course.questions[first.pk]["flashcard"], NOW - timedelta(minutes=30))
    finish_quiz(student, first)

    page = home(student_client)

    assert "Review 2 due cards" in page
    assert f'href="{reverse("study")}"' in page
    assert "Continue with" not in page


def test_a_card_due_later_today_does_not_ask_for_a_review_yet(student, student_client, course):
    first, _second = course.lessons
    review(student, course.questions[first.pk]["cloze"], NOW)  # due in ten minutes
    finish_quiz(student, first)

    page = home(student_client)

    assert "1 card due today" in page
    assert "Review 1 due card" not in page
    assert "Continue with River 2" in page


def test_next_step_is_the_first_lesson_whose_quiz_is_not_finished(
    student, student_client, course, other_teacher
):
    first, second = course.lessons
    finish_quiz(student, first)
    # Another student's attempt does not count for this one.
    other = QuizAttempt.objects.get()
    other.pk = None
    other.id = uuid.uuid4()
    other.user = other_teacher
    other.lesson = second
    other.quiz_key = f"lesson:{second.pk}"
    other.save()

    page = home(student_client)

    assert "Continue with River 2" in page
    assert f'href="{reverse("lesson_detail", args=[second.pk])}"' in page
    assert "Lessons completed: 1 of 2" in page


def test_an_unfinished_quiz_does_not_complete_a_lesson(student, student_client, course):
    attempt = finish_quiz(student, course.lessons[0])
    attempt.submitted_at = None
    attempt.save()

    assert "Continue with River 1" in home(student_client)


def test_a_lesson_without_quiz_questions_is_not_suggested(student, student_client, course):
    course.lessons[0].questions.exclude(kind=QuestionKind.FLASHCARD).update(
        status=QuestionStatus.DRAFT
    )

    page = home(student_client)

    assert "Continue with River 2" in page


def test_a_student_with_everything_done_is_told_when_the_next_card_is_due(
    student, student_client, course
):
    first, second = course.lessons
    finish_quiz(student, first)
    finish_quiz(student, second)
    review(student, course.questions[first.pk]["cloze"], NOW - timedelta(hours=2), rating=4)

    page = home(student_client)

    assert "You are up to date." in page
    assert "Lessons completed: 2 of 2" in page
    assert "Your next card is due on" in page
    assert "<time datetime=" in page


def test_up_to_date_without_any_card_reviewed(student, student_client, course):
    for lesson in course.lessons:
        finish_quiz(student, lesson)

    page = home(student_client)

    assert "You are up to date." in page
    assert "No cards are scheduled yet." in page


# Many documents ----------------------------------------------------------------------


def test_documents_come_eight_to_a_page_with_due_and_started_ones_first(
    student, student_client, teacher
):
    courses = [build_course(teacher, title=f"Course {n:02d}", lessons=1) for n in range(10)]
    started, due = courses[8], courses[9]
    review(student, started.published()[0], NOW - timedelta(minutes=1), rating=4)  # in days
    review(student, due.published()[0], NOW - timedelta(days=30))  # overdue

    first = home(student_client)
    second = student_client.get(reverse("home"), {"page": "2"}).content.decode()

    assert "Page 1 of 2" in first and "?page=2" in first
    assert first.index("Course 09") < first.index("Course 08") < first.index("Course 00")
    assert first.count('class="card document"') == 8
    assert second.count('class="card document"') == 2
    assert "Course 06" in second and "Course 07" in second and "Course 05" not in second
    # The next step still looks at every document, not just this page.
    assert "Review 1 due card" in second


@pytest.mark.parametrize(("asked", "shown"), [("999", "Page 2 of 2"), ("abc", "Page 1 of 2")])
def test_an_out_of_range_page_shows_the_nearest_one(student_client, teacher, asked, shown):
    for n in range(9):
        build_course(teacher, title=f"Course {n}", lessons=1)

    page = student_client.get(reverse("home"), {"page": asked})

    assert page.status_code == 200
    assert shown in page.content.decode()


def test_cards_of_a_quiz_in_progress_are_not_counted_as_due(student, student_client, course):
    first = course.lessons[0]
    for question in course.questions[first.pk].values():
        review(student, question, NOW - timedelta(days=30))
    attempt = finish_quiz(student, first)
    attempt.submitted_at = None
    attempt.save()
    attempt.answers.create(question=course.questions[first.pk][QuestionKind.CLOZE], position=1)

    page = home(student_client)

    assert "Review 4 due cards" in page
    assert "4 cards due today" in page


def test_a_student_in_no_class_is_shown_how_to_join_one(student_client, teacher):
    build_course(teacher, title="Private to its classes", open_to_all=False)
    page = student_client.get(reverse("home")).content.decode()
    assert "Private to its classes" not in page
    assert "There is nothing to study yet." in page
    assert f'href="{reverse("my_classes")}"' in page
