"""Database triggers that stamp content with sync versions, so every write path (the
admin, imports, ``QuerySet.update()``, ``bulk_create``, raw SQL) is seen by a pull.

- Every INSERT or UPDATE of a lesson or question sets its ``sync_version`` to the next
  value of the ``"content"`` counter.
- An INSERT, UPDATE or DELETE of a choice re-stamps its question; archiving or restoring
  a lesson re-stamps its questions (they leave or come back with it).
- A DELETE of a lesson or question writes a ContentTombstone.

The counter row is bumped inside the writing transaction and stays locked until it
commits, so content versions become visible in increasing order (quizzes.sync relies on
it). The trigger functions create the counter row if it is missing (a flushed test
database).

PostgreSQL: BEFORE row triggers set ``NEW.sync_version``; the choice, archive and delete
triggers run AFTER. SQLite: an AFTER UPDATE trigger bumps the counter and updates the row (SQLite's
``recursive_triggers`` is off, so that update does not fire the trigger again); an
AFTER INSERT trigger makes a no-op update that fires it.

On SQLite, a later migration that rebuilds one of these tables (most ALTERs do: copy,
drop, rename) drops its triggers with it: such a migration must create them again.
tests/quizzes/test_sync_versions.py fails if a trigger is missing.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION quizzes_next_content_version() RETURNS bigint AS $$
    DECLARE
        next_version bigint;
    BEGIN
        INSERT INTO quizzes_synccounter (key, value) VALUES ('content', 1)
        ON CONFLICT (key) DO UPDATE SET value = quizzes_synccounter.value + 1
        RETURNING value INTO next_version;
        RETURN next_version;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION quizzes_stamp_content_version() RETURNS trigger AS $$
    BEGIN
        NEW.sync_version := quizzes_next_content_version();
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION quizzes_choice_touches_question() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE quizzes_question SET sync_version = 0 WHERE id = NEW.question_id;
        ELSIF TG_OP = 'UPDATE' THEN
            UPDATE quizzes_question SET sync_version = 0
            WHERE id IN (OLD.question_id, NEW.question_id);
        ELSE
            UPDATE quizzes_question SET sync_version = 0 WHERE id = OLD.question_id;
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION quizzes_lesson_archive_touches_questions() RETURNS trigger AS $$
    BEGIN
        UPDATE quizzes_question SET sync_version = 0 WHERE lesson_id = NEW.id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION quizzes_content_tombstone() RETURNS trigger AS $$
    BEGIN
        INSERT INTO quizzes_contenttombstone (kind, object_id, sync_version)
        VALUES (TG_ARGV[0], OLD.id, quizzes_next_content_version());
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER quizzes_lesson_stamp BEFORE INSERT OR UPDATE ON quizzes_lesson
    FOR EACH ROW EXECUTE FUNCTION quizzes_stamp_content_version()
    """,
    """
    CREATE TRIGGER quizzes_question_stamp BEFORE INSERT OR UPDATE ON quizzes_question
    FOR EACH ROW EXECUTE FUNCTION quizzes_stamp_content_version()
    """,
    """
    CREATE TRIGGER quizzes_choice_touch AFTER INSERT OR UPDATE OR DELETE ON quizzes_choice
    FOR EACH ROW EXECUTE FUNCTION quizzes_choice_touches_question()
    """,
    """
    CREATE TRIGGER quizzes_lesson_archive AFTER UPDATE ON quizzes_lesson
    FOR EACH ROW WHEN (OLD.archived_at IS DISTINCT FROM NEW.archived_at)
    EXECUTE FUNCTION quizzes_lesson_archive_touches_questions()
    """,
    """
    CREATE TRIGGER quizzes_lesson_tombstone AFTER DELETE ON quizzes_lesson
    FOR EACH ROW EXECUTE FUNCTION quizzes_content_tombstone('lesson')
    """,
    """
    CREATE TRIGGER quizzes_question_tombstone AFTER DELETE ON quizzes_question
    FOR EACH ROW EXECUTE FUNCTION quizzes_content_tombstone('question')
    """,
]

POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS quizzes_question_tombstone ON quizzes_question",
    "DROP TRIGGER IF EXISTS quizzes_lesson_tombstone ON quizzes_lesson",
    "DROP TRIGGER IF EXISTS quizzes_lesson_archive ON quizzes_lesson",
    "DROP TRIGGER IF EXISTS quizzes_choice_touch ON quizzes_choice",
    "DROP TRIGGER IF EXISTS quizzes_question_stamp ON quizzes_question",
    "DROP TRIGGER IF EXISTS quizzes_lesson_stamp ON quizzes_lesson",
    "DROP FUNCTION IF EXISTS quizzes_content_tombstone()",
    "DROP FUNCTION IF EXISTS quizzes_lesson_archive_touches_questions()",
    "DROP FUNCTION IF EXISTS quizzes_choice_touches_question()",
    "DROP FUNCTION IF EXISTS quizzes_stamp_content_version()",
    "DROP FUNCTION IF EXISTS quizzes_next_content_version()",
]

# SQLite has no functions in SQL: each trigger bumps the counter itself.
_SQLITE_BUMP = """
        INSERT OR IGNORE INTO quizzes_synccounter (key, value) VALUES ('content', 0);
        UPDATE quizzes_synccounter SET value = value + 1 WHERE key = 'content';
"""
_SQLITE_NEXT = "(SELECT value FROM quizzes_synccounter WHERE key = 'content')"


def _sqlite_stamp(table: str) -> list[str]:
    # The insert trigger hands over to the update trigger (a no-op update fires it), so
    # a new row takes one version, not two.
    return [
        f"""
        CREATE TRIGGER {table}_stamp_update AFTER UPDATE ON {table}
        BEGIN
            {_SQLITE_BUMP}
            UPDATE {table} SET sync_version = {_SQLITE_NEXT} WHERE id = NEW.id;
        END
        """,
        f"""
        CREATE TRIGGER {table}_stamp_insert AFTER INSERT ON {table}
        BEGIN
            UPDATE {table} SET sync_version = 0 WHERE id = NEW.id;
        END
        """,
    ]


def _sqlite_tombstone(table: str, kind: str) -> str:
    return f"""
    CREATE TRIGGER {table}_tombstone AFTER DELETE ON {table}
    BEGIN
        {_SQLITE_BUMP}
        INSERT INTO quizzes_contenttombstone (kind, object_id, sync_version)
        VALUES ('{kind}', OLD.id, {_SQLITE_NEXT});
    END
    """


# A choice or an archived lesson "touches" questions with a no-op update: the question's
# own update trigger stamps them. (With recursive_triggers off, SQLite does not fire a
# trigger that is already running, but does fire the others.)
SQLITE_FORWARD = [
    *_sqlite_stamp("quizzes_lesson"),
    *_sqlite_stamp("quizzes_question"),
    """
    CREATE TRIGGER quizzes_choice_touch_insert AFTER INSERT ON quizzes_choice
    BEGIN
        UPDATE quizzes_question SET sync_version = 0 WHERE id = NEW.question_id;
    END
    """,
    """
    CREATE TRIGGER quizzes_choice_touch_update AFTER UPDATE ON quizzes_choice
    BEGIN
        UPDATE quizzes_question SET sync_version = 0
        WHERE id IN (OLD.question_id, NEW.question_id);
    END
    """,
    """
    CREATE TRIGGER quizzes_choice_touch_delete AFTER DELETE ON quizzes_choice
    BEGIN
        UPDATE quizzes_question SET sync_version = 0 WHERE id = OLD.question_id;
    END
    """,
    """
    CREATE TRIGGER quizzes_lesson_archive AFTER UPDATE OF archived_at ON quizzes_lesson
    WHEN OLD.archived_at IS NOT NEW.archived_at
    BEGIN
        UPDATE quizzes_question SET sync_version = 0 WHERE lesson_id = NEW.id;
    END
    """,
    _sqlite_tombstone("quizzes_lesson", "lesson"),
    _sqlite_tombstone("quizzes_question", "question"),
]

SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in [
        "quizzes_question_tombstone",
        "quizzes_lesson_tombstone",
        "quizzes_lesson_archive",
        "quizzes_choice_touch_delete",
        "quizzes_choice_touch_update",
        "quizzes_choice_touch_insert",
        "quizzes_question_stamp_update",
        "quizzes_question_stamp_insert",
        "quizzes_lesson_stamp_update",
        "quizzes_lesson_stamp_insert",
    ]
]

STATEMENTS = {
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(schema_editor: BaseDatabaseSchemaEditor, *, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"No content sync triggers for {vendor}.")
    for sql in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(sql)


def install_triggers(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, forward=True)
    # Start the content stream: every existing row holds version 0, below any new one.
    SyncCounter = apps.get_model("quizzes", "SyncCounter")
    SyncCounter.objects.using(schema_editor.connection.alias).get_or_create(key="content")


def remove_triggers(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0007_sync_versions"),
    ]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers),
    ]
