"""The class report, page and CSV, runs the same number of queries for a class of 5
students on a short course as for a class of 500 on a long one."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from quizzes import reports
from quizzes.models import CardState, Feedback, QuizAttempt
from tests.quizzes.course import build_course
from tests.quizzes.test_class_report import make_class

pytestmark = pytest.mark.django_db

TABLES = ["students", "lessons", "leeches"]


def populated_class(teacher, *, students, lessons, extra_questions, cards_each):
    """A class of ``students`` on a course of ``lessons`` lessons, every student with
    ``cards_each`` cards (some due, some leeches), a finished quiz on the first lesson, a
    running one on the second and a finished document test."""
    name = f"{students} students"
    course = build_course(
        teacher,
        title=name,
        lessons=lessons,
        extra_questions=extra_questions,
        open_to_all=False,
    )
    prefix = uuid.uuid4().hex[:6]
    people = User.objects.bulk_create(
        User(username=f"{prefix}-{number:03d}", first_name=f"Student {number}")
        for number in range(students)
    )
    classroom = make_class(teacher, course.document, students=people, name=name)
    now = timezone.now()
    questions = course.published()
    CardState.objects.bulk_create(
        CardState(
            user=person,
            question=questions[(number + offset) % len(questions)],
            state="review",
            stability=5.0 + offset,
            difficulty=5.0,
            due=now + timedelta(days=offset - 3),
            last_review=now - timedelta(days=offset + 1),
            reps=4,
            lapses=(number + offset) % 10,
        )
        for number, person in enumerate(people)
        for offset in range(cards_each)
    )
    first, second = course.lessons[:2]
    QuizAttempt.objects.bulk_create(
        QuizAttempt(
            user=person,
            document=course.document,
            lesson=lesson,
            quiz_key=f"lesson:{lesson.pk}" if lesson else f"document:{course.document.pk}",
            feedback=Feedback.IMMEDIATE,
            seed=1,
            started_at=now - timedelta(hours=2),
            submitted_at=submitted,
            score=number % 5,
            max_score=4,
        )
        for number, person in enumerate(people)
        for lesson, submitted in [(first, now), (second, None), (None, now)]
    )
    return classroom


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.slow
def test_the_page_and_every_csv_cost_the_same_for_5_students_and_for_500(teacher_client, teacher):
    small = populated_class(teacher, students=5, lessons=2, extra_questions=0, cards_each=3)
    big = populated_class(teacher, students=500, lessons=12, extra_questions=5, cards_each=40)

    def urls(classroom):
        yield reverse("class_report", args=[classroom.pk]), {"sort": "-due"}
        for table in TABLES:
            yield reverse("class_report_csv", args=[classroom.pk]), {"table": table}

    teacher_client.get(reverse("class_report", args=[small.pk]))  # warm the caches
    for (small_url, params), (big_url, _params) in zip(urls(small), urls(big), strict=True):
        few, small_response = count_queries(teacher_client, small_url, **params)
        many, big_response = count_queries(teacher_client, big_url, **params)

        assert many == few, f"{big_url} {params}: {many} queries, {few} for the small class"
        # The big class's answer does hold the big class's figures.
        if "table" in params:
            lines = big_response.content.decode().splitlines()
            assert len(lines) > len(small_response.content.decode().splitlines())
        else:
            assert len(big_response.context["students"]) == 500
            assert len(big_response.context["lessons"]) == 12
            assert big_response.context["leeches"]


def test_the_report_reads_in_nine_queries(teacher, django_assert_num_queries):
    classroom = populated_class(teacher, students=5, lessons=2, extra_questions=0, cards_each=9)

    with django_assert_num_queries(9):
        report = reports.class_report(classroom, timezone.now())

    assert len(report.students) == 5
    assert len(report.lessons) == 2
    assert report.leeches
