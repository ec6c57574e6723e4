"""Import questions into a lesson:
`manage.py import_questions --lesson ID --format gift|xml|csv PATH` (`-` is stdin)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes import ingest
from quizzes.models import Lesson
from quizzes.services import (
    IMPORT_FORMATS,
    MAX_IMPORT_BYTES,
    QuestionImportError,
    import_questions,
)

_BY_SUFFIX = {".txt": "gift", ".gift": "gift", ".xml": "xml", ".csv": "csv"}


class Command(BaseCommand):
    help = (
        "Import questions from Moodle GIFT (gift), Moodle XML (xml) or a term,definition "
        "CSV (csv) into a lesson. All or nothing: any problem is listed with its line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the file to read; - reads stdin")
        parser.add_argument("--lesson", type=int, required=True, metavar="ID")
        parser.add_argument(
            "--format",
            choices=IMPORT_FORMATS,
            help="the file format (default: from the file's extension)",
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="leave the questions as drafts to review instead of publishing them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["path"]
        file_format = options["format"] or _BY_SUFFIX.get(Path(path).suffix.lower())
        if file_format is None:
            raise CommandError(
                "Give --format (one of " + ", ".join(IMPORT_FORMATS) + "): the file's "
                "extension does not say which."
            )
        lesson = Lesson.objects.filter(pk=options["lesson"]).first()
        if lesson is None:
            raise CommandError(f"There is no lesson with id {options['lesson']}.")
        try:
            result = import_questions(
                lesson=lesson,
                data=self._read(path),
                format=file_format,
                publish=not options["draft"],
            )
        except QuestionImportError as error:
            raise CommandError(f"{'<stdin>' if path == '-' else path}: {error}") from error
        self.stdout.write(result.summary())

    def _read(self, path: str) -> bytes:
        """At most one byte over the limit, so that a huge file is refused unread."""
        limit = MAX_IMPORT_BYTES
        try:
            if path == "-":
                data = sys.stdin.buffer.read(limit + 1)
                size = len(data)
            else:
                with Path(path).open("rb") as handle:
                    data = handle.read(limit + 1)
                size = Path(path).stat().st_size
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from error
        if len(data) > limit:
            size_text, limit_text = ingest.too_big(size, limit)
            over = "over " if path == "-" else ""
            raise CommandError(
                f"{'<stdin>' if path == '-' else path}: the file is {over}{size_text}; "
                f"the limit is {limit_text}."
            )
        return data
