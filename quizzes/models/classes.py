"""Classes: who studies what. A teacher's class holds some of their documents and the
students who joined it (with its code, or added by the teacher)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quizzes.models.content import Document

if TYPE_CHECKING:
    from accounts.models import User

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L)."""
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class ClassroomQuerySet(models.QuerySet["Classroom"]):
    def taught_by(self, user: User) -> ClassroomQuerySet:
        """The classes this user runs: a superuser all, a teacher their own."""
        if user.is_superuser:
            return self.all()
        if not user.is_authenticated or not user.is_staff:
            return self.none()
        return self.filter(teacher=user)

    def joined_by(self, user: User) -> ClassroomQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__student=user)


class Classroom(models.Model):
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="classrooms"
    )
    name = models.CharField(_("name"), max_length=200)
    join_code = models.CharField(
        _("join code"),
        max_length=16,
        unique=True,
        default=new_join_code,
        help_text=_("Students type it to join the class."),
    )
    documents = models.ManyToManyField(
        Document, related_name="classrooms", blank=True, verbose_name=_("documents")
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="classes_joined",
        blank=True,
        verbose_name=_("students"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "name"], name="class_name_unique_per_teacher"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A student in a class."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["classroom", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"], name="membership_one_per_class"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} in {self.classroom_id}"
