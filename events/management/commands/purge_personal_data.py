from django.conf import settings
from django.core.management.base import BaseCommand

from zorgzaam.personal_data import personal_data_purge


class Command(BaseCommand):
    help = (
        "Apply the retention policy: erase attendees' personal data a number of days "
        "after their meeting (PERSONAL_DATA_RETENTION_DAYS, default 30). Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.PERSONAL_DATA_RETENTION_DAYS)

    def handle(self, *args, days, **options):
        counts = personal_data_purge(days=days)
        self.stdout.write(
            f"Personal data erased from {counts['registrations']} registration(s); "
            f"{counts['task_results']} task record(s), {counts['login_records']} "
            f"login record(s) and {counts['pending_imports']} pending import(s) deleted."
        )
