from datetime import timedelta

from django.utils import timezone

from events import services
from events.models import OutgoingEmail, Registration
from events.personal_data import EventsPersonalData


def test_attendee_downloads_own_data_as_json(client, event):
    response = client.post(
        event.get_absolute_url(),
        {"name": "Ans de Vries", "email": "ans@example.org", "needs": "rolstoel"},
    )
    token = Registration.objects.get().management_token
    download = client.get(f"/aanmelding/{token}/gegevens.json")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    data = download.json()["registrations"][0]
    assert data["name"] == "Ans de Vries" and data["email"] == "ans@example.org"
    assert data["accessibility_or_dietary_needs"] == "rolstoel"
    assert token not in download.text  # the secret itself is not part of "your data"
    assert f"/aanmelding/{token}/gegevens.json" in client.get(response["Location"]).text


def test_events_provider_exports_every_registration_of_the_address(event, make_event):
    services.registration_create(event=event, name="Ans", email="ans@example.org")
    other = make_event(capacity=5, title="Tweede avond")
    services.registration_create(event=other, name="Ans", email="ANS@example.org")
    services.registration_create(event=other, name="Bert", email="bert@example.org")

    exported = EventsPersonalData().export(email="ans@example.org")
    assert sorted(r["meeting"] for r in exported["registrations"]) == [
        "Buurtbijeenkomst",
        "Tweede avond",
    ]
    assert all(r["emails_sent"] for r in exported["registrations"])


def test_events_provider_erase_cancels_and_anonymises(event):
    services.registration_create(event=event, name="Ans", email="ans@example.org")
    services.registration_create(event=event, name="Bert", email="bert@example.org")

    assert EventsPersonalData().erase(email="ans@example.org") == {"registrations": 1}
    erased = Registration.objects.get(erased_at__isnull=False)
    assert erased.status == Registration.Status.CANCELLED and erased.name == ""
    assert not OutgoingEmail.objects.filter(registration=erased).exists()
    assert Registration.objects.get(erased_at__isnull=True).name == "Bert"


def test_events_provider_purges_registrations_of_meetings_ended_before_the_cutoff(make_ended_event):
    now = timezone.now()
    old = make_ended_event(days=2)
    services.registration_create(event=old, name="Ans", email="ans@example.org")
    provider = EventsPersonalData()

    assert provider.purge(now=now, cutoff=now - timedelta(days=3)) == {
        "registrations": 0,
        "door_links": 0,
    }
    assert provider.purge(now=now, cutoff=now - timedelta(days=1)) == {
        "registrations": 1,
        "door_links": 0,
    }
    assert Registration.objects.get().erased_at is not None
