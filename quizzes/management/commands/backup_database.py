"""Back up the configured database: `manage.py backup_database -o PATH`.

SQLite through its online backup API (safe while the app runs), PostgreSQL through
`pg_dump --format=custom`. See docs/backups.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from config.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database while the app keeps running: a SQLite "
        "file, or a pg_dump custom-format archive on PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", required=True, metavar="PATH", help="the backup file to write"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(f"{output} is a directory; give a file name.")
        try:
            result = backup(connections[options["database"]], output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {result.description} to {result.path} ({_size(result.size)})."
        )


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
