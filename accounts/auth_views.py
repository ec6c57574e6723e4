"""Django's log-in and password views, answering a refused form as every Lectern form
does: 400, with the form and its errors (Django shows it again with a 200). The password
change checks the old password through the lock-out (accounts/lockout.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.forms import Form
from django.http import HttpResponse

from accounts.forms import CheckedPasswordChangeForm


class RefusedFormMixin:
    """A form view whose invalid post answers 400."""

    def form_invalid(self, form: Form) -> HttpResponse:
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class LoginView(RefusedFormMixin, auth_views.LoginView):
    pass


class PasswordChangeView(RefusedFormMixin, auth_views.PasswordChangeView):
    form_class = CheckedPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetView(RefusedFormMixin, auth_views.PasswordResetView):
    pass


class PasswordResetConfirmView(RefusedFormMixin, auth_views.PasswordResetConfirmView):
    pass
