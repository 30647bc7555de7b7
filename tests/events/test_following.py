"""The follow pages and the emails, as a visitor and a mail app meet them."""

import email
import email.policy
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Event, Follower, Registration, Series
from tests.test_input_limits import email_of_length

URL = re.compile(r"https://zorgzaam\.example\S+")
FORM = "application/x-www-form-urlencoded"
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def series(organisation):
    return Series.objects.create(
        organisation=organisation, title="Bezoeken zorgzame buurten", slug="bezoeken"
    )


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """Run the email tasks queued for after the commit, as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _links(message) -> list[str]:
    return URL.findall(message.body)


def _path(url: str) -> str:
    return url.removeprefix("https://zorgzaam.example")


def _ask(client, capture, url, email="ans@example.org", **data):
    with capture():
        return client.post(url, {"email": email, **data})


def _confirmed(client, capture, url, email="ans@example.org") -> Follower:
    _ask(client, capture, url, email)
    follower = Follower.objects.get(email=email)
    client.post(f"/volgen/{follower.token}/")
    mail.outbox.clear()
    follower.refresh_from_db()
    return follower


def _publish(capture, event) -> None:
    with capture():
        services.event_publish(event=event)


# The whole way, as a visitor walks it


def test_follow_confirm_hear_of_a_new_meeting_and_stop_with_one_click(
    client, organisation, make_event, mailoutbox, capture
):
    page = client.get(organisation.get_absolute_url())
    assert 'action="/organisaties/buurtnetwerk/volgen/"' in page.text
    answer = _ask(client, capture, "/organisaties/buurtnetwerk/volgen/")
    assert answer.status_code == 200
    assert "events/follower_check_email.html" in [t.name for t in answer.templates]

    (confirmation,) = mailoutbox
    follower = Follower.objects.get()
    assert _links(confirmation) == [follower.confirm_url, follower.unsubscribe_url]

    # A meeting published before the link is used is news to nobody: double opt-in.
    _publish(capture, make_event(status=Event.Status.DRAFT, title="Eerste avond"))
    assert len(mailoutbox) == 1

    confirm_path = _path(follower.confirm_url)
    assert client.get(confirm_path).status_code == 200
    assert Follower.objects.get().confirmed_at is None  # a GET (a mail scanner) confirms nothing
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 200 and "Je volgt Buurtnetwerk Ergens" in confirmed.text
    assert Follower.objects.get().confirmed_at is not None

    _publish(capture, make_event(status=Event.Status.DRAFT, title="Tweede avond"))
    news = mailoutbox[1]
    assert len(mailoutbox) == 2
    assert "Tweede avond" in news.subject and "Eerste avond" not in news.body
    assert news.to == ["ans@example.org"]
    assert follower.unsubscribe_url in _links(news)

    mail_app = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token
    stopped = mail_app.post(
        _path(follower.unsubscribe_url), "List-Unsubscribe=One-Click", content_type=FORM
    )
    assert stopped.status_code == 200
    assert not Follower.objects.exists()

    _publish(capture, make_event(status=Event.Status.DRAFT, title="Derde avond"))
    assert len(mailoutbox) == 2


def _mailbox(folder) -> list:
    """The messages Django's file email backend wrote, oldest first."""
    messages = []
    for file in sorted(folder.iterdir(), key=lambda f: f.stat().st_mtime_ns):
        for raw in file.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                messages.append(email.message_from_bytes(raw, policy=email.policy.default))
    return messages


