"""Putting a lesson's questions in order: move up and down in the question list of one
lesson, or type positions on the lesson page; the lesson is renumbered 1..n each time.
The order is the one the admin, the exports and the study queue's new cards follow."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Question, QuestionKind
from quizzes.services import generate_questions
from quizzes.services.questions import move_question, place_question, renumber_questions
from quizzes.study import next_card
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:quizzes_question_changelist")


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=2)


@pytest.fixture
def lesson(course):
    return course.lessons[0]


def order(lesson) -> list[int]:
    return list(lesson.questions.order_by("position", "id").values_list("pk", flat=True))


def positions(lesson) -> list[int]:
    return list(lesson.questions.order_by("position", "id").values_list("position", flat=True))


def test_moving_a_question_up_or_down_swaps_it_with_its_neighbour(lesson):
    before = order(lesson)
    third = Question.objects.get(pk=before[2])

    assert move_question(question=third, by=-1) == 2
    assert order(lesson) == [before[0], before[2], before[1], *before[3:]]
    assert move_question(question=third, by=1) == 3
    assert order(lesson) == before
    assert positions(lesson) == list(range(1, len(before) + 1))


def test_a_question_does_not_move_past_either_end(lesson):
    before = order(lesson)
    first, last = Question.objects.get(pk=before[0]), Question.objects.get(pk=before[-1])

    assert move_question(question=first, by=-1) == 1
    assert move_question(question=last, by=5) == len(before)
    assert order(lesson) == before


def test_renumbering_turns_gaps_and_ties_into_one_to_n(lesson):
    ids = order(lesson)
    Question.objects.filter(pk__in=ids[:3]).update(position=5)  # a tie, broken by id
    Question.objects.filter(pk__in=ids[3:]).update(position=40)

    renumber_questions(lesson=lesson)

    assert order(lesson) == ids
    assert positions(lesson) == list(range(1, len(ids) + 1))


def test_moving_touches_only_its_own_lesson(course):
    other = course.lessons[1]
    other_positions = positions(other)
    first = Question.objects.get(pk=order(course.lessons[0])[1])

    move_question(question=first, by=-1)

    assert positions(other) == other_positions


def test_the_list_of_one_lesson_offers_positions_and_move_buttons(teacher_client, lesson):
    page = teacher_client.get(CHANGELIST, {"lesson": lesson.pk}).content.decode()
    everything = teacher_client.get(CHANGELIST).content.decode()

    for pk in order(lesson):
        assert f'name="_move" value="{pk}:up"' in page
        assert f'name="_move" value="{pk}:down"' in page
    assert 'aria-label="Move up"' in page
    assert 'class="field-position"' in page
    assert 'name="_move"' not in everything  # no order to keep across lessons


def test_the_list_of_one_lesson_is_in_position_order(teacher_client, lesson):
    page = teacher_client.get(CHANGELIST, {"lesson": lesson.pk}).content.decode()

    shown = [page.index(f'value="{pk}:up"') for pk in order(lesson)]
    assert shown == sorted(shown)


def test_pressing_move_up_reorders_and_comes_back_to_the_same_filters(teacher_client, lesson):
    before = order(lesson)
    url = f"{CHANGELIST}?lesson={lesson.pk}&status__exact=published"

    response = teacher_client.post(url, {"_move": f"{before[3]}:up", "action": ""})

    assert response.status_code == 302 and response.url == url
    assert order(lesson) == [*before[:2], before[3], before[2], *before[4:]]
    page = teacher_client.get(response.url).content.decode()
    assert page.index(f'value="{before[3]}:up"') < page.index(f'value="{before[2]}:up"')


def test_moving_is_not_editing(teacher_client, lesson):
    before = order(lesson)

    teacher_client.post(f"{CHANGELIST}?lesson={lesson.pk}", {"_move": f"{before[1]}:down"})

    assert not lesson.questions.filter(teacher_edited=True).exists()


@pytest.mark.parametrize("value", ["", "x:up", "12", "²:up", "{pk}:sideways", "99999:down"])
def test_a_bad_move_is_an_error_message_and_changes_nothing(teacher_client, lesson, value):
    before = order(lesson)
    url = f"{CHANGELIST}?lesson={lesson.pk}"

    response = teacher_client.post(url, {"_move": value.format(pk=before[1])}, follow=True)

    assert "That question cannot be moved." in response.content.decode()
    assert order(lesson) == before


def test_a_teacher_cannot_move_another_teachers_question(client, other_teacher, lesson):
    client.force_login(other_teacher)
    before = order(lesson)

    response = client.post(CHANGELIST, {"_move": f"{before[2]}:up"}, follow=True)

    assert "That question cannot be moved." in response.content.decode()
    assert order(lesson) == before


def test_moving_checks_the_csrf_token(client, teacher, lesson):
    client.handler.enforce_csrf_checks = True
    client.force_login(teacher)
    before = order(lesson)

    response = client.post(f"{CHANGELIST}?lesson={lesson.pk}", {"_move": f"{before[2]}:up"})

    assert response.status_code == 403
    assert order(lesson) == before


def lesson_form(lesson, new_positions: dict[int, int]) -> dict:
    """The lesson page's form as a browser sends it, with some positions retyped."""
    questions = list(lesson.questions.order_by("position", "id"))
    data = {"position": lesson.position}
    data |= {"questions-TOTAL_FORMS": len(questions), "questions-INITIAL_FORMS": len(questions)}
    for n, q in enumerate(questions):
        data |= {
            f"questions-{n}-id": q.pk,
            f"questions-{n}-lesson": lesson.pk,
            f"questions-{n}-position": new_positions.get(q.pk, q.position),
            f"questions-{n}-kind": q.kind,
            f"questions-{n}-status": q.status,
            f"questions-{n}-prompt": q.prompt,
            f"questions-{n}-answer": q.answer,
            f"questions-{n}-explanation": q.explanation,
        }
    return data


