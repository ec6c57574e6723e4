"""API v1 content: documents, lessons, practice questions and the answer-free quiz."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import DeviceToken
from quizzes.models import QuestionKind
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

REVEALING_KEYS = {
    "answer",
    "alternatives",
    "accepted_answers",
    "explanation",
    "is_correct",
    "correct",
    "source_sentence",
    "hint",
    "feedback",
}


@pytest.fixture
def api(student) -> APIClient:
    _, token = DeviceToken.objects.create(user=student, device_name="phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def course(teacher):
    return build_course(teacher)


def _keys(value: object) -> set[str]:
    """Every key of every object inside a decoded JSON value."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def test_the_documents_list_is_paginated_with_counts_of_active_lessons(api, course, teacher):
    course.lessons[1].archived_at = timezone.now()
    course.lessons[1].save()
    build_course(teacher, title="Mountains", lessons=3)

    response = api.get("/api/v1/documents/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    by_title = {item["title"]: item for item in body["results"]}
    assert set(by_title) == {"Mountains", "Rivers of the North"}
    rivers = by_title["Rivers of the North"]
    assert set(rivers) == {"id", "title", "lesson_count", "updated_at"}
    assert rivers["id"] == course.document.pk
    assert rivers["lesson_count"] == 1
    assert by_title["Mountains"]["lesson_count"] == 3


@pytest.mark.parametrize("page", ["", "last", "0", "2", "1.0", "-1", "99999999999999999999"])
def test_a_page_that_is_not_a_page_number_is_a_json_404(api, course, page):
    response = api.get("/api/v1/documents/", {"page": page})

    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_first_page_can_be_asked_for_by_number(api, course):
    response = api.get("/api/v1/documents/", {"page": "1"})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_times_are_iso_8601_with_an_offset(api, course):
    body = api.get(f"/api/v1/documents/{course.document.pk}/").json()

    for stamp in [body["updated_at"], body["lessons"][0]["updated_at"]]:
        parsed = timezone.datetime.fromisoformat(stamp)
        assert parsed.utcoffset() is not None


def test_a_document_lists_its_active_lessons_in_order(api, course):
    archived = course.lessons[0]
    archived.archived_at = timezone.now()
    archived.save()

    response = api.get(f"/api/v1/documents/{course.document.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "title", "updated_at", "lessons"}
    assert [lesson["id"] for lesson in body["lessons"]] == [course.lessons[1].pk]
    lesson = body["lessons"][0]
    assert set(lesson) == {"id", "position", "heading", "body", "updated_at"}
    assert lesson["heading"] == "River 2"
    assert lesson["body"] == course.lessons[1].body


def test_an_unknown_document_is_a_json_404(api, course):
    response = api.get(f"/api/v1/documents/{course.document.pk + 1000}/")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_practice_questions_carry_their_answers(api, course):
    lesson = course.lessons[0]
    published = course.questions[lesson.pk]

    response = api.get(f"/api/v1/lessons/{lesson.pk}/questions/")

    assert response.status_code == 200
    body = response.json()
    assert {item["id"] for item in body} == {q.pk for q in published.values()}
    by_kind = {item["kind"]: item for item in body}
    cloze = by_kind[QuestionKind.CLOZE]
    assert set(cloze) == {
        "id",
        "kind",
        "prompt",
        "choices",
        "answer",
        "alternatives",
        "explanation",
        "source_sentence",
        "updated_at",
    }
    assert cloze["answer"] == "autumn"
    assert cloze["alternatives"] == ["fall"]
    assert cloze["explanation"] == "They spawn in autumn."
    assert cloze["source_sentence"].startswith("Salmon return")
    options = by_kind[QuestionKind.MULTIPLE_CHOICE]["choices"]
    assert [option["text"] for option in options] == [
        "Port Wren",
        "Alder",
        "Kestrel Bay",
        "Easthaven",
    ]
    assert {"id", "text"} <= set(options[0])


@pytest.mark.parametrize("endpoint", ["questions", "quiz"])
def test_draft_and_retired_questions_are_never_served(api, course, endpoint):
    lesson = course.lessons[0]

    body = api.get(f"/api/v1/lessons/{lesson.pk}/{endpoint}/").json()

    prompts = {item["prompt"] for item in body}
    assert "Draft _____" not in prompts
    assert "Retired _____" not in prompts
    assert lesson.questions.filter(status__in=["draft", "retired"]).count() == 2


@pytest.mark.parametrize("endpoint", ["questions", "quiz"])
def test_an_archived_lessons_questions_are_not_found(api, course, endpoint):
    lesson = course.lessons[0]
    lesson.archived_at = timezone.now()
    lesson.save()

    response = api.get(f"/api/v1/lessons/{lesson.pk}/{endpoint}/")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_quiz_holds_the_quiz_kinds_without_flashcards(api, course):
    lesson = course.lessons[0]
    published = course.questions[lesson.pk]

    body = api.get(f"/api/v1/lessons/{lesson.pk}/quiz/").json()

    assert [item["kind"] for item in body] == [
        QuestionKind.CLOZE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.TRUE_FALSE,
        QuestionKind.SHORT_ANSWER,
    ]
    assert {item["id"] for item in body} == {
        q.pk for kind, q in published.items() if kind != QuestionKind.FLASHCARD
    }
    for item in body:
        assert set(item) == {"id", "kind", "prompt", "choices"}
        for option in item["choices"]:
            assert set(option) == {"id", "text"}


def test_the_quiz_reveals_no_answer_for_any_kind(api, course):
    lesson = course.lessons[0]
    published = course.questions[lesson.pk]

    response = api.get(f"/api/v1/lessons/{lesson.pk}/quiz/")

    raw = response.content.decode()
    body = json.loads(raw)
    assert not _keys(body) & REVEALING_KEYS
    for question in published.values():
        for text in [question.explanation, question.source_sentence]:
            if text:
                assert text not in raw
    for item in body:
        question = published[item["kind"]]
        # A multiple-choice answer is one of the options by nature; nowhere else. (The
        # kind is left out: "true_false" spells a true/false answer.)
        shown = [item["prompt"]]
        if item["kind"] != QuestionKind.MULTIPLE_CHOICE:
            shown += [option["text"] for option in item["choices"]]
        for answer in [question.answer, *question.accepted_answers]:
            assert not any(answer.casefold() in text.casefold() for text in shown)


def test_quiz_options_are_sorted_by_text_whatever_their_position(api, course):
    lesson = course.lessons[0]
    question = course.questions[lesson.pk][QuestionKind.MULTIPLE_CHOICE]

    body = api.get(f"/api/v1/lessons/{lesson.pk}/quiz/").json()

    options = next(item["choices"] for item in body if item["id"] == question.pk)
    assert [option["text"] for option in options] == [
        "Alder",
        "Easthaven",
        "Kestrel Bay",
        "Port Wren",
    ]
    again = api.get(f"/api/v1/lessons/{lesson.pk}/quiz/").json()
    assert next(item["choices"] for item in again if item["id"] == question.pk) == options


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/",
        "/api/v1/documents/{document}/",
        "/api/v1/lessons/{lesson}/questions/",
        "/api/v1/lessons/{lesson}/quiz/",
    ],
)
def test_anonymous_callers_get_a_json_401(course, path):
    url = path.format(document=course.document.pk, lesson=course.lessons[0].pk)

    response = APIClient().get(url)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_revoked_token_gets_a_401(api, course, student):
    DeviceToken.objects.filter(user=student).delete()

    assert api.get("/api/v1/documents/").status_code == 401


