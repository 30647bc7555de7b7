from django.core.management.base import BaseCommand

from events.services import reminders_send_due


class Command(BaseCommand):
    help = (
        "Email a reminder to confirmed attendees of meetings that start within their "
        "reminder period. Each attendee gets it once, however often this runs (cron: hourly)."
    )

    def handle(self, *args, **options):
        count = reminders_send_due()
        self.stdout.write(f"{count} reminder(s) queued.")
