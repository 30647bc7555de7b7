"""The personal-data registry: every app says what it holds about people, and how to clear it.

As pretix's plugins each bring a data shredder, each app registers one provider in its
`AppConfig.ready()`; the site never has to know an app's tables. The three verbs run every
provider: the apps' in the order they are installed (the order Django calls `ready()`),
then the libraries' tables (`third_party_data`), last so that they also catch records the
apps' own erasure leaves behind. Each provider's results are merged into one flat dict, so
the exports and counts read as before the registry; two providers may not report a key
twice.
"""

from datetime import datetime, timedelta
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone


class PersonalDataProvider(Protocol):
    """What one app holds about people."""

    label: str

    def export(self, *, email: str) -> dict:
        """Everything held about the address, ready for JSON."""

    def erase(self, *, email: str) -> dict[str, int]:
        """Erase the address; how many rows of each kind were touched."""

    def purge(self, *, now: datetime, cutoff: datetime) -> dict[str, int]:
        """Apply the retention policy (`cutoff` = now minus the retention period)."""


_providers: dict[str, PersonalDataProvider] = {}


def register(provider: PersonalDataProvider) -> None:
    """Add an app's provider; registering a label again replaces it (ready() may rerun)."""
    _providers[provider.label] = provider


def providers() -> list[PersonalDataProvider]:
    # Imported here: the libraries' models exist only once the apps are loaded.
    from .third_party_data import third_party_data

    return [*_providers.values(), third_party_data]


def _merge(results: list[tuple[str, dict]], into: dict) -> dict:
    reported_by = dict.fromkeys(into, "the registry")
    for label, result in results:
        for key, value in result.items():
            if key in into:
                raise ImproperlyConfigured(
                    f"{label!r} reports {key!r}, which {reported_by[key]!r} already reports."
                )
            into[key] = value
            reported_by[key] = label
    return into


def personal_data_export(*, email: str) -> dict:
    """Everything the site holds about one email address (AVG art. 15)."""
    email = email.strip()
    return _merge([(p.label, p.export(email=email)) for p in providers()], into={"email": email})


def personal_data_erase(*, email: str) -> dict[str, int]:
    """Erase the address everywhere (AVG art. 17); how many rows of each kind were touched.

    Each provider keeps its own transactions: a registration is cancelled (and its place
    given to the waiting list) in a transaction of its own, as when the attendee cancels.
    """
    email = email.strip()
    return _merge([(p.label, p.erase(email=email)) for p in providers()], into={})


def personal_data_purge(*, days: int, now: datetime | None = None) -> dict[str, int]:
    """The retention policy, run daily, in one transaction: how many rows were cleaned."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        return _merge([(p.label, p.purge(now=now, cutoff=cutoff)) for p in providers()], into={})
