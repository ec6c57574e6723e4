"""Account pages. Log in, log out and the password pages are Django's own views (see
`accounts/auth_views.py`) with Lectern's templates; sign-up, the account page, the data
download and deleting one's account are here."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts.data_export import export_filename, export_user_data
from accounts.forms import DeleteAccountForm, SignUpForm
from accounts.models import User
from accounts.services import (
    AccountDeletionRefused,
    delete_account,
    deletion_refusal,
    sign_up_student,
)


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
            # Named, since the lock-out backend comes first and logs nobody in.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome to Lectern, %(username)s!") % {"username": user.get_username()},
            )
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


@login_required
@never_cache
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """The account page: the password, the data download and deleting the account."""
    return render(request, "accounts/account.html", {"refusal": deletion_refusal(request.user)})


@login_required
@never_cache
@require_GET
def export_data(request: HttpRequest) -> StreamingHttpResponse:
    """Everything Lectern keeps about the requester, as a JSON file (see data_export).
    Never cached: it is personal data."""
    response = StreamingHttpResponse(
        export_user_data(request.user), content_type="application/json; charset=utf-8"
    )
    # A username may hold any letter: non-ASCII names are sent as RFC 6266 asks.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export_filename(request.user)
    )
    return response


@sensitive_post_parameters("password")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete_my_account(request: HttpRequest) -> HttpResponse:
    """Ask for the password, then delete the account and all of its activity (or say why
    it cannot be deleted here), log out and go home."""
    user = request.user
    refusal = deletion_refusal(user)
    form = DeleteAccountForm(
        request.POST if request.method == "POST" else None, user=user, request=request
    )
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            delete_account(user=user)
        except AccountDeletionRefused as refused:
            # A document or class was given to the account since the check above.
            refusal = str(refused)
        else:
            logout(request)
            messages.success(
                request, _("Your account and all of its data have been deleted. Goodbye!")
            )
            return redirect("home")
    status = 200
    if request.method == "POST":
        status = 403 if refusal is not None else 400
    return render(
        request,
        "accounts/delete_account.html",
        {"form": form, "refusal": refusal},
        status=status,
    )
