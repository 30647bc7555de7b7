from django.core.management import call_command
from django.db.models import Sum

from events import services
from events.models import OutgoingEmail, Registration


def test_purge_erases_personal_data_of_old_meetings_and_keeps_counts(make_event, make_ended_event):
    old = make_ended_event(days=40)
    # Sign up while registration is still open, as the attendees once did.
    for n in range(3):
        services.registration_create(
            event=old,
            name=f"Bewoner {n}",
            email=f"b{n}@example.org",
            phone="0612345678",
            background="bewoner",
            party_size=2,
            needs="rolstoel",
            topic="vervoer",
        )
    recent = make_event(capacity=10)
    services.registration_create(event=recent, name="Nieuw", email="nieuw@example.org")
    people_before = Registration.objects.filter(event=old).aggregate(p=Sum("party_size"))["p"]

    call_command("purge_personal_data", verbosity=0)

    for registration in Registration.objects.filter(event=old):
        assert registration.erased_at is not None
        assert registration.name == registration.phone == registration.needs == ""
        assert registration.topic == ""
        assert registration.email.endswith("@invalid")
        assert registration.background == "bewoner"
    assert not OutgoingEmail.objects.filter(registration__event=old).exists()
    assert Registration.objects.filter(event=old).aggregate(p=Sum("party_size"))["p"] == (
        people_before
    )
    assert Registration.objects.get(event=recent).name == "Nieuw"
    # Running it again changes nothing.
    call_command("purge_personal_data", verbosity=0)
    assert Registration.objects.filter(erased_at__isnull=False).count() == 3
