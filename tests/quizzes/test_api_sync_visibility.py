"""Sync when what a student may see changes: classes joined and left, documents added to
a class or taken out, documents opened to all or closed again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Classroom, Document
from quizzes.services import join_class, leave_class
from tests.quizzes.api_clients import api_for
from tests.quizzes.course import build_course
from tests.quizzes.test_api_sync_pull import items, pull, pull_all, reviews_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(student):
    return api_for(student)


@pytest.fixture
def classroom(teacher) -> Classroom:
    return Classroom.objects.create(teacher=teacher, name="Geography 7B", join_code="K7QM4XPA")


@pytest.fixture
def private(teacher, classroom):
    """A course only the class's students see."""
    course = build_course(teacher, title="Class only", open_to_all=False)
    classroom.documents.add(course.document)
    return course


def lesson_ids(pages) -> set[int]:
    return {lesson["id"] for lesson in items(pages, "lessons")}


def question_ids(pages) -> set[int]:
    return {question["id"] for question in items(pages, "questions")}


def test_a_student_who_joins_a_class_gets_its_lessons_on_the_next_pull(api, student, private):
    pages, cursor = pull_all(api)
    assert lesson_ids(pages) == set() and question_ids(pages) == set()
    assert pages[0]["visible_documents"] == []

    join_class(student=student, code="K7QM4XPA")
    pages, _ = pull_all(api, cursor=cursor)

    assert pages[0]["visible_documents"] == [private.document.pk]
    assert lesson_ids(pages) == {lesson.pk for lesson in private.lessons}
    assert question_ids(pages) == {q.pk for q in private.published()}


def test_nothing_changed_means_no_restart_and_no_list(api, student, classroom, private):
    join_class(student=student, code="K7QM4XPA")
    _, cursor = pull_all(api)

    page = pull(api, cursor)

    assert page["visible_documents"] is None
    assert page["lessons"] == [] and page["questions"] == [] and page["deleted"] == []
    assert page["cursor"] == cursor


def test_a_student_who_leaves_is_told_which_documents_to_keep(
    api, student, teacher, classroom, private
):
    open_course = build_course(teacher, title="Open to all")
    join_class(student=student, code="K7QM4XPA")
    pages, cursor = pull_all(api)
    assert pages[0]["visible_documents"] == sorted([private.document.pk, open_course.document.pk])

    leave_class(student=student, classroom=classroom)
    pages, cursor = pull_all(api, cursor=cursor)

    assert pages[0]["visible_documents"] == [open_course.document.pk]
    # The content starts again, from what the student may still see.
    assert lesson_ids(pages) == {lesson.pk for lesson in open_course.lessons}
    assert pull(api, cursor)["visible_documents"] is None


def test_a_document_added_to_the_class_later_is_pulled(api, student, teacher, classroom):
    join_class(student=student, code="K7QM4XPA")
    later = build_course(teacher, title="Added later", open_to_all=False)
    _, cursor = pull_all(api)  # created before the cursor, but not visible yet

    classroom.documents.add(later.document)
    pages, cursor = pull_all(api, cursor=cursor)

    assert pages[0]["visible_documents"] == [later.document.pk]
    assert lesson_ids(pages) == {lesson.pk for lesson in later.lessons}

    classroom.documents.remove(later.document)
    pages, _ = pull_all(api, cursor=cursor)

    assert pages[0]["visible_documents"] == []
    assert lesson_ids(pages) == set()


def test_opening_and_closing_a_document_restarts_the_content(api, teacher):
    course = build_course(teacher, title="Soon open", open_to_all=False)
    _, cursor = pull_all(api)

    Document.objects.filter(pk=course.document.pk).update(open_to_all=True)
    pages, cursor = pull_all(api, cursor=cursor)

    assert pages[0]["visible_documents"] == [course.document.pk]
    assert lesson_ids(pages) == {lesson.pk for lesson in course.lessons}

    Document.objects.filter(pk=course.document.pk).update(open_to_all=False)
    pages, _ = pull_all(api, cursor=cursor)

    assert pages[0]["visible_documents"] == []


def test_the_students_own_reviews_are_not_sent_again(api, student, teacher, private):
    shared = build_course(teacher, title="Open to all")
    reviewed = reviews_of(student, shared.published(), count=4)
    pages, cursor = pull_all(api)
    assert sorted(r["id"] for r in items(pages, "review_logs")) == sorted(map(str, reviewed))

    join_class(student=student, code="K7QM4XPA")
    pages, _ = pull_all(api, cursor=cursor)

    assert pages[0]["visible_documents"] == sorted([shared.document.pk, private.document.pk])
    assert items(pages, "review_logs") == [] and items(pages, "card_states") == []


def test_a_restart_sends_the_list_once_and_every_row_once_across_pages(
    api, student, teacher, private
):
    _, cursor = pull_all(api)
    join_class(student=student, code="K7QM4XPA")

    pages, _ = pull_all(api, cursor=cursor, limit=3)

    assert len(pages) > 2
    assert pages[0]["visible_documents"] == [private.document.pk]
    assert all(page["visible_documents"] is None for page in pages[1:])
    lessons = [lesson["id"] for lesson in items(pages, "lessons")]
    questions = [question["id"] for question in items(pages, "questions")]
    assert sorted(lessons) == sorted(lesson.pk for lesson in private.lessons)
    assert sorted(questions) == sorted(q.pk for q in private.published())


def test_a_non_member_never_pulls_a_class_document(api, other_teacher, private):
    other = Classroom.objects.create(teacher=other_teacher, name="Elsewhere")
    other.documents.add(
        build_course(other_teacher, title="Elsewhere only", open_to_all=False).document
    )

    pages, _ = pull_all(api)

    assert lesson_ids(pages) == set()
    assert pages[0]["visible_documents"] == []


def test_a_pull_runs_a_fixed_number_of_queries_whatever_the_classes(api, student, teacher):
    def count(cursor=None) -> tuple[int, dict]:
        params = {"limit": 1000} | ({"cursor": cursor} if cursor else {})
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/sync/changes/", params)
        assert response.status_code == 200
        return len(queries), response.json()

    first = Classroom.objects.create(teacher=teacher, name="First", join_code="AAAAAAAA")
    first.documents.add(build_course(teacher, title="One", open_to_all=False).document)
    join_class(student=student, code="AAAAAAAA")
    restart_few, page = count()
    steady_few, _ = count(page["cursor"])

    for n in range(4):
        classroom = Classroom.objects.create(
            teacher=teacher, name=f"C{n}", join_code=f"BBBBBBB{n + 2}"
        )
        for m in range(3):
            document = build_course(teacher, title=f"D{n}{m}", lessons=3, open_to_all=False)
            classroom.documents.add(document.document)
        join_class(student=student, code=classroom.join_code)
    restart_many, page = count(page["cursor"])
    steady_many, _ = count(page["cursor"])

    assert len(page["visible_documents"]) == 13
    assert restart_many == restart_few
    assert steady_many == steady_few
