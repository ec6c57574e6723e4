"""GET /api/v1/sync/changes/: every change exactly once, by an opaque cursor."""

import base64
import json
import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from quizzes.models import Choice, Lesson, Question, QuestionKind, QuestionStatus
from quizzes.services import ReviewInput, record_reviews
from tests.quizzes.api_clients import api_for, concurrent_db, postgresql_only
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

URL = "/api/v1/sync/changes/"


@pytest.fixture
def api(student) -> APIClient:
    return api_for(student)


@pytest.fixture
def course(teacher):
    return build_course(teacher)


def reviews_of(user, questions, *, count: int, start_minutes: int = 600) -> list[uuid.UUID]:
    """``count`` reviews of ``questions`` (round robin), stored in one batch."""
    now = timezone.now()
    batch = [
        ReviewInput(
            id=uuid.uuid4(),
            question_id=questions[n % len(questions)].pk,
            rating=3,
            reviewed_at=now - timedelta(minutes=start_minutes - n),
        )
        for n in range(count)
    ]
    record_reviews(user=user, reviews=batch, now=now)
    return [review.id for review in batch]


def pull(api, cursor=None, limit=None):
    params = {}
    if cursor is not None:
        params["cursor"] = cursor
    if limit is not None:
        params["limit"] = limit
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def pull_all(api, *, limit=None, cursor=None) -> tuple[list[dict], str]:
    pages = []
    while True:
        page = pull(api, cursor, limit)
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return pages, cursor


def items(pages, key) -> list:
    return [item for page in pages for item in page[key]]


def test_a_first_pull_returns_the_studyable_content(api, course):
    pages, _ = pull_all(api)

    assert len(pages) == 1
    page = pages[0]
    assert set(page) == {
        "lessons",
        "questions",
        "deleted",
        "card_states",
        "review_logs",
        "cursor",
        "has_more",
        "visible_documents",
    }
    assert page["visible_documents"] == [course.document.pk]
    assert {lesson["id"] for lesson in page["lessons"]} == {le.pk for le in course.lessons}
    lesson = page["lessons"][0]
    assert set(lesson) >= {"id", "document", "position", "heading", "body", "updated_at"}
    assert lesson["document"] == course.document.pk
    assert {q["id"] for q in page["questions"]} == {q.pk for q in course.published()}
    question = next(
        q
        for q in page["questions"]
        if q["id"] == course.questions[course.lessons[0].pk][QuestionKind.MULTIPLE_CHOICE].pk
    )
    assert set(question) >= {
        "id",
        "lesson",
        "kind",
        "prompt",
        "choices",
        "answer",
        "alternatives",
        "explanation",
        "source_sentence",
        "updated_at",
    }
    assert question["lesson"] == course.lessons[0].pk
    assert [c["text"] for c in question["choices"]] == [
        "Port Wren",
        "Alder",
        "Kestrel Bay",
        "Easthaven",
    ]
    hidden = Question.objects.exclude(status=QuestionStatus.PUBLISHED)
    assert sorted(page["deleted"], key=lambda d: d["id"]) == [
        {"type": "question", "id": pk} for pk in sorted(hidden.values_list("pk", flat=True))
    ]
    assert page["card_states"] == [] and page["review_logs"] == []


def test_a_pull_after_the_last_one_returns_only_what_changed(api, course):
    _, cursor = pull_all(api)
    assert pull(api, cursor) == {
        "lessons": [],
        "questions": [],
        "deleted": [],
        "card_states": [],
        "review_logs": [],
        "cursor": cursor,
        "has_more": False,
        "visible_documents": None,
    }
    question = course.questions[course.lessons[1].pk][QuestionKind.MULTIPLE_CHOICE]

    Choice.objects.filter(question=question, text="Alder").update(text="Alderney")
    Lesson.objects.filter(pk=course.lessons[0].pk).update(heading="The first river")
    page = pull(api, cursor)

    assert [lesson["heading"] for lesson in page["lessons"]] == ["The first river"]
    assert [q["id"] for q in page["questions"]] == [question.pk]
    assert "Alderney" in [c["text"] for c in page["questions"][0]["choices"]]


