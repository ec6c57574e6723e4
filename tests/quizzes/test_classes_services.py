"""Joining, leaving, adding and removing students, and rotating a class's code."""

import pytest

from accounts.models import User
from quizzes.models import Classroom, Membership
from quizzes.models.classes import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH
from quizzes.services import (
    AddStudentsError,
    ClassError,
    add_students,
    join_class,
    leave_class,
    remove_students,
    rotate_join_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom(teacher) -> Classroom:
    return Classroom.objects.create(teacher=teacher, name="Geography 7B", join_code="K7QM4XPA")


def members(classroom: Classroom) -> set[str]:
    return set(classroom.students.values_list("username", flat=True))


@pytest.mark.parametrize(
    "typed", ["K7QM4XPA", "k7qm4xpa", " k7qm-4xpa ", "K7QM 4XPA", "k7qm–4xpa"]
)
def test_a_student_joins_with_the_code_however_it_is_typed(student, classroom, typed):
    result = join_class(student=student, code=typed)

    assert result.classroom == classroom and result.joined
    assert members(classroom) == {"sam"}


def test_joining_twice_is_harmless(student, classroom):
    join_class(student=student, code="K7QM4XPA")

    again = join_class(student=student, code="K7QM4XPA")

    assert again.classroom == classroom and not again.joined
    assert Membership.objects.filter(student=student).count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the code your teacher gave you."),
        (" - ", "Type the code your teacher gave you."),
        ("K7QM4XPB", "No class has the code “K7QM4XPB”. Check it with your teacher."),
        ("K7QM", "No class has the code “K7QM”: class codes have 8 characters."),
    ],
)
def test_an_unknown_code_is_refused_with_a_clear_message(student, classroom, typed, message):
    with pytest.raises(ClassError) as refused:
        join_class(student=student, code=typed)

    assert str(refused.value) == message
    assert not Membership.objects.exists()


def test_a_teacher_cannot_join_their_own_class(teacher, classroom):
    with pytest.raises(ClassError, match="You teach “Geography 7B”"):
        join_class(student=teacher, code="K7QM4XPA")

    assert not Membership.objects.exists()


def test_a_teacher_may_join_another_teachers_class(other_teacher, classroom):
    assert join_class(student=other_teacher, code="K7QM4XPA").joined


def test_leaving_takes_the_student_out_and_says_whether_they_were_in(student, classroom):
    join_class(student=student, code="K7QM4XPA")

    assert leave_class(student=student, classroom=classroom) is True
    assert members(classroom) == set()
    assert leave_class(student=student, classroom=classroom) is False


def test_a_teacher_adds_students_by_username_or_email_ignoring_case(student, classroom):
    User.objects.create_user(username="kim", email="Kim@Example.org", password="x" * 12)

    result = add_students(classroom=classroom, identifiers=["SAM", " kim@example.ORG ", ""])

    assert sorted(user.username for user in result.added) == ["kim", "sam"]
    assert result.already == []
    assert members(classroom) == {"kim", "sam"}


def test_adding_a_student_already_in_the_class_reports_them(student, classroom):
    join_class(student=student, code="K7QM4XPA")
    kim = User.objects.create_user(username="kim", password="x" * 12)

    result = add_students(classroom=classroom, identifiers=["sam", "kim", "Sam"])

    assert result.added == [kim] and result.already == [student]
    assert Membership.objects.filter(classroom=classroom).count() == 2


def test_adding_is_all_or_nothing_and_names_every_identifier_not_found(student, classroom):
    with pytest.raises(AddStudentsError) as refused:
        add_students(classroom=classroom, identifiers=["sam", "nobody", "ghost@example.org"])

    assert [(e.identifier, e.message) for e in refused.value.errors] == [
        ("nobody", "No account has this username or email."),
        ("ghost@example.org", "No account has this username or email."),
    ]
    assert "nobody" in str(refused.value) and "ghost@example.org" in str(refused.value)
    assert not Membership.objects.exists()


def test_the_teacher_and_deactivated_accounts_are_not_added(teacher, student, classroom):
    User.objects.create_user(username="gone", password="x" * 12, is_active=False)

    with pytest.raises(AddStudentsError) as refused:
        add_students(classroom=classroom, identifiers=["ada", "gone", "sam"])

    assert [(e.identifier, e.message) for e in refused.value.errors] == [
        ("ada", "This is the class’s teacher."),
        ("gone", "This account is deactivated."),
    ]
    assert not Membership.objects.exists()


def test_a_name_matching_two_accounts_needs_the_exact_username(classroom):
    User.objects.create_user(username="Lee", password="x" * 12)
    User.objects.create_user(username="lee", password="x" * 12)

    assert [u.username for u in add_students(classroom=classroom, identifiers=["Lee"]).added] == [
        "Lee"
    ]
    with pytest.raises(AddStudentsError, match="Several accounts match it"):
        add_students(classroom=classroom, identifiers=["LEE"])


def test_adding_nobody_is_refused(classroom):
    with pytest.raises(ClassError, match="Name at least one student"):
        add_students(classroom=classroom, identifiers=["", "  "])


def test_removing_students_takes_only_them_out(student, classroom):
    kim = User.objects.create_user(username="kim", password="x" * 12)
    add_students(classroom=classroom, identifiers=["sam", "kim"])

    assert remove_students(classroom=classroom, students=[kim]) == 1
    assert members(classroom) == {"sam"}
    assert remove_students(classroom=classroom, students=[kim.pk]) == 0


def test_a_new_join_code_replaces_the_old_one(student, classroom):
    join_class(student=student, code="K7QM4XPA")

    code = rotate_join_code(classroom=classroom)

    classroom.refresh_from_db()
    assert classroom.join_code == code != "K7QM4XPA"
    assert len(code) == JOIN_CODE_LENGTH and set(code) <= set(JOIN_CODE_ALPHABET)
    assert members(classroom) == {"sam"}
    with pytest.raises(ClassError):
        join_class(student=student, code="K7QM4XPA")
