from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.roles import TEACHERS_GROUP


class UserQuerySet(models.QuerySet["User"]):
    def teachers(self) -> UserQuerySet:
        return self.filter(groups__name=TEACHERS_GROUP)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]  # a dynamic base
    """Django's manager (create_user, create_superuser) with the role queries."""


class User(AbstractUser):
    """A Lectern account. Everyone is a student; teachers are also in the Teachers group."""

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            # One account per email address, whatever its case; blank emails are allowed.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ignoring_case"
            ),
        ]

    @property
    def is_teacher(self) -> bool:
        # Cached per instance: templates and checks ask this several times a request.
        cached = self.__dict__.get("_is_teacher")
        if cached is None:
            cached = self.is_superuser or self.groups.filter(name=TEACHERS_GROUP).exists()
            self.__dict__["_is_teacher"] = cached
        return cached
