"""Sync versions: every write of content is stamped by the database, whatever wrote it,
and every batch of reviews by the service. Runs on SQLite and on PostgreSQL."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from quizzes.models import (
    CardState,
    Choice,
    ContentTombstone,
    Lesson,
    Question,
    QuestionKind,
    ReviewLog,
    SyncCounter,
)
from quizzes.services import ReviewInput, record_reviews, replay_card_states
from quizzes.services.reviews import user_stream
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

TRIGGERS = {
    "sqlite": {
        "quizzes_lesson_stamp_insert",
        "quizzes_lesson_stamp_update",
        "quizzes_question_stamp_insert",
        "quizzes_question_stamp_update",
        "quizzes_choice_touch_insert",
        "quizzes_choice_touch_update",
        "quizzes_choice_touch_delete",
        "quizzes_lesson_archive",
        "quizzes_lesson_tombstone",
        "quizzes_question_tombstone",
    },
    "postgresql": {
        "quizzes_lesson_stamp",
        "quizzes_question_stamp",
        "quizzes_choice_touch",
        "quizzes_lesson_archive",
        "quizzes_lesson_tombstone",
        "quizzes_question_tombstone",
    },
}


@pytest.fixture
def course(teacher):
    return build_course(teacher)


def content_version() -> int:
    return SyncCounter.objects.get(key="content").value


def version_of(model, pk) -> int:
    return model.objects.values_list("sync_version", flat=True).get(pk=pk)


def test_every_content_trigger_is_installed():
    if connection.vendor == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = {row[0] for row in cursor.fetchall()}

    assert TRIGGERS[connection.vendor] <= names


def test_created_lessons_and_questions_carry_increasing_versions(course):
    lesson, later = course.lessons
    question = course.questions[later.pk][QuestionKind.CLOZE]

    assert 0 < version_of(Lesson, lesson.pk) < version_of(Lesson, later.pk)
    assert version_of(Lesson, later.pk) < version_of(Question, question.pk)
    assert version_of(Question, question.pk) <= content_version()


def test_saving_a_model_stamps_a_new_version(course):
    lesson = course.lessons[0]
    before = version_of(Lesson, lesson.pk)

    lesson.heading = "Renamed"
    lesson.save()

    assert version_of(Lesson, lesson.pk) == content_version() > before


def test_a_stale_instance_saved_again_still_gets_a_new_version(course):
    lesson = course.lessons[0]
    stale = Lesson.objects.get(pk=lesson.pk)
    lesson.save()
    newer = version_of(Lesson, lesson.pk)

    stale.save()  # sends the old sync_version along with every other column

    assert version_of(Lesson, lesson.pk) > newer


def test_a_queryset_update_stamps_every_row_it_touches(course):
    questions = Question.objects.filter(lesson=course.lessons[0])
    before = dict(questions.values_list("pk", "sync_version"))

    questions.update(position=7)

    after = dict(questions.values_list("pk", "sync_version"))
    assert all(after[pk] > before[pk] for pk in before)
    assert len(set(after.values())) == len(after)  # one version per row


def test_bulk_create_stamps_each_new_row(course):
    start = content_version()

    Question.objects.bulk_create(
        Question(lesson=course.lessons[0], kind=QuestionKind.FLASHCARD, prompt=f"Card {n}")
        for n in range(3)
    )

    versions = sorted(
        Question.objects.filter(prompt__startswith="Card ").values_list("sync_version", flat=True)
    )
    assert versions == [start + 1, start + 2, start + 3]


@pytest.mark.parametrize("change", ["add", "edit", "delete"])
def test_a_change_to_a_choice_restamps_its_question(course, change):
    question = course.questions[course.lessons[0].pk][QuestionKind.MULTIPLE_CHOICE]
    other = course.questions[course.lessons[1].pk][QuestionKind.MULTIPLE_CHOICE]
    before, other_before = version_of(Question, question.pk), version_of(Question, other.pk)

    if change == "add":
        Choice.objects.create(question=question, text="Seabrook", position=9)
    elif change == "edit":
        Choice.objects.filter(question=question, text="Alder").update(text="Alderney")
    else:
        Choice.objects.filter(question=question, text="Alder").delete()

    assert version_of(Question, question.pk) > before
    assert version_of(Question, other.pk) == other_before


def test_moving_a_choice_restamps_both_questions(course):
    old = course.questions[course.lessons[0].pk][QuestionKind.MULTIPLE_CHOICE]
    new = course.questions[course.lessons[1].pk][QuestionKind.MULTIPLE_CHOICE]
    before = {q.pk: version_of(Question, q.pk) for q in (old, new)}

    Choice.objects.filter(question=old, text="Alder").update(question=new)

    assert all(version_of(Question, pk) > version for pk, version in before.items())


def test_archiving_or_restoring_a_lesson_restamps_its_questions(course):
    lesson = course.lessons[0]
    questions = Question.objects.filter(lesson=lesson)
    untouched = Question.objects.filter(lesson=course.lessons[1])
    others = dict(untouched.values_list("pk", "sync_version"))

    for archived_at in (timezone.now(), None):
        before = dict(questions.values_list("pk", "sync_version"))
        Lesson.objects.filter(pk=lesson.pk).update(archived_at=archived_at)
        after = dict(questions.values_list("pk", "sync_version"))
        assert all(after[pk] > before[pk] for pk in before)

    assert dict(untouched.values_list("pk", "sync_version")) == others


def test_renaming_a_lesson_does_not_restamp_its_questions(course):
    questions = Question.objects.filter(lesson=course.lessons[0])
    before = dict(questions.values_list("pk", "sync_version"))

    Lesson.objects.filter(pk=course.lessons[0].pk).update(heading="Renamed")

    assert dict(questions.values_list("pk", "sync_version")) == before


def test_deleting_content_leaves_tombstones_with_new_versions(course):
    lesson = course.lessons[1]
    lesson_id = lesson.pk
    question_ids = set(Question.objects.filter(lesson=lesson).values_list("pk", flat=True))
    start = content_version()

    lesson.delete()

    tombstones = ContentTombstone.objects.all()
    assert {(t.kind, t.object_id) for t in tombstones} == {("lesson", lesson_id)} | {
        ("question", pk) for pk in question_ids
    }
    assert all(t.sync_version > start for t in tombstones)
    assert tombstones.get(kind="lesson").sync_version == content_version()


def test_the_content_counter_comes_back_if_its_row_is_gone(course):
    SyncCounter.objects.filter(key="content").delete()

    Lesson.objects.filter(pk=course.lessons[0].pk).update(heading="Renamed")

    assert version_of(Lesson, course.lessons[0].pk) == content_version() == 1


# --- The student's stream ----------------------------------------------------------------


def review(question, minutes=0, rating=3):
    return ReviewInput(
        id=uuid.uuid4(),
        question_id=question.pk,
        rating=rating,
        reviewed_at=T0 + timedelta(minutes=minutes),
    )


def student_version(student) -> int:
    return SyncCounter.objects.get(key=user_stream(student)).value


def test_a_batch_stamps_its_logs_and_cards_with_one_new_version(student, course):
    cards = course.published()[:3]

    record_reviews(user=student, reviews=[review(c) for c in cards], now=T0)
    record_reviews(user=student, reviews=[review(cards[0], 20)], now=T0 + timedelta(hours=1))

    assert student_version(student) == 2
    logs = ReviewLog.objects.filter(user=student)
    assert sorted(logs.values_list("sync_version", flat=True)) == [1, 1, 1, 2]
    states = dict(CardState.objects.filter(user=student).values_list("question", "sync_version"))
    assert states == {cards[0].pk: 2, cards[1].pk: 1, cards[2].pk: 1}


def test_a_batch_of_duplicates_bumps_nothing(student, course):
    batch = [review(course.published()[0])]
    record_reviews(user=student, reviews=batch, now=T0)

    record_reviews(user=student, reviews=batch, now=T0)
    record_reviews(user=student, reviews=[], now=T0)

    assert student_version(student) == 1
    assert CardState.objects.get(user=student).sync_version == 1


def test_students_have_separate_counters(student, teacher, course):
    record_reviews(user=student, reviews=[review(course.published()[0])], now=T0)
    record_reviews(user=teacher, reviews=[review(course.published()[0])], now=T0)

    assert student_version(student) == student_version(teacher) == 1


def test_a_replay_on_its_own_stamps_a_new_version(student, course):
    card = course.published()[0]
    record_reviews(user=student, reviews=[review(card)], now=T0)

    replay_card_states(user=student, question_ids={card.pk})

    assert CardState.objects.get(user=student).sync_version == student_version(student) == 2
