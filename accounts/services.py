"""Writes to accounts."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import TEACHERS_GROUP


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