def _queries(api: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


def test_the_documents_list_and_detail_run_the_same_queries_for_2_or_50_lessons(
    api, teacher, django_assert_num_queries
):
    small = build_course(teacher, title="Small")
    small_list = _queries(api, "/api/v1/documents/")
    small_detail = _queries(api, f"/api/v1/documents/{small.document.pk}/")
    big = build_course(teacher, title="Big", lessons=50)
    build_course(teacher, title="Bigger", lessons=50)

    with django_assert_num_queries(small_list):
        response = api.get("/api/v1/documents/")
    assert response.json()["count"] == 3
    with django_assert_num_queries(small_detail):
        response = api.get(f"/api/v1/documents/{big.document.pk}/")
    assert len(response.json()["lessons"]) == 50


@pytest.mark.parametrize("endpoint", ["questions", "quiz"])
def test_a_lessons_questions_run_the_same_queries_for_2_or_50_lessons(
    api, teacher, endpoint, django_assert_num_queries
):
    small = build_course(teacher, title="Small")
    expected = _queries(api, f"/api/v1/lessons/{small.lessons[0].pk}/{endpoint}/")
    big = build_course(teacher, title="Big", lessons=50, extra_questions=5)
    lesson = big.lessons[-1]

    with django_assert_num_queries(expected):
        response = api.get(f"/api/v1/lessons/{lesson.pk}/{endpoint}/")
    assert len(response.json()) >= 9
