"""The lock-out holds across worker processes: gunicorn with three workers, each of which
exits after one request (`--max-requests 1`), so every log-in attempt is served by a
fresh process, against a SQLite file database migrated for the test. Five failed
log-ins over plain HTTP lock the username out, and the sixth attempt, with the right
password, is refused by yet another process."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "a long and uncommon password 42"


def wsgi() -> Any:
    """The application gunicorn runs: the project's, with static files named without
    collectstatic's manifest (as in the tests), so the pages render without running it."""
    import warnings

    from django.conf import settings

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from config.wsgi import application

    return application


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database: Path) -> dict[str, str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "LECTERN_", "REDIS_"))
    }
    return {
        **clean,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LECTERN_LOG_FORMAT": "text",
    }


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def unavailable(reason: str) -> None:
    """Skip: the server cannot run here. In CI that is a failure, not a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The base URL of a running gunicorn and the file its access log goes to. Two
    users, sam and kim, one for each test."""
    if not GUNICORN.exists() and not shutil.which("gunicorn"):
        unavailable("gunicorn is not installed")
    tmp_path = tmp_path_factory.mktemp("lockout")
    env = environment(tmp_path / "db.sqlite3")
    manage(env, "migrate", "--noinput")
    create_users = (
        "from accounts.models import User\n"
        f"for name in ('sam', 'kim'): User.objects.create_user(name, password={PASSWORD!r})"
    )
    manage(env, "shell", "-c", create_users)
    port = free_port()
    access_log = tmp_path / "access.log"
    process = subprocess.Popen(
        [
            str(GUNICORN if GUNICORN.exists() else shutil.which("gunicorn")),
            "tests.accounts.test_lockout_across_processes:wsgi()",
            "--workers",
            "3",
            "--max-requests",
            "1",
            # Workers are forked from a master that loaded the app and served nothing, so
            # a new one starts at once and shares no memory with the last.
            "--preload",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            # The worker's process id, the status and the path of each request.
            "--access-logformat",
            "pid=%(p)s %(s)s %(m)s %(U)s",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                build_opener().open(f"{base}/healthz", timeout=5).read()
                break
            except (URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    errors = process.stderr.read().decode(errors="replace")[-2000:]
                    unavailable(f"gunicorn did not start: {errors}")
                time.sleep(0.3)
        yield base, access_log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


class Browser:
    """Plain HTTP with a cookie jar, as a browser posts the log-in form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.token: str | None = None

    def get(self, path: str) -> tuple[int, str]:
        return self._open(Request(self.base + path))  # noqa: S310  # our own server, http only

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        body = urlencode(form).encode()
        request = Request(self.base + path, data=body, method="POST")  # noqa: S310  # as above
        return self._open(request)

    def _open(self, request: Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, username: str, password: str) -> tuple[int, str]:
        """Post the log-in form (fetched once for its CSRF cookie and token)."""
        if self.token is None:
            status, page = self.get("/accounts/login/")
            assert status == 200, page
            self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        form = {"csrfmiddlewaretoken": self.token, "username": username, "password": password}
        return self.post("/accounts/login/", form)


def logged_posts(access_log: Path, count: int) -> list[tuple[str, str]]:
    """The first `count` log-in posts in the access log, as (worker pid, status). A worker
    writes its line after sending the answer, so the last one may take a moment."""
    deadline = time.monotonic() + 10
    while True:
        posts = re.findall(r"pid=<(\d+)> (\d+) POST /accounts/login/", access_log.read_text())
        if len(posts) >= count or time.monotonic() > deadline:
            return posts[:count]
        time.sleep(0.1)


def test_failures_counted_by_different_processes_lock_the_username_out(server):
    base, access_log = server
    browser = Browser(base)

    failures = [browser.log_in("sam", "wrong guess") for _ in range(4)]
    fifth = browser.log_in("sam", "wrong guess")
    right_password = browser.log_in("sam", PASSWORD)

    assert [status for status, _ in failures] == [400] * 4
    assert all("Please enter a correct username and password." in page for _, page in failures)
    assert fifth[0] == 429
    assert right_password[0] == 429
    assert "Logging in is paused" in right_password[1]
    # Every log-in post was answered by a different worker process.
    posts = logged_posts(access_log, count=6)
    assert [status for _, status in posts] == ["400"] * 4 + ["429", "429"]
    assert len({pid for pid, _ in posts}) == 6


def test_a_successful_log_in_in_one_process_clears_the_count_for_the_others(server):
    base, _ = server
    browser = Browser(base)

    for _ in range(4):
        browser.log_in("kim", "wrong guess")
    success = browser.log_in("kim", PASSWORD)
    stranger = Browser(base)
    again = [stranger.log_in("kim", "wrong guess")[0] for _ in range(4)]

    assert success[0] == 200  # the redirect home, followed
    assert "Log out" in success[1]
    assert again == [400] * 4
