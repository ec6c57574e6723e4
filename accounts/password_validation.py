"""A bound on password length, beside Django's own validators (settings.py).

Django accepts a password of any length: a pasted megabyte would be hashed and stored as
someone's password. No one types more than this, and a password manager's longest
passphrases are far shorter."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from accounts.models import User


class MaximumLengthValidator:
    def __init__(self, max_length: int = 1024) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: User | None = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d "
                    "characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password can’t be longer than %(max_length)d character.",
            "Your password can’t be longer than %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}
