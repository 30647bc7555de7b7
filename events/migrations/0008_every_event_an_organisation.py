"""Every existing meeting gets an organisation.

Before organisations, a meeting had a list of organiser accounts. Existing meetings move
to one organisation, "Eerste organisatie", whose owners are the people who organised them
(nobody loses a right they had; a superuser can rename it or move meetings in the admin).
Those people are then members, so they are no longer listed as co-organisers.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Organisation = apps.get_model("organisations", "Organisation")
    Membership = apps.get_model("organisations", "Membership")
    events = Event.objects.filter(organisation__isnull=True)
    if not events.exists():
        return
    organisation, _ = Organisation.objects.get_or_create(
        slug="eerste-organisatie", defaults={"name": "Eerste organisatie"}
    )
    for event in events:
        for user in event.organisers.all():
            Membership.objects.get_or_create(
                organisation=organisation, user=user, defaults={"role": "owner"}
            )
        event.organisers.clear()
    events.update(organisation=organisation)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_event_organisation"),
        ("organisations", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
