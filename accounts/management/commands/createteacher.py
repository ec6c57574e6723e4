"""`manage.py createteacher USERNAME`: create a teacher account, or promote an existing one.

A teacher is a staff account in the Teachers group (see `accounts.roles`). The password
comes from --password, from an environment variable (--password-from-env, which keeps it
out of the shell history and the process list) or, on a terminal, from a prompt.
"""

import os
import sys
from getpass import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import User
from accounts.services import create_teacher, make_teacher


class Command(BaseCommand):
    help = "Create a teacher account (staff, in the Teachers group), or promote an existing one."
    stealth_options = ("stdin",)  # tests pass a stand-in for the terminal

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Username of the teacher.")
        parser.add_argument("--email", default="", help="Email address of the teacher.")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--password", help="The password (visible in the shell history).")
        source.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from the environment variable VAR.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never prompt; fail if no password is given.",
        )
        parser.add_argument(
            "--existing",
            action="store_true",
            help="Make an existing account a teacher (its password and email are kept).",
        )
        parser.add_argument(
            "--skip-validation",
            action="store_true",
            help="Accept a password the password validators refuse.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdin = options.get("stdin", sys.stdin)
        admin_url = reverse("admin:index")
        if options["existing"]:
            user = self._promote(options)
            self.stdout.write(
                self.style.SUCCESS(
                    f"“{user.get_username()}” is now a teacher. Log in at {admin_url}."
                )
            )
            return
        username = self._clean_username(options["username"])
        email = self._clean_email(options["email"])
        password = self._get_password(options)
        if not options["skip_validation"]:
            try:
                validate_password(password, user=User(username=username, email=email))
            except ValidationError as error:
                raise CommandError(
                    "The password was refused: " + " ".join(error.messages)
                ) from None
        try:
            create_teacher(username=username, email=email, password=password)
        except IntegrityError:
            raise CommandError(self._taken_message(username)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Teacher “{username}” created. Log in at {admin_url}.")
        )

    def _promote(self, options: dict[str, Any]) -> User:
        given = [
            flag
            for flag, key in [
                ("--email", "email"),
                ("--password", "password"),
                ("--password-from-env", "password_from_env"),
            ]
            if options[key]
        ]
        if given:
            raise CommandError(
                f"--existing keeps the account's email and password; drop {', '.join(given)}."
            )
        username = options["username"]
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(
                f"There is no account “{username}”. Leave out --existing to create one."
            ) from None
        return make_teacher(user=user)

    def _clean_username(self, raw: str) -> str:
        username = User.normalize_username(raw)
        try:
            User._meta.get_field("username").clean(username, None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        # Like sign-up: usernames that differ only in case are the same username.
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(self._taken_message(username))
        return username

    def _taken_message(self, username: str) -> str:
        return (
            f"The username “{username}” is taken. "
            "Choose another, or pass --existing to make that account a teacher."
        )

    def _clean_email(self, raw: str) -> str:
        if not raw:
            return ""
        try:
            validate_email(raw)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        email = User.objects.normalize_email(raw)
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError("An account with this email already exists.")
        return email

    def _get_password(self, options: dict[str, Any]) -> str:
        if options["password"] is not None and options["password_from_env"]:
            raise CommandError("Give --password or --password-from-env, not both.")
        if options["password"] is not None:
            password = options["password"]
        elif options["password_from_env"]:
            variable = options["password_from_env"]
            password = os.environ.get(variable)
            if password is None:
                raise CommandError(f"The environment variable {variable} is not set.")
        elif not options["interactive"]:
            raise CommandError(
                "No password given: pass --password or --password-from-env, "
                "or leave out --noinput to be asked for one."
            )
        elif not (hasattr(self.stdin, "isatty") and self.stdin.isatty()):
            raise CommandError(
                "No password given and no terminal to ask on: "
                "pass --password or --password-from-env."
            )
        else:
            password = getpass("Password: ")
            if password != getpass("Password (again): "):
                raise CommandError("The two passwords didn't match.")
        if not password:
            raise CommandError("The password can't be blank.")
        return password
