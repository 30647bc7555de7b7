"""The data migration that gives every existing meeting an organisation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("events", "0007_event_organisation"), ("organisations", "0001_initial")]
AFTER = [("events", "0009_event_organisation_required")]


@pytest.mark.django_db(transaction=True)
def test_existing_meetings_get_an_organisation_whose_owners_organised_them():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("auth", "User")
    Event = old.get_model("events", "Event")
    anouk = User.objects.create(username="anouk")
    start = timezone.now() + timedelta(days=3)
    meeting = Event.objects.create(
        title="Buurtcafé",
        slug="buurtcafe",
        summary="Koffie",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue_name="Buurthuis",
    )
    meeting.organisers.add(anouk)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Event = new.get_model("events", "Event")
    Membership = new.get_model("organisations", "Membership")
    meeting = Event.objects.get(slug="buurtcafe")
    assert meeting.organisation.slug == "eerste-organisatie"
    membership = Membership.objects.get(user_id=anouk.pk)
    assert (membership.organisation_id, membership.role) == (meeting.organisation_id, "owner")
    # A member now, so no longer listed as a co-organiser from elsewhere.
    assert not meeting.organisers.exists()

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
