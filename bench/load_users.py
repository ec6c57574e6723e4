"""The virtual users of bench/load.py.

A virtual user is a thread with one http.client connection to gunicorn (kept alive when
the server allows it: gunicorn's sync workers close it after each answer, and
http.client opens the next). It takes the students given to it in turn, one per task,
each with that student's cookies (the seeded session, and the CSRF cookie the first
form page sets), device token and sync cursor, and picks tasks at random by weight
(``TASKS``). Several users share a client process; the parent starts several processes,
so the client's own GIL does not queue the users' requests behind each other.

Every request is timed from sending it to reading the whole answer, and counted as an
error unless its status is the expected one (200; 302 for a form post; 201 for nothing
here). A task stops at its first error or at the phase's deadline.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from typing import Any
from urllib.parse import quote, urlencode

from load_seed import Course, Student

HOST = "127.0.0.1"
TRIVIAL_PATH = "/bench/trivial/"
SIGNED_IN_PATH = "/bench/signed-in/"
EMPTY_PAGE_PATH = "/bench/empty-page/"
PULL_LIMIT = 100
PUSH_SIZE = 5
QUIZ_ANSWERS = 2
"""Questions a quiz task answers before finishing (the rest count as unanswered)."""

TASKS: dict[str, int] = {
    "home": 3,
    "lesson": 3,
    "quiz": 1,
    "study": 3,
    "progress": 1,
    "sync": 2,
    "trivial": 3,
    "references": 1,
}
"""The mix: each task's weight. A quiz is ten requests (start page, start, two questions
answered with their feedback, finish, result), a study task two (card, review), a sync
two (pull, push); the others one. The trivial view weighs enough for its mean server
time, which every endpoint's throughput is compared with, to rest on many requests. The
references task asks for the two reference views (see ``REFERENCES``)."""

REFERENCES = ["signed-in trivial", "empty page"]
"""Reference views, for scale, not targets: the trivial view for a signed-in student
(its session and user read) and the site's empty page frame for one. They show how much
of the trivial view's throughput any signed-in page can keep before its own work."""

ROUTES: list[tuple[str, str, re.Pattern[str], bool | None]] = [
    # (endpoint, method, path, whether the query string asks for feedback)
    ("trivial view", "GET", re.compile(re.escape(TRIVIAL_PATH)), None),
    ("signed-in trivial", "GET", re.compile(re.escape(SIGNED_IN_PATH)), None),
    ("empty page", "GET", re.compile(re.escape(EMPTY_PAGE_PATH)), None),
    ("home", "GET", re.compile(r"/"), None),
    ("lesson", "GET", re.compile(r"/lessons/\d+/"), None),
    ("quiz start page", "GET", re.compile(r"/lessons/\d+/quiz/"), None),
    ("quiz start", "POST", re.compile(r"/lessons/\d+/quiz/"), None),
    ("quiz question", "GET", re.compile(r"/attempts/[0-9a-f-]+/"), False),
    ("quiz feedback", "GET", re.compile(r"/attempts/[0-9a-f-]+/"), True),
    ("quiz answer", "POST", re.compile(r"/attempts/[0-9a-f-]+/"), None),
    ("quiz finish", "POST", re.compile(r"/attempts/[0-9a-f-]+/finish/"), None),
    ("quiz result", "GET", re.compile(r"/attempts/[0-9a-f-]+/result/"), None),
    ("study card", "GET", re.compile(r"/study/"), None),
    ("study review", "POST", re.compile(r"/study/"), None),
    ("progress", "GET", re.compile(r"/progress/"), None),
    ("sync pull", "GET", re.compile(r"/api/v1/sync/changes/"), None),
    ("sync push", "POST", re.compile(r"/api/v1/sync/reviews/"), None),
]
ENDPOINTS = [name for name, *_ in ROUTES]


