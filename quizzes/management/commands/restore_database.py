"""Replace the configured database with a backup: `manage.py restore_database PATH`.

The backup is checked before anything is touched (a SQLite file must be an intact
Lectern database; a PostgreSQL file a custom-format dump). See docs/backups.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from config.backups import BackupError, check_sqlite_backup, describe, is_sqlite, restore


class Command(BaseCommand):
    help = (
        "Replace everything in the database with the contents of a backup made by "
        "backup_database. Asks for confirmation unless --yes is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the backup file to restore")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["path"])
        connection = connections[options["database"]]
        try:
            if is_sqlite(connection):
                # Refuse a bad file before asking, so the question is only asked when it matters.
                check_sqlite_backup(source)
            if not options["yes"] and not self._confirmed(describe(connection), source):
                raise CommandError("Restore cancelled; nothing was changed.")
            restore(connection, source)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(
            f"Restored {describe(connection)} from {source}. If the backup is older than this "
            "version of Lectern, run `manage.py migrate` now."
        )

    def _confirmed(self, target: str, source: Path) -> bool:
        try:
            answer = input(
                f"This replaces everything in the {target} with {source}.\n"
                "Type 'yes' to continue: "
            )
        except EOFError:
            return False
        return answer.strip().lower() == "yes"
