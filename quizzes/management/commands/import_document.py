"""Import documents as lessons: `manage.py import_document PATH [PATH ...]` (`-` is stdin)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from accounts.models import User
from accounts.roles import TEACHERS_GROUP
from quizzes import ingest
from quizzes.models import Document
from quizzes.services import DocumentImportError, import_document, read_document

LARGE = 1024 * 1024  # files from this size on get a progress line of their own


class Command(BaseCommand):
    help = "Import documents (text, Markdown, HTML, DOCX); one lesson per section."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="files to import; - reads stdin"
        )
        parser.add_argument("--owner", metavar="USERNAME", help="the teacher who owns them")
        parser.add_argument(
            "--format",
            default="auto",
            choices=["auto", *ingest.FORMATS],
            help="how to read the files (default: by extension, else by content)",
        )
        parser.add_argument(
            "--document", type=int, metavar="ID", help="re-import into this document (one PATH)"
        )
        parser.add_argument("--title", help="the document's title (one PATH)")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish generated questions at once instead of leaving them as drafts",
        )
        parser.add_argument(
            "--no-questions", action="store_true", help="import the lessons without questions"
        )
        parser.add_argument(
            "--open",
            action="store_true",
            help=(
                "open new documents to every signed-in student (otherwise only the students "
                "of the classes they are added to see them); a re-import keeps who studies it"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[str] = options["paths"]
        if len(paths) > 1 and (options["document"] or options["title"]):
            raise CommandError("--document and --title take a single PATH.")
        if paths.count("-") > 1:
            raise CommandError("Standard input (-) can be read only once.")
        owner = self._owner(options["owner"])
        document = None
        if options["document"]:
            document = Document.objects.filter(pk=options["document"], owner=owner).first()
            if document is None:
                raise CommandError(f"{owner} has no document with id {options['document']}.")

        failures = 0
        for number, path in enumerate(paths, start=1):
            name = "<stdin>" if path == "-" else path
            try:
                data = self._read(path)
                if len(paths) > 1 or len(data) >= LARGE:
                    self.stderr.write(
                        f"[{number}/{len(paths)}] reading {name} ({ingest.human_size(len(data))})…"
                    )
                parsed = read_document(
                    data,
                    filename=None if path == "-" else Path(path).name,
                    source_format=options["format"],
                )
                result = import_document(
                    owner=owner,
                    parsed=parsed,
                    source_name="" if path == "-" else Path(path).name,
                    title=options["title"],
                    document=document,
                    generate=not options["no_questions"],
                    publish=options["publish"],
                    open_to_all=options["open"],
                )
            except (ingest.IngestError, DocumentImportError, OSError) as error:
                failures += 1
                reason = error.strerror if isinstance(error, OSError) and error.strerror else error
                message = f"{name}: {reason}"
                if len(paths) == 1:
                    raise CommandError(message) from error
                self.stderr.write(self.style.ERROR(f"error: {message}"))
                continue
            self.stdout.write(f"{name}: {result.summary()} (document {result.document.pk})")
            if options["open"] and not result.document.open_to_all:
                self.stderr.write(
                    self.style.WARNING(
                        f"{name}: document {result.document.pk} was already there and keeps "
                        "who studies it (not open to all); open it in the admin if you mean to."
                    )
                )
        if failures:
            raise CommandError(f"{failures} of {len(paths)} documents could not be imported.")

    def _owner(self, username: str | None) -> User:
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(f"There is no user “{username}”.") from None
        candidates = list(
            User.objects.filter(Q(groups__name=TEACHERS_GROUP) | Q(is_superuser=True)).distinct()[
                :2
            ]
        )
        if len(candidates) != 1:
            raise CommandError(
                "Name the owner with --owner USERNAME"
                + (" (there is no teacher yet: see createteacher)." if not candidates else ".")
            )
        return candidates[0]

    def _read(self, path: str) -> bytes:
        """Read at most one byte more than the limit, so a huge file is refused without
        reading all of it (the importer names the problem)."""
        limit = settings.LECTERN_MAX_DOCUMENT_BYTES
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
            size = len(data)
        else:
            file = Path(path)
            if file.is_dir():
                raise ingest.IngestError("This is a folder, not a file.")
            with file.open("rb") as handle:
                data = handle.read(limit + 1)
            size = file.stat().st_size
        if len(data) > limit:
            size_text, limit_text = ingest.too_big(size, limit)
            over = "over " if path == "-" else ""
            raise ingest.IngestError(
                f"The document is {over}{size_text}; the limit is {limit_text}."
            )
        return data
