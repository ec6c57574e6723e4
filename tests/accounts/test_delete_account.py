"""A student deletes their own account, after typing their password: their activity goes
with it in one transaction, the content they studied stays, and a teacher who owns
documents or classes is told to ask an administrator instead."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from accounts.models import DeviceToken, User
from accounts.services import AccountDeletionRefused, delete_account
from quizzes.models import (
    Answer,
    CardState,
    Classroom,
    Document,
    Membership,
    Question,
    QuizAttempt,
    ReviewLog,
    SyncCounter,
)
from quizzes.services import join_class, record_reviews, start_attempt
from quizzes.services.reviews import ReviewInput, user_stream
from tests.conftest import PASSWORD
from tests.quizzes.course import build_course, give_history

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DELETE = reverse("delete_account")


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=2)


@pytest.fixture
def active_student(student, teacher, course):
    """A student with a class, synced reviews, a quiz under way and a signed-in phone."""
    classroom = Classroom.objects.create(teacher=teacher, name="Geography 7B")
    join_class(student=student, code=classroom.join_code)
    give_history(student, course.published()[:3], reviews=6, start=NOW - timedelta(days=30))
    record_reviews(
        user=student,
        reviews=[
            ReviewInput(
                id=uuid.UUID("4b0f3c55-1d2e-4f6a-9b8c-7d6e5f4a3b21"),
                question_id=course.published()[4].pk,
                rating=3,
                reviewed_at=NOW - timedelta(hours=1),
            )
        ],
        now=NOW,
    )
    start_attempt(user=student, lesson=course.lessons[0], now=NOW)
    DeviceToken.objects.create(user=student, device_name="Sam's phone")
    return student


@pytest.fixture
def bystander(course):
    """Another student with a history of their own, which must survive."""
    other = User.objects.create_user(username="kim", email="kim@example.org", password=PASSWORD)
    give_history(other, course.published()[:2], reviews=4, start=NOW - timedelta(days=9))
    start_attempt(user=other, lesson=course.lessons[1], now=NOW)
    DeviceToken.objects.create(user=other, device_name="Kim's laptop")
    return other


def activity_of(user_id: int) -> dict[str, int]:
    return {
        "reviews": ReviewLog.objects.filter(user_id=user_id).count(),
        "cards": CardState.objects.filter(user_id=user_id).count(),
        "attempts": QuizAttempt.objects.filter(user_id=user_id).count(),
        "answers": Answer.objects.filter(attempt__user_id=user_id).count(),
        "memberships": Membership.objects.filter(student_id=user_id).count(),
        "tokens": DeviceToken.objects.filter(user_id=user_id).count(),
        "sync counter": SyncCounter.objects.filter(key=f"user:{user_id}").count(),
    }


def test_the_page_asks_for_the_password(student_client):
    response = student_client.get(DELETE)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="password"' in html
    assert "cannot be undone" in html


def test_it_requires_a_login(client, student):
    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert User.objects.filter(pk=student.pk).exists()


def test_it_deletes_the_account_and_all_of_its_activity(
    active_student, bystander, course, teacher, client
):
    assert all(activity_of(active_student.pk).values())
    before = activity_of(bystander.pk)
    questions = Question.objects.count()
    client.force_login(active_student)

    response = client.post(DELETE, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Your account and all of its data have been deleted" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert not User.objects.filter(username="sam").exists()
    assert not any(activity_of(active_student.pk).values())
    # Everyone else's rows and the teacher's content stay.
    assert activity_of(bystander.pk) == before
    assert Document.objects.filter(pk=course.document.pk).exists()
    assert Question.objects.count() == questions
    assert Classroom.objects.filter(teacher=teacher).count() == 1
    assert User.objects.filter(pk=teacher.pk).exists()


def test_the_old_session_is_gone(active_student, client):
    client.force_login(active_student)
    client.post(DELETE, {"password": PASSWORD})

    response = client.get(reverse("account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("password", ["wrong password", ""])
def test_a_wrong_password_deletes_nothing(password, active_student, client):
    before = activity_of(active_student.pk)
    client.force_login(active_student)

    response = client.post(DELETE, {"password": password})

    assert response.status_code == 400
    html = response.content.decode()
    if password:
        assert "That is not your password. Nothing was deleted." in html
    else:
        assert "This field is required." in html
    assert User.objects.filter(pk=active_student.pk).exists()
    assert activity_of(active_student.pk) == before


def test_a_teacher_who_owns_documents_is_told_to_ask_an_administrator(
    teacher_client, teacher, course
):
    page = teacher_client.get(DELETE).content.decode()
    assert "Ask an administrator" in page
    assert 'type="password"' not in page

    response = teacher_client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 403
    assert "Ask an administrator" in response.content.decode()
    assert User.objects.filter(pk=teacher.pk).exists()
    assert Document.objects.filter(pk=course.document.pk).exists()


def test_a_teacher_who_runs_a_class_is_refused_too(teacher_client, teacher):
    Classroom.objects.create(teacher=teacher, name="Empty class")

    response = teacher_client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 403
    assert User.objects.filter(pk=teacher.pk).exists()
    assert Classroom.objects.filter(teacher=teacher).exists()


def test_the_account_page_says_so_to_such_a_teacher(teacher_client, course):
    html = teacher_client.get(reverse("account")).content.decode()

    assert "Ask an administrator" in html
    assert f'href="{DELETE}"' not in html


def test_a_teacher_without_content_may_delete_their_account(teacher_client, teacher):
    response = teacher_client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=teacher.pk).exists()


def test_a_superuser_is_refused(superuser, client):
    client.force_login(superuser)

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 403
    assert "Ask another administrator" in response.content.decode()
    assert User.objects.filter(pk=superuser.pk).exists()


def test_the_service_refuses_a_teacher_with_content_and_deletes_nothing(teacher, course):
    with pytest.raises(AccountDeletionRefused, match="Ask an administrator"):
        delete_account(user=teacher)

    assert User.objects.filter(pk=teacher.pk).exists()
    assert Document.objects.filter(owner=teacher).exists()


def test_the_sync_counter_key_is_the_users_stream(student):
    """The test's helper names the counter the way the sync code does."""
    assert user_stream(student) == f"user:{student.pk}"