def test_the_lesson_page_lists_its_questions_in_order_with_their_position(teacher_client, lesson):
    Question.objects.filter(pk=order(lesson)[-1]).update(position=0)  # now the first

    page = teacher_client.get(
        reverse("admin:quizzes_lesson_change", args=[lesson.pk])
    ).content.decode()

    ids = order(lesson)
    assert ids[0] == lesson.questions.get(position=0).pk
    shown = [page.index(f'name="questions-{n}-id" value="{pk}"') for n, pk in enumerate(ids)]
    assert shown == sorted(shown)
    assert 'name="questions-0-position" value="0"' in page
    assert f"{CHANGELIST}?lesson={lesson.pk}" in page  # the list with move buttons


def test_typing_positions_on_the_lesson_page_reorders_and_renumbers(teacher_client, lesson):
    before = order(lesson)
    generated = Question.objects.filter(pk=before[4])
    generated.update(origin="generated")

    response = teacher_client.post(
        reverse("admin:quizzes_lesson_change", args=[lesson.pk]),
        lesson_form(lesson, {before[4]: 0}),  # the fifth first
    )

    assert response.status_code == 302
    assert order(lesson) == [before[4], *before[:4], *before[5:]]
    assert positions(lesson) == list(range(1, len(before) + 1))
    assert not generated.get().teacher_edited  # moved, not edited


def test_the_study_queue_introduces_new_cards_in_lesson_order(student, course, lesson):
    """New cards come in course order: lesson position, then question position."""
    now = timezone.now()
    flashcard = course.questions[lesson.pk][QuestionKind.FLASHCARD]
    assert next_card(student, now).pk != flashcard.pk

    move_question(question=flashcard, by=-100)

    assert next_card(student, now).pk == flashcard.pk


def test_placing_a_question_puts_it_at_that_place_and_the_rest_keep_their_order(lesson):
    before = order(lesson)
    last = Question.objects.get(pk=before[-1])

    assert place_question(question=last, position=2) == 2
    assert order(lesson) == [before[0], before[-1], *before[1:-1]]
    assert place_question(question=last, position=None) == len(before)
    assert order(lesson) == before
    assert place_question(question=last, position=0) == 1
    assert place_question(question=last, position=99) == len(before)
    assert positions(lesson) == list(range(1, len(before) + 1))


def question_form(question: Question, **changes) -> dict:
    data = {
        "lesson": question.lesson_id,
        "kind": question.kind,
        "status": question.status,
        "position": question.position,
        "prompt": question.prompt,
        "answer": question.answer,
        "accepted_answers": "[]",
        "initial-accepted_answers": "[]",  # a callable default's hidden initial value
        "explanation": question.explanation,
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
    }
    return data | changes


def test_typing_a_position_on_the_question_form_moves_it_there(teacher_client, lesson):
    before = order(lesson)
    question = lesson.questions.get(pk=before[5])
    question.origin = "generated"
    question.save()

    response = teacher_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]),
        question_form(question, position=2),
    )

    assert response.status_code == 302
    assert order(lesson) == [before[0], before[5], *before[1:5], *before[6:]]
    assert positions(lesson) == list(range(1, len(before) + 1))
    question.refresh_from_db()
    assert not question.teacher_edited  # moved, not edited


def test_a_new_question_goes_last_unless_given_a_place(teacher_client, lesson):
    before = order(lesson)
    add = reverse("admin:quizzes_question_add")
    form = question_form(Question(lesson=lesson, kind="short_answer", status="published"))

    teacher_client.post(add, form | {"prompt": "Last?", "answer": "yes", "position": 0})
    teacher_client.post(add, form | {"prompt": "Second?", "answer": "yes", "position": 2})

    last, second = (lesson.questions.get(prompt=p).pk for p in ("Last?", "Second?"))
    assert order(lesson) == [before[0], second, *before[1:], last]
    assert positions(lesson) == list(range(1, len(before) + 3))


def test_moving_a_question_to_another_lesson_puts_it_last_and_closes_the_gap(
    teacher_client, course, lesson
):
    other = course.lessons[1]
    before, others = order(lesson), order(other)
    question = lesson.questions.get(pk=before[1])

    teacher_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]),
        question_form(question, lesson=other.pk),
    )

    assert order(other) == [*others, question.pk]
    assert order(lesson) == [before[0], *before[2:]]
    assert positions(lesson) == list(range(1, len(before)))


def test_regenerated_drafts_come_after_the_questions_a_lesson_keeps(lesson):
    kept = order(lesson)
    renumber_questions(lesson=lesson)

    result = generate_questions(lessons=[lesson])

    assert result.created > 0
    ids = order(lesson)
    assert ids[: len(kept)] == kept
    assert positions(lesson) == list(range(1, len(ids) + 1))
