"""Account forms."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignUpForm(UserCreationForm):
    """A student signs up: a username, an email address (one account per address) and a
    password typed twice. Creates nothing itself: the view calls `sign_up_student`."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Only used to reset your password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email already exists."), code="email_taken"
            )
        return email


class DeleteAccountForm(forms.Form):
    """The password again: deleting an account cannot be undone, so an unattended open
    session is not enough. The password is checked through `authenticate`, like a log-in,
    so failures count towards the lock-out (accounts/lockout.py): an open session cannot
    be used to guess the password either."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(
                _("That is not your password. Nothing was deleted."),
                code="password_incorrect",
            )
        return password


class CheckedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password checked through `authenticate`
    like a log-in: failures count towards the lock-out, so an open session cannot be used
    to guess the password."""

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
