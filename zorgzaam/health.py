"""GET /healthz: is the database reachable, and is the background worker keeping up?"""

from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)

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
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "worker": {
                # The worker's heartbeat: when it last finished a task.
                "last_task_finished": last.isoformat() if last else None,
                "oldest_waiting_seconds": (
                    round((now - oldest_waiting).total_seconds()) if oldest_waiting else 0
                ),
            },
        }
    )