def test_archived_lessons_and_their_questions_are_deleted_and_come_back(api, course):
    _, cursor = pull_all(api)
    lesson = course.lessons[0]
    questions = set(Question.objects.filter(lesson=lesson).values_list("pk", flat=True))

    lesson.archived_at = timezone.now()
    lesson.save()
    pages, cursor = pull_all(api, cursor=cursor)

    deleted = items(pages, "deleted")
    assert {"type": "lesson", "id": lesson.pk} in deleted
    assert {d["id"] for d in deleted if d["type"] == "question"} == questions
    assert items(pages, "lessons") == [] and items(pages, "questions") == []

    lesson.archived_at = None
    lesson.save()
    pages, _ = pull_all(api, cursor=cursor)

    assert [le["id"] for le in items(pages, "lessons")] == [lesson.pk]
    published = {q.pk for q in course.questions[lesson.pk].values()}
    assert {q["id"] for q in items(pages, "questions")} == published


def test_retired_and_deleted_questions_are_reported_deleted(api, course):
    _, cursor = pull_all(api)
    by_kind = course.questions[course.lessons[0].pk]
    retired, gone = by_kind[QuestionKind.CLOZE], by_kind[QuestionKind.FLASHCARD]
    gone_id = gone.pk

    Question.objects.filter(pk=retired.pk).update(status=QuestionStatus.RETIRED)
    gone.delete()
    page = pull(api, cursor)

    assert page["questions"] == []
    assert sorted(page["deleted"], key=lambda d: d["id"]) == sorted(
        [{"type": "question", "id": retired.pk}, {"type": "question", "id": gone_id}],
        key=lambda d: d["id"],
    )


def test_a_deleted_document_leaves_its_lessons_as_tombstones(api, course):
    _, cursor = pull_all(api)
    Question.objects.filter(lesson__document=course.document).delete()

    course.document.delete()
    page = pull(api, cursor)

    lessons = {d["id"] for d in page["deleted"] if d["type"] == "lesson"}
    assert lessons == {lesson.pk for lesson in course.lessons}


def test_only_the_users_own_reviews_and_cards_are_pulled(api, student, course):
    other = User.objects.create_user(username="kim", password="x" * 12)
    mine = reviews_of(student, course.published()[:2], count=3)
    reviews_of(other, course.published(), count=8)

    pages, _ = pull_all(api)

    assert sorted(r["id"] for r in items(pages, "review_logs")) == sorted(map(str, mine))
    assert {s["question"] for s in items(pages, "card_states")} == {
        q.pk for q in course.published()[:2]
    }
    log = items(pages, "review_logs")[0]
    assert set(log) == {"id", "question", "rating", "reviewed_at", "duration_ms", "device"}


@pytest.mark.parametrize("limit", [1, 7, 500])
def test_paging_returns_every_change_exactly_once(api, student, course, limit):
    cards = course.published()
    first = reviews_of(student, cards, count=12)
    cursor = None
    seen: Counter = Counter()
    states: Counter = Counter()
    pushed = list(first)
    for round_ in range(3):
        pages, cursor = pull_all(api, limit=limit, cursor=cursor)
        assert all(
            sum(
                len(p[k])
                for k in ("lessons", "questions", "deleted", "card_states", "review_logs")
            )
            <= limit
            for p in pages
        )
        seen.update(r["id"] for r in items(pages, "review_logs"))
        states.update(s["question"] for s in items(pages, "card_states"))
        pushed += reviews_of(student, cards[:3], count=5, start_minutes=300 - round_ * 10)
    pages, cursor = pull_all(api, limit=limit, cursor=cursor)
    seen.update(r["id"] for r in items(pages, "review_logs"))

    assert seen == Counter(str(i) for i in pushed)
    assert set(states) == {q.pk for q in cards}


def test_pages_split_ties_of_one_version(api, student, course):
    ids = reviews_of(student, course.published(), count=20)  # one batch: one version

    pages, _ = pull_all(api, limit=3)

    assert sorted(r["id"] for r in items(pages, "review_logs")) == sorted(map(str, ids))
    assert all(p["has_more"] for p in pages[:-1]) and not pages[-1]["has_more"]


@pytest.mark.parametrize("limit", ["0", "1001", "x", "", "-1", "1e3"])
def test_a_bad_limit_is_a_400(api, limit):
    response = api.get(URL, {"limit": limit})

    assert response.status_code == 400
    assert response.json()["detail"] and response.json()["errors"][0]["field"] == "limit"


