"""The report of a meeting: writing it, freezing outcomes, agreements, publishing, emails."""

from datetime import date, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events import services
from events.models import (
    LiveQuestion,
    OutgoingEmail,
    Registration,
    Report,
    ReportAgreement,
    ReportOptOut,
)
from events.services import ReportError
from initiatives.models import Initiative
from organisations.models import Role
from zorgzaam.personal_data import personal_data_purge

ME, YOU, THEM = "a" * 64, "b" * 64, "c" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _commit_at_once(monkeypatch):
    """Emails are queued on commit; in these tests every write counts as committed."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def held(make_event):
    """A meeting that began an hour ago and is still going on."""
    now = timezone.now().replace(microsecond=0)
    return make_event(
        capacity=10, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )


@pytest.fixture
def team(make_user, make_member, held):
    user = make_user("schrijver", email="schrijver@example.org")
    make_member(user, held.organisation, Role.ORGANISER)
    return user


@pytest.fixture
def manager(client, team):
    client.force_login(team)
    return client


def _url(event):
    return reverse("events:report_manage", kwargs={"slug": event.slug})


def _public(event):
    return reverse("events:report", kwargs={"slug": event.slug})


def _sign_up(event, name, email, **fields):
    return services.registration_create(event=event, name=name, email=email, **fields).registration


def _closed_poll(event):
    round_ = services.live_round_create(
        event=event, kind="one_choice", title="Welk vraagstuk eerst?", options=["Wonen", "Zorg"]
    )
    services.live_round_open(round=round_)
    wonen, zorg = round_.options.values_list("pk", flat=True)
    services.live_vote(round=round_, participant=ME, choices={wonen: 1})
    services.live_vote(round=round_, participant=YOU, choices={wonen: 1})
    services.live_vote(round=round_, participant=THEM, choices={zorg: 1})
    return services.live_round_close(round=round_)


def _published(event, **fields):
    report = services.report_for(event=event)
    services.report_update(
        report=report, summary=fields.get("summary", "Goed gesprek."), video_url=""
    )
    services.report_publish(report=report)
    return report


def _png(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x0131] = "Secret Software"
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


# The public page


def test_the_report_is_404_until_it_is_published(client, held):
    report = services.report_for(event=held)
    services.report_update(report=report, summary="Nog niet klaar.", video_url="")
    assert client.get(_public(held)).status_code == 404
    services.report_publish(report=report)
    response = client.get(_public(held))
    assert response.status_code == 200
    assert "Nog niet klaar." in response.content.decode()
    services.report_unpublish(report=report)
    assert client.get(_public(held)).status_code == 404


def test_the_report_of_a_draft_meeting_stays_hidden(client, held):
    report = _published(held)
    held.status = held.Status.DRAFT
    held.save()
    assert client.get(_public(held)).status_code == 404
    assert report.is_published


def test_the_summary_is_escaped_with_paragraphs_and_links(client, held):
    _published(
        held,
        summary="<script>alert(1)</script> Eerste alinea.\n\nMeer op https://example.org/verslag "
        'en <a href="javascript:alert(2)">klik</a>',
    )
    html = client.get(_public(held)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://example.org/verslag" rel="nofollow">' in html
    assert 'href="javascript:' not in html
    assert html.count("<p>") >= 2


def test_a_youtube_video_loads_only_on_request(client, held):
    report = services.report_for(event=held)
    services.report_update(
        report=report, summary="", video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )
    services.report_publish(report=report)
    html = client.get(_public(held)).content.decode()
    assert "<iframe" not in html
    assert 'data-video-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html


def test_another_video_host_is_a_plain_link(client, held):
    report = services.report_for(event=held)
    services.report_update(report=report, summary="", video_url="https://video.example.org/v/9")
    services.report_publish(report=report)
    html = client.get(_public(held)).content.decode()
    assert 'href="https://video.example.org/v/9"' in html
    assert "data-video-src" not in html


def test_the_event_series_and_organisation_pages_link_the_report(client, held, make_event):
    from events.models import Series

    series = Series.objects.create(organisation=held.organisation, slug="tour", title="Tour")
    held.series = series
    held.ends_at = timezone.now() - timedelta(minutes=5)
    held.save()
    link = f'href="{_public(held)}"'
    assert link not in client.get(held.get_absolute_url()).content.decode()
    _published(held)
    assert link in client.get(held.get_absolute_url()).content.decode()
    assert link in client.get(series.get_absolute_url()).content.decode()
    assert link in client.get(held.organisation.get_absolute_url()).content.decode()


# The organisers' page


def test_door_volunteers_and_strangers_cannot_write_the_report(
    client, make_user, make_member, held
):
    door = make_user("deur")
    make_member(door, held.organisation, Role.DOOR)
    client.force_login(door)
    assert client.get(_url(held)).status_code == 403
    client.logout()
    assert client.get(_url(held)).status_code in (302, 403)


def test_organisers_write_and_publish_the_report(manager, held, mailoutbox):
    _sign_up(held, "Ans", "ans@example.org")
    response = manager.post(
        _url(held),
        {"action": "text", "summary": "We spraken over wonen.", "video_url": ""},
    )
    assert response.status_code == 302
    manager.cookies["django_language"] = "en"
    mailoutbox.clear()
    response = manager.post(_url(held), {"action": "publish"}, follow=True)
    assert "The report is online. 1 attendee gets an email about it." in response.content.decode()
    assert Report.objects.get(event=held).is_published
    assert [m.to for m in mailoutbox] == [["ans@example.org"]]


def test_a_javascript_video_link_is_refused(manager, held):
    response = manager.post(
        _url(held), {"action": "text", "summary": "Tekst", "video_url": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    assert Report.objects.get(event=held).summary == ""


def test_a_summary_that_is_too_long_is_refused_and_the_old_one_kept(manager, held):
    report = services.report_for(event=held)
    services.report_update(report=report, summary="Oud verslag.", video_url="")
    response = manager.post(
        _url(held), {"action": "text", "summary": "x" * (Report.SUMMARY_MAX + 1), "video_url": ""}
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.summary == "Oud verslag."


def test_publishing_before_the_meeting_begins_is_refused(manager, make_event, team):
    later = make_event()  # in two weeks, same organisation
    response = manager.post(_url(later), {"action": "publish"})
    assert response.status_code == 400
    assert not Report.objects.get(event=later).is_published


def test_an_empty_report_cannot_be_published(held):
    with pytest.raises(ReportError) as error:
        services.report_publish(report=services.report_for(event=held))
    assert error.value.code == "empty_report"


def test_unknown_actions_and_items_are_400(manager, held):
    assert manager.post(_url(held), {"action": "explode"}).status_code == 400
    assert manager.post(_url(held), {"action": "photo_delete", "photo": "99"}).status_code == 400
    assert manager.post(_url(held), {"action": "freeze", "round": "x" * 50}).status_code == 400
    assert manager.post(_url(held), {"action": "agreement_update"}).status_code == 400


# Photos


def test_a_photo_is_re_encoded_without_metadata_and_needs_alt_text(manager, held):
    upload = SimpleUploadedFile("IMG_0001.jpg", _png(), content_type="image/jpeg")
    response = manager.post(_url(held), {"action": "photo", "image": upload, "alt_text": ""})
    assert response.status_code == 400
    assert not services.report_for(event=held).photos.exists()

    upload = SimpleUploadedFile("IMG_0001.jpg", _png(), content_type="image/jpeg")
    response = manager.post(
        _url(held), {"action": "photo", "image": upload, "alt_text": "Bewoners aan tafel"}
    )
    assert response.status_code == 302
    photo = services.report_for(event=held).photos.get()
    assert "IMG_0001" not in photo.image.name
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
    assert photo.alt_text == "Bewoners aan tafel"


def test_a_file_that_is_not_an_image_is_refused_and_earlier_photos_stay(manager, held):
    good = SimpleUploadedFile("a.jpg", _png(), content_type="image/jpeg")
    manager.post(_url(held), {"action": "photo", "image": good, "alt_text": "Zaal"})
    bad = SimpleUploadedFile("b.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = manager.post(_url(held), {"action": "photo", "image": bad, "alt_text": "Kwaad"})
    assert response.status_code == 400
    assert "PNG, JPEG, WebP" in response.content.decode()
    assert list(services.report_for(event=held).photos.values_list("alt_text", flat=True)) == [
        "Zaal"
    ]


def test_photos_are_limited_per_report(held, monkeypatch):
    from django.core.files.base import ContentFile

    from events.services import report as report_service

    monkeypatch.setattr(report_service, "PHOTOS_MAX", 1)
    report = services.report_for(event=held)
    services.report_photo_add(report=report, image=ContentFile(_png(), "a.jpg"), alt_text="Een")
    with pytest.raises(ReportError) as error:
        services.report_photo_add(
            report=report, image=ContentFile(_png(), "b.jpg"), alt_text="Twee"
        )
    assert error.value.code == "too_many_photos"


# Outcomes


def test_poll_results_are_frozen_when_added(held):
    poll = _closed_poll(held)
    report = services.report_for(event=held)
    outcome = services.report_outcome_freeze(report=report, round=poll)
    assert outcome.participants == 3
    assert [(r["label"], r["total"]) for r in outcome.results] == [("Wonen", 2), ("Zorg", 1)]
    # Votes after the report was made do not change what it says.
    services.live_round_open(round=poll)
    zorg = poll.options.get(label="Zorg").pk
    services.live_vote(round=poll, participant=ME, choices={zorg: 1})
    services.live_round_close(round=poll)
    outcome.refresh_from_db()
    assert [(r["label"], r["total"]) for r in outcome.results] == [("Wonen", 2), ("Zorg", 1)]
    # Adding it again takes the new figures, in the same place.
    again = services.report_outcome_freeze(report=report, round=poll)
    assert again.pk == outcome.pk
    assert [(r["label"], r["total"]) for r in again.results] == [("Wonen", 1), ("Zorg", 2)]


def test_an_open_round_cannot_be_frozen(held):
    round_ = services.live_round_create(
        event=held, kind="one_choice", title="P", options=["A", "B"]
    )
    services.live_round_open(round=round_)
    with pytest.raises(ReportError) as error:
        services.report_outcome_freeze(report=services.report_for(event=held), round=round_)
    assert error.value.code == "round_not_closed"


def test_the_chosen_questions_go_into_the_report_without_first_names(client, manager, held):
    wall = services.live_round_create(event=held, kind="questions", title="Vragen", moderated=True)
    services.live_round_open(round=wall)
    asked = [
        services.live_question_ask(
            round=wall, participant=p, text=f"Vraag {n}", first_name="Fatima"
        )
        for n, p in enumerate([ME, YOU, THEM])
    ]
    for question in asked[:2]:
        services.live_question_moderate(question=question, action="approve")
    services.live_upvote(question=asked[1], participant=ME)
    services.live_round_close(round=wall)
    # The waiting question cannot be chosen, even when sent.
    response = manager.post(
        _url(held),
        {"action": "freeze", "round": wall.pk, "chosen": [q.pk for q in asked]},
    )
    assert response.status_code == 302
    outcome = services.report_for(event=held).outcomes.get()
    assert [(r["label"], r["total"]) for r in outcome.results] == [("Vraag 1", 1), ("Vraag 0", 0)]
    _published(held)
    html = client.get(_public(held)).content.decode()
    assert "Vraag 1" in html and "Vraag 2" not in html
    assert "Fatima" not in html


# Agreements


@pytest.fixture
def initiative(db):
    return Initiative.objects.create(
        name="Zorgcoöperatie Hoogeloon", slug="zorgcooperatie-hoogeloon"
    )


def test_an_agreement_with_an_initiative_shows_on_its_catalogue_page(
    client, manager, held, initiative
):
    response = manager.post(
        _url(held),
        {
            "action": "agreement",
            "new-what": "Een voorzorgcirkel starten in de wijk",
            "new-who": "",
            "new-initiative": initiative.pk,
            "new-due_on": "2027-03-01",
        },
    )
    assert response.status_code == 302
    page = initiative.get_absolute_url()
    assert "Een voorzorgcirkel starten" not in client.get(page).content.decode()
    _published(held)
    html = client.get(page).content.decode()
    assert "Een voorzorgcirkel starten" in html
    assert f'href="{_public(held)}"' in html
    assert "Een voorzorgcirkel starten" in client.get(_public(held)).content.decode()


def test_an_agreement_needs_what_and_who(manager, held):
    response = manager.post(
        _url(held), {"action": "agreement", "new-what": "Iets doen", "new-who": ""}
    )
    assert response.status_code == 400
    response = manager.post(
        _url(held), {"action": "agreement", "new-what": "x" * 301, "new-who": "Team"}
    )
    assert response.status_code == 400
    assert not ReportAgreement.objects.exists()


def test_marking_an_agreement_done_shows_on_the_report(client, manager, held):
    report = _published(held)
    agreement = services.agreement_create(report=report, what="Flyer maken", who="Wijkteam")
    response = manager.post(
        _url(held),
        {
            "action": "agreement_update",
            "agreement": agreement.pk,
            f"a{agreement.pk}-what": "Flyer maken",
            f"a{agreement.pk}-who": "Wijkteam",
            f"a{agreement.pk}-state": "done",
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == "done"
    client.cookies["django_language"] = "en"
    assert (
        '<span class="badge agreement-state text-bg-success">done</span>'
        in client.get(_public(held)).content.decode()
    )


def test_agreements_past_their_date_ask_the_organisers_once(held, team, mailoutbox):
    report = _published(held)
    mailoutbox.clear()
    yesterday = timezone.localdate() - timedelta(days=1)
    due = services.agreement_create(report=report, what="Buurtapp", who="Ali", due_on=yesterday)
    services.agreement_create(report=report, what="Later", who="Bea", due_on=date(2099, 1, 1))
    done = services.agreement_create(report=report, what="Klaar", who="Cor", due_on=yesterday)
    services.agreement_update(
        agreement=done, what="Klaar", who="Cor", initiative=None, due_on=yesterday, state="done"
    )
    call_command("send_reminders", stdout=StringIO())
    assert len(mailoutbox) == 1
    assert mailoutbox[0].bcc == ["schrijver@example.org"]
    assert "Buurtapp" in mailoutbox[0].body
    services.agreements_follow_up_due()
    assert len(mailoutbox) == 1
    # Moved to a new date: asked again once that has passed.
    services.agreement_update(
        agreement=due,
        what="Buurtapp",
        who="Ali",
        initiative=None,
        due_on=yesterday - timedelta(days=1),
        state="moved",
    )
    assert services.agreements_follow_up_due() == 1
    assert len(mailoutbox) == 2


# Publishing emails the attendees


def test_publishing_emails_who_had_a_place_once_in_their_language(held, mailoutbox):
    held.capacity = 2
    held.save()
    _sign_up(held, "Ans", "ans@example.org", language="en")
    bea = _sign_up(held, "Bea", "bea@example.org")
    _sign_up(held, "Cor", "cor@example.org")  # waiting list
    dirk = _sign_up(held, "Dirk", "dirk@example.org")  # waiting, then cancelled
    services.registration_cancel(registration=dirk)
    Registration.objects.filter(pk=bea.pk).update(checked_in_at=timezone.now())
    report = services.report_for(event=held)
    services.report_update(report=report, summary="Verslag", video_url="")
    services.agreement_create(report=report, what="Nieuwe bijeenkomst plannen", who="Team")
    mailoutbox.clear()
    assert services.report_publish(report=report) == 2
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"ans@example.org", "bea@example.org"}
    assert by_address["ans@example.org"].subject.startswith("Report:")
    assert by_address["bea@example.org"].subject.startswith("Verslag:")
    body = by_address["bea@example.org"].body
    assert report.absolute_url in body
    assert "Nieuwe bijeenkomst plannen" in body
    assert by_address["bea@example.org"].extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    # Publishing again (after taking it offline) emails nobody a second time.
    services.report_unpublish(report=report)
    assert services.report_publish(report=report) == 0
    assert len(mailoutbox) == 2
    assert OutgoingEmail.objects.filter(kind="report").count() == 2


def test_one_click_stops_reports_of_that_organisation(client, held, make_event, mailoutbox):
    _sign_up(held, "Ans", "Ans@Example.org")
    mailoutbox.clear()
    _published(held)
    unsubscribe = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    assert "ans" not in unsubscribe.lower().split("/afmelden/")[1]
    # The mail app's one click: a POST without cookie or CSRF token.
    response = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ReportOptOut.objects.count() == 1
    assert "ans@example.org" not in str(ReportOptOut.objects.values_list()).lower()
    # The organisation's next meeting: no report email to that address, in any case.
    now = timezone.now()
    later = make_event(
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=1),
        registration_closes_at=now + timedelta(hours=1),
    )
    _sign_up(later, "Ans", "ans@example.org")
    mailoutbox.clear()
    _published(later)
    assert mailoutbox == []
    assert not OutgoingEmail.objects.filter(kind="report", registration__event=later).exists()


def test_a_forged_opt_out_link_is_404(client, db):
    assert client.get("/verslagen/afmelden/bm90LWEtdG9rZW4:abc/").status_code == 404
    assert client.post("/verslagen/afmelden/" + "x" * 300 + "/").status_code == 404


# Retention


def test_the_purge_keeps_outcomes_and_agreements_and_drops_first_names(client, make_ended_event):
    ended = make_ended_event(days=40)
    came = _sign_up(ended, "Ans", "ans@example.org")
    Registration.objects.filter(pk=came.pk).update(checked_in_at=ended.starts_at)
    wall = services.live_round_create(event=ended, kind="questions", title="Vragen")
    services.live_round_open(round=wall)
    question = services.live_question_ask(round=wall, participant=ME, text="Hoe?", first_name="Ali")
    services.live_round_close(round=wall)
    report = services.report_for(event=ended)
    services.report_outcome_freeze(report=report, round=wall, chosen=[question.pk])
    services.agreement_create(report=report, what="Samen verder", who="Buurtteam")
    counts = personal_data_purge(days=30)
    assert counts["live_first_names"] == 1
    assert LiveQuestion.objects.get().first_name == ""
    assert report.outcomes.get().results == [{"label": "Hoe?", "total": 0}]
    assert report.agreements.get().what == "Samen verder"
    assert Registration.objects.get().email != "ans@example.org"
    # The count of who came survives on the public report; the name does not.
    services.report_publish(report=report)
    client.cookies["django_language"] = "en"
    html = client.get(_public(ended)).content.decode()
    assert "1 person was there" in html
    assert "Hoe?" in html and "Ans" not in html


def test_a_follow_up_the_mail_server_refused_is_asked_again_on_the_next_run(
    held, team, settings, mailoutbox
):
    report = _published(held)
    yesterday = timezone.localdate() - timedelta(days=1)
    agreement = services.agreement_create(
        report=report, what="Buurtapp", who="Ali", due_on=yesterday
    )
    settings.EMAIL_BACKEND = "tests.events.test_email.BrokenBackend"
    assert services.agreements_follow_up_due() == 1
    agreement.refresh_from_db()
    assert agreement.follow_up_sent_at is None  # not sent: free to be claimed again
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mailoutbox.clear()
    assert services.agreements_follow_up_due() == 1
    assert [m.bcc for m in mailoutbox] == [["schrijver@example.org"]]
    agreement.refresh_from_db()
    assert agreement.follow_up_sent_at is not None
    assert services.agreements_follow_up_due() == 0
