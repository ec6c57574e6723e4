"""Back up and restore the configured database, for `backup_database` and `restore_database`.

SQLite is copied with its online backup API, page by page through SQLite's own locks, so
the copy is consistent while the app keeps writing; a plain file copy is not (the newest
transactions may still sit in the `-wal` file beside it). PostgreSQL is handed to
`pg_dump` / `pg_restore`, with the password in the environment, never on a command line
that `ps` shows. Errors are `BackupError` with a one-line message for the operator.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# A backup must hold this table to be one of ours: every Django database has it.
REQUIRED_TABLE = "django_migrations"
# The whole file in one step, inside one read transaction: in WAL mode a reader does not
# block writers, and a copy made in small steps restarts whenever another connection
# writes between two steps, so under steady sync traffic it might never finish.
PAGES_PER_STEP = -1


class BackupError(Exception):
    """Why a backup or a restore could not be made; nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    description: str


def is_sqlite(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "sqlite"


def is_postgresql(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


def describe(connection: BaseDatabaseWrapper) -> str:
    """What is backed up, for messages: the engine and the database, never the password."""
    name = connection.settings_dict["NAME"]
    if is_sqlite(connection):
        return f"SQLite database {name}"
    host = connection.settings_dict.get("HOST") or "local socket"
    return f"PostgreSQL database {name} on {host}"


@contextlib.contextmanager
def _partial_file(destination: Path) -> Iterator[Path]:
    """A temporary file beside ``destination`` that replaces it only if the block succeeds,
    so an interrupted backup never leaves a truncated file under the real name."""
    directory = destination.parent
    if not directory.is_dir():
        raise BackupError(f"{directory}: no such directory.")
    handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", dir=directory)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)


def backup(connection: BaseDatabaseWrapper, destination: Path) -> BackupResult:
    """Write a backup of the database behind ``connection`` to ``destination``."""
    if is_sqlite(connection):
        _backup_sqlite(connection, destination)
    elif is_postgresql(connection):
        _backup_postgresql(connection, destination)
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    return BackupResult(
        path=destination, size=destination.stat().st_size, description=describe(connection)
    )


def _backup_sqlite(connection: BaseDatabaseWrapper, destination: Path) -> None:
    # Through Django's own connection, so this works for any NAME Django can open.
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    with _partial_file(destination) as partial:
        target = sqlite3.connect(partial)
        try:
            source.backup(target, pages=PAGES_PER_STEP)
            # The copy carries the source's WAL flag; a backup is one self-contained file.
            target.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as error:
            raise BackupError(f"The SQLite backup failed: {error}") from error
        finally:
            target.close()


def check_sqlite_backup(path: Path) -> None:
    """Refuse anything but an intact SQLite database with Django's tables."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with path.open("rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} is not a SQLite database.")
    try:
        # Read-only, so checking a file never changes it (nor creates a journal beside it).
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be opened: {error}") from error
    try:
        tables = {
            row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if REQUIRED_TABLE not in tables:
            raise BackupError(
                f"{path} is a SQLite database but not Lectern's: it has no {REQUIRED_TABLE} table."
            )
        problems = [row[0] for row in probe.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"{path} is damaged: {problems[0]}")
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be read as a SQLite database: {error}") from error
    finally:
        probe.close()


def restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Replace the database behind ``connection`` with the backup at ``source``."""
    if is_sqlite(connection):
        check_sqlite_backup(source)
        _restore_sqlite(connection, source)
    elif is_postgresql(connection):
        _restore_postgresql(connection, source)
    else:
        raise BackupError(f"Restoring {connection.vendor} databases is not supported.")


def _restore_sqlite(connection: BaseDatabaseWrapper, source: Path) -> None:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("Cannot restore inside a transaction.")
    target: sqlite3.Connection = connection.connection
    backup_file = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        # One step for the whole file: the target is locked throughout, so other processes
        # see the database before or after, never half restored.
        backup_file.backup(target, pages=-1)
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite restore failed: {error}") from error
    finally:
        backup_file.close()


# --- PostgreSQL -------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) in a version at least the server's."
        )
    return path


def _postgresql_arguments_and_environment(
    settings_dict: dict[str, Any],
) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump / pg_restore; the password goes in PGPASSWORD."""
    arguments = ["--no-password"]
    if settings_dict.get("HOST"):
        arguments.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        arguments.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        arguments.append(f"--username={settings_dict['USER']}")
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        environment["PGSSLMODE"] = str(options["sslmode"])
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    # The command is a list of this project's settings, never passed through a shell.
    completed = subprocess.run(  # noqa: S603
        command, env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        message = completed.stderr.strip().splitlines()
        raise BackupError(f"{what} failed: {message[-1] if message else completed.returncode}")


def _backup_postgresql(connection: BaseDatabaseWrapper, destination: Path) -> None:
    pg_dump = _tool("pg_dump")
    arguments, environment = _postgresql_arguments_and_environment(connection.settings_dict)
    with _partial_file(destination) as partial:
        _run(
            [
                pg_dump,
                *arguments,
                "--format=custom",
                f"--file={partial}",
                f"--dbname={connection.settings_dict['NAME']}",
            ],
            environment,
            "pg_dump",
        )


def _restore_postgresql(connection: BaseDatabaseWrapper, source: Path) -> None:
    pg_restore = _tool("pg_restore")
    if not source.is_file():
        raise BackupError(f"{source}: no such file.")
    with source.open("rb") as file:
        if file.read(5) != b"PGDMP":
            raise BackupError(
                f"{source} is not a PostgreSQL custom-format dump (pg_dump --format=custom)."
            )
    arguments, environment = _postgresql_arguments_and_environment(connection.settings_dict)
    # Our own idle connection would otherwise hold locks that the DROPs wait for.
    connection.close()
    _run(
        [
            pg_restore,
            *arguments,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ],
        environment,
        "pg_restore",
    )
    # A dump carries no planner statistics: until autovacuum gathers them, PostgreSQL
    # would plan the first requests as if every table were empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