def endpoint(method: str, path: str, query: str) -> str | None:
    """The endpoint a request (as gunicorn's access log gives it) belongs to."""
    for name, route_method, pattern, feedback in ROUTES:
        if method != route_method or not pattern.fullmatch(path):
            continue
        if feedback is None or feedback == query.startswith("feedback="):
            return name
    return None


QUESTION_FIELD = re.compile(r'name="question" value="(\d+)"')
SHOWN_FIELD = re.compile(r'name="shown" value="([^"]*)"')
TOKEN_FIELD = re.compile(r'name="token" value="([^"]+)"')


# --------------------------------------------------------------------------------------
# What the users measure
# --------------------------------------------------------------------------------------


@dataclass
class Results:
    """Latencies (seconds) and errors by endpoint; merged across users and processes."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    finished: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, name: str, latency: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(name, []).append(latency)
            if error is not None:
                label = f"{name}: {error}"
                self.errors[label] = self.errors.get(label, 0) + 1

    def plain(self) -> dict[str, Any]:
        return {"latencies": self.latencies, "errors": self.errors, "finished": self.finished}

    def merge(self, other: dict[str, Any]) -> None:
        for name, values in other["latencies"].items():
            self.latencies.setdefault(name, []).extend(values)
        for label, count in other["errors"].items():
            self.errors[label] = self.errors.get(label, 0) + count
        self.finished = max(self.finished, other["finished"])


@dataclass
class Answer:
    status: int
    location: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Stop(Exception):
    """The task cannot go on: a request failed, or the deadline passed."""


# --------------------------------------------------------------------------------------
# A virtual user
# --------------------------------------------------------------------------------------


class VirtualUser:
    def __init__(
        self,
        port: int,
        students: list[Student],
        course: Course,
        mode: str,
        rng: random.Random,
        results: Results,
    ) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.students = students
        self.cookies = [{"sessionid": student.session} for student in students]
        self.cursors = [student.cursor for student in students]
        self.course = course
        self.mode = mode
        self.rng = rng
        self.results = results
        self.turn = 0
        self.deadline = 0.0

    def run(self, start: float, deadline: float) -> None:
        self.deadline = deadline
        tasks: dict[str, Callable[[int], None]] = {
            "home": lambda s: self.get(s, "/"),
            "lesson": lambda s: self.get(s, f"/lessons/{self.rng.choice(self.lessons)}/"),
            "quiz": self.quiz,
            "study": self.study,
            "progress": lambda s: self.get(s, "/progress/"),
            "sync": self.sync,
            "trivial": lambda s: self.get(s, TRIVIAL_PATH),
            "references": self.references,
        }
        names, weights = list(TASKS), list(TASKS.values())
        time.sleep(max(0.0, start - time.monotonic()))
        while time.monotonic() < deadline:
            name = "trivial" if self.mode == "trivial" else self.rng.choices(names, weights)[0]
            student = self.turn % len(self.students)
            self.turn += 1
            with contextlib.suppress(Stop):  # the task ends at its first error
                tasks[name](student)
        self.connection.close()
        with self.results.lock:
            self.results.finished = max(self.results.finished, time.monotonic())

    @property
    def lessons(self) -> list[int]:
        return self.course.lesson_ids

    # --- requests ---------------------------------------------------------------------

    def send(
        self,
        student: int,
        method: str,
        path: str,
        *,
        expect: int = 200,
        form: dict[str, str] | None = None,
        payload: object = None,
    ) -> Answer:
        if time.monotonic() >= self.deadline:
            raise Stop
        query = path.partition("?")[2]
        name = endpoint(method, path.partition("?")[0], query) or path
        headers: dict[str, str] = {}
        body = None
        if payload is not None:
            headers["Authorization"] = f"Token {self.students[student].token}"
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload).encode()
        elif path.startswith("/api/"):
            headers["Authorization"] = f"Token {self.students[student].token}"
        else:
            jar = self.cookies[student]
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in jar.items())
            if form is not None:
                form = {**form, "csrfmiddlewaretoken": jar.get("csrftoken", "")}
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                body = urlencode(form).encode()
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.results.record(name, time.perf_counter() - started, type(error).__name__)
            raise Stop from error
        latency = time.perf_counter() - started
        if response.status != expect:
            self.results.record(name, latency, f"HTTP {response.status}")
            raise Stop
        self.results.record(name, latency, None)
        for cookie in response.headers.get_all("Set-Cookie") or []:
            key, _sep, value = cookie.partition(";")[0].partition("=")
            if key.strip() == "csrftoken":
                self.cookies[student]["csrftoken"] = value.strip()
        return Answer(response.status, response.getheader("Location", ""), content)

    def get(self, student: int, path: str) -> Answer:
        return self.send(student, "GET", path)

    def post(self, student: int, path: str, form: dict[str, str]) -> Answer:
        """A form post, answered with a redirect; its CSRF token is the cookie's secret
        (which Django accepts as the form field, as it does the masked one)."""
        return self.send(student, "POST", path, expect=302, form=form)

    # --- tasks ------------------------------------------------------------------------

    def references(self, student: int) -> None:
        self.get(student, SIGNED_IN_PATH)
        self.get(student, EMPTY_PAGE_PATH)

    def quiz(self, student: int) -> None:
        """A lesson quiz: the start page, start, answer two questions (each followed by
        its feedback page), finish, the result."""
        lesson = self.rng.choice(self.lessons)
        self.get(student, f"/lessons/{lesson}/quiz/")
        attempt = self.post(student, f"/lessons/{lesson}/quiz/", {}).location
        for _ in range(QUIZ_ANSWERS):
            page = self.get(student, attempt).text
            question, shown = QUESTION_FIELD.search(page), SHOWN_FIELD.search(page)
            if question is None or shown is None:
                break  # every question answered: the page sent us to the result
            form = {"question": question[1], "shown": shown[1]}
            if 'name="choice"' in page:
                form["choice"] = "1"
            elif 'type="radio" name="response"' in page:
                form["response"] = "true"
            else:
                form["response"] = "autumn"
            feedback = self.post(student, attempt, form).location
            self.get(student, feedback)
        result = self.post(student, f"{attempt.split('?')[0]}finish/", {}).location
        self.get(student, result)

    def study(self, student: int) -> None:
        """The next card, then its rating (when there is a card to rate)."""
        page = self.get(student, "/study/").text
        token = TOKEN_FIELD.search(page)
        if token is not None:
            self.post(student, "/study/", {"token": token[1], "rating": "3"})

    def sync(self, student: int) -> None:
        """A phone's routine sync: pull what changed since its cursor, then push a few
        reviews made offline in the last minutes."""
        cursor = self.cursors[student]
        pulled = self.get(
            student, f"/api/v1/sync/changes/?limit={PULL_LIMIT}&cursor={quote(cursor)}"
        )
        self.cursors[student] = json.loads(pulled.body)["cursor"]
        now = datetime.now(UTC)
        reviews = [
            {
                "id": str(uuid.uuid4()),
                "question": question,
                "rating": self.rng.choice((1, 3, 3, 3, 4)),
                "reviewed_at": (now - timedelta(seconds=30 * (PUSH_SIZE - i))).isoformat(),
                "duration_ms": self.rng.randint(2_000, 20_000),
                "device": "bench",
            }
            for i, question in enumerate(self.rng.sample(self.course.question_ids, PUSH_SIZE))
        ]
        self.send(
            student,
            "POST",
            "/api/v1/sync/reviews/",
            payload={"reviews": reviews, "cursor": self.cursors[student]},
        )


def client_process(
    port: int,
    users: list[list[Student]],
    course: Course,
    mode: str,
    window: tuple[float, float],
    seed: int,
    queue: Queue,
) -> None:
    """One client process: a thread per virtual user; its results go to ``queue``."""
    results = Results()
    threads = [
        threading.Thread(
            target=VirtualUser(
                port, students, course, mode, random.Random(seed * 1000 + n), results
            ).run,
            args=window,
        )
        for n, students in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(results.plain())