def _encoded(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


GOOD = {"v": 2, "l": None, "q": None, "t": None, "r": None, "c": None, "d": None}
OLD = {k: v for k, v in GOOD.items() if k != "d"} | {"v": 1}
"""A cursor from before the visibility hash: still read."""


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "",
        "a",
        "x" * 2000,
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _encoded("not an object"),
        _encoded([1, 2]),
        _encoded({**GOOD, "v": 3}),
        _encoded({**GOOD, "v": 1}),
        _encoded({**OLD, "v": 2}),
        _encoded({**GOOD, "d": "not-a-hash"}),
        _encoded({**GOOD, "d": "ABCDEF0123456789"}),
        _encoded({**GOOD, "d": 12}),
        _encoded({**GOOD, "d": ["0123456789abcdef"]}),
        _encoded({k: v for k, v in GOOD.items() if k != "c"}),
        _encoded({**GOOD, "x": None}),
        _encoded({**GOOD, "l": [1]}),
        _encoded({**GOOD, "l": [-1, 2]}),
        _encoded({**GOOD, "l": [True, 2]}),
        _encoded({**GOOD, "l": [1, "2"]}),
        _encoded({**GOOD, "l": [2**63, 2]}),
        _encoded({**GOOD, "r": [1, 5]}),
        _encoded({**GOOD, "r": [1, "not-a-uuid"]}),
        _encoded({**GOOD, "q": {"v": 1}}),
        "W" * 20 + "[[[",
        _encoded({**GOOD, "l": [[[[1]]], 2]}),
    ],
)
def test_a_bad_cursor_is_a_400(api, cursor):
    response = api.get(URL, {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_cursor_made_by_the_server_round_trips(api, student, course):
    reviews_of(student, course.published(), count=4)
    page = pull(api, limit=13)

    assert page["has_more"]
    decoded = json.loads(base64.urlsafe_b64decode(page["cursor"] + "=="))
    assert set(decoded) == set(GOOD)
    assert pull(api, _encoded(GOOD))["lessons"]  # a hand-made beginning is accepted


def test_a_cursor_from_before_the_visibility_hash_restarts_the_content(api, student, course):
    reviews_of(student, course.published(), count=2)
    _, cursor = pull_all(api)
    decoded = json.loads(base64.urlsafe_b64decode(cursor + "=="))
    old = {key: value for key, value in decoded.items() if key != "d"} | {"v": 1}

    page = pull(api, _encoded(old))

    assert page["visible_documents"] == [course.document.pk]
    assert {lesson["id"] for lesson in page["lessons"]} == {le.pk for le in course.lessons}
    assert page["review_logs"] == [] and page["card_states"] == []  # not restarted


def test_an_anonymous_pull_is_refused(client):
    assert client.get(URL).status_code == 401


def test_a_pull_runs_a_fixed_number_of_queries(api, student, teacher):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(URL, {"limit": 1000}).status_code == 200
        return len(queries)

    small = build_course(teacher, title="Small")
    reviews_of(student, small.published(), count=3)
    few = count_queries()

    large = build_course(teacher, title="Large", lessons=20, extra_questions=3)
    reviews_of(student, large.published(), count=200)

    assert count_queries() == few


@postgresql_only
@concurrent_db
def test_a_pull_racing_pushes_sees_every_acknowledged_review_once(student):
    author = User.objects.create_user(username="author", password="x" * 12, is_staff=True)
    cards = build_course(author).published()
    acknowledged: list[str] = []
    seen: Counter = Counter()
    pushing = threading.Event()
    pushing.set()
    failures: list[BaseException] = []

    def pusher() -> None:
        try:
            api = APIClient()
            api.force_authenticate(student)
            now = timezone.now()
            for batch in range(25):
                body = [
                    {
                        "id": str(uuid.uuid4()),
                        "question": cards[(batch + n) % len(cards)].pk,
                        "rating": 1 + (batch + n) % 4,
                        "reviewed_at": (now - timedelta(minutes=500 - batch * 5 - n)).isoformat(),
                    }
                    for n in range(4)
                ]
                response = api.post("/api/v1/sync/reviews/", {"reviews": body}, format="json")
                assert response.status_code == 200
                acknowledged.extend(response.json()["accepted"])
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            pushing.clear()
            connections.close_all()

    def pager() -> None:
        try:
            api = APIClient()
            api.force_authenticate(student)
            cursor = None
            while True:
                still_pushing = pushing.is_set()
                params = {"limit": 7} | ({"cursor": cursor} if cursor else {})
                page = api.get(URL, params).json()
                seen.update(r["id"] for r in page["review_logs"])
                cursor = page["cursor"]
                if not page["has_more"] and not still_pushing:
                    return
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pusher), threading.Thread(target=pager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(acknowledged) == 100
    assert seen == Counter(acknowledged)
