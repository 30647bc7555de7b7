from datetime import date, datetime, timedelta

from django.utils import timezone

from initiatives import selectors
from initiatives.models import Initiative

NOW = timezone.make_aware(datetime(2026, 6, 1, 12, 0))


def due(**kwargs) -> list[str]:
    return [i.name for i in selectors.initiatives_due_for_check(now=NOW, **kwargs)]


def test_due_for_check_asks_published_entries_with_a_contact_unchecked_for_a_year(
    make_initiative,
):
    email = {"contact_email": "info@example.org"}
    make_initiative("Nooit", **email)
    make_initiative("Vorig jaar", last_verified_on=date(2025, 6, 1), **email)
    make_initiative("Twee jaar", last_verified_on=date(2024, 5, 1), **email)
    make_initiative("Onlangs", last_verified_on=date(2025, 6, 2), **email)
    make_initiative("Zonder email", last_verified_on=date(2020, 1, 1))
    make_initiative("Gegenereerd", is_synthetic=True, **email)
    make_initiative("Ingediend", publication=Initiative.Publication.PENDING, **email)
    names = due()
    assert sorted(names) == ["Nooit", "Twee jaar", "Vorig jaar"]
    # Longest unchecked first (where never-checked entries sort depends on the database).
    assert names.index("Twee jaar") < names.index("Vorig jaar")


def test_due_for_check_does_not_ask_again_while_a_request_is_open(make_initiative):
    email = {"contact_email": "info@example.org"}
    make_initiative("Net gevraagd", verification_requested_at=NOW - timedelta(days=334), **email)
    make_initiative("Lang geleden", verification_requested_at=NOW - timedelta(days=335), **email)
    assert due() == ["Lang geleden"]
