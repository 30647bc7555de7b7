from datetime import timedelta

from django.utils import timezone

from events import services
from events.models import Follower, OutgoingEmail, Registration, Series
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

    assert EventsPersonalData().erase(email="ans@example.org") == {
        "registrations": 1,
        "followers": 0,
    }
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
        "live_first_names": 0,
        "door_links": 0,
        "unconfirmed_followers": 0,
    }
    assert provider.purge(now=now, cutoff=now - timedelta(days=1)) == {
        "registrations": 1,
        "live_first_names": 0,
        "door_links": 0,
        "unconfirmed_followers": 0,
    }
    assert Registration.objects.get().erased_at is not None


def _follower(organisation, email, *, series=None, confirmed=True, age=timedelta(0)):
    now = timezone.now()
    follower = Follower.objects.create(
        organisation=organisation,
        series=series,
        email=email,
        confirmation_sent_at=now - age,
        confirmed_at=now - age if confirmed else None,
    )
    Follower.objects.filter(pk=follower.pk).update(created_at=now - age)
    follower.refresh_from_db()
    return follower


def test_events_provider_exports_what_an_address_follows_and_since_when(organisation):
    series = Series.objects.create(organisation=organisation, title="Bezoeken", slug="bezoeken")
    follows = _follower(organisation, "ans@example.org")
    _follower(organisation, "ANS@example.org", series=series, confirmed=False)
    _follower(organisation, "bert@example.org")

    exported = EventsPersonalData().export(email="ans@example.org")
    assert exported["following"] == [
        {
            "organisation": "Buurtnetwerk Ergens",
            "series": None,
            "email": "ans@example.org",
            "language": "nl",
            "asked": follows.created_at.isoformat(),
            "confirmation_sent": follows.confirmation_sent_at.isoformat(),
            "confirmed": follows.confirmed_at.isoformat(),
        },
        {
            "organisation": "Buurtnetwerk Ergens",
            "series": "Bezoeken",
            "email": "ANS@example.org",
            "language": "nl",
            "asked": exported["following"][1]["asked"],
            "confirmation_sent": exported["following"][1]["confirmation_sent"],
            "confirmed": None,
        },
    ]
    assert follows.token not in str(exported)  # the secret link is no part of "your data"


def test_events_provider_erase_deletes_every_follow_of_the_address(organisation):
    _follower(organisation, "ans@example.org")
    series = Series.objects.create(organisation=organisation, title="Bezoeken", slug="bezoeken")
    _follower(organisation, "Ans@Example.org", series=series, confirmed=False)
    _follower(organisation, "bert@example.org")

    assert EventsPersonalData().erase(email="ans@example.org") == {
        "registrations": 0,
        "followers": 2,
    }
    assert list(Follower.objects.values_list("email", flat=True)) == ["bert@example.org"]


def test_purge_deletes_requests_to_follow_left_unconfirmed_for_seven_days(organisation):
    _follower(organisation, "oud@example.org", confirmed=False, age=timedelta(days=7, minutes=1))
    _follower(organisation, "recent@example.org", confirmed=False, age=timedelta(days=6))
    _follower(organisation, "trouw@example.org", age=timedelta(days=400))
    now = timezone.now()

    purged = EventsPersonalData().purge(now=now, cutoff=now - timedelta(days=30))
    assert purged["unconfirmed_followers"] == 1
    assert sorted(Follower.objects.values_list("email", flat=True)) == [
        "recent@example.org",
        "trouw@example.org",
    ]
