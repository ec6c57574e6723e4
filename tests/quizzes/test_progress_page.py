"""The progress page: a student's own mastery, review charts (SVG with a table of the same
figures), retention, streak and finished quiz attempts."""

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from quizzes.models import Feedback, QuizAttempt, ReviewLog
from quizzes.services import replay_card_states
from quizzes.templatetags.charts import BAR_LABEL, ROW_LABEL, day_label
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def course(teacher):
    return build_course(teacher)


def log(user, question, at, rating=3):
    ReviewLog.objects.create(
        id=uuid.uuid4(), user=user, question=question, rating=rating, reviewed_at=at
    )
    replay_card_states(user=user, question_ids={question.pk})


def attempt(user, document, lesson=None, *, score=6, max_score=8, at=NOW, finished=True):
    key = f"lesson:{lesson.pk}" if lesson else f"document:{document.pk}"
    return QuizAttempt.objects.create(
        user=user,
        document=document,
        lesson=lesson,
        quiz_key=key,
        feedback=Feedback.IMMEDIATE,
        seed=1,
        started_at=at - timedelta(minutes=10),
        submitted_at=at if finished else None,
        score=score,
        max_score=max_score,
    )


def page_of(client):
    response = client.get(reverse("progress"))
    assert response.status_code == 200
    return response.content.decode()


def test_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("progress"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_new_student_sees_empty_figures(student_client, course):
    page = page_of(student_client)

    assert "Your progress" in page
    assert "0 days" in page
    assert "—" in page and "No reviews of learnt cards yet." in page
    assert "You have not finished a quiz yet." in page
    assert page.count('class="chart-bar"') == 0


def test_mastery_is_listed_per_lesson_under_its_document(student, student_client, course):
    first, _second = course.lessons
    log(student, course.questions[first.pk]["cloze"], NOW - timedelta(minutes=1))
    attempt(student, course.document, first)

    page = page_of(student_client)

    table = page[page.index('id="mastery-title"') : page.index('id="reviews-title"')]
    assert "Rivers of the North" in table
    assert table.index("River 1") < table.index("Mastery 20%") < table.index("River 2")
    assert table.index("River 2") < table.index("Mastery 0%")
    assert "Done" in table and "Not yet" in table


def test_charts_are_svg_images_with_a_title_a_description_and_a_table(
    student, student_client, course
):
    card = course.published()[0]
    log(student, card, NOW - timedelta(days=2, hours=1))
    log(student, card, NOW - timedelta(days=2))
    log(student, card, NOW - timedelta(minutes=30))

    page = page_of(student_client)

    for chart in ("reviews-chart", "forecast-chart"):
        assert (
            f'role="img" aria-labelledby="{chart}-title {chart}-desc" viewBox="0 0 300 100"'
            in page
        )
        assert f'<title id="{chart}-title">' in page and f'<desc id="{chart}-desc">' in page
    reviews = page[page.index('id="reviews-title"') : page.index('id="forecast-title"')]
    # Two days with reviews: two bars, the busier (older) one full height.
    bars = re.findall(
        r'<rect class="chart-bar" x="[\d.]+" y="([\d.]+)" width="[\d.]+" '
        r'height="([\d.]+)">',
        reviews,
    )
    assert bars == [("0.0", "100.0"), ("50.0", "50.0")]
    assert "3 reviews in all, at most 2 in one day" in reviews
    assert reviews.count("<tr>") == 1 + 90  # the header and one row a day
    assert '<time datetime="2026-03-08">Sun 8 Mar 2026</time></th><td>2</td>' in reviews
    assert '<time datetime="2026-03-10">Tue 10 Mar 2026</time></th><td>1</td>' in reviews
    forecast = page[page.index('id="forecast-title"') : page.index('id="attempts-title"')]
    assert forecast.count("<tr>") == 1 + 30
    assert forecast.count('class="chart-bar"') == 1


@pytest.mark.parametrize("language", ["en", "fr", "de", "en"])  # en again: after the others
@pytest.mark.parametrize("pattern", [BAR_LABEL, ROW_LABEL])
def test_a_days_label_reads_as_the_date_filter_writes_it_in_each_language(language, pattern):
    """The charts format each day once per language and keep it: the label must be what
    the ``date`` filter gives in the language of the request, never another language's."""
    days = [date(2026, 3, 8) + timedelta(days=n * 37) for n in range(10)]
    template = Template("{% for day in days %}{{ day|date:pattern }}|{% endfor %}")

    with translation.override(language):
        labels = [day_label(day, pattern) for day in days]
        expected = template.render(Context({"days": days, "pattern": pattern})).split("|")[:-1]

    assert labels == expected


def test_the_streak_and_retention_are_shown(student, student_client, course):
    card = course.published()[0]
    log(student, card, NOW - timedelta(days=2), 3)
    log(student, card, NOW - timedelta(days=1), 1)
    log(student, card, NOW - timedelta(hours=2), 3)

    page = page_of(student_client)

    assert "3 days" in page
    assert "50%" in page and "1 of 2 reviews of learnt cards rated Good or Easy" in page


def test_a_streak_not_yet_extended_today_says_so(student, student_client, course):
    log(student, course.published()[0], NOW - timedelta(days=1))

    page = page_of(student_client)

    assert "1 day" in page and "Review today to keep it going." in page


def test_finished_attempts_are_listed_newest_first(student, student_client, course):
    first, _second = course.lessons
    older = attempt(
        student, course.document, first, score=3, max_score=4, at=NOW - timedelta(days=3)
    )
    newer = attempt(student, course.document, score=5.5, max_score=8, at=NOW - timedelta(days=1))
    attempt(student, course.document, first, finished=False)

    page = page_of(student_client)

    history = page[page.index('id="attempts-title"') :]
    assert history.index("Whole document test: Rivers of the North") < history.index("River 1")
    assert "5.5 / 8" in history and "(69%)" in history
    assert "3 / 4" in history and "(75%)" in history
    assert reverse("attempt_result", args=[newer.pk]) in history
    assert reverse("attempt_result", args=[older.pk]) in history
    assert history.count("<tr>") == 1 + 2  # the unfinished attempt is not listed


def test_a_student_sees_only_their_own_progress(student, student_client, other_teacher, course):
    theirs = attempt(other_teacher, course.document)
    log(other_teacher, course.published()[0], NOW - timedelta(minutes=5))

    page = page_of(student_client)

    assert reverse("attempt_result", args=[theirs.pk]) not in page
    assert "Mastery 20%" not in page
    assert page.count('class="chart-bar"') == 0
