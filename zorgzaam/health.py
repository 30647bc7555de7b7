"""GET /healthz: are the database and the cache answering, and is the worker keeping up?

A load balancer takes an instance out of rotation on a 503, so every backend the pages
need is checked, each with a short timeout: a silent database or Redis answers 503 within
seconds instead of holding the check (and the worker) until the proxy gives up.
"""

import secrets

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

# Milliseconds the health query may take on PostgreSQL (connecting is bounded by
# DATABASE_CONNECT_TIMEOUT; a SQLite file answers or raises at once).
HEALTH_STATEMENT_TIMEOUT_MS = 2000


def _database_ok() -> bool:
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {HEALTH_STATEMENT_TIMEOUT_MS}")
                cursor.execute("SELECT 1")
                cursor.fetchone()
        else:
            # No transaction on SQLite: it would queue behind the writers for their lock.
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return False
    return True


def _cache_ok() -> bool:
    key, value = "healthz", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        return cache.get(key) == value
    except Exception:  # Redis down, silent or refusing: unhealthy
        return False


def _worker_status() -> dict:
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    last = (
        DBTaskResult.objects.filter(finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    oldest_waiting = (
        DBTaskResult.objects.filter(status="READY")
        .filter(Q(run_after__isnull=True) | Q(run_after__lte=now))
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    return {
        # The worker's heartbeat: when it last finished a task.
        "last_task_finished": last.isoformat() if last else None,
        "oldest_waiting_seconds": (
            round((now - oldest_waiting).total_seconds()) if oldest_waiting else 0
        ),
    }


@never_cache
def healthz(request):
    database = _database_ok()
    cache_ok = _cache_ok()
    body = {
        "status": "ok" if database and cache_ok else "error",
        "database": "ok" if database else "unreachable",
        "cache": "ok" if cache_ok else "unreachable",
    }
    if not database:
        return JsonResponse(body, status=503)
    try:
        body["worker"] = _worker_status()
    except Exception:  # the tasks table unreadable is a database failure too
        body.update(status="error", database="unreachable")
        return JsonResponse(body, status=503)
    return JsonResponse(body, status=200 if cache_ok else 503)


def is_backend_failure(error: BaseException | None) -> bool:
    """The database or the cache failed or timed out: the site is unavailable, not broken."""
    from django import db

    if isinstance(error, db.OperationalError | db.InterfaceError):
        return True
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(error, RedisConnectionError | RedisTimeoutError)
