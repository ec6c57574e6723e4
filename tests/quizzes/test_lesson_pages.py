"""A signed-in student sees the documents and reads a lesson (Markdown rendered safely),
then takes its quiz or studies its cards."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Question, QuestionKind, QuestionStatus, ReviewLog
from quizzes.services import import_document, read_document, replay_card_states
from tests.quizzes.course import build_course
from tests.quizzes.documents import MARKDOWN

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(teacher):
    parsed = read_document(MARKDOWN.encode(), filename="sourdough.md")
    return import_document(owner=teacher, parsed=parsed, open_to_all=True).document


def test_home_lists_documents_and_their_lessons(student_client, course):
    page = student_client.get(reverse("home")).content.decode()

    assert "Sourdough Basics" in page
    for lesson in course.lessons.all():
        assert reverse("lesson_detail", args=[lesson.pk]) in page


def test_home_invites_visitors_to_log_in(client, course):
    page = client.get(reverse("home")).content.decode()

    assert "Sourdough Basics" not in page
    assert reverse("login") in page


def test_a_lesson_renders_its_markdown(student_client, course):
    lesson = course.lessons.get(heading="The Starter")

    page = student_client.get(reverse("lesson_detail", args=[lesson.pk])).content.decode()

    assert "<h1>The Starter</h1>" in page
    assert "<li>Feed it equal weights of flour and water.</li>" in page


def test_html_in_a_lesson_body_is_shown_as_text(student_client, course):
    lesson = course.lessons.first()
    lesson.body = 'Hello <script>alert("x")</script> <img src=x onerror=alert(1)>'
    lesson.save()

    page = student_client.get(reverse("lesson_detail", args=[lesson.pk])).content.decode()

    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;" in page


def test_archived_lessons_are_not_found(student_client, course):
    lesson = course.lessons.first()
    lesson.archived_at = lesson.created_at
    lesson.save()

    assert student_client.get(reverse("lesson_detail", args=[lesson.pk])).status_code == 404


def test_visitors_are_asked_to_log_in_before_reading(client, course):
    response = client.get(reverse("lesson_detail", args=[course.lessons.first().pk]))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_lesson_links_to_its_neighbours_skipping_archived_ones(student_client, course):
    intro, starter, mixing, baking = course.lessons.order_by("position")
    mixing.archived_at = mixing.created_at
    mixing.save()

    page = student_client.get(reverse("lesson_detail", args=[starter.pk])).content.decode()

    assert f'rel="prev" href="{reverse("lesson_detail", args=[intro.pk])}"' in page
    assert f'rel="next" href="{reverse("lesson_detail", args=[baking.pk])}"' in page


# Practising a lesson: its quiz, its cards and its mastery ------------------------------


@pytest.fixture
def rivers(teacher):
    return build_course(teacher)


def test_a_lesson_offers_its_quiz_and_its_cards(student_client, rivers):
    lesson = rivers.lessons[0]

    page = student_client.get(reverse("lesson_detail", args=[lesson.pk])).content.decode()

    assert page.index('class="lesson-body"') < page.index("Take the quiz")
    assert f'href="{reverse("lesson_quiz", args=[lesson.pk])}">Take the quiz</a>' in page
    assert f'href="{reverse("study")}">Study the cards</a>' in page


def test_a_lesson_with_only_flashcards_has_no_quiz_button(student_client, rivers):
    lesson = rivers.lessons[0]
    Question.objects.filter(lesson=lesson).exclude(kind=QuestionKind.FLASHCARD).update(
        status=QuestionStatus.DRAFT
    )

    page = student_client.get(reverse("lesson_detail", args=[lesson.pk])).content.decode()

    assert "Take the quiz" not in page
    assert "Study the cards" in page
    assert "Mastery 0%" in page


def test_a_lesson_whose_questions_are_unpublished_has_no_quiz_and_no_mastery(
    student_client, rivers
):
    lesson = rivers.lessons[0]
    Question.objects.filter(lesson=lesson).update(status=QuestionStatus.DRAFT)

    page = student_client.get(reverse("lesson_detail", args=[lesson.pk])).content.decode()

    assert "Take the quiz" not in page
    assert "No cards yet" in page


def test_a_lesson_shows_the_students_mastery(student, student_client, rivers):
    lesson = rivers.lessons[0]
    card = rivers.questions[lesson.pk][QuestionKind.CLOZE]
    ReviewLog.objects.create(
        id=uuid.uuid4(), user=student, question=card, rating=3, reviewed_at=timezone.now()
    )
    replay_card_states(user=student, question_ids={card.pk})

    page = student_client.get(reverse("lesson_detail", args=[lesson.pk])).content.decode()

    assert "Mastery 20%" in page
