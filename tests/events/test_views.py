import json
import re

import pytest
from django.urls import reverse

from events.models import Registration


def form_data(**overrides):
    data = {"name": "Ans de Vries", "email": "ans@example.org", "party_size": "1"}
    data.update(overrides)
    return data


def test_event_list_shows_upcoming_with_places(client, event):
    response = client.get("/evenementen/")
    assert response.status_code == 200
    assert event.title in response.text
    assert "10 plaatsen over" in response.text


def test_event_list_hides_drafts(client, make_event):
    make_event(title="Geheim concept", status="draft")
    assert "Geheim concept" not in client.get("/evenementen/").text
    assert client.get("/evenementen/buurt-1/").status_code == 404


def test_event_page_has_form_structured_data_and_open_graph(client, event):
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    assert 'name="name"' in html and 'autocomplete="name"' in html
    assert 'autocomplete="email"' in html
    assert 'href="/privacy/"' in html
    assert f'<meta property="og:title" content="{event.title}">' in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(ld)
    assert data["@type"] == "Event"
    assert data["url"] == "https://zorgzaam.example/evenementen/buurt-1/"
    assert data["location"]["address"]["addressLocality"] == "Ergens"


def test_sign_up_redirects_to_ticket_page(client, event):
    response = client.post(event.get_absolute_url(), form_data(party_size="2"))
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/aanmelding/{registration.management_token}/"
    page = client.get(response["Location"])
    assert "Je bent aangemeld" in page.text
    assert f"/aanmelding/{registration.management_token}/qr.png" in page.text
    assert registration.party_size == 2
    assert registration.language == "nl"


def test_only_name_and_email_are_required(client, event):
    response = client.post(event.get_absolute_url(), {})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"name", "email"}
    assert 'id="error-summary"' in response.text


def test_double_submit_from_same_browser_lands_on_same_ticket(client, event):
    first = client.post(event.get_absolute_url(), form_data())
    second = client.post(event.get_absolute_url(), form_data())
    assert first["Location"] == second["Location"]
    assert Registration.objects.count() == 1


def test_known_email_from_another_browser_reveals_nothing(
    client, event, django_capture_on_commit_callbacks, mailoutbox
):
    client.post(event.get_absolute_url(), form_data())
    registration = Registration.objects.get()
    other = type(client)()
    with django_capture_on_commit_callbacks(execute=True):
        response = other.post(event.get_absolute_url(), form_data(name="Iemand anders"))
    assert response.status_code == 200
    assert registration.management_token not in response.text
    assert "Kijk in je e-mail" in response.text
    assert Registration.objects.count() == 1
    assert mailoutbox[-1].to == ["ans@example.org"]
    assert registration.management_token in mailoutbox[-1].body


def test_full_event_puts_new_sign_up_on_waiting_list(client, make_event):
    event = make_event(capacity=1)
    client.post(event.get_absolute_url(), form_data(email="first@example.org"))
    page = client.get(event.get_absolute_url())
    assert "Zet mij op de wachtlijst" in page.text
    response = type(client)().post(event.get_absolute_url(), form_data(email="second@example.org"))
    ticket = type(client)().get(response["Location"])
    assert "Je staat op de wachtlijst" in ticket.text
    assert "nummer 1" in ticket.text


@pytest.mark.parametrize("status", ["cancelled", "draft"])
def test_closed_event_shows_message_not_form(client, make_event, status):
    event = make_event(status=status)
    if status == "draft":
        assert client.get(event.get_absolute_url()).status_code == 404
        return
    response = client.get(event.get_absolute_url())
    assert 'name="email"' not in response.text
    assert "geannuleerd" in response.text
    client.post(event.get_absolute_url(), form_data())
    assert not Registration.objects.exists()


def test_session_choice_on_form_and_ticket(client, event, sessions):
    page = client.get(event.get_absolute_url())
    assert "Kleine kring" in page.text and "Opening" in page.text
    response = client.post(
        event.get_absolute_url(), form_data(session_1500=str(sessions["large"].pk))
    )
    ticket = client.get(response["Location"])
    assert "Grote zaal" in ticket.text


def test_tampered_session_choice_is_a_form_error(client, event, sessions):
    response = client.post(event.get_absolute_url(), form_data(session_1500="999999"))
    assert response.status_code == 400
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "x" * 5000},
        {"name": "Ans\x00\x07"},
        {"email": "not-an-email"},
        {"party_size": "99"},
        {"party_size": "drie"},
        {"party_size": "-1"},
        {"party_size": "1.5"},
        {"email": "a@" + "b" * 300 + ".nl"},
        {"topic": "y" * 10000},
    ],
)
def test_garbage_input_gives_a_clear_400_and_stores_nothing(client, event, overrides):
    response = client.post(event.get_absolute_url(), form_data(**overrides))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_html_in_input_is_shown_escaped(client, event):
    response = client.post(event.get_absolute_url(), form_data(name="<script>alert(1)</script>"))
    ticket = client.get(response["Location"])
    assert "<script>alert(1)</script>" not in ticket.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ticket.text


def test_missing_csrf_token_is_refused(event):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(event.get_absolute_url(), form_data())
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_unknown_or_malformed_token_is_404(client, event):
    assert client.get("/aanmelding/" + "a" * 43 + "/").status_code == 404
    assert client.get("/aanmelding/kort/").status_code == 404


def test_ticket_page_change_and_cancel(client, event):
    client.post(event.get_absolute_url(), form_data(party_size="3"))
    registration = Registration.objects.get()
    token = registration.management_token
    response = client.post(reverse("events:registration_change", args=[token]), {"party_size": "1"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.party_size == 1
    confirm = client.get(reverse("events:registration_cancel", args=[token]))
    assert "Ja, annuleer mijn aanmelding" in confirm.text
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED  # a GET changes nothing
    client.post(reverse("events:registration_cancel", args=[token]))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert client.get(f"/aanmelding/{token}/qr.png").status_code == 404


def test_delete_my_data(client, event):
    client.post(event.get_absolute_url(), form_data(needs="Rolstoel"))
    token = Registration.objects.get().management_token
    response = client.post(reverse("events:registration_erase", args=[token]))
    assert response.status_code == 302
    assert client.get(f"/aanmelding/{token}/").status_code == 404
    registration = Registration.objects.get()
    assert registration.needs == "" and registration.name == ""


def test_english_page_and_english_email(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"
    page = client.get(event.get_absolute_url())
    assert "Sign me up" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(event.get_absolute_url(), form_data())
    assert Registration.objects.get().language == "en"
    assert mailoutbox[0].subject == f"You are registered for {event.title}"
