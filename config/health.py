"""/healthz: may a load balancer send this server traffic?

Yes when the database answers and every migration the code knows is applied (a server
started on new code before `migrate` ran would fail on the first query that touches a
new column). No login, no session, no template: a probe every few seconds from each
balancer must cost next to nothing.
"""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Once this process has seen every migration applied, it stops asking: migrations are
# not unapplied under a running server, and reading the migration files costs ~50 ms.
_migrations_seen_applied = False


def unapplied_migrations() -> list[str]:
    """The migrations the code has and the database lacks, as "app.name"."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok"} when this server can serve; 503 saying what is wrong if not."""
    global _migrations_seen_applied
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The driver's message may name hosts and users: it goes to the log, not the probe.
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if not _migrations_seen_applied:
        try:
            pending = unapplied_migrations()
        except DatabaseError:
            logger.exception("Health check: the migration table cannot be read")
            return JsonResponse(
                {"status": "error", "database": "ok", "migrations": "unreadable"}, status=503
            )
        if pending:
            return JsonResponse(
                {"status": "error", "database": "ok", "unapplied_migrations": pending},
                status=503,
            )
        _migrations_seen_applied = True
    return JsonResponse({"status": "ok", "database": "ok", "migrations": "applied"})
