"""Multiple-choice options in an attempt: copied when it starts, so a teacher's edits in
the middle of it change nothing for the student, and posted as their place in the
shuffled order, which tells nothing of the order they were written in."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from quizzes.models import Answer, Choice, QuestionKind
from quizzes.services import answer_question, start_attempt
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=1)


@pytest.fixture
def mc(course):
    return course.questions[course.lessons[0].pk][QuestionKind.MULTIPLE_CHOICE]


@pytest.fixture
def attempt(student, course):
    return start_attempt(user=student, lesson=course.lessons[0], seed=4)


def only_mc_left(attempt, mc):
    attempt.answers.exclude(question=mc).update(answered_at=attempt.started_at, score=0)
    return attempt.answers.get(question=mc)


def page_options(client, attempt):
    page = client.get(reverse("attempt", args=[attempt.pk])).content.decode()
    return re.findall(r'name="choice" value="([^"]*)"[^>]*> <span>([^<]*)</span>', page)


def place_of(answer, text):
    return next(n for n, o in enumerate(answer.choice_order, 1) if o["text"] == text)


def test_the_options_are_copied_when_the_attempt_starts(attempt, mc):
    copied = attempt.answers.get(question=mc).choice_order

    assert sorted((o["text"], o["correct"]) for o in copied) == sorted(
        Choice.objects.filter(question=mc).values_list("text", "is_correct")
    )
    assert {o["id"] for o in copied} == set(
        Choice.objects.filter(question=mc).values_list("pk", flat=True)
    )


def test_options_deleted_and_added_again_mid_attempt_can_still_be_answered(
    student_client, attempt, mc
):
    answer = only_mc_left(attempt, mc)
    Choice.objects.get(question=mc, is_correct=True).delete()
    Choice.objects.create(question=mc, text="Port Wren", is_correct=True, position=0)

    assert [text for _value, text in page_options(student_client, attempt)] == [
        o["text"] for o in answer.choice_order
    ]
    response = student_client.post(
        reverse("attempt", args=[attempt.pk]),
        {"question": mc.pk, "choice": place_of(answer, "Port Wren")},
    )

    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.correct, answer.response, answer.choice) == (True, "Port Wren", None)


def test_a_teacher_changing_the_right_option_mid_attempt_changes_no_grade(attempt, mc):
    answer = only_mc_left(attempt, mc)
    Choice.objects.filter(question=mc).update(is_correct=True)
    Choice.objects.filter(question=mc, text="Alder").update(text="Renamed")

    graded = answer_question(attempt=attempt, question_id=mc.pk, option=place_of(answer, "Alder"))

    assert (graded.correct, graded.response) == (False, "Alder")
    assert graded.choice.text == "Renamed"  # still the same option row


def test_the_feedback_shows_the_right_option_the_answer_was_graded_on(student_client, attempt, mc):
    answer = only_mc_left(attempt, mc)
    Choice.objects.filter(question=mc, is_correct=True).update(text="Changed later")
    student_client.post(
        reverse("attempt", args=[attempt.pk]),
        {"question": mc.pk, "choice": place_of(answer, "Alder")},
    )

    page = student_client.get(
        reverse("attempt", args=[attempt.pk]) + f"?feedback={answer.position}"
    ).content.decode()

    assert "<dd>Port Wren</dd>" in page and "Changed later" not in page


def test_the_radio_values_are_places_not_option_ids(student_client, attempt, mc):
    answer = only_mc_left(attempt, mc)

    options = page_options(student_client, attempt)

    assert options == [(str(n), o["text"]) for n, o in enumerate(answer.choice_order, 1)]


def test_the_place_posted_picks_the_option_in_the_shuffled_order(student_client, attempt, mc):
    answer = only_mc_left(attempt, mc)
    wrong = next(o["text"] for o in answer.choice_order if not o["correct"])

    student_client.post(
        reverse("attempt", args=[attempt.pk]),
        {"question": mc.pk, "choice": place_of(answer, wrong)},
    )

    answer.refresh_from_db()
    assert (answer.correct, answer.response) == (False, wrong)


@pytest.mark.parametrize("place", ["0", "5", "-1"])
def test_a_place_outside_the_options_is_a_400(student_client, attempt, mc, place):
    only_mc_left(attempt, mc)

    response = student_client.post(
        reverse("attempt", args=[attempt.pk]), {"question": mc.pk, "choice": place}
    )

    assert response.status_code == 400
    assert "Choose one of the options shown." in response.content.decode()


def test_the_migration_copies_the_options_of_existing_attempts(attempt, mc):
    migration = import_module("quizzes.migrations.0006_answer_option_snapshot")
    copied = attempt.answers.get(question=mc).choice_order
    ids = [o["id"] for o in copied]
    Choice.objects.filter(pk=ids[-1]).delete()  # deleted since: dropped
    Answer.objects.filter(attempt=attempt, question=mc).update(choice_order=ids)

    migration.ids_to_snapshots(apps, None)  # data only: no schema editor needed
    assert attempt.answers.get(question=mc).choice_order == copied[:-1]

    migration.snapshots_to_ids(apps, None)
    assert attempt.answers.get(question=mc).choice_order == ids[:-1]
