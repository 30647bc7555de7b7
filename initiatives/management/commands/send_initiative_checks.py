"""The yearly "still active?" check: email each initiative's contact a confirmation link."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from initiatives import selectors, services

# Ask once a year; not again while a request from the last 11 months is open.
ASK_AFTER = timedelta(days=365)
ASK_AGAIN_AFTER = timedelta(days=335)


class Command(BaseCommand):
    help = "Email a one-click 'still active?' link to initiatives not checked for a year."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many emails.")
        parser.add_argument("--dry-run", action="store_true", help="Only count.")

    def handle(self, *args, limit: int, dry_run: bool, **options):
        today = timezone.localdate()
        now = timezone.now()
        due = (
            selectors.initiatives_public()
            .exclude(contact_email="")
            .filter(is_synthetic=False)
            .filter(Q(last_verified_on__isnull=True) | Q(last_verified_on__lte=today - ASK_AFTER))
            .filter(
                Q(verification_requested_at__isnull=True)
                | Q(verification_requested_at__lte=now - ASK_AGAIN_AFTER)
            )
            .order_by("last_verified_on", "pk")
        )
        initiatives = list(due[:limit])
        if dry_run:
            self.stdout.write(f"{len(initiatives)} initiatives would be asked.")
            return
        sent = sum(services.verification_request_send(initiative=i) for i in initiatives)
        self.stdout.write(
            self.style.SUCCESS(f"Asked {sent} initiatives whether they are still active.")
        )
