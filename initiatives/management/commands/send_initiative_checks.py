"""The yearly "still active?" check: email each initiative's contact a confirmation link."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from initiatives import selectors, services


class Command(BaseCommand):
    help = "Email a one-click 'still active?' link to initiatives not checked for a year."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many emails.")
        parser.add_argument("--dry-run", action="store_true", help="Only count.")

    def handle(self, *args, limit: int, dry_run: bool, **options):
        due = selectors.initiatives_due_for_check(now=timezone.now())
        initiatives = list(due[:limit])
        if dry_run:
            self.stdout.write(f"{len(initiatives)} initiatives would be asked.")
            return
        sent = sum(services.verification_request_send(initiative=i) for i in initiatives)
        self.stdout.write(
            self.style.SUCCESS(f"Asked {sent} initiatives whether they are still active.")
        )
