"""Every form and endpoint of the site and the API, fed empty, huge, wrongly typed and
wrongly encoded input, answers 4xx with a message the user can read and writes nothing.

``ROUTES`` classifies every route the resolver knows (the admin's are in
``test_admin_sweep.py``): a write route has a case here, anything else is named with the
reason it is left out; ``test_every_route_is_swept_or_excluded`` fails on a new route
that is neither. Each case starts from a valid baseline and makes one kind of field
hostile at a time; the database is compared row by row, field by field, before and after.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import DeviceToken, User
from quizzes.models import Classroom, Membership, QuestionKind, QuizAttempt
from quizzes.services import start_attempt
from quizzes.views.study import make_token
from tests.conftest import PASSWORD
from tests.quizzes import attempt_bodies
from tests.quizzes.api_clients import api_for, pushed_review
from tests.quizzes.course import Course, build_course
from tests.security import sweep
from tests.security.sweep import (
    HUGE_INTS,
    NOT_UTF_8,
    Variant,
    api_variants,
    assert_refused_and_nothing_written,
    form_variants,
    send,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """One of everything a write route needs, owned by the right people."""

    course: Course
    student: User
    attempt: QuizAttempt
    joined: Classroom
    other_class: Classroom

    def card(self, kind: str, lesson: int = 1) -> object:
        """A published question of the second lesson (outside the running quiz, so
        it can be studied) or, with ``lesson=0``, of the first."""
        return self.course.questions[self.course.lessons[lesson].pk][kind]


@pytest.fixture
def world(teacher, student) -> World:
    course = build_course(teacher, lessons=2)
    joined = Classroom.objects.create(teacher=teacher, name="7B", join_code="K7QM4XPA")
    Membership.objects.create(classroom=joined, student=student)
    other = Classroom.objects.create(teacher=teacher, name="8A", join_code="ZZZZ9999")
    attempt = start_attempt(user=student, lesson=course.lessons[0], seed=1)
    return World(course, student, attempt, joined, other)


@pytest.fixture(autouse=True)
def _no_login_throttle(settings) -> None:
    # The sweep logs in dozens of times from one address: the throttle has its own tests.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login_ip": "10000/min", "login_username": "10000/min"},
    }
    cache.clear()


# --- The site's forms -------------------------------------------------------------------


@dataclass(frozen=True)
class FormCase:
    """A form post: who sends it, where, a valid body, and each field's kind."""

    persona: str  # "anonymous" or "student"
    url: Callable[[World], str]
    baseline: Callable[[World], dict[str, object]]
    kinds: dict[str, str]
    opened_first: bool = False
    """The form is posted where opening ``url`` leads (Django's reset link moves its token
    into the session and redirects to the form)."""

    def form_url(self, client: Client, world: World) -> str:
        url = self.url(world)
        if not self.opened_first:
            return url
        opened = client.get(url)
        assert opened.status_code == 302, opened.status_code
        return opened["Location"]


def _answer_baseline(world: World) -> dict[str, object]:
    current = world.attempt.answers.filter(answered_at__isnull=True).order_by("position").first()
    if current.question.kind == QuestionKind.MULTIPLE_CHOICE:
        return {"question": current.question_id, "choice": 1, "shown": ""}
    return {"question": current.question_id, "response": "autumn", "shown": ""}


def _token(world: World, kind: str = QuestionKind.FLASHCARD) -> str:
    card = world.card(kind)
    return make_token(user=world.student, question=card, now=timezone.now())


def _reveal_baseline(world: World) -> dict[str, object]:
    # A multiple-choice card, so that the choice is read (a flashcard's is ignored).
    card = world.card(QuestionKind.MULTIPLE_CHOICE)
    return {
        "token": _token(world, QuestionKind.MULTIPLE_CHOICE),
        "response": "",
        "choice": card.choices.get(is_correct=True).pk,
    }