def test_the_whole_way_with_the_file_email_backend(
    settings, tmp_path, client, organisation, make_event, capture
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    _ask(client, capture, "/organisaties/buurtnetwerk/volgen/")
    (confirmation,) = _mailbox(tmp_path)
    confirm_url, _stop = URL.findall(confirmation.get_content())
    client.post(_path(confirm_url))

    _publish(capture, make_event(status=Event.Status.DRAFT, title="Nieuwe avond"))
    news = _mailbox(tmp_path)[-1]
    assert len(_mailbox(tmp_path)) == 2 and "Nieuwe avond" in news["Subject"]
    header = "".join(str(news["List-Unsubscribe"]).split()).strip("<>")  # unfolded
    assert header in news.get_content()
    mail_app = Client(enforce_csrf_checks=True)
    one_click = mail_app.post(_path(header), "List-Unsubscribe=One-Click", content_type=FORM)
    assert one_click.status_code == 200 and not Follower.objects.exists()

    _publish(capture, make_event(status=Event.Status.DRAFT, title="Nog een avond"))
    assert len(_mailbox(tmp_path)) == 2


def test_a_series_is_followed_from_its_page(client, series, mailoutbox, capture):
    page = client.get(series.get_absolute_url())
    assert 'action="/reeksen/bezoeken/volgen/"' in page.text
    assert 'href="/privacy/#following"' in page.text  # what following keeps, and how long
    _ask(client, capture, "/reeksen/bezoeken/volgen/")
    follower = Follower.objects.get()
    assert follower.series == series and follower.organisation == series.organisation
    assert "Bezoeken zorgzame buurten" in mailoutbox[0].subject


def test_every_follower_email_carries_the_one_click_unsubscribe_headers(
    client, organisation, make_event, mailoutbox, capture
):
    follower = _confirmed(client, capture, "/organisaties/buurtnetwerk/volgen/")
    _publish(capture, make_event(status=Event.Status.DRAFT))
    (news,) = mailoutbox
    Follower.objects.filter(pk=follower.pk).update(confirmed_at=None, confirmation_sent_at=None)
    _ask(client, capture, "/organisaties/buurtnetwerk/volgen/")
    confirmation = mailoutbox[1]
    for message in (confirmation, news):
        headers = message.message()
        assert headers["List-Unsubscribe"] == (
            f"<https://zorgzaam.example/volgen/{follower.token}/afmelden/>"
        )
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert follower.unsubscribe_url in message.body


def test_the_answer_never_tells_whether_an_address_follows(
    client, organisation, mailoutbox, capture
):
    _confirmed(client, capture, "/organisaties/buurtnetwerk/volgen/", "ans@example.org")
    known = _ask(client, capture, "/organisaties/buurtnetwerk/volgen/", "ans@example.org")
    unknown = _ask(client, capture, "/organisaties/buurtnetwerk/volgen/", "bert@example.org")
    assert known.status_code == unknown.status_code == 200

    def page(response):
        return CSRF_VALUE.sub("", response.text)

    assert page(known) == page(unknown)
    assert [m.to for m in mailoutbox] == [["bert@example.org"]]


# The confirm and stop links


def test_the_confirm_page_asks_first_and_its_form_is_protected(client, organisation, capture):
    _ask(client, capture, "/organisaties/buurtnetwerk/volgen/")
    follower = Follower.objects.get()
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/volgen/{follower.token}/")
    assert 'method="post"' in page.text and "csrfmiddlewaretoken" in page.text
    assert page["Cache-Control"].startswith("max-age=0")
    assert browser.post(f"/volgen/{follower.token}/").status_code == 403  # no token
    token = browser.cookies["csrftoken"].value
    browser.post(f"/volgen/{follower.token}/", {"csrfmiddlewaretoken": token})
    follower.refresh_from_db()
    assert follower.confirmed_at is not None


def test_the_stop_page_asks_first_and_a_person_can_stop_too(client, organisation, capture):
    follower = _confirmed(client, capture, "/organisaties/buurtnetwerk/volgen/")
    url = f"/volgen/{follower.token}/afmelden/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="List-Unsubscribe"' in page.text
    assert client.head(url).status_code == 200
    assert Follower.objects.exists()  # GET and HEAD (scanners, previews) delete nothing
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Je volgt Buurtnetwerk Ergens niet meer" in done.text
    assert not Follower.objects.exists()


@pytest.mark.parametrize("suffix", ["", "afmelden/"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_or_used_link_is_a_clear_404(client, db, suffix, method):
    response = getattr(client, method)(f"/volgen/{'x' * 43}/{suffix}")
    assert response.status_code == 404
    assert "Deze link werkt niet meer" in response.text
    assert client.get("/volgen/kort/").status_code == 404  # not even a token


def test_stopping_twice_is_a_404_not_an_error(client, organisation, capture):
    follower = _confirmed(client, capture, "/organisaties/buurtnetwerk/volgen/")
    url = f"/volgen/{follower.token}/afmelden/"
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 404
    assert client.post(f"/volgen/{follower.token}/").status_code == 404


def test_an_expired_request_says_so(client, organisation, capture):
    _ask(client, capture, "/organisaties/buurtnetwerk/volgen/")
    follower = Follower.objects.get()
    Follower.objects.update(created_at=timezone.now() - timedelta(days=8))
    for response in (
        client.get(f"/volgen/{follower.token}/"),
        client.post(f"/volgen/{follower.token}/"),
    ):
        assert response.status_code == 404 and "binnen 7 dagen" in response.text
    assert Follower.objects.get().confirmed_at is None


# The form refuses what it should, never with a server error


def test_the_form_page_of_its_own(client, organisation, series):
    assert client.get("/organisaties/buurtnetwerk/volgen/").status_code == 200
    assert client.get("/reeksen/bezoeken/volgen/").status_code == 200
    assert client.get("/organisaties/bestaat-niet/volgen/").status_code == 404
    assert client.post("/reeksen/bestaat-niet/volgen/", {"email": "a@b.nl"}).status_code == 404


def test_a_filled_in_honeypot_stores_and_sends_nothing(client, organisation, mailoutbox, capture):
    response = _ask(client, capture, "/organisaties/buurtnetwerk/volgen/", homepage="spam.example")
    assert response.status_code == 400
    assert not Follower.objects.exists() and mailoutbox == []


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": ""},
        {"email": "geen-adres"},
        {"email": email_of_length(255)},
        {"email": "x" * 5000},
        {"email": "ans@example.org\x00"},
    ],
)
def test_wrong_input_is_a_400_with_a_message(client, organisation, mailoutbox, capture, data):
    with capture():
        response = client.post("/organisaties/buurtnetwerk/volgen/", data)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text or "400.html" in [
        t.name for t in response.templates
    ]
    assert not Follower.objects.exists() and mailoutbox == []


def test_the_limit_per_address_counts_the_organisation_and_series_forms_together(
    settings, client, series, mailoutbox, capture
):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_SIGNUP_PER_EMAIL = "2/h"
    assert _ask(client, capture, "/organisaties/buurtnetwerk/volgen/").status_code == 200
    assert _ask(client, capture, "/reeksen/bezoeken/volgen/").status_code == 200
    assert _ask(client, capture, "/reeksen/bezoeken/volgen/").status_code == 429
    assert _ask(client, capture, "/reeksen/bezoeken/volgen/", "bert@example.org").status_code == 200


# The sign-up form's tick


def test_the_sign_up_tick_asks_to_follow_the_organisation_with_the_same_double_opt_in(
    client, event, mailoutbox, capture
):
    client.cookies["django_language"] = "en"
    page = client.get(event.get_absolute_url())
    assert "Tell me about new meetings of Buurtnetwerk Ergens" in page.text
    with capture():
        client.post(
            event.get_absolute_url(),
            {"name": "Ans", "email": "ans@example.org", "newsletter_opt_in": "on"},
        )
    registration = Registration.objects.get()
    assert registration.newsletter_opt_in and registration.newsletter_opt_in_at
    follower = Follower.objects.get()
    assert follower.organisation == event.organisation and follower.series is None
    assert follower.confirmed_at is None and follower.language == "en"
    assert sorted(len(_links(m)) > 0 for m in mailoutbox) == [True, True]
    (confirmation,) = [m for m in mailoutbox if follower.confirm_url in m.body]
    assert confirmation.to == ["ans@example.org"]


def test_without_the_tick_nobody_follows(client, event, mailoutbox, capture):
    with capture():
        client.post(event.get_absolute_url(), {"name": "Ans", "email": "ans@example.org"})
    assert Registration.objects.get().newsletter_opt_in is False
    assert not Follower.objects.exists() and len(mailoutbox) == 1


def test_signing_up_again_with_someone_elses_address_asks_nothing_for_them(
    client, event, mailoutbox, capture, registration
):
    with capture():
        client.post(
            event.get_absolute_url(),
            {"name": "Bea", "email": registration.email, "newsletter_opt_in": "on"},
        )
    assert not Follower.objects.exists()
