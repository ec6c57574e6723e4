"""The class admin: a teacher's own classes only, adding students by name, the code."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import TEACHERS_GROUP
from quizzes.models import Classroom, Membership
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

LIST = reverse("admin:quizzes_classroom_changelist")
ADD = reverse("admin:quizzes_classroom_add")


def change_url(classroom: Classroom) -> str:
    return reverse("admin:quizzes_classroom_change", args=[classroom.pk])


def form_data(classroom: Classroom | None = None, **overrides) -> dict:
    """What the browser sends for the class form, its student rows unchanged."""
    rows = list(classroom.memberships.order_by("student__username")) if classroom else []
    data = {
        "name": classroom.name if classroom else "",
        "documents": [d.pk for d in classroom.documents.all()] if classroom else [],
        "add_students": "",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(len(rows)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data[f"memberships-{n}-id"] = str(row.pk)
        data[f"memberships-{n}-classroom"] = str(classroom.pk)
    data.update(overrides)
    return data


def students(count: int, prefix: str = "pupil") -> list[User]:
    return User.objects.bulk_create(
        User(username=f"{prefix}{n:04d}", email=f"{prefix}{n:04d}@example.org")
        for n in range(count)
    )


@pytest.fixture
def classroom(teacher) -> Classroom:
    return Classroom.objects.create(teacher=teacher, name="Geography 7B", join_code="K7QM4XPA")


@pytest.fixture
def others_class(other_teacher) -> Classroom:
    return Classroom.objects.create(teacher=other_teacher, name="History 8A")


def test_teachers_may_manage_classes_and_memberships(teacher, student):
    group = Group.objects.get(name=TEACHERS_GROUP)
    held = set(group.permissions.values_list("codename", flat=True))

    for model in ["classroom", "membership"]:
        for action in ["add", "change", "delete", "view"]:
            assert f"{action}_{model}" in held
            assert teacher.has_perm(f"quizzes.{action}_{model}")
            assert not student.has_perm(f"quizzes.{action}_{model}")


def test_a_teacher_lists_only_their_own_classes(teacher_client, classroom, others_class):
    response = teacher_client.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Geography 7B" in page and "K7QM4XPA" in page
    assert "History 8A" not in page and others_class.join_code not in page
    assert f'href="{reverse("class_report", args=[classroom.pk])}"' in page


def test_a_teacher_cannot_open_or_change_another_teachers_class(teacher_client, others_class):
    assert teacher_client.get(change_url(others_class)).status_code == 302  # "doesn't exist"
    response = teacher_client.post(change_url(others_class), form_data(name="Mine now"))

    assert response.status_code == 302
    others_class.refresh_from_db()
    assert others_class.name == "History 8A"
    delete = reverse("admin:quizzes_classroom_delete", args=[others_class.pk])
    teacher_client.post(delete, {"post": "yes"})
    assert Classroom.objects.filter(pk=others_class.pk).exists()


def test_a_superuser_sees_every_class_and_its_teacher(client, superuser, classroom, others_class):
    client.force_login(superuser)

    page = client.get(LIST).content.decode()

    assert "Geography 7B" in page and "History 8A" in page
    assert "column-teacher" in page


def test_the_list_counts_students_and_documents(teacher_client, teacher, classroom):
    for title in ["One", "Two", "Three"]:
        classroom.documents.add(build_course(teacher, title=title, lessons=1).document)
    classroom.students.add(*students(4))

    page = teacher_client.get(LIST).content.decode()

    assert '<td class="field-student_count">4</td>' in page
    assert '<td class="field-document_count">3</td>' in page


def test_a_teacher_adds_a_class_with_documents_and_students(teacher_client, teacher, student):
    document = build_course(teacher, title="Rivers", open_to_all=False).document
    kim = User.objects.create_user(username="kim", email="kim@example.org")

    response = teacher_client.post(
        ADD,
        form_data(name="Year 9", documents=[document.pk], add_students="SAM\nkim@example.org"),
        follow=True,
    )

    page = response.content.decode()
    assert response.status_code == 200
    classroom = Classroom.objects.get(name="Year 9")
    assert classroom.teacher == teacher
    assert list(classroom.documents.all()) == [document]
    assert set(classroom.students.all()) == {student, kim}
    assert "2 students added to the class." in page


def test_the_documents_picker_offers_only_the_teachers_documents(
    teacher_client, teacher, other_teacher
):
    build_course(teacher, title="Mine")
    theirs = build_course(other_teacher, title="Theirs").document

    page = teacher_client.get(ADD).content.decode()
    assert ">Mine</option>" in page and ">Theirs</option>" not in page

    response = teacher_client.post(ADD, form_data(name="Sneaky", documents=[theirs.pk]))

    assert response.status_code == 400  # the form again, with the error
    assert "Select a valid choice." in response.content.decode()
    assert not Classroom.objects.exists()


def test_unknown_students_are_form_errors_and_nothing_is_saved(teacher_client, student):
    response = teacher_client.post(
        ADD, form_data(name="Year 9", add_students="sam, nobody; ghost@example.org\nada")
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "nobody: No account has this username or email." in page
    assert "ghost@example.org: No account has this username or email." in page
    assert "ada: This is the class’s teacher." in page
    assert not Classroom.objects.exists() and not Membership.objects.exists()


def test_students_are_added_to_an_existing_class_and_reported_if_already_in(
    teacher_client, classroom, student
):
    classroom.students.add(student)
    User.objects.create_user(username="kim")

    response = teacher_client.post(
        change_url(classroom), form_data(classroom, add_students="sam\nkim"), follow=True
    )

    page = response.content.decode()
    assert "1 student added to the class." in page
    assert "Already in the class: sam." in page
    assert set(classroom.students.values_list("username", flat=True)) == {"sam", "kim"}


def test_a_class_name_is_unique_per_teacher(teacher_client, classroom, others_class):
    response = teacher_client.post(ADD, form_data(name="Geography 7B"))

    assert "You already have a class with this name." in response.content.decode()
    assert Classroom.objects.filter(name="Geography 7B").count() == 1
    # Another teacher's name is free to take.
    assert teacher_client.post(ADD, form_data(name="History 8A")).status_code == 302


def test_the_change_page_lists_students_and_deleting_a_row_removes_one(
    teacher_client, classroom, student
):
    kim = User.objects.create_user(username="kim", first_name="Kim", last_name="Park")
    classroom.students.add(student, kim)

    page = teacher_client.get(change_url(classroom)).content.decode()

    assert "Kim Park" in page and "sam" in page and "K7QM4XPA" in page
    assert "2 students in the class" in page
    assert f"{kim.pk} in {classroom.pk}" not in page  # rows are named by the student
    assert 'name="join_code"' not in page  # read-only: rotated by the action
    assert 'name="teacher"' not in page

    # Rows are ordered by username: kim, then sam.
    data = form_data(classroom, **{"memberships-0-DELETE": "on"})
    response = teacher_client.post(change_url(classroom), data)

    assert response.status_code == 302
    assert list(classroom.students.all()) == [student]


def test_the_new_join_code_action_rotates_the_selected_codes(teacher_client, classroom, student):
    classroom.students.add(student)

    response = teacher_client.post(
        LIST, {"action": "give_new_join_codes", "_selected_action": [classroom.pk]}, follow=True
    )

    classroom.refresh_from_db()
    assert classroom.join_code != "K7QM4XPA"
    assert "1 class has a new join code; the old one no longer works." in (
        response.content.decode()
    )
    assert list(classroom.students.all()) == [student]


def test_the_action_leaves_other_teachers_classes_alone(teacher_client, others_class):
    code = others_class.join_code

    teacher_client.post(
        LIST, {"action": "give_new_join_codes", "_selected_action": [others_class.pk]}
    )

    others_class.refresh_from_db()
    assert others_class.join_code == code


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_class_list_runs_a_fixed_number_of_queries(teacher_client, teacher, classroom):
    classroom.students.add(*students(5))
    classroom.documents.add(build_course(teacher, title="One", lessons=1).document)
    few = _queries(teacher_client, LIST)

    classroom.students.add(*students(495, prefix="more"))
    for n in range(3):
        extra = Classroom.objects.create(teacher=teacher, name=f"Class {n}")
        extra.students.add(*students(20, prefix=f"c{n}-"))
        extra.documents.add(build_course(teacher, title=f"Doc {n}", lessons=1).document)

    assert _queries(teacher_client, LIST) == few


def test_the_change_page_runs_a_fixed_number_of_queries(teacher_client, teacher, classroom):
    classroom.students.add(*students(5))
    classroom.documents.add(build_course(teacher, title="One", lessons=1).document)
    few = _queries(teacher_client, change_url(classroom))

    classroom.students.add(*students(495, prefix="more"))
    for n in range(3):
        classroom.documents.add(build_course(teacher, title=f"Doc {n}", lessons=1).document)
    many = _queries(teacher_client, change_url(classroom))

    assert many == few
    assert classroom.students.count() == 500
