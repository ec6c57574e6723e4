"""Hostile strings stored through the admin, the importers, the API and user names come
back inert on every page that shows them: no live script, no event handler, no
``javascript:`` link, and the text itself still visible (so the check is not vacuous).

Each page is parsed with the standard library's HTML parser and its elements and
attributes are checked, rather than searching the raw text for strings.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from quizzes.interop import gift, quizlet_csv
from quizzes.interop.types import InterchangeQuestion
from quizzes.models import (
    Choice,
    Classroom,
    Document,
    Lesson,
    Question,
    QuestionKind,
    QuizAttempt,
    ReviewLog,
)
from quizzes.services import import_document, import_questions, read_document
from tests.conftest import PASSWORD
from tests.quizzes.api_clients import api_for
from tests.quizzes.course import build_course
from tests.quizzes.documents import document_form
from tests.security.payloads import MARKERS, PAYLOADS, markers_in, pack

pytestmark = pytest.mark.django_db

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
HOSTILE_TAGS = {
    "iframe", "object", "embed", "base", "frame", "frameset", "applet", "math",
    "svg", "marquee", "video", "audio", "source", "mglyph", "animate", "body", "rect",
}  # fmt: skip
# Attributes where a payload may legitimately sit, escaped: form values and hover text.
TEXT_ATTRIBUTES = {"value", "title", "alt", "aria-label", "placeholder"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):")


class _Inspector(HTMLParser):
    """Collects what a page shows as text and every way it could run a payload."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.shown: list[str] = []
        self.body_tags = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in values.items())}>"
        if tag == "body":
            self.body_tags += 1
            if self.body_tags > 1:
                self.problems.append(f"a second body: {where}")
        elif tag in HOSTILE_TAGS and not (tag in {"svg", "rect"} and "class" in values):
            # The site draws its own charts as SVG, each with a class; payloads' have none.
            self.problems.append(f"a live hostile element: {where}")
        if tag == "script" and not (
            re.match(r"^/(static|admin/jsi18n)/", values.get("src", ""))
            or values.get("type") == "application/json"
        ):
            self.problems.append(f"a script that is not one of the site's files: {where}")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"a meta refresh: {where}")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"an event handler: {where}")
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(squeezed):
                self.problems.append(f"a script URL: {where}")
            if name == "srcdoc" or (name == "style" and "javascript" in squeezed):
                self.problems.append(f"script in an attribute: {where}")
            if markers_in(value) and name not in TEXT_ATTRIBUTES and not name.startswith("data-"):
                self.problems.append(f"a payload inside markup: {where}")
            if name in TEXT_ATTRIBUTES:
                self.shown.append(value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.shown.append(data)


def inspect(content: str) -> tuple[list[str], set[str]]:
    """The problems found in a page, and the payload markers it shows as text."""
    inspector = _Inspector()
    inspector.feed(content)
    inspector.close()
    return inspector.problems, markers_in("\n".join(inspector.shown))


def visit(client: Client, url: str, expect: set[str] | int, **kwargs: object) -> str:
    """GET ``url``, assert the page is inert and shows the ``expect``ed markers (or at
    least that many of them); returns the page."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    page = response.content.decode()
    problems, shown = inspect(page)
    assert problems == [], f"{url}: {problems[:5]}"
    if isinstance(expect, int):
        assert len(shown) >= expect, f"{url} shows only {sorted(shown)}"
    else:
        assert expect <= shown, f"{url} does not show {sorted(expect - shown)}"
    # Template syntax is shown, never evaluated: no password hash, no debug dump.
    assert "md5$" not in page and "sql_queries" not in page
    return page


ALL = set(MARKERS)


def test_the_inspector_catches_live_markup():
    """The checks have teeth: the same payloads, unescaped, are all reported."""
    missed = [p for p in PAYLOADS if not inspect(f"<html><body><p>{p}</p></body></html>")[0]]
    # Unreported: strings that are plain text or a comment even unescaped, and two that
    # this parser reads as an unknown tag (browsers do too).
    harmless = (3, 7, 31, 32, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48)
    assert set(missed) <= {PAYLOADS[n - 1] for n in harmless}, missed

    problems, shown = inspect("<p>" + "\n".join(html.escape(p) for p in PAYLOADS) + "</p>")
    assert problems == [] and shown == ALL


def _markdown() -> str:
    headings = pack(290, PAYLOADS)
    bodies = ["\n\n".join(PAYLOADS[i :: len(headings)]) for i in range(len(headings))]
    lessons = "\n\n".join(
        f"## {h.replace(chr(10), ' ')}\n\n{b}" for h, b in zip(headings, bodies, strict=True)
    )
    return f"# Hostile course\n\n{lessons}\n"


@pytest.fixture
def admin_course(teacher_client, teacher, student) -> Document:
    """A document, a question of each kind that carries text, and classes, all typed
    into the admin by a teacher; the student is in every class."""
    titles = pack(255)
    for n, title in enumerate(titles):
        text = _markdown() if n == 0 else f"# T\n\n## L\n\nShort text number {n}."
        response = teacher_client.post(
            reverse("admin:quizzes_document_add"),
            document_form(
                title=title, pasted_text=text, import_format="markdown", open_to_all="on"
            ),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get(title=titles[0])
    lesson = document.lessons.get(heading__contains="xss01")
    everything = "\n".join(PAYLOADS)
    choices = pack(500)
    question = {
        "lesson": lesson.pk,
        "kind": "multiple_choice",
        "status": "published",
        "position": 0,
        "prompt": everything,
        "answer": choices[0],
        "explanation": everything,
        "accepted_answers": "[]",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
    }
    for n, text in enumerate(choices):
        question.update({f"choices-{n}-position": n, f"choices-{n}-text": text})
        question.update(
            {f"choices-{n}-feedback": text} if n else {f"choices-{n}-is_correct": "on"}
        )
    flashcard = {
        **{k: v for k, v in question.items() if not k.startswith("choices-")},
        "kind": "flashcard",
        "position": 1,
        "answer": everything,
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
    }
    for data in (question, flashcard):
        response = teacher_client.post(reverse("admin:quizzes_question_add"), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    for name in pack(200):
        response = teacher_client.post(
            reverse("admin:quizzes_classroom_add"),
            {
                "name": name,
                "documents": [document.pk],
                "add_students": student.username,
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
                "memberships-MIN_NUM_FORMS": "0",
                "memberships-MAX_NUM_FORMS": "1000",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    return document


OPTION = re.compile(
    r'<input type="radio" name="choice" value="(\d+)"[^>]*> <span>(.*?)</span>', re.S
)


def _a_wrong_place(page: str, lesson: Lesson) -> str:
    """The place of an option that is not right: the options are shuffled per attempt,
    and only a missed question shows its explanation on the result page."""
    right = {
        html.escape(text, quote=True)
        for text in Choice.objects.filter(question__lesson=lesson, is_correct=True).values_list(
            "text", flat=True
        )
    }
    places = [place for place, text in OPTION.findall(page) if text not in right]
    assert places, "no wrong option on the page"
    return places[0]


def test_admin_content_is_inert_on_the_students_pages(client, student, admin_course):
    client.force_login(student)
    lesson = admin_course.lessons.get(heading__contains="xss01")
    # The heading carries the first few payloads, the body every eighth or so.
    body = markers_in(" ".join(PAYLOADS[:: len(pack(290))]))

    visit(client, reverse("home"), markers_in(pack(255)[0]))
    visit(client, reverse("lesson_detail", args=[lesson.pk]), markers_in(lesson.heading) | body)
    visit(client, reverse("my_classes"), ALL)
    visit(client, reverse("progress"), 0)

    # The quiz: the question, its feedback after a wrong choice, then the result.
    response = client.post(reverse("lesson_quiz", args=[lesson.pk]))
    assert response.status_code == 302
    attempt_url = response.url
    shown_choices = set()
    for _ in range(Question.objects.filter(lesson=lesson, status="published").count()):
        if client.get(attempt_url).status_code == 302:  # all answered: on to the result
            break
        page = visit(client, attempt_url, 0)
        if markers_in(page) == ALL:  # the hostile multiple-choice question
            shown_choices |= markers_in(page)
            answered = client.post(
                attempt_url, {"choice": _a_wrong_place(page, lesson), **_hidden(page)}
            )
            assert answered.status_code == 302
            # The feedback repeats the prompt and gives the explanation.
            visit(client, answered.url, ALL)
        else:
            answered = client.post(attempt_url, {"response": PAYLOADS[0], **_hidden(page)})
            assert answered.status_code == 302
    assert shown_choices >= ALL
    client.post(reverse("attempt_finish", args=[attempt_url.rstrip("/").split("/")[-1]]))
    visit(client, attempt_url + "result/", ALL)

    # The flashcard: its front, then the back after revealing.
    front = ""
    for _ in range(20):
        front = visit(client, reverse("study"), 0)
        if "xss01" in markers_in(front):
            break
        token = re.search(r'name="token" value="([^"]+)"', front)
        assert token, "the hostile flashcard never came up"
        client.post(reverse("study"), {"token": token.group(1), "rating": "3"})
    token = re.search(r'name="token" value="([^"]+)"', front).group(1)
    response = client.post(reverse("study_reveal"), {"token": token, "response": PAYLOADS[0]})
    problems, shown = inspect(response.content.decode())
    assert response.status_code == 200 and problems == [] and "xss01" in shown


def _hidden(page: str) -> dict[str, str]:
    """The hidden fields of the question form, as the browser sends them back."""
    return dict(re.findall(r'<input type="hidden" name="(question|shown)" value="([^"]*)"', page))


def test_admin_content_is_inert_on_the_teachers_pages(teacher_client, admin_course):
    question = Question.objects.get(kind="multiple_choice", prompt__contains="xss01")
    lesson = question.lesson
    classroom = Classroom.objects.order_by("pk").first()
    pages = {
        reverse("admin:quizzes_document_changelist"): 5,
        reverse("admin:quizzes_document_change", args=[admin_course.pk]): 10,
        reverse("admin:quizzes_document_statistics", args=[admin_course.pk]): 1,
        reverse("admin:quizzes_lesson_changelist"): 5,
        reverse("admin:quizzes_lesson_change", args=[lesson.pk]): 10,
        reverse("admin:quizzes_question_changelist"): 1,
        reverse("admin:quizzes_question_change", args=[question.pk]): ALL,
        reverse("admin:quizzes_classroom_changelist"): ALL,
        reverse("admin:quizzes_classroom_change", args=[classroom.pk]): 1,
        reverse("class_report", args=[classroom.pk]): 1,
    }
    for url, expect in pages.items():
        visit(teacher_client, url, expect)


# --- The importers ----------------------------------------------------------------------


def _html_document() -> bytes:
    """An HTML page whose headings and paragraphs hold the payloads as escaped text (so
    the reader decodes them into the lesson text) and as raw markup (which it drops)."""
    headings = pack(290)
    sections = "".join(
        f"<h2>{html.escape(heading)}</h2><p>{html.escape(PAYLOADS[n])}</p><div>{PAYLOADS[n]}</div>"
        for n, heading in enumerate(headings)
    )
    return f"<html><head><title>Hostile page</title></head><body>{sections}</body></html>".encode()


@pytest.mark.parametrize(
    ("filename", "data"),
    [("hostile.md", _markdown().encode()), ("hostile.html", _html_document())],
)
def test_imported_documents_are_inert_on_the_lesson_pages(
    teacher_client, teacher, student, filename, data
):
    parsed = read_document(data, filename=filename)
    document = import_document(owner=teacher, parsed=parsed).document
    document.open_to_all = True
    document.save()
    client = Client()
    client.force_login(student)
    # (The Markdown reader keeps only the text of inline HTML in a heading.)
    lessons = list(document.lessons.order_by("position"))
    assert len(lessons) >= len(pack(290))
    shown: set[str] = set()
    for lesson in lessons:
        page = visit(
            client, reverse("lesson_detail", args=[lesson.pk]), markers_in(lesson.heading)
        )
        shown |= markers_in(page)
    assert shown == ALL
    visit(client, reverse("home"), 1)
    visit(teacher_client, reverse("admin:quizzes_lesson_changelist"), 10)
    visit(teacher_client, reverse("admin:quizzes_lesson_change", args=[lessons[0].pk]), 5)
    visit(teacher_client, reverse("admin:quizzes_question_changelist"), 0)
    visit(teacher_client, reverse("admin:quizzes_document_statistics", args=[document.pk]), 0)


@pytest.mark.parametrize(("fmt", "payloads"), [("csv", PAYLOADS), ("gift", PAYLOADS)])
def test_imported_questions_are_inert_in_the_study_cards_and_the_admin(
    teacher_client, teacher, student, fmt, payloads
):
    course = build_course(teacher, lessons=1)
    lesson = course.lessons[0]
    questions = [
        InterchangeQuestion(kind="flashcard", prompt=payload, answer=f"back {payload}")
        for payload in payloads
    ]
    data = (gift.dump(questions) if fmt == "gift" else quizlet_csv.dump(questions)).encode()
    import_questions(lesson=lesson, data=data, format=fmt)
    stored = Question.objects.filter(lesson=lesson, prompt__in=payloads)
    assert stored.count() == len(payloads)
    expected = markers_in(" ".join(payloads))

    visit(teacher_client, f"{reverse('admin:quizzes_question_changelist')}?q=xss", 40)
    first = stored.order_by("pk").first()
    visit(teacher_client, reverse("admin:quizzes_question_change", args=[first.pk]), 1)

    # A student meets them as flashcards, as many as the day's new-card limit lets in.
    client = Client()
    client.force_login(student)
    shown: set[str] = set()
    for _ in range(25):
        page = visit(client, reverse("study"), 0)
        token = re.search(r'name="token" value="([^"]+)"', page)
        if token is None or len(shown) >= 10:
            break
        shown |= markers_in(page)
        back = client.post(reverse("study_reveal"), {"token": token.group(1)})
        problems, on_the_back = inspect(back.content.decode())
        assert back.status_code == 200 and problems == []
        assert markers_in(page) <= on_the_back
        client.post(reverse("study"), {"token": token.group(1), "rating": "3"})
    assert len(shown) >= 10 and shown <= expected


# --- The API ----------------------------------------------------------------------------


def test_offline_attempt_responses_and_device_names_are_inert(client, teacher, student):
    course = build_course(teacher, lessons=1)
    lesson = course.lessons[0]
    short = course.questions[lesson.pk][QuestionKind.SHORT_ANSWER]
    cloze = course.questions[lesson.pk][QuestionKind.CLOZE]
    api = api_for(student)
    now = timezone.now()
    body = {
        "id": str(uuid.uuid4()),
        "lesson": lesson.pk,
        "started_at": (now - timedelta(minutes=10)).isoformat(),
        "submitted_at": (now - timedelta(minutes=2)).isoformat(),
        "answers": [
            {"question": short.pk, "response": pack(500)[0]},
            {"question": cloze.pk, "response": pack(500)[1]},
        ],
    }
    response = api.post("/api/v1/attempts/", body, format="json")
    assert response.status_code in (200, 201), response.content
    printable = [p for p in PAYLOADS if p.isprintable()][:20]
    reviews = [
        {
            "id": str(uuid.uuid4()),
            "question": short.pk,
            "rating": 3,
            "reviewed_at": (now - timedelta(minutes=60 - n)).isoformat(),
            "duration_ms": 1000,
            "device": payload[:100],
        }
        for n, payload in enumerate(printable)
    ]
    pushed = api.post("/api/v1/sync/reviews/", {"reviews": reviews}, format="json")
    assert pushed.status_code == 200, pushed.content
    assert ReviewLog.objects.filter(device__contains="xss").count() == len(printable)

    # The API answers JSON, which a browser will not sniff into HTML.
    detail = api.get(f"/api/v1/attempts/{body['id']}/")
    assert detail["Content-Type"].startswith("application/json")
    assert detail.get("X-Content-Type-Options") == "nosniff"
    responses = {a["response"] for a in json.loads(detail.content)["answers"]}
    assert set(pack(500)[:2]) <= responses
    changes = api.get("/api/v1/sync/changes/")
    assert changes.status_code == 200 and changes["Content-Type"].startswith("application/json")

    # The student's own result page shows what they typed, as text.
    attempt = QuizAttempt.objects.get(pk=body["id"])
    client.force_login(student)
    visit(client, reverse("attempt_result", args=[attempt.pk]), markers_in(pack(500)[0]))
    visit(client, reverse("progress"), 0)


# --- User names -------------------------------------------------------------------------


def test_hostile_user_names_are_inert_on_the_class_pages(teacher_client, teacher):
    """Usernames stored as they come (an import from a school directory could bypass the
    sign-up validators) and first names, which sign-up and the admin accept freely."""
    course = build_course(teacher, lessons=1)
    names = pack(150)
    users = [
        User.objects.create_user(username=name, first_name="", password=PASSWORD) for name in names
    ] + [
        User.objects.create_user(username=f"pupil{n}", first_name=name[:150], password=PASSWORD)
        for n, name in enumerate(names)
    ]
    classroom = Classroom.objects.create(
        teacher=teacher, name="Hostile names", join_code="HOSTILE1"
    )
    classroom.documents.add(course.document)
    classroom.students.add(*users)

    visit(teacher_client, reverse("class_report", args=[classroom.pk]), ALL)
    visit(teacher_client, reverse("admin:quizzes_classroom_change", args=[classroom.pk]), 10)
    csv_response = teacher_client.get(reverse("class_report_csv", args=[classroom.pk]))
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
