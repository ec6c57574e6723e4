"""Writes to accounts."""

import logging

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts.models import DeviceToken, User
from accounts.roles import TEACHERS_GROUP
from quizzes.models import (
    Answer,
    CardState,
    Classroom,
    Document,
    Membership,
    QuizAttempt,
    ReviewLog,
    SyncCounter,
)
from quizzes.services.reviews import user_stream

logger = logging.getLogger(__name__)


class AccountDeletionRefused(Exception):
    """The account cannot delete itself; the message says why and what to do instead."""


@transaction.atomic
def make_teacher(*, user: User) -> User:
    """Give an account the teacher role: staff (to reach the admin) and the Teachers group
    (content permissions only). The group is created by a migration."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    user.__dict__.pop("_is_teacher", None)
    return user


@transaction.atomic
def create_teacher(*, username: str, email: str = "", password: str | None = None) -> User:
    user = User.objects.create_user(username=username, email=email, password=password)
    return make_teacher(user=user)


@transaction.atomic
def sign_up_student(*, username: str, email: str, password: str) -> User:
    """Create a student: an ordinary account, no staff flag, no groups. The caller has
    validated the values (SignUpForm does)."""
    return User.objects.create_user(username=username, email=email, password=password)


def deletion_refusal(user: User) -> str | None:
    """Why this account may not delete itself, or None if it may. A teacher's documents
    and classes belong to the school as much as to the teacher (the models PROTECT them),
    and a superuser may be the last one: both go through an administrator."""
    if user.is_superuser:
        return _(
            "An administrator's account cannot be deleted from this page. "
            "Ask another administrator to delete it."
        )
    if (
        Document.objects.filter(owner=user).exists()
        or Classroom.objects.filter(teacher=user).exists()
    ):
        return _(
            "Your account owns documents or classes, which must stay for your students. "
            "Ask an administrator to hand them over or to delete your account."
        )
    return None


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete a student's account and everything that is only theirs: quiz attempts and
    answers, review logs, card states, class memberships, device tokens and their sync
    counter. All or nothing; the content they studied stays.

    Raises AccountDeletionRefused (nothing deleted) if ``deletion_refusal`` says no."""
    refusal = deletion_refusal(user)
    if refusal is not None:
        raise AccountDeletionRefused(refusal)
    user_id = user.pk
    # Table by table, children first, in bulk: deleting the user alone would have
    # Django's collector load every row of a long history into memory first.
    Answer.objects.filter(attempt__user=user).delete()
    QuizAttempt.objects.filter(user=user).delete()
    ReviewLog.objects.filter(user=user).delete()
    CardState.objects.filter(user=user).delete()
    Membership.objects.filter(student=user).delete()
    DeviceToken.objects.filter(user=user).delete()
    SyncCounter.objects.filter(key=user_stream(user)).delete()
    try:
        user.delete()
    except ProtectedError as error:
        # Content given to the account since the check above: the transaction rolls
        # back everything deleted so far.
        raise AccountDeletionRefused(deletion_refusal(user) or str(error)) from error
    logger.info("account deleted", extra={"user_id": user_id})