def _reset_url(world: World) -> str:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(world.student.pk))
    token = default_token_generator.make_token(world.student)
    return reverse("password_reset_confirm", args=[uid, token])


FORMS: dict[str, FormCase] = {
    "attempts/<uuid:attempt_id>/": FormCase(
        "student",
        lambda w: reverse("attempt", args=[w.attempt.pk]),
        _answer_baseline,
        {"question": "int", "choice": "int", "response": "text", "shown": "text"},
    ),
    "study/": FormCase(
        "student",
        lambda w: reverse("study"),
        lambda w: {"token": _token(w), "rating": 3},
        {"token": "text", "rating": "choice"},
    ),
    "study/reveal/": FormCase(
        "student",
        lambda w: reverse("study_reveal"),
        _reveal_baseline,
        {"token": "text", "response": "text", "choice": "choice"},
    ),
    "classes/ (join)": FormCase(
        "student",
        lambda w: reverse("my_classes"),
        lambda w: {"code": w.other_class.join_code},
        {"code": "text"},
    ),
    "classes/ (leave)": FormCase(
        "student",
        lambda w: reverse("my_classes"),
        lambda w: {"leave": w.joined.pk},
        {"leave": "int"},
    ),
    "accounts/signup/": FormCase(
        "anonymous",
        lambda w: reverse("signup"),
        lambda w: {
            "username": "lin",
            "email": "lin@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        {"username": "text", "email": "text", "password1": "text", "password2": "text"},
    ),
    "accounts/login/": FormCase(
        "anonymous",
        lambda w: reverse("login"),
        lambda w: {"username": "sam", "password": PASSWORD},
        {"username": "text", "password": "text"},
    ),
    "accounts/password_change/": FormCase(
        "student",
        lambda w: reverse("password_change"),
        lambda w: {
            "old_password": PASSWORD,
            "new_password1": "a new horse staple battery",
            "new_password2": "a new horse staple battery",
        },
        {"old_password": "text", "new_password1": "text", "new_password2": "text"},
    ),
    "accounts/password_reset/": FormCase(
        "anonymous",
        lambda w: reverse("password_reset"),
        lambda w: {"email": "sam@example.org"},
        {"email": "text"},
    ),
    "accounts/reset/<uidb64>/<token>/": FormCase(
        "anonymous",
        _reset_url,
        lambda w: {
            "new_password1": "a new horse staple battery",
            "new_password2": "a new horse staple battery",
        },
        {"new_password1": "text", "new_password2": "text"},
        opened_first=True,
    ),
    "accounts/delete/": FormCase(
        "student",
        lambda w: reverse("delete_account"),
        lambda w: {"password": PASSWORD},
        {"password": "text"},
    ),
}


NO_INPUT: dict[str, Callable[[World], list[str]]] = {
    # A POST that starts or ends something takes no fields: a hostile body is ignored and
    # the action is the right one. What it does take is an id, in the path.
    "lessons/<int:lesson_id>/quiz/": lambda w: [
        f"/lessons/{n}/quiz/" for n in (*HUGE_INTS, 0, w.course.lessons[0].pk + 999)
    ],
    "documents/<int:document_id>/test/": lambda w: [
        f"/documents/{n}/test/" for n in (*HUGE_INTS, 0, w.course.document.pk + 999)
    ],
    "attempts/<uuid:attempt_id>/finish/": lambda w: [
        f"/attempts/{uuid.uuid4()}/finish/",
        "/attempts/not-a-uuid/finish/",
        "/attempts/%FF%FE/finish/",
    ],
}
"""Routes whose POST takes no input: their hostile ids, each a 404 that writes nothing."""

READ_ONLY = {
    "healthz": "a GET for load balancers",
    "": "the home page: GET only",
    "lessons/<int:lesson_id>/": "a lesson's text: GET only",
    "attempts/<uuid:attempt_id>/result/": "an attempt's result: GET only",
    "progress/": "the progress page: GET only",
    "classes/<int:class_id>/report/": "a class report: GET only",
    "classes/<int:class_id>/report.csv": "a class report's CSV: GET only",
    "accounts/": "the account page: GET only",
    "accounts/export/": "the data download: GET only",
    "api/v1/documents/": "API content: GET only",
    "api/v1/documents/<int:pk>/": "API content: GET only",
    "api/v1/lessons/<int:pk>/questions/": "API content: GET only",
    "api/v1/lessons/<int:pk>/quiz/": "API content: GET only",
    "api/v1/attempts/<str:id>/": "an API attempt: GET only",
    "api/v1/sync/changes/": "the sync pull: GET only",
    "api/v1/schema/": "the OpenAPI schema: GET only",
    "api/v1/docs/": "the API's documentation page: GET only",
}
"""Routes that take no write: a POST to them must be refused (405) and write nothing."""

NOT_WRITES = {
    "accounts/logout/": "takes no input: any POST logs the sender out, which writes no row",
    "accounts/password_change/done/": "a confirmation page (Django's TemplateView)",
    "accounts/password_reset/done/": "a confirmation page (Django's TemplateView)",
    "accounts/reset/done/": "a confirmation page (Django's TemplateView)",
}
"""Pages that ignore a POST's body entirely (Django's TemplateView answers 405 or the
page): nothing to sweep."""


# --- The API ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCase:
    persona: str  # "anonymous" or "student" (with a device token)
    url: str
    baseline: Callable[[World], dict[str, object]]
    fields: dict[tuple, str]
    """Paths into the body (("answers", 0, "response")) and each one's JSON kind:
    ``string``, ``int``, ``uuid``, ``datetime`` or ``list``."""


def _attempt_body(world: World) -> dict[str, object]:
    short = world.card(QuestionKind.SHORT_ANSWER, lesson=0)
    return attempt_bodies.body(world.course, [{"question": short.pk, "response": "Alder"}])


def _push_body(world: World) -> dict[str, object]:
    return {"reviews": [pushed_review(world.card(QuestionKind.FLASHCARD))]}


API: dict[str, ApiCase] = {
    "api/v1/auth/login/": ApiCase(
        "anonymous",
        "/api/v1/auth/login/",
        lambda w: {"username": "sam", "password": PASSWORD, "device_name": "phone"},
        {("username",): "string", ("password",): "string", ("device_name",): "string"},
    ),
    "api/v1/attempts/": ApiCase(
        "student",
        "/api/v1/attempts/",
        _attempt_body,
        {
            ("id",): "uuid",
            ("lesson",): "int",
            ("started_at",): "datetime",
            ("submitted_at",): "datetime",
            ("answers",): "list",
            ("answers", 0, "question"): "int",
            ("answers", 0, "response"): "text-or-id",
        },
    ),
    "api/v1/sync/reviews/": ApiCase(
        "student",
        "/api/v1/sync/reviews/",
        _push_body,
        {
            ("reviews",): "list",
            ("reviews", 0, "id"): "uuid",
            ("reviews", 0, "question"): "int",
            ("reviews", 0, "rating"): "int",
            ("reviews", 0, "reviewed_at"): "datetime",
            ("reviews", 0, "duration_ms"): "int-or-null",
            ("reviews", 0, "device"): "string",
        },
    ),
}

API_NO_INPUT = {
    "api/v1/auth/logout/": "revokes the token it is sent with: no body to read",
    "api/v1/auth/logout-all/": "revokes the user's tokens: no body to read",
}
"""API writes that take no body: a foreign charset is still refused, other hostile
bodies are ignored (``test_an_api_logout_...``)."""


# --- Sending ----------------------------------------------------------------------------


def _client(persona: str, world: World, *, api: bool = False) -> Client:
    if api:
        return api_for(world.student) if persona == "student" else APIClient()
    client = Client()
    if persona == "student":
        client.force_login(world.student)
    return client


def _form_params() -> list:
    # The variants depend only on the field kinds; the values come from the world.
    params = []
    for route, case in FORMS.items():
        baseline = {name: "0" for name in case.kinds}
        for variant in form_variants(baseline, case.kinds):
            params.append(pytest.param(route, variant.name, id=f"{route}:{variant.name}"))
    return params


@pytest.mark.parametrize(("route", "variant_name"), _form_params())
def test_a_hostile_form_post_is_a_readable_4xx_that_writes_nothing(world, route, variant_name):
    case = FORMS[route]
    client = _client(case.persona, world)
    url = case.form_url(client, world)
    variant = next(
        v for v in form_variants(case.baseline(world), case.kinds) if v.name == variant_name
    )

    assert_refused_and_nothing_written(client, url, variant)


def _api_params() -> list:
    params = []
    for route, case in API.items():
        # Names only: the world is built per test.
        fake = {
            path[0]: [{}] if kind == "list" else ""
            for path, kind in case.fields.items()
            if len(path) == 1
        }
        for path in case.fields:
            if len(path) > 1:
                fake[path[0]][0][path[2]] = ""
        for variant in api_variants(fake, case.fields):
            params.append(pytest.param(route, variant.name, id=f"{route}:{variant.name}"))
    return params


@pytest.mark.parametrize(("route", "variant_name"), _api_params())
def test_a_hostile_api_request_is_a_json_4xx_that_writes_nothing(world, route, variant_name):
    case = API[route]
    client = _client(case.persona, world, api=True)
    variant = next(
        v for v in api_variants(case.baseline(world), case.fields) if v.name == variant_name
    )

    response = assert_refused_and_nothing_written(client, case.url, variant)

    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("route", sorted(FORMS))
def test_each_forms_baseline_is_valid(world, route):
    """The sweep's baselines are accepted: a refusal in the sweep is the hostile field's."""
    case = FORMS[route]
    client = _client(case.persona, world)
    response = client.post(case.form_url(client, world), case.baseline(world))

    assert response.status_code in (200, 302), response.content.decode()[:500]


@pytest.mark.parametrize("route", sorted(API))
def test_each_api_baseline_is_valid(world, route):
    case = API[route]
    client = _client(case.persona, world, api=True)

    response = client.post(case.url, case.baseline(world), format="json")

    assert response.status_code in (200, 201), response.content.decode()[:500]


@pytest.mark.parametrize("route", sorted(NO_INPUT))
def test_a_hostile_id_in_the_path_is_a_404_that_writes_nothing(world, route):
    client = _client("student", world)
    for url in NO_INPUT[route](world):
        assert_refused_and_nothing_written(client, url, Variant("id", data={}))


@pytest.mark.parametrize("route", sorted(READ_ONLY))
def test_a_write_to_a_read_only_route_is_a_405_that_writes_nothing(world, route, teacher):
    url = "/" + route.replace("<int:lesson_id>", str(world.course.lessons[0].pk))
    url = url.replace("<int:pk>", str(world.course.lessons[0].pk))
    url = url.replace("<int:class_id>", str(world.joined.pk))
    url = url.replace("<uuid:attempt_id>", str(world.attempt.pk))
    url = url.replace("<str:id>", str(world.attempt.pk))
    client = _client("student", world, api=route.startswith("api/"))
    if route.startswith("classes/"):
        client.force_login(teacher)

    for method in ("post", "put", "patch", "delete"):
        before = sweep.snapshot()
        response = getattr(client, method)(url, {"title": "x"})
        assert response.status_code == 405, (method, url, response.status_code)
        assert sweep.snapshot() == before


@pytest.mark.parametrize("route", sorted(API_NO_INPUT))
def test_an_api_logout_refuses_a_foreign_charset_and_ignores_a_hostile_body(world, route):
    client = _client("student", world, api=True)
    url = "/" + route
    foreign = Variant("charset", body=b"{}", content_type="application/json; charset=zlib_codec")

    assert_refused_and_nothing_written(client, url, foreign)

    response = send(client, url, Variant("garbage", body=NOT_UTF_8, content_type="text/plain"))
    assert response.status_code == 204
    assert not DeviceToken.objects.filter(user=world.student).exists()


# --- Coverage ---------------------------------------------------------------------------


def test_every_route_is_swept_or_excluded():
    """A new route fails here until it has a case in the sweep or a reason to be left out."""
    from tests.security.test_admin_sweep import ADMIN_ROUTES

    known = {
        *(route.split(" (")[0] for route in FORMS),
        *NO_INPUT,
        *READ_ONLY,
        *NOT_WRITES,
        *API,
        *API_NO_INPUT,
        *ADMIN_ROUTES,
    }
    routes = set(sweep.all_routes())

    assert sorted(routes - known) == []
    assert sorted(known - routes) == []


# --- htmx: a refused post still shows its error -------------------------------------------


def test_pages_tell_htmx_to_swap_in_a_4xx_answer(world):
    """htmx leaves a 4xx answer unswapped by default: the pages configure it to show them."""
    page = _client("student", world).get(reverse("home")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', page)

    rules = json.loads(config.group(1))["responseHandling"]
    rule = next(r for r in rules if re.fullmatch(r["code"], "400"))
    assert rule["swap"] is True


def test_an_htmx_answer_that_is_refused_is_a_400_partial_with_its_error(world):
    response = _client("student", world).post(
        reverse("attempt", args=[world.attempt.pk]),
        {"question": "not-a-number", "response": "autumn"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "This question is not part of this quiz." in page
    assert "<html" not in page  # the partial htmx swaps in


def test_an_htmx_reveal_with_a_nul_says_so_in_a_400_partial(world):
    response = _client("student", world).post(
        reverse("study_reveal"),
        {"token": _token(world), "response": "autumn\x00"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "null character" in page
    assert "too long" not in page
    assert "<html" not in page


# --- Reads with hostile ids and parameters -----------------------------------------------

BIG = [str(n) for n in HUGE_INTS] + [sweep.LONG_ID]
HOSTILE_READS = [
    *(f"/lessons/{n}/" for n in BIG),
    *(f"/lessons/{n}/quiz/" for n in BIG),
    *(f"/api/v1/documents/{n}/" for n in BIG),
    *(f"/api/v1/lessons/{n}/questions/" for n in BIG),
    *(f"/api/v1/lessons/{n}/quiz/" for n in BIG),
    *(f"/api/v1/attempts/{n}/" for n in [*BIG, "not-a-uuid", "%00"]),
    *(f"/api/v1/sync/changes/?limit={n}" for n in [*BIG, "x", "-1", "", "1.5"]),
    *(f"/api/v1/sync/changes/?cursor={c}" for c in ["x", "%00", "A" * 5000, "e30="]),
    *(f"/api/v1/documents/?page={n}" for n in [*BIG, "x", "-1", "0"]),
    *(f"/?page={n}" for n in [*BIG, "x", "-1"]),
    *(f"/attempts/{{attempt}}/?feedback={n}" for n in [*BIG, "x", "%00"]),
    *(f"/study/reveal/?token={t}" for t in ["x", "%00", "A" * 5000]),
]


@pytest.mark.parametrize("url", HOSTILE_READS)
def test_a_read_with_a_hostile_id_or_parameter_is_never_a_server_error(world, url):
    url = url.replace("{attempt}", str(world.attempt.pk))
    client = _client("student", world, api=url.startswith("/api/"))
    before = sweep.snapshot()

    response = client.get(url)

    assert response.status_code < 500
    if response.status_code >= 400:
        assert sweep.readable_refusal(response) is None, sweep.readable_refusal(response)
    assert sweep.snapshot() == before
