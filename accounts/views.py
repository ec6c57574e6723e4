"""Account pages. Log in, log out and the password pages are Django's own views (see
`accounts/urls.py`) with Lectern's templates; sign-up is here."""

from django.contrib import messages
from django.contrib.auth import login
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm
from accounts.models import User
from accounts.services import sign_up_student


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create a student account and log it in."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST) if request.method == "POST" else SignUpForm()
    if form.is_valid():
        try:
            user = sign_up_student(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except IntegrityError:
            # Someone took the username or the email between the form's check and the
            # insert: say which.
            if User.objects.filter(username__iexact=form.cleaned_data["username"]).exists():
                form.add_error("username", _("A user with that username already exists."))
            else:
                form.add_error("email", _("An account with this email already exists."))
        else:
            login(request, user)
            messages.success(
                request,
                _("Welcome to Lectern, %(username)s!") % {"username": user.get_username()},
            )
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})
