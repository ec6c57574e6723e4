"""Duplicating a question: the copy is a draft the teacher wrote, with the same choices,
placed right after its original; from the change page's button or in bulk."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from quizzes.models import Question, QuestionKind, QuestionOrigin, QuestionStatus
from quizzes.services.questions import duplicate_questions
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:quizzes_question_changelist")


def duplicate_url(question: Question) -> str:
    return reverse("admin:quizzes_question_duplicate", args=[question.pk])


def lesson_order(lesson) -> list[str]:
    return list(lesson.questions.order_by("position", "id").values_list("prompt", flat=True))


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=2)


@pytest.fixture
def multiple_choice(course) -> Question:
    return course.questions[course.lessons[0].pk][QuestionKind.MULTIPLE_CHOICE]


def test_the_copy_is_an_authored_draft_with_the_same_content_and_choices(multiple_choice):
    original = multiple_choice
    original.generation_score = 0.8
    original.accent_sensitive = True
    original.save()
    original.choices.filter(is_correct=False).update(feedback="Not that one.")

    [copy] = duplicate_questions(questions=[original])

    copy.refresh_from_db()
    assert copy.pk != original.pk
    assert (copy.status, copy.origin, copy.teacher_edited) == (
        QuestionStatus.DRAFT,
        QuestionOrigin.AUTHORED,
        False,
    )
    assert copy.prompt == f"{original.prompt} (copy)"
    same = ["lesson_id", "kind", "answer", "accepted_answers", "accent_sensitive"]
    same += ["explanation", "source_sentence", "source_start", "source_end"]
    assert {f: getattr(copy, f) for f in same} == {f: getattr(original, f) for f in same}
    assert copy.generation_score is None
    fields = ("text", "is_correct", "feedback", "position")
    assert list(copy.choices.values_list(*fields)) == list(original.choices.values_list(*fields))
    assert original.choices.count() == 4  # the original keeps its own


def test_the_copy_is_placed_right_after_its_original_and_the_lesson_renumbered(course):
    lesson = course.lessons[0]
    before = lesson_order(lesson)
    original = lesson.questions.get(prompt=before[1])

    [copy] = duplicate_questions(questions=[original])

    assert lesson_order(lesson) == [*before[:2], copy.prompt, *before[2:]]
    positions = list(
        lesson.questions.order_by("position", "id").values_list("position", flat=True)
    )
    assert positions == list(range(1, len(before) + 2))


def test_duplicating_several_questions_places_each_copy_after_its_own_original(course):
    first, second = course.lessons
    q1 = first.questions.order_by("position").first()
    q2 = first.questions.order_by("position").last()
    q3 = second.questions.order_by("position")[2]
    before_first, before_second = lesson_order(first), lesson_order(second)

    copies = duplicate_questions(questions=[q3, q1, q2])

    assert [copy.prompt for copy in copies] == [f"{q.prompt} (copy)" for q in (q3, q1, q2)]
    assert lesson_order(first) == [
        before_first[0],
        f"{q1.prompt} (copy)",
        *before_first[1:],
        f"{q2.prompt} (copy)",
    ]
    assert lesson_order(second) == [*before_second[:3], f"{q3.prompt} (copy)", *before_second[3:]]


def test_the_change_page_offers_a_duplicate_button_that_posts(teacher_client, multiple_choice):
    page = teacher_client.get(
        reverse("admin:quizzes_question_change", args=[multiple_choice.pk])
    ).content.decode()

    form = page[page.index(f'action="{duplicate_url(multiple_choice)}"') :]
    form = form[: form.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in form
    assert ">Duplicate</button>" in form
    assert page.index('<form method="post" action') < page.index('id="question_form"')


def test_the_duplicate_button_opens_the_copys_change_page(teacher_client, multiple_choice):
    response = teacher_client.post(duplicate_url(multiple_choice), follow=True)

    copy = Question.objects.get(prompt=f"{multiple_choice.prompt} (copy)")
    assert response.redirect_chain[-1][0] == reverse(
        "admin:quizzes_question_change", args=[copy.pk]
    )
    page = response.content.decode()
    assert "This copy is a draft placed right after the original" in page
    assert f"{multiple_choice.prompt} (copy)</textarea>" in page
    assert copy.choices.count() == 4
    assert LogEntry.objects.filter(object_id=str(copy.pk), action_flag=1).exists()


def test_duplicating_is_refused_on_get_and_writes_nothing(teacher_client, multiple_choice):
    count = Question.objects.count()

    response = teacher_client.get(duplicate_url(multiple_choice))

    assert response.status_code == 405
    assert Question.objects.count() == count


def test_the_duplicate_button_checks_the_csrf_token(client, teacher, multiple_choice):
    client.handler.enforce_csrf_checks = True
    client.force_login(teacher)
    count = Question.objects.count()

    response = client.post(duplicate_url(multiple_choice))

    assert response.status_code == 403
    assert Question.objects.count() == count


def test_a_teacher_cannot_duplicate_another_teachers_question(client, other_teacher, course):
    client.force_login(other_teacher)
    theirs = course.questions[course.lessons[0].pk][QuestionKind.CLOZE]
    count = Question.objects.count()

    response = client.post(duplicate_url(theirs))

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert Question.objects.count() == count


def test_a_student_cannot_duplicate(student_client, multiple_choice):
    count = Question.objects.count()

    response = student_client.post(duplicate_url(multiple_choice))

    assert response.status_code == 302 and "/admin/login/" in response.url
    assert Question.objects.count() == count


def test_the_bulk_action_duplicates_the_selected_questions(teacher_client, course):
    chosen = list(course.lessons[0].questions.order_by("position")[:3])
    count = Question.objects.count()

    response = teacher_client.post(
        CHANGELIST,
        {"action": "duplicate_selected_questions", "_selected_action": [q.pk for q in chosen]},
        follow=True,
    )

    assert "3 questions duplicated as drafts" in response.content.decode()
    assert Question.objects.count() == count + 3
    copies = Question.objects.filter(prompt__endswith="(copy)")
    assert sorted(copies.values_list("prompt", flat=True)) == sorted(
        f"{q.prompt} (copy)" for q in chosen
    )
    assert set(copies.values_list("status", flat=True)) == {QuestionStatus.DRAFT}


def test_the_bulk_action_on_one_question_opens_the_copy(teacher_client, multiple_choice):
    response = teacher_client.post(
        CHANGELIST,
        {"action": "duplicate_selected_questions", "_selected_action": [multiple_choice.pk]},
    )

    copy = Question.objects.get(prompt=f"{multiple_choice.prompt} (copy)")
    assert response.url == reverse("admin:quizzes_question_change", args=[copy.pk])


def test_the_bulk_action_cannot_reach_another_teachers_questions(client, other_teacher, course):
    client.force_login(other_teacher)
    count = Question.objects.count()

    client.post(
        CHANGELIST,
        {
            "action": "duplicate_selected_questions",
            "_selected_action": [q.pk for q in course.published()],
        },
    )

    assert Question.objects.count() == count
