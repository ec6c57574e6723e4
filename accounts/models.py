from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from knox.models import AbstractAuthToken

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


class DeviceToken(AbstractAuthToken):
    """An API token for one device (django-rest-knox stores only its hash). Logging out
    on the device deletes it; logging out everywhere deletes all of the user's."""

    device_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.device_name or 'device'} ({self.token_key})"
