from django.core.management.base import BaseCommand

from events.tasks import pending_email_retry


class Command(BaseCommand):
    help = "Queue every attendee email that has not been sent yet (run from cron)."

    def handle(self, *args, **options):
        count = pending_email_retry()
        self.stdout.write(f"{count} email(s) queued for sending.")
