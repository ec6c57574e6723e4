"""quizzes.progress: the figures behind the progress page, from known review logs at a
fixed time. Days are local days in settings.TIME_ZONE."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from quizzes import overview, progress
from quizzes.models import CardState, Lesson, Question, QuestionStatus, ReviewLog
from quizzes.progress import DayCount, bar_chart
from quizzes.scheduling import retrievability
from quizzes.services import replay_card_states
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def course(teacher):
    return build_course(teacher)


@pytest.fixture
def bogota(settings):
    settings.TIME_ZONE = "America/Bogota"  # UTC-5 all year


def log(user, question, at, rating=3):
    ReviewLog.objects.create(
        id=uuid.uuid4(), user=user, question=question, rating=rating, reviewed_at=at
    )


def counts(series):
    return {d.day: d.count for d in series if d.count}


# Reviews per day ---------------------------------------------------------------------


def test_reviews_per_day_covers_the_last_90_days_ending_today(student, course):
    card = course.published()[0]
    log(student, card, NOW)
    log(student, card, NOW - timedelta(hours=1))
    log(student, card, NOW - timedelta(days=3))
    log(student, card, NOW - timedelta(days=89))
    log(student, card, NOW - timedelta(days=90))  # one day too old

    series = progress.reviews_per_day(student, NOW)

    assert len(series) == 90
    assert series[0].day == date(2025, 12, 11) and series[-1].day == date(2026, 3, 10)
    assert counts(series) == {
        date(2026, 3, 10): 2,
        date(2026, 3, 7): 1,
        date(2025, 12, 11): 1,
    }


def test_reviews_are_counted_on_the_local_day_they_were_made(student, course, bogota):
    card = course.published()[0]
    log(student, card, datetime(2026, 3, 10, 3, 30, tzinfo=UTC))  # 22:30 on the 9th locally
    log(student, card, datetime(2026, 3, 10, 5, 30, tzinfo=UTC))  # 00:30 on the 10th

    assert counts(progress.reviews_per_day(student, NOW)) == {
        date(2026, 3, 9): 1,
        date(2026, 3, 10): 1,
    }


def test_another_students_reviews_are_not_counted(student, other_teacher, course):
    log(other_teacher, course.published()[0], NOW)

    assert counts(progress.reviews_per_day(student, NOW)) == {}
    assert progress.streak(student, NOW) == 0


# Streak ------------------------------------------------------------------------------


def test_the_streak_counts_consecutive_days_ending_today(student, course):
    card = course.published()[0]
    for days_ago in (0, 1, 2, 4):
        log(student, card, NOW - timedelta(days=days_ago))

    assert progress.streak(student, NOW) == 3


def test_the_streak_survives_until_today_is_over(student, course):
    card = course.published()[0]
    for days_ago in (1, 2):
        log(student, card, NOW - timedelta(days=days_ago))

    assert progress.streak(student, NOW) == 2
    assert progress.streak(student, NOW + timedelta(days=1)) == 0


def test_the_streak_follows_local_days_across_midnight(student, course, bogota):
    card = course.published()[0]
    # Two local days (the 8th late evening, the 9th just after midnight) that are the
    # same day in UTC; nothing yet on the 10th, local time.
    log(student, card, datetime(2026, 3, 9, 4, 30, tzinfo=UTC))  # 23:30 on the 8th
    log(student, card, datetime(2026, 3, 9, 5, 15, tzinfo=UTC))  # 00:15 on the 9th
    morning = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # 09:00 on the 10th

    assert progress.streak(student, morning) == 2

    log(student, card, datetime(2026, 3, 11, 4, 59, tzinfo=UTC))  # 23:59 on the 10th
    assert progress.streak(student, datetime(2026, 3, 11, 4, 59, tzinfo=UTC)) == 3


def test_no_reviews_no_streak(student):
    assert progress.streak(student, NOW) == 0


# Due forecast ------------------------------------------------------------------------


def card_state(user, question, due):
    return CardState.objects.create(
        user=user,
        question=question,
        state="review",
        stability=10.0,
        difficulty=5.0,
        due=due,
        last_review=due - timedelta(days=10),
        reps=3,
    )


@pytest.fixture(params=["reading the documents itself", "given the page's documents"])
def forecast(request):
    """``due_forecast`` as called alone, and as the progress page calls it: with the
    documents the page has read already. Both must count the same cards."""

    def forecast(student, now):
        if request.param == "reading the documents itself":
            return progress.due_forecast(student, now)
        ids = [document.pk for document in overview.studied_documents(student)]
        return progress.due_forecast(student, now, document_ids=ids)

    return forecast


def test_the_forecast_counts_cards_due_each_day_with_overdue_cards_today(
    student, course, forecast
):
    cards = course.published()
    card_state(student, cards[0], NOW - timedelta(days=3))  # overdue: today
    card_state(student, cards[1], NOW + timedelta(hours=2))  # later today
    card_state(student, cards[2], NOW + timedelta(days=5))
    card_state(student, cards[3], NOW + timedelta(days=5, hours=1))
    card_state(student, cards[4], NOW + timedelta(days=29))  # the last day shown
    card_state(student, cards[5], NOW + timedelta(days=30))  # beyond the forecast

    series = forecast(student, NOW)

    assert len(series) == 30
    assert series[0].day == date(2026, 3, 10) and series[-1].day == date(2026, 4, 8)
    assert counts(series) == {
        date(2026, 3, 10): 2,
        date(2026, 3, 15): 2,
        date(2026, 4, 8): 1,
    }


def test_the_forecast_skips_cards_no_longer_studied(
    student, course, other_teacher, teacher, forecast
):
    cards = course.published()
    card_state(student, cards[0], NOW)
    card_state(student, cards[1], NOW)
    Question.objects.filter(pk=cards[1].pk).update(status=QuestionStatus.RETIRED)
    card_state(other_teacher, cards[0], NOW)
    archived = build_course(teacher, title="Archived lesson")
    card_state(student, archived.published()[0], NOW)
    Lesson.objects.filter(pk=archived.published()[0].lesson_id).update(archived_at=NOW)
    private = build_course(teacher, title="Private", open_to_all=False)
    card_state(student, private.published()[0], NOW)

    assert counts(forecast(student, NOW)) == {date(2026, 3, 10): 1}


def test_the_forecast_follows_replayed_reviews(student, course, forecast):
    card = course.published()[0]
    log(student, card, NOW - timedelta(minutes=2))  # a learning card: due in 8 minutes
    replay_card_states(user=student, question_ids={card.pk})

    assert counts(forecast(student, NOW)) == {date(2026, 3, 10): 1}


# Retention ---------------------------------------------------------------------------


def test_retention_counts_only_reviews_of_cards_out_of_learning(student, course):
    first, second = course.published()[:2]
    t0 = NOW - timedelta(days=30)
    log(student, first, t0, 3)  # new card: not counted
    log(student, first, t0 + timedelta(minutes=10), 3)  # learning step: not counted
    log(student, first, t0 + timedelta(days=2), 1)  # review card, forgotten
    log(student, first, t0 + timedelta(days=2, minutes=10), 3)  # relearning: not counted
    log(student, first, t0 + timedelta(days=5), 3)  # review card, recalled
    log(student, first, t0 + timedelta(days=5, hours=12), 4)  # exactly 12 h later: counted
    log(student, first, t0 + timedelta(days=5, hours=12, minutes=1), 1)  # not counted
    # The second card's first review comes days after the first card's last one: it is
    # still a new card's review (reviews are compared per card).
    log(student, second, t0 + timedelta(days=8), 1)

    figures = progress.retention(student, NOW)

    assert (figures.reviews, figures.recalled) == (3, 2)
    assert figures.percent == 67


def test_retention_ignores_other_students_and_the_future(student, other_teacher, course):
    card = course.published()[0]
    log(student, card, NOW - timedelta(days=3), 3)
    log(student, card, NOW - timedelta(days=1), 3)
    log(student, card, NOW + timedelta(days=1), 1)  # after `now`
    log(other_teacher, card, NOW - timedelta(days=2), 1)

    figures = progress.retention(student, NOW)

    assert (figures.reviews, figures.recalled, figures.percent) == (1, 1, 100)


def test_retention_is_unknown_without_reviews_of_learnt_cards(student, course):
    log(student, course.published()[0], NOW - timedelta(minutes=5))

    figures = progress.retention(student, NOW)

    assert figures.reviews == 0 and figures.percent is None


# Mastery -----------------------------------------------------------------------------


def test_mastery_is_the_mean_recall_of_the_lessons_published_cards(student, course):
    first, second = course.lessons
    cards = list(course.questions[first.pk].values())
    for card in cards[:2]:
        log(student, card, NOW - timedelta(days=20), 3)
        log(student, card, NOW - timedelta(days=20, minutes=-10), 3)
    replay_card_states(user=student, question_ids={c.pk for c in cards[:2]})
    states = CardState.objects.filter(user=student)
    assert states.count() == 2

    mastery = overview.mastery_by_lesson(student, NOW)

    expected = sum(
        retrievability(stability=s.stability, last_review=s.last_review, now=NOW) for s in states
    ) / len(cards)
    assert mastery[first.pk].cards == 5  # drafts and retired questions are not cards
    assert mastery[first.pk].recall == pytest.approx(expected)
    assert 0 < mastery[first.pk].percent < 40
    assert mastery[second.pk].percent == 0


def test_a_lesson_without_published_questions_has_no_mastery(student, course):
    first, _second = course.lessons
    Question.objects.filter(lesson=first).update(status=QuestionStatus.DRAFT)

    mastery = overview.mastery_by_lesson(student, NOW)

    assert first.pk not in mastery
    assert overview.NO_CARDS.percent is None


# Charts ------------------------------------------------------------------------------


def test_a_bar_chart_scales_bars_to_the_busiest_day():
    days = [
        DayCount(day=date(2026, 3, 1), count=0),
        DayCount(day=date(2026, 3, 2), count=5),
        DayCount(day=date(2026, 3, 3), count=10),
    ]

    chart = bar_chart(days, width=300, height=100)

    assert (chart.peak, chart.total) == (10, 15)
    assert [(b.day.day, b.x, b.y, b.width, b.height) for b in chart.bars] == [
        (2, 115.0, 50.0, 70.0, 50.0),
        (3, 215.0, 0.0, 70.0, 100.0),
    ]


def test_an_empty_chart_has_no_bars():
    chart = bar_chart([DayCount(day=date(2026, 3, 1), count=0)])

    assert chart.bars == [] and chart.peak == 0
