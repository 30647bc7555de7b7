"""What the organisations hold about people: memberships, invitations, requests, the team log.

The organisations' provider for the personal-data registry (`zorgzaam.personal_data`).
Team members have accounts, so the account is erased here too: erasing an address takes
its accounts out of every team and closes them (no name, no address, no password, a
username that says nothing), deletes the invitations sent to it and its requests to start,
and blanks it in the team logs.
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import AuditEntry, Invitation, Membership, OrganisationRequest

ERASED = "(gewist)"
# Requests that were decided, and invitations that were used, withdrawn or ran out, are
# kept this long so owners and coordinators can still see what happened.
DECIDED_KEPT = timedelta(days=7)


class OrganisationsPersonalData:
    label = "organisations"

    def export(self, *, email: str) -> dict:
        return {
            "memberships": [
                {
                    "organisation": m.organisation.name,
                    "role": m.role,
                    "since": m.created_at.isoformat(),
                }
                for m in Membership.objects.filter(user__email__iexact=email).select_related(
                    "organisation"
                )
            ],
            "invitations": [
                {
                    "organisation": i.organisation.name,
                    "role": i.role,
                    "state": i.state(),
                    "invited": i.created_at.isoformat(),
                }
                for i in Invitation.objects.filter(email__iexact=email).select_related(
                    "organisation"
                )
            ],
            "requests_to_start": [
                {
                    "organisation_name": r.organisation_name,
                    "name": r.name,
                    "purpose": r.purpose,
                    "status": r.status,
                    "asked": r.created_at.isoformat(),
                }
                for r in OrganisationRequest.objects.filter(email__iexact=email)
            ],
            "team_log_mentions": AuditEntry.objects.filter(subject__iexact=email).count(),
        }

    def erase(self, *, email: str) -> dict[str, int]:
        memberships, _ = Membership.objects.filter(user__email__iexact=email).delete()
        accounts = 0
        for user in get_user_model().objects.filter(email__iexact=email):
            user.username = f"gewist-{user.pk}"
            user.email = user.first_name = user.last_name = ""
            user.is_active = user.is_staff = user.is_superuser = False
            user.set_unusable_password()
            user.save()
            accounts += 1
        invitations, _ = Invitation.objects.filter(email__iexact=email).delete()
        requests, _ = OrganisationRequest.objects.filter(email__iexact=email).delete()
        log = AuditEntry.objects.filter(subject__iexact=email).update(subject=ERASED)
        return {
            "accounts": accounts,
            "memberships": memberships,
            "invitations": invitations,
            "requests_to_start": requests,
            "team_log_mentions": log,
        }

    def purge(self, *, now: datetime, cutoff: datetime) -> dict[str, int]:
        kept_until = now - DECIDED_KEPT
        invitations, _ = Invitation.objects.filter(
            Q(expires_at__lt=kept_until)
            | Q(accepted_at__lt=kept_until)
            | Q(revoked_at__lt=kept_until)
        ).delete()
        requests, _ = (
            OrganisationRequest.objects.filter(decided_at__lt=kept_until)
            .exclude(status=OrganisationRequest.Status.PENDING)
            .delete()
        )
        return {"invitations_purged": invitations, "requests_to_start_purged": requests}
