"""Export a document's published questions:
`manage.py export_questions --document ID --format apkg|gift|xml|csv -o PATH` (`-o -` is
standard output)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes.models import Document
from quizzes.services import EXPORT_FORMATS, export_document

_BY_SUFFIX = {".apkg": "apkg", ".txt": "gift", ".gift": "gift", ".xml": "xml", ".csv": "csv"}


class Command(BaseCommand):
    help = (
        "Export a document's published questions as an Anki package (apkg), Moodle GIFT "
        "(gift), Moodle XML (xml) or Quizlet CSV (csv)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", type=int, required=True, metavar="ID")
        parser.add_argument(
            "--format",
            choices=EXPORT_FORMATS,
            help="the file format (default: from the output file's extension)",
        )
        parser.add_argument(
            "-o", "--output", required=True, metavar="PATH", help="where to write; - is stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: str = options["output"]
        file_format = options["format"] or _BY_SUFFIX.get(Path(output).suffix.lower())
        if file_format is None:
            raise CommandError(
                "Give --format (one of " + ", ".join(EXPORT_FORMATS) + "): the output's "
                "extension does not say which."
            )
        document = Document.objects.filter(pk=options["document"]).first()
        if document is None:
            raise CommandError(f"There is no document with id {options['document']}.")
        exported = export_document(document=document, format=file_format)
        if output == "-":
            sys.stdout.buffer.write(exported.content)
            sys.stdout.flush()
            return
        try:
            Path(output).write_bytes(exported.content)
        except OSError as error:
            raise CommandError(f"{output}: {error.strerror or error}") from error
        self.stderr.write(
            f"{exported.questions} questions of “{document.title}” written to {output} "
            f"({file_format})."
        )
