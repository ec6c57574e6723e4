"""`manage.py createteacher`: create a teacher account, or promote an existing one."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.management.commands import createteacher
from accounts.models import User
from accounts.roles import TEACHERS_GROUP
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


class Terminal(StringIO):
    def isatty(self):
        return True


def run(*args, **options):
    out = StringIO()
    call_command("createteacher", *args, stdout=out, **options)
    return out.getvalue()


def typed_passwords(monkeypatch, *answers):
    """Answer getpass's prompts in turn; returns the prompts asked."""
    prompts = []
    replies = iter(answers)

    def fake_getpass(prompt):
        prompts.append(prompt)
        return next(replies)

    monkeypatch.setattr(createteacher, "getpass", fake_getpass)
    return prompts


def test_it_creates_a_teacher(client):
    output = run("ada", "--email", "ada@example.org", "--password", PASSWORD)

    assert output == "Teacher “ada” created. Log in at /admin/.\n"
    user = User.objects.get(username="ada")
    assert user.email == "ada@example.org"
    assert user.check_password(PASSWORD)
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [TEACHERS_GROUP]
    assert user.is_teacher


def test_the_new_teacher_reaches_the_admin_but_not_the_accounts(client):
    run("ada", "--password", PASSWORD)
    assert client.login(username="ada", password=PASSWORD)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


def test_it_normalises_the_email_domain():
    run("ada", "--email", "Ada@Example.ORG", "--password", PASSWORD)

    assert User.objects.get(username="ada").email == "Ada@example.org"


def test_it_reads_the_password_from_an_environment_variable(monkeypatch):
    monkeypatch.setenv("TEACHER_PASSWORD", PASSWORD)

    run("ada", "--password-from-env", "TEACHER_PASSWORD")

    assert User.objects.get(username="ada").check_password(PASSWORD)


def test_it_fails_when_the_environment_variable_is_not_set(monkeypatch):
    monkeypatch.delenv("TEACHER_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="TEACHER_PASSWORD is not set"):
        run("ada", "--password-from-env", "TEACHER_PASSWORD")
    assert not User.objects.exists()


def test_it_asks_for_the_password_twice_on_a_terminal(monkeypatch):
    prompts = typed_passwords(monkeypatch, PASSWORD, PASSWORD)

    output = run("ada", stdin=Terminal())

    assert prompts == ["Password: ", "Password (again): "]
    assert "Teacher “ada” created." in output
    assert User.objects.get(username="ada").check_password(PASSWORD)


def test_it_fails_when_the_typed_passwords_differ(monkeypatch):
    typed_passwords(monkeypatch, PASSWORD, PASSWORD + "!")

    with pytest.raises(CommandError, match="The two passwords didn't match"):
        run("ada", stdin=Terminal())
    assert not User.objects.exists()


def test_it_fails_without_a_password_when_told_not_to_ask(monkeypatch):
    prompts = typed_passwords(monkeypatch)

    with pytest.raises(CommandError, match="No password given") as raised:
        run("ada", "--noinput")
    assert raised.value.returncode == 1
    assert prompts == []
    assert not User.objects.exists()


def test_it_fails_without_a_password_when_there_is_no_terminal(monkeypatch):
    prompts = typed_passwords(monkeypatch)

    with pytest.raises(CommandError, match="no terminal"):
        run("ada", stdin=StringIO())
    assert prompts == []
    assert not User.objects.exists()


def test_it_refuses_a_blank_password():
    with pytest.raises(CommandError, match="can't be blank"):
        run("ada", "--password", "", "--skip-validation")
    assert not User.objects.exists()


def test_it_refuses_a_password_the_validators_refuse():
    with pytest.raises(CommandError, match="This password is too common") as raised:
        run("ada", "--password", "password")
    assert raised.value.returncode == 1
    assert not User.objects.exists()


def test_it_refuses_a_password_too_like_the_username():
    with pytest.raises(CommandError, match="too similar to the username"):
        run("adalovelace", "--password", "adalovelace1")


def test_it_accepts_a_weak_password_when_told_to_skip_validation():
    run("ada", "--password", "ada", "--skip-validation")

    assert User.objects.get(username="ada").check_password("ada")


def test_it_refuses_a_username_that_is_taken(student):
    with pytest.raises(CommandError, match="The username “sam” is taken") as raised:
        run("sam", "--password", PASSWORD)
    assert raised.value.returncode == 1
    assert not User.objects.get(username="sam").is_staff


def test_it_refuses_a_username_taken_in_another_case(student):
    with pytest.raises(CommandError, match="is taken"):
        run("Sam", "--password", PASSWORD)
    assert User.objects.count() == 1


def test_it_checks_the_username_before_asking_for_a_password(monkeypatch, student):
    prompts = typed_passwords(monkeypatch)

    with pytest.raises(CommandError, match="is taken"):
        run("sam", stdin=Terminal())
    assert prompts == []


def test_it_refuses_an_invalid_username():
    with pytest.raises(CommandError, match="Enter a valid username"):
        run("ada lovelace", "--password", PASSWORD)
    assert not User.objects.exists()


def test_it_refuses_an_invalid_email():
    with pytest.raises(CommandError, match="Enter a valid email address"):
        run("ada", "--email", "not-an-address", "--password", PASSWORD)
    assert not User.objects.exists()


def test_it_refuses_an_email_already_in_use(student):
    with pytest.raises(CommandError, match="An account with this email already exists"):
        run("ada", "--email", "SAM@example.org", "--password", PASSWORD)
    assert not User.objects.filter(username="ada").exists()


def test_it_refuses_both_password_options(monkeypatch):
    monkeypatch.setenv("TEACHER_PASSWORD", PASSWORD)

    with pytest.raises(CommandError, match="not allowed with argument --password"):
        run("ada", "--password", PASSWORD, "--password-from-env", "TEACHER_PASSWORD")
    with pytest.raises(CommandError, match="not both"):  # call_command skips argparse's check
        run("ada", password=PASSWORD, password_from_env="TEACHER_PASSWORD")
    assert not User.objects.exists()


def test_it_promotes_an_existing_account(client, student):
    output = run("sam", "--existing")

    assert output == "“sam” is now a teacher. Log in at /admin/.\n"
    student = User.objects.get(pk=student.pk)
    assert student.is_staff
    assert student.is_teacher
    assert student.check_password(PASSWORD)  # unchanged
    assert client.login(username="sam", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403


def test_promoting_a_teacher_again_changes_nothing(teacher):
    run("ada", "--existing")

    assert list(teacher.groups.values_list("name", flat=True)) == [TEACHERS_GROUP]
    assert User.objects.teachers().count() == 1


def test_it_fails_to_promote_an_account_that_does_not_exist():
    with pytest.raises(CommandError, match="There is no account “nobody”") as raised:
        run("nobody", "--existing")
    assert raised.value.returncode == 1
    assert not User.objects.exists()


def test_promoting_keeps_the_password_and_email(student):
    with pytest.raises(CommandError, match="drop --password"):
        run("sam", "--existing", "--password", PASSWORD + "!")
    assert not User.objects.get(pk=student.pk).is_staff
