"""API v1 authorisation matrix: two students, every endpoint, every method.

Student A ("aurora") has quiz attempts, review logs and card states; student B ("bertil")
calls every operation of the API as the schema lists it, with every HTTP method, aiming at
A's objects wherever a path takes an id. A's objects answer 404 exactly like objects that
do not exist, a method an endpoint does not offer answers 405, and no answer to B (nor to
an anonymous caller) carries any of A's values. Content (documents, lessons) is shared:
every signed-in user may study it. A push or an offline attempt naming content the student
may not study is refused.

The endpoints come from drf-spectacular's generator, the one that serves
``/api/v1/schema/``, so a new endpoint joins the matrix by itself; a new path taking an id
fails here until it is classed as A's own (404) or shared content below.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import DeviceToken, User
from quizzes.models import (
    CardState,
    Question,
    QuestionKind,
    QuestionStatus,
    QuizAttempt,
    ReviewLog,
)
from quizzes.services import start_attempt
from tests.quizzes.course import Course, build_course

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
"""Every method tried on every path, besides any other the schema lists."""

PUBLIC_PATHS = {"/api/v1/auth/login/"}
"""Operations an anonymous caller may use; the schema and docs are not in the schema."""

SCHEMA_AND_DOCS = ["/api/v1/schema/?format=json", "/api/v1/docs/"]


def _served_operations() -> dict[str, set[str]]:
    """Path -> the methods the schema documents, from the generator that serves it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {path: {method.lower() for method in ops} for path, ops in schema["paths"].items()}


SCHEMA = _served_operations()
MATRIX = [
    (path, method)
    for path, documented in sorted(SCHEMA.items())
    for method in [*METHODS, *sorted(documented - set(METHODS))]
]
MATRIX_IDS = [f"{method.upper()} {path}" for path, method in MATRIX]


# --------------------------------------------------------------------------------------
# Two students
# --------------------------------------------------------------------------------------


@dataclass
class World:
    course: Course
    a: User
    b: User
    a_token: str
    b_token: str
    a_attempt: str
    """A's finished attempt, submitted offline."""
    a_unfinished: str
    """A's attempt still running in the browser."""
    a_reviews: list[str]
    """Every review log of A's: pushed, and logged by the graded attempt."""
    a_pushed_review: str
    """A's review of the card only A has studied."""
    b_attempt: str
    b_reviews: list[str]
    shared_question: Question
    """Reviewed by both students."""
    a_only_question: Question
    """Reviewed by A alone."""
    secrets: list[str] = field(default_factory=list)
    """Every value of A's that B must never read."""

    def question(self, kind: str, lesson: int = 0) -> Question:
        return self.course.questions[self.course.lessons[lesson].pk][kind]


def _api(token: str | None = None) -> APIClient:
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _ago(minutes: int) -> str:
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


def _attempt_body(world_course: Course, attempt_id: str, answers: list[dict], lesson: int = 0):
    return {
        "id": attempt_id,
        "lesson": world_course.lessons[lesson].pk,
        "started_at": _ago(20),
        "submitted_at": _ago(10),
        "answers": answers,
    }


def _review(question: Question, review_id: str | None = None, **fields: object) -> dict:
    return {
        "id": review_id or str(uuid.uuid4()),
        "question": question.pk,
        "rating": 3,
        "reviewed_at": _ago(60),
        "duration_ms": 3000,
        "device": "bertil-phone",
        **fields,
    }


@pytest.fixture(autouse=True)
def _empty_cache(db) -> None:
    # The log-in throttle counts in the shared cache; the matrix calls log-in often.
    cache.clear()


