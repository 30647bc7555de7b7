import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from events import services
from events.models import AccessLog, Event, OrganiserMessage, OutgoingEmail, Registration
from organisations.models import Role
from zorgzaam.roles import COORDINATORS


@pytest.fixture
def organiser(db, organisation, make_member):
    user = User.objects.create_user("org", password="pw-organiser-1")
    make_member(user, organisation, Role.ORGANISER)
    return user


@pytest.fixture
def other_organiser(db, make_organisation, make_member):
    user = User.objects.create_user("other", password="pw-organiser-2")
    make_member(user, make_organisation("Andere buurt"), Role.OWNER)
    return user


@pytest.fixture
def coordinator(db):
    user = User.objects.create_user("coord", password="pw-coordinator")
    user.groups.add(Group.objects.get(name=COORDINATORS))
    return user


@pytest.fixture
def own_event(event, organiser):
    """A meeting of the organisation `organiser` is in."""
    return event


@pytest.fixture
def attendee(own_event):
    return services.registration_create(
        event=own_event,
        name="Ans de Vries",
        email="ans@example.org",
        party_size=2,
        needs="rolstoelplek",
        background="bewoner",
    ).registration


def organiser_urls(event, registration):
    base = f"/organisatie/evenementen/{event.slug}/"
    return [
        ("get", base),
        ("get", base + "bewerken/"),
        ("get", base + "deelnemers/"),
        ("get", base + "deelnemers/?needs=1"),
        ("get", base + "deelnemers/export.csv"),
        ("get", base + "deelnemers/export.xlsx"),
        ("get", base + "deelnemers/toevoegen/"),
        ("get", base + "deelnemers/afdrukken/lijst/"),
        ("get", base + "deelnemers/afdrukken/badges/"),
        ("get", base + f"deelnemers/{registration.pk}/"),
        ("post", base + f"deelnemers/{registration.pk}/cancel/"),
        ("post", base + f"deelnemers/{registration.pk}/checkin/"),
        ("get", base + "inchecken/"),
        ("post", base + "inchecken/scan/"),
        ("get", base + "inchecken/stand/"),
        ("get", base + "bericht/"),
        ("get", base + "inzicht/"),
        ("get", base + "kopieren/"),
        ("get", base + "annuleren/"),
        ("post", base + "publiceren/"),
    ]


def test_anonymous_is_sent_to_login(client, own_event, attendee):
    for method, url in organiser_urls(own_event, attendee):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_other_organiser_gets_404_and_no_data(client, own_event, attendee, other_organiser):
    client.force_login(other_organiser)
    for method, url in organiser_urls(own_event, attendee):
        data = {"code": attendee.ticket_code} if url.endswith("scan/") else {}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
        assert b"Ans de Vries" not in response.content
    attendee.refresh_from_db()
    assert attendee.status == "confirmed" and attendee.checked_in_at is None
    assert not AccessLog.objects.exists()


def test_logged_in_user_without_a_team_sees_no_meetings(client, own_event, attendee, db):
    client.force_login(User.objects.create_user("resident", password="x-y-z-123"))
    dashboard = client.get("/organisatie/")
    assert dashboard.status_code == 200 and own_event.title not in dashboard.text
    assert client.get("/organisatie/evenementen/nieuw/").status_code == 403
    assert client.get(f"/organisatie/evenementen/{own_event.slug}/deelnemers/").status_code == 404


def test_the_teams_organiser_sees_the_list_and_a_coordinator_does_not(
    client, own_event, attendee, organiser, coordinator
):
    client.force_login(organiser)
    for method, url in organiser_urls(own_event, attendee):
        if method == "post":
            continue
        assert client.get(url).status_code == 200, url
    page = client.get(f"/organisatie/evenementen/{own_event.slug}/deelnemers/")
    assert "Ans de Vries" in page.text
    # The catalogue's coordinators get no attendee data through that role.
    client.force_login(coordinator)
    for method, url in organiser_urls(own_event, attendee):
        data = {"code": attendee.ticket_code} if url.endswith("scan/") else {}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
        assert b"Ans de Vries" not in response.content


