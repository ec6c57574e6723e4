"""The server side of the worker-kill test (test_sync_worker_kill.py).

``application()`` is what gunicorn serves: the project's WSGI application, with a fault
hook (``quizzes.faults``) that kills its own worker once. The test marks a batch by
writing a flag file, ``{"point": <fault point>, "review": <a review id of the batch>}``,
at the path in the ``LECTERN_FAULT_FLAG`` environment variable. The first worker to
reach that point for that batch deletes the file and sends itself SIGKILL: no answer,
no rollback by Python, no clean-up, as when the kernel's OOM killer strikes.

``python -m tests.quizzes.fault_app`` seeds a migrated database (the one in
``DATABASE_URL``) with a published course and two students holding a device token, and
prints them as JSON.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import uuid
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

FLAG_VARIABLE = "LECTERN_FAULT_FLAG"
STUDENTS = 2


def kill_at_marked_point(point: str, *, user_id: int, review_ids: Sequence[uuid.UUID]) -> None:
    """Kill this worker if the flag file names ``point`` and a review of this batch."""
    flag = Path(os.environ[FLAG_VARIABLE])
    try:
        mark = json.loads(flag.read_text())
    except FileNotFoundError:
        return
    if mark["point"] != point or uuid.UUID(mark["review"]) not in review_ids:
        return
    try:
        flag.unlink()
    except FileNotFoundError:  # another worker got there first: it dies, this one goes on
        return
    os.kill(os.getpid(), signal.SIGKILL)


def application() -> Callable:
    """The project's WSGI application, with the hook installed in this worker."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic
    from config.wsgi import application as project_application
    from quizzes import faults

    faults.hook = kill_at_marked_point
    return project_application


def seed() -> dict[str, object]:
    """A published course and ``STUDENTS`` students with a device token each."""
    from accounts.models import DeviceToken, User
    from accounts.services import create_teacher
    from tests.quizzes.course import build_course

    teacher = create_teacher(username="fault-teacher")
    questions = [question.pk for question in build_course(teacher, lessons=2).published()]
    students = []
    for number in range(STUDENTS):
        student = User.objects.create_user(username=f"fault-student-{number}")
        _instance, token = DeviceToken.objects.create(user=student, device_name="phone")
        students.append({"id": student.pk, "token": token})
    return {"questions": questions, "students": students}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    json.dump(seed(), sys.stdout)


if __name__ == "__main__":
    main()
