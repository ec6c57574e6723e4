"""Load the demo course and demo accounts into an empty database (`make run` calls this)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.models import User
from accounts.services import create_teacher
from quizzes.models import Classroom, Document
from quizzes.services import import_document, read_document

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_TEACHER = ("teacher", "lectern-teacher")
DEMO_STUDENT = ("student", "lectern-student")
DEMO_CLASS = "Demo class"


class Command(BaseCommand):
    help = (
        "Create the demo teacher and student and import the demo course, if the database is empty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="load even when the database has content"
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not options["force"] and (User.objects.exists() or Document.objects.exists()):
            self.stdout.write("The database already has accounts or documents: demo not loaded.")
            if User.objects.filter(username__in=[DEMO_TEACHER[0], DEMO_STUDENT[0]]).exists():
                self.stdout.write(demo_logins())
            return
        teacher = User.objects.filter(username=DEMO_TEACHER[0]).first() or create_teacher(
            username=DEMO_TEACHER[0], email="teacher@example.org", password=DEMO_TEACHER[1]
        )
        student = User.objects.filter(
            username=DEMO_STUDENT[0]
        ).first() or User.objects.create_user(
            username=DEMO_STUDENT[0], email="student@example.org", password=DEMO_STUDENT[1]
        )
        classroom, _created = Classroom.objects.get_or_create(teacher=teacher, name=DEMO_CLASS)
        classroom.students.add(student)
        for path in sorted(DEMO_DIR.glob("*")):
            if path.suffix not in {".txt", ".md"} or path.name == "README.md":
                continue
            parsed = read_document(path.read_bytes(), filename=path.name)
            result = import_document(
                owner=teacher, parsed=parsed, source_name=path.name, publish=True
            )
            classroom.documents.add(result.document)
            self.stdout.write(f"{path.name}: {result.summary()}")
        self.stdout.write(self.style.SUCCESS("Demo course loaded."))
        self.stdout.write(demo_logins())


def demo_logins() -> str:
    return (
        f"Demo logins: teacher {DEMO_TEACHER[0]} / {DEMO_TEACHER[1]} (admin at /admin/), "
        f"student {DEMO_STUDENT[0]} / {DEMO_STUDENT[1]} (in the “{DEMO_CLASS}”)"
    )