def test_registration_id_of_another_event_is_404(client, own_event, organiser, make_event):
    client.force_login(organiser)
    foreign = make_event(capacity=5)
    other = services.registration_create(event=foreign, name="Bob", email="b@example.org")
    url = f"/organisatie/evenementen/{own_event.slug}/deelnemers/{other.registration.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url + "cancel/").status_code == 404
    other.registration.refresh_from_db()
    assert other.registration.status == "confirmed"


def test_dashboard_shows_counts(
    client, own_event, attendee, organiser, make_event, make_organisation
):
    make_event(title="Niet van mij", organisation=make_organisation("Ander team"))
    client.force_login(organiser)
    page = client.get("/organisatie/")
    assert own_event.title in page.text
    assert "Niet van mij" not in page.text
    assert "2 / 10" in page.text


def test_needs_only_for_the_events_own_organisers_and_logged(
    client, own_event, attendee, organiser, coordinator
):
    client.force_login(coordinator)
    page = client.get(f"/organisatie/evenementen/{own_event.slug}/deelnemers/?needs=1")
    assert "rolstoelplek" not in page.text
    client.force_login(organiser)
    page = client.get(f"/organisatie/evenementen/{own_event.slug}/deelnemers/")
    assert "rolstoelplek" not in page.text
    page = client.get(f"/organisatie/evenementen/{own_event.slug}/deelnemers/?needs=1")
    assert "rolstoelplek" in page.text
    assert AccessLog.objects.filter(user=organiser, action="view_needs").count() == 1