@pytest.fixture
def world(teacher) -> World:
    course = build_course(teacher, lessons=2)
    a = User.objects.create_user(username="aurora", email="aurora@example.org", password="x" * 20)
    b = User.objects.create_user(username="bertil", email="bertil@example.org", password="y" * 20)
    _, a_token = DeviceToken.objects.create(user=a, device_name="aurora-phone")
    _, b_token = DeviceToken.objects.create(user=b, device_name="bertil-phone")
    lesson = course.questions[course.lessons[0].pk]
    shared, a_only = lesson[QuestionKind.FLASHCARD], lesson[QuestionKind.SHORT_ANSWER]

    a_attempt = str(uuid.uuid4())
    response = _api(a_token).post(
        "/api/v1/attempts/",
        _attempt_body(
            course,
            a_attempt,
            [
                {"question": lesson[QuestionKind.CLOZE].pk, "response": "aurora-guess-cloze"},
                {"question": a_only.pk, "response": "aurora-guess-hills"},
            ],
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    a_unfinished = str(start_attempt(user=a, lesson=course.lessons[1]).pk)
    a_pushed_review = str(uuid.uuid4())
    response = _api(a_token).post(
        "/api/v1/sync/reviews/",
        {
            "reviews": [
                _review(shared, device="aurora-tablet", rating=1),
                _review(shared, device="aurora-tablet", reviewed_at=_ago(30)),
                _review(a_only, a_pushed_review, device="aurora-tablet", duration_ms=987654),
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content

    b_attempt = str(uuid.uuid4())
    response = _api(b_token).post(
        "/api/v1/attempts/",
        _attempt_body(
            course, b_attempt, [{"question": lesson[QuestionKind.CLOZE].pk, "response": "autumn"}]
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    response = _api(b_token).post(
        "/api/v1/sync/reviews/", {"reviews": [_review(shared)]}, format="json"
    )
    assert response.status_code == 200, response.content
    a_reviews, b_reviews = (
        sorted(str(pk) for pk in ReviewLog.objects.filter(user=user).values_list("pk", flat=True))
        for user in (a, b)
    )

    return World(
        course=course,
        a=a,
        b=b,
        a_token=a_token,
        b_token=b_token,
        a_attempt=a_attempt,
        a_unfinished=a_unfinished,
        a_reviews=a_reviews,
        a_pushed_review=a_pushed_review,
        b_attempt=b_attempt,
        b_reviews=b_reviews,
        shared_question=shared,
        a_only_question=a_only,
        secrets=[
            a_attempt,
            a_unfinished,
            *a_reviews,
            "aurora",  # A's username, e-mail, device names and typed answers all hold it
            a_token,
            "987654",  # the duration of one of A's reviews
        ],
    )


def _a_rows(world: World) -> tuple:
    """Everything of A's that a call of B's could change."""
    return (
        sorted(
            QuizAttempt.objects.filter(user=world.a).values_list(
                "id", "submitted_at", "score", "max_score"
            )
        ),
        sorted(ReviewLog.objects.filter(user=world.a).values_list("id", "rating", "reviewed_at")),
        sorted(CardState.objects.filter(user=world.a).values_list("question_id", "reps", "due")),
        DeviceToken.objects.filter(user=world.a).count(),
    )


def _leaks(response, world: World) -> list[str]:
    text = response.content.decode(errors="replace")
    return [secret for secret in world.secrets if secret in text]


# --------------------------------------------------------------------------------------
# Where each path points, and what B sends
# --------------------------------------------------------------------------------------

OWNED_BY_A: dict[str, Callable[[World], list[str]]] = {
    "attempts": lambda world: [world.a_attempt, world.a_unfinished],
}
"""Paths of a student's own objects, by the segment before the id: A's ids answer 404."""

SHARED_CONTENT: dict[str, Callable[[World], object]] = {
    "documents": lambda world: world.course.document.pk,
    "lessons": lambda world: world.course.lessons[0].pk,
}
"""Paths of content every signed-in student may study: B reads it, with nothing of A's."""

PARAMETER = re.compile(r"\{[^}]+\}")


def _kind_of(path: str) -> tuple[str, str | None]:
    """("collection", None) for a path without an id, else ("owned" | "shared", segment)."""
    match = PARAMETER.search(path)
    if match is None:
        return "collection", None
    segment = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
    if segment in OWNED_BY_A:
        return "owned", segment
    if segment in SHARED_CONTENT:
        return "shared", segment
    pytest.fail(f"{path}: class it as a student's own object or as shared content")
    raise AssertionError  # fail() raises


def _body_for(path: str, world: World) -> dict:
    """What B sends to a path: wherever it can, something naming A's objects."""
    if path == "/api/v1/attempts/":
        # A's attempt id, taken by A: refused.
        cloze = world.question(QuestionKind.CLOZE)
        return _attempt_body(
            world.course, world.a_attempt, [{"question": cloze.pk, "response": "autumn"}]
        )
    if path == "/api/v1/sync/reviews/":
        # A review of the card only A has studied: B's own first review of it.
        return {"reviews": [_review(world.a_only_question)]}
    if path == "/api/v1/auth/login/":
        return {"username": "aurora", "password": "not the password", "device_name": "x"}
    return {}


EXPECTED: dict[tuple[str, str], int] = {
    ("/api/v1/attempts/", "get"): 200,
    ("/api/v1/attempts/", "post"): 409,  # the id is A's: refused, nothing of A's told
    ("/api/v1/auth/login/", "post"): 400,
    ("/api/v1/auth/logout/", "post"): 204,
    ("/api/v1/auth/logout-all/", "post"): 204,
    ("/api/v1/documents/", "get"): 200,
    ("/api/v1/documents/{id}/", "get"): 200,
    ("/api/v1/lessons/{id}/questions/", "get"): 200,
    ("/api/v1/lessons/{id}/quiz/", "get"): 200,
    ("/api/v1/sync/changes/", "get"): 200,
    ("/api/v1/sync/reviews/", "post"): 200,
}
"""B's status for each documented operation aimed at A's objects. An operation not here
(a new endpoint) is held to the rules only: 404 on A's objects, no 5xx, no leak."""


def _call(client: APIClient, method: str, url: str, body: dict | None = None):
    if method in {"get", "head", "options", "delete"} or body is None:
        return client.generic(method.upper(), url)
    return client.generic(method.upper(), url, json.dumps(body), "application/json")


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def _has_message(response) -> bool:
    """A JSON error body with a human-readable message in it, wherever it sits."""
    return response["Content-Type"].startswith("application/json") and any(
        text.strip() for text in _texts(response.json())
    )


def _documented(path: str, method: str) -> bool:
    documented = SCHEMA[path]
    return method in documented or (method == "head" and "get" in documented)


# --------------------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------------------


def test_the_matrix_covers_every_operation_of_the_served_schema():
    served = APIClient().get("/api/v1/schema/", {"format": "json"}).json()["paths"]

    assert {path: {m.lower() for m in ops} for path, ops in served.items()} == SCHEMA
    assert {(path, method) for path, method in MATRIX} >= {
        (path, method) for path, methods in SCHEMA.items() for method in methods
    }
    assert "/api/v1/attempts/{id}/" in SCHEMA


@pytest.mark.parametrize(("path", "method"), MATRIX, ids=MATRIX_IDS)
def test_another_students_objects_are_not_found_and_nothing_of_theirs_leaks(world, path, method):
    b = _api(world.b_token)
    kind, segment = _kind_of(path)
    if kind == "owned":
        targets = OWNED_BY_A[segment](world)
    elif kind == "shared":
        targets = [SHARED_CONTENT[segment](world)]
    else:
        targets = [None]
    before = _a_rows(world)

    for target in targets:
        url = path if target is None else PARAMETER.sub(str(target), path)
        response = _call(b, method, url, _body_for(path, world))

        assert response.status_code < 500, (url, response.content)
        assert not _leaks(response, world), (url, response.status_code, _leaks(response, world))
        if not _documented(path, method):
            if method != "options":
                assert response.status_code == 405, (url, response.content)
        elif kind == "owned":
            assert response.status_code == 404, (url, response.content)
            # Exactly the answer to an id nobody has: nothing tells that A's exists.
            nobody = _call(b, method, PARAMETER.sub(str(uuid.uuid4()), path))
            assert (nobody.status_code, nobody.content) == (
                response.status_code,
                response.content,
            )
        elif (path, method) in EXPECTED:
            assert response.status_code == EXPECTED[path, method], (url, response.content)
        if response.status_code >= 400 and method != "head":
            assert _has_message(response), response.content

    assert _a_rows(world) == before
    # Whatever B did (log-out of all devices included), A's device is still signed in.
    assert _api(world.a_token).get("/api/v1/documents/").status_code == 200


@pytest.mark.parametrize(("path", "method"), MATRIX, ids=MATRIX_IDS)
@pytest.mark.parametrize("caller", ["anonymous", "revoked token"])
def test_a_caller_without_a_valid_token_gets_401_everywhere_but_log_in(
    world, path, method, caller
):
    if caller == "anonymous":
        client = _api()
    else:
        _, token = DeviceToken.objects.create(user=world.b, device_name="old phone")
        assert _api(token).post("/api/v1/auth/logout/").status_code == 204
        client = _api(token)
    kind, segment = _kind_of(path)
    target = OWNED_BY_A[segment](world)[0] if kind == "owned" else None
    if kind == "shared":
        target = SHARED_CONTENT[segment](world)
    url = path if target is None else PARAMETER.sub(str(target), path)

    response = _call(client, method, url, _body_for(path, world))

    assert not _leaks(response, world)
    if path in PUBLIC_PATHS:
        expected = 400 if _documented(path, method) else 405  # wrong password; no such method
        if method != "options":
            assert response.status_code == expected, response.content
    else:
        assert response.status_code == 401, response.content
        if method != "head":
            assert _has_message(response), response.content


@pytest.mark.parametrize("url", SCHEMA_AND_DOCS)
def test_the_schema_and_its_docs_are_open_to_anonymous_callers(url):
    assert APIClient().get(url).status_code == 200


# --------------------------------------------------------------------------------------
# Collections: B's rows only
# --------------------------------------------------------------------------------------


def test_the_attempts_list_holds_only_the_callers_own_finished_attempts(world):
    b_list = _api(world.b_token).get("/api/v1/attempts/").json()
    a_list = _api(world.a_token).get("/api/v1/attempts/").json()

    assert [row["id"] for row in b_list["results"]] == [world.b_attempt]
    assert b_list["count"] == 1
    # A sees their own finished attempt: the filter above is not vacuous.
    assert [row["id"] for row in a_list["results"]] == [world.a_attempt]


def test_ones_own_attempt_is_shown_to_its_owner(world):
    own = _api(world.b_token).get(f"/api/v1/attempts/{world.b_attempt}/")
    theirs = _api(world.a_token).get(f"/api/v1/attempts/{world.a_attempt}/")

    assert own.status_code == theirs.status_code == 200
    assert "aurora-guess-cloze" in theirs.content.decode()
    assert not _leaks(own, world)


def _pull_everything(token: str) -> list[dict]:
    client, pages, cursor = _api(token), [], None
    while True:
        query = {"limit": 3} if cursor is None else {"limit": 3, "cursor": cursor}
        response = client.get("/api/v1/sync/changes/", query)
        assert response.status_code == 200, response.content
        pages.append(response)
        body = response.json()
        cursor = body["cursor"]
        if not body["has_more"]:
            return pages


def test_a_pull_of_sync_changes_holds_only_the_callers_reviews_and_cards(world):
    b_pages = _pull_everything(world.b_token)
    a_pages = _pull_everything(world.a_token)

    for page in b_pages:
        assert not _leaks(page, world)
    b_bodies = [page.json() for page in b_pages]
    b_logs = sorted(log["id"] for body in b_bodies for log in body["review_logs"])
    assert b_logs == world.b_reviews
    b_cards = {card["question"]: card["reps"] for body in b_bodies for card in body["card_states"]}
    assert b_cards == dict(CardState.objects.filter(user=world.b).values_list("question", "reps"))
    assert b_cards[world.shared_question.pk] == 1
    assert world.a_only_question.pk not in b_cards
    a_bodies = [page.json() for page in a_pages]
    a_logs = {log["id"] for body in a_bodies for log in body["review_logs"]}
    assert a_logs == set(world.a_reviews)


def test_a_push_answers_the_pushers_own_card_states_only(world):
    response = _api(world.b_token).post(
        "/api/v1/sync/reviews/", {"reviews": [_review(world.shared_question)]}, format="json"
    )

    assert response.status_code == 200
    assert not _leaks(response, world)
    [card] = response.json()["card_states"]
    # B's second review of the card (A has two of their own, one of them a lapse).
    assert (card["question"], card["reps"], card["lapses"]) == (world.shared_question.pk, 2, 0)


def test_a_push_reusing_another_students_review_id_is_refused_not_called_a_duplicate(world):
    before = _a_rows(world)
    response = _api(world.b_token).post(
        "/api/v1/sync/reviews/",
        {"reviews": [_review(world.a_only_question, world.a_pushed_review)]},
        format="json",
    )

    assert _a_rows(world) == before
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [(0, "id")]
    assert "duplicates" not in response.json()


# --------------------------------------------------------------------------------------
# Content a student may not study
# --------------------------------------------------------------------------------------


def _unstudyable(world: World, which: str) -> Question:
    lessons = world.course.lessons
    if which == "draft":
        return Question.objects.get(lesson=lessons[0], status=QuestionStatus.DRAFT)
    if which == "retired":
        return Question.objects.get(lesson=lessons[0], status=QuestionStatus.RETIRED)
    lessons[1].archived_at = timezone.now()
    lessons[1].save(update_fields=["archived_at"])
    return world.question(QuestionKind.FLASHCARD, lesson=1)


@pytest.mark.parametrize("which", ["draft", "retired", "archived lesson"])
def test_a_push_naming_a_question_the_student_may_not_study_is_refused(world, which):
    question = _unstudyable(world, which)
    stored = ReviewLog.objects.count()

    response = _api(world.b_token).post(
        "/api/v1/sync/reviews/",
        {"reviews": [_review(world.shared_question), _review(question)]},
        format="json",
    )

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [(1, "question")]
    assert errors[0]["message"]
    assert ReviewLog.objects.count() == stored


def test_an_offline_attempt_at_an_archived_lesson_is_refused(world):
    _unstudyable(world, "archived lesson")
    cloze = world.question(QuestionKind.CLOZE, lesson=1)
    attempt_id = str(uuid.uuid4())

    response = _api(world.b_token).post(
        "/api/v1/attempts/",
        _attempt_body(
            world.course,
            attempt_id,
            [{"question": cloze.pk, "response": "autumn"}],
            lesson=1,
        ),
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "lesson" in {error["field"] for error in response.json()["errors"]}
    assert not QuizAttempt.objects.filter(pk=attempt_id).exists()
    # Its quiz and practice questions are gone from the API as well.
    for part in ("quiz", "questions"):
        url = f"/api/v1/lessons/{world.course.lessons[1].pk}/{part}/"
        assert _api(world.b_token).get(url).status_code == 404
