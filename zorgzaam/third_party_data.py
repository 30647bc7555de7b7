"""Personal data in the libraries' tables: login records (django-axes), task records.

Login records carry the username someone typed (often an email address), their IP address
and browser; background-task records (django-tasks-db) carry the task's arguments, such as
the address an email goes to. The registry runs this provider after the apps' own.
"""

from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.db.models import Q
from django_tasks_db.models import DBTaskResult

LOGIN_RECORDS = (AccessAttempt, AccessLog, AccessFailureLog)


def _login_records(model, email: str):
    mentions = Q(username__iexact=email)
    if model is AccessAttempt:
        # The form's fields as sent, the password masked: the username is in there too.
        mentions |= Q(get_data__icontains=email) | Q(post_data__icontains=email)
    return model.objects.filter(mentions)


def _task_results(email: str):
    return DBTaskResult.objects.filter(
        Q(args_kwargs__icontains=email)
        | Q(return_value__icontains=email)
        | Q(traceback__icontains=email)
    )


class ThirdPartyData:
    label = "third_party"

    def export(self, *, email: str) -> dict:
        return {
            "login_records": sum(_login_records(model, email).count() for model in LOGIN_RECORDS),
            "task_results": _task_results(email).count(),
        }

    def erase(self, *, email: str) -> dict[str, int]:
        """Delete login records and finished task records that mention the address.

        Tasks still waiting or running are left to the worker (deleting a row it holds
        would fail its run); the retention purge deletes them once finished.
        """
        with transaction.atomic():
            return {
                "login_records": sum(
                    _login_records(model, email).delete()[0] for model in LOGIN_RECORDS
                ),
                "task_results": _task_results(email).filter(finished_at__isnull=False).delete()[0],
            }

    def purge(self, *, now: datetime, cutoff: datetime) -> dict[str, int]:
        """Finished task records and login records older than the retention period go."""
        return {
            "task_results": DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()[0],
            "login_records": sum(
                model.objects.filter(attempt_time__lt=cutoff).delete()[0] for model in LOGIN_RECORDS
            ),
        }


third_party_data = ThirdPartyData()