def test_csv_export_opens_in_dutch_excel(client, own_event, attendee, organiser):
    client.force_login(organiser)
    response = client.get(f"/organisatie/evenementen/{own_event.slug}/deelnemers/export.csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, row = rows[0], rows[1]
    assert header[:4] == ["Naam", "E-mail", "Telefoon", "Aantal personen"]
    assert "Toegankelijkheid/dieet" not in header
    assert row[0] == "Ans de Vries" and row[3] == "2" and row[4] == "bevestigd"
    assert row[header.index("Aangemeld op")] == timezone.localtime(attendee.created_at).strftime(
        "%d-%m-%Y %H:%M"
    )
    assert "rolstoelplek" not in response.content.decode("utf-8-sig")
    assert AccessLog.objects.filter(user=organiser, action="export_csv").exists()


def test_xlsx_export_with_needs_only_when_asked(client, own_event, attendee, organiser):
    client.force_login(organiser)
    url = f"/organisatie/evenementen/{own_event.slug}/deelnemers/export.xlsx"
    plain = load_workbook(io.BytesIO(client.get(url).content)).active
    assert [c.value for c in plain[1]][0] == "Naam"
    assert "Toegankelijkheid/dieet" not in [c.value for c in plain[1]]
    with_needs = load_workbook(io.BytesIO(client.get(url + "?needs=1").content)).active
    header = [c.value for c in with_needs[1]]
    assert with_needs.cell(row=2, column=header.index("Toegankelijkheid/dieet") + 1).value == (
        "rolstoelplek"
    )
    assert AccessLog.objects.filter(action="export_needs").count() == 1


def test_export_neutralises_spreadsheet_formulas(client, own_event, organiser):
    services.registration_create(event=own_event, name="=HYPERLINK(1)", email="f@example.org")
    client.force_login(organiser)
    response = client.get(f"/organisatie/evenementen/{own_event.slug}/deelnemers/export.csv")
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_scan_checks_in_once_then_already(client, own_event, attendee, organiser):
    client.force_login(organiser)
    url = f"/organisatie/evenementen/{own_event.slug}/inchecken/scan/"
    first = client.post(url, {"code": attendee.ticket_code}).json()
    assert first["result"] == "ok"
    assert first["name"] == "Ans de Vries"
    assert first["display"] == "Welkom, Ans de Vries (+1)"
    assert first["counts"]["checked_in"] == 2
    second = client.post(url, {"code": attendee.ticket_code}).json()
    assert second["result"] == "already"
    assert second["checked_in_at"] == first["checked_in_at"]


@pytest.mark.parametrize(
    "code", ["", "onzin", "x" * 5000, "<script>", "'; DROP TABLE events_registration;--"]
)
def test_scan_garbage_is_unknown_not_500(client, own_event, organiser, code):
    client.force_login(organiser)
    response = client.post(
        f"/organisatie/evenementen/{own_event.slug}/inchecken/scan/", {"code": code}
    )
    assert response.status_code == 200
    assert response.json()["result"] == "unknown"
    assert response.json()["name"] == ""


def test_scan_results_for_other_event_cancelled_and_waitlist(
    client, own_event, organiser, make_event
):
    client.force_login(organiser)
    url = f"/organisatie/evenementen/{own_event.slug}/inchecken/scan/"
    foreign = services.registration_create(
        event=make_event(capacity=3), name="Elders", email="e@example.org"
    ).registration
    result = client.post(url, {"code": foreign.ticket_code}).json()
    assert result["result"] == "wrong_event" and result["name"] == ""
    gone = services.registration_create(event=own_event, name="Weg", email="w@example.org")
    services.registration_cancel(registration=gone.registration)
    assert client.post(url, {"code": gone.registration.ticket_code}).json()["result"] == "cancelled"
    for n in range(3):
        services.registration_create(
            event=own_event, name=f"P{n}", email=f"p{n}@example.org", party_size=4
        )
    waiting = Registration.objects.filter(event=own_event, status="waitlist").first()
    assert client.post(url, {"code": waiting.ticket_code}).json()["result"] == "waitlist"


def test_undo_checkin(client, own_event, attendee, organiser):
    client.force_login(organiser)
    services.checkin_by_registration(registration=attendee)
    client.post(f"/organisatie/evenementen/{own_event.slug}/deelnemers/{attendee.pk}/undo_checkin/")
    attendee.refresh_from_db()
    assert attendee.checked_in_at is None


def test_manual_addition_respects_capacity_and_records_consent(
    client, own_event, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    services.registration_create(event=own_event, name="A", email="a@example.org", party_size=4)
    services.registration_create(event=own_event, name="B", email="b@example.org", party_size=4)
    url = f"/organisatie/evenementen/{own_event.slug}/deelnemers/toevoegen/"
    response = client.post(
        url,
        {
            "name": "Bellende buurvrouw",
            "email": "buur@example.org",
            "party_size": "3",
            "consent_note": "telefonisch, akkoord",
        },
    )
    assert response.status_code == 302
    added = Registration.objects.get(email="buur@example.org")
    assert added.status == "waitlist"  # 3 people do not fit in the 2 places left
    assert added.added_by == organiser
    assert added.consent_note == "telefonisch, akkoord"
    missing_consent = client.post(url, {"name": "X", "email": "x@example.org", "party_size": "1"})
    assert missing_consent.status_code == 400


def test_walk_in_added_and_checked_in(client, own_event, organiser):
    client.force_login(organiser)
    client.post(
        f"/organisatie/evenementen/{own_event.slug}/deelnemers/toevoegen/",
        {
            "name": "Binnenloper",
            "email": "loop@example.org",
            "party_size": "1",
            "consent_note": "aan de deur",
            "check_in_now": "on",
        },
    )
    walk_in = Registration.objects.get(email="loop@example.org")
    assert walk_in.status == "confirmed" and walk_in.checked_in_at is not None


def test_waitlist_confirm_within_capacity_unless_override(client, own_event, organiser):
    client.force_login(organiser)
    for n in range(5):
        services.registration_create(
            event=own_event, name=f"P{n}", email=f"p{n}@example.org", party_size=2
        )
    waiting = services.registration_create(
        event=own_event, name="W", email="w@example.org"
    ).registration
    base = f"/organisatie/evenementen/{own_event.slug}/deelnemers/{waiting.pk}/"
    client.post(base + "confirm/")
    waiting.refresh_from_db()
    assert waiting.status == "waitlist"
    client.post(base + "confirm_override/")
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_event_create_edit_publish_and_capacity_promotes(client, organiser, organisation):
    client.force_login(organiser)
    data = {
        "organisation": str(organisation.pk),
        "title": "Koffieochtend",
        "slug": "koffieochtend",
        "summary": "Samen koffie drinken.",
        "description": "",
        "starts_at": "2030-05-01T10:00",
        "ends_at": "2030-05-01T12:00",
        "venue_name": "Buurthuis",
        "venue_city": "Assen",
        "capacity": "1",
        "max_party_size": "4",
        "reminder_days": "2",
        "languages": "nl",
        "free_entry": "on",
        "programme-TOTAL_FORMS": "2",
        "programme-INITIAL_FORMS": "0",
        "programme-0-start_time": "10:00",
        "programme-0-title": "Welkom",
        "programme-0-kind": "plenary",
        "programme-1-start_time": "",
        "programme-1-title": "",
        "programme-1-kind": "plenary",
    }
    response = client.post("/organisatie/evenementen/nieuw/", data)
    assert response.status_code == 302, response.content
    event = Event.objects.get(slug="koffieochtend")
    assert event.status == "draft" and event.organisation.memberships.filter(user=organiser)
    assert list(event.programme.values_list("title", flat=True)) == ["Welkom"]
    client.post("/organisatie/evenementen/koffieochtend/publiceren/")
    event.refresh_from_db()
    assert event.status == "published"
    services.registration_create(event=event, name="A", email="a@example.org")
    waiting = services.registration_create(event=event, name="B", email="b@example.org")
    assert waiting.registration.status == "waitlist"
    item = event.programme.get()
    data.update(
        {
            "capacity": "2",
            "programme-INITIAL_FORMS": "1",
            "programme-0-id": str(item.pk),
            "programme-0-event": str(event.pk),
        }
    )
    response = client.post("/organisatie/evenementen/koffieochtend/bewerken/", data)
    assert response.status_code == 302, response.content
    waiting.registration.refresh_from_db()
    assert waiting.registration.status == "confirmed"


def test_event_form_errors_are_400_not_500(client, organiser):
    client.force_login(organiser)
    response = client.post(
        "/organisatie/evenementen/nieuw/",
        {
            "title": "x",
            "starts_at": "gisteren",
            "programme-TOTAL_FORMS": "0",
            "programme-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_duplicate_copies_programme_to_new_date(client, own_event, organiser, sessions):
    client.force_login(organiser)
    new_start = own_event.starts_at + timedelta(days=364)
    response = client.post(
        f"/organisatie/evenementen/{own_event.slug}/kopieren/",
        {
            "title": "Volgend jaar",
            "slug": "volgend-jaar",
            "starts_at": timezone.localtime(new_start).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    copy = Event.objects.get(slug="volgend-jaar")
    assert copy.status == "draft"
    assert copy.ends_at - copy.starts_at == own_event.ends_at - own_event.starts_at
    assert sorted(copy.programme.values_list("title", flat=True)) == sorted(
        own_event.programme.values_list("title", flat=True)
    )
    assert not copy.registrations.exists()


def test_cancel_event_emails_everyone(
    client, own_event, attendee, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/organisatie/evenementen/{own_event.slug}/annuleren/")
    own_event.refresh_from_db()
    assert own_event.status == "cancelled"
    assert [m.to for m in mailoutbox] == [["ans@example.org"]]
    assert mailoutbox[0].subject == f"Geannuleerd: {own_event.title}"


def test_message_to_confirmed_only(
    client, own_event, attendee, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    for n in range(4):
        services.registration_create(
            event=own_event, name=f"P{n}", email=f"p{n}@example.org", party_size=4
        )
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/organisatie/evenementen/{own_event.slug}/bericht/",
            {"audience": "confirmed", "subject": "Andere zaal", "body": "We zitten in zaal 2."},
        )
    message = OrganiserMessage.objects.get()
    confirmed = Registration.objects.filter(event=own_event, status="confirmed")
    assert message.recipients == confirmed.count()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(confirmed.values_list("email", flat=True))
    assert "We zitten in zaal 2." in mailoutbox[0].body


def test_reminders_are_sent_once(make_event, mailoutbox, django_capture_on_commit_callbacks):
    soon = timezone.now() + timedelta(days=1)
    event = make_event(capacity=10, starts_at=soon, ends_at=soon + timedelta(hours=2))
    later = make_event(capacity=10)  # in 14 days: not due yet
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event=event, name="A", email="a@example.org")
        services.registration_create(event=later, name="B", email="b@example.org")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", verbosity=0)
        call_command("send_reminders", verbosity=0)
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
    assert mailoutbox[0].subject == f"Herinnering: {event.title}"
    registration = Registration.objects.get(email="a@example.org")
    assert f"/aanmelding/{registration.management_token}/annuleren/" in mailoutbox[0].body
    assert OutgoingEmail.objects.filter(kind="reminder").count() == 1


def test_insight_page(client, own_event, attendee, organiser):
    services.registration_create(
        event=own_event, name="B", email="b@example.org", background="bestuurder", topic="Vervoer"
    )
    client.force_login(organiser)
    page = client.get(f"/organisatie/evenementen/{own_event.slug}/inzicht/")
    assert page.status_code == 200
    assert "bestuurder" in page.text and "Vervoer" in page.text


def test_event_overview_tells_when_data_is_erased(client, own_event, organiser):
    client.force_login(organiser)
    page = client.get(f"/organisatie/evenementen/{own_event.slug}/")
    erase_on = own_event.ends_at + timedelta(days=30)
    assert str(timezone.localtime(erase_on).year) in page.text
    assert "automatisch gewist" in page.text


def test_changing_an_attendees_email_to_one_already_registered_is_a_form_error(
    client, own_event, attendee, organiser
):
    other = services.registration_create(
        event=own_event, name="Bram", email="bram@example.org"
    ).registration
    client.force_login(organiser)
    url = f"/organisatie/evenementen/{own_event.slug}/deelnemers/{other.pk}/"
    data = {
        "name": "Bram",
        "email": attendee.email.upper(),
        "phone": "",
        "background": "",
        "organisation": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "al aangemeld" in response.text
    other.refresh_from_db()
    assert other.email == "bram@example.org"


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", "application/json, text/plain, */*"]
)
def test_scan_answers_json_to_scanner_apps_and_scripts(
    client, own_event, attendee, organiser, accept
):
    """Scanner apps and curl send Accept: */* (or nothing): the contract promises JSON."""
    client.force_login(organiser)
    headers = {} if accept is None else {"Accept": accept}
    response = client.post(
        f"/organisatie/evenementen/{own_event.slug}/inchecken/scan/",
        {"code": attendee.ticket_code},
        headers=headers,
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["result"] == "ok"


def test_scan_from_a_browser_form_without_javascript_redirects(
    client, own_event, attendee, organiser
):
    client.force_login(organiser)
    response = client.post(
        f"/organisatie/evenementen/{own_event.slug}/inchecken/scan/",
        {"code": attendee.ticket_code},
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/organisatie/evenementen/{own_event.slug}/inchecken/"
    attendee.refresh_from_db()
    assert attendee.checked_in_at is not None


def _edit(client, event, registration, **changes):
    data = {
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "background": registration.background,
        "organisation": registration.organisation,
        "party_size": str(registration.party_size),
        **changes,
    }
    return client.post(f"/organisatie/evenementen/{event.slug}/deelnemers/{registration.pk}/", data)


@pytest.mark.parametrize("party_size", ["²", "", "-1", "0", "1.5", "x" * 50, "5", "100"])
def test_attendee_edit_with_a_bad_party_size_changes_nothing(
    client, own_event, attendee, organiser, party_size
):
    client.force_login(organiser)
    response = _edit(client, own_event, attendee, name="Nieuwe naam", party_size=party_size)
    assert response.status_code == 400
    assert "party_size" in response.context["form"].errors
    attendee.refresh_from_db()
    assert (attendee.name, attendee.party_size) == ("Ans de Vries", 2)


def test_attendee_edit_that_does_not_fit_changes_nothing(client, own_event, attendee, organiser):
    """Details and party size are one edit: a party too big for the room saves neither."""
    own_event.capacity = 3
    own_event.save()
    client.force_login(organiser)
    response = _edit(client, own_event, attendee, name="Nieuwe naam", party_size="4")
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert (attendee.name, attendee.party_size) == ("Ans de Vries", 2)


def test_attendee_edit_saves_details_and_party_size(client, own_event, attendee, organiser):
    client.force_login(organiser)
    response = _edit(client, own_event, attendee, name="Ans Jansen", party_size="3")
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert (attendee.name, attendee.party_size) == ("Ans Jansen", 3)
