"""(Re)generate questions: `manage.py generate_questions [--document ID] [--lesson ID]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes.models import Document, Lesson
from quizzes.services import generate_questions


class Command(BaseCommand):
    help = (
        "Regenerate questions. Only untouched generated drafts are replaced; questions a "
        "teacher wrote, edited, published or retired are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", type=int, action="append", metavar="ID")
        parser.add_argument("--lesson", type=int, action="append", metavar="ID")
        parser.add_argument(
            "--publish", action="store_true", help="publish the new questions at once"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lessons = (
            Lesson.objects.active().select_related("document").order_by("document", "position")
        )
        if options["document"]:
            missing = set(options["document"]) - set(
                Document.objects.filter(pk__in=options["document"]).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"No document with id {', '.join(map(str, sorted(missing)))}.")
            lessons = lessons.filter(document_id__in=options["document"])
        if options["lesson"]:
            lessons = lessons.filter(pk__in=options["lesson"])
            found = set(lessons.values_list("pk", flat=True))
            missing = set(options["lesson"]) - found
            if missing:
                raise CommandError(
                    f"No active lesson with id {', '.join(map(str, sorted(missing)))}."
                )
        by_document: dict[Document, list[Lesson]] = {}
        for lesson in lessons:
            by_document.setdefault(lesson.document, []).append(lesson)
        if not by_document:
            raise CommandError("There are no lessons to generate questions for.")
        for document, document_lessons in by_document.items():
            result = generate_questions(lessons=document_lessons, publish=options["publish"])
            self.stdout.write(
                f"“{document.title}” (document {document.pk}): {result.lessons} lessons, "
                f"{result.summary()}"
            )
