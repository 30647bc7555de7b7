from django.core.management.base import BaseCommand

from events.services import agreements_follow_up_due, reminders_send_due


class Command(BaseCommand):
    help = (
        "Email a reminder to confirmed attendees of meetings that start within their "
        "reminder period, and ask organisers once how each agreement past its date went. "
        "Each email goes once, however often this runs (cron: hourly)."
    )

    def handle(self, *args, **options):
        count = reminders_send_due()
        follow_ups = agreements_follow_up_due()
        self.stdout.write(f"{count} reminder(s) queued, {follow_ups} agreement follow-up(s).")
