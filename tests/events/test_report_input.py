"""Hostile input to a meeting's report: the organisers' page, the public page, the opt-out link.

Whatever is sent, the answer is a 4xx with a message the organiser can act on, never a
5xx, and nothing already in the report (summary, video, photos, outcomes, agreements) is
lost. Run on SQLite and on PostgreSQL: only PostgreSQL refuses a value longer than its
column, NUL in text, or an integer beyond its range.
"""

import re
from datetime import date, timedelta
from io import BytesIO
from urllib.parse import quote

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events import services
from events.models import Event, Report, ReportAgreement, ReportOptOut, ReportPhoto
from events.services import report as report_service
from events.services.report import ALT_MAX, WHAT_MAX, WHO_MAX
from initiatives.models import Initiative
from organisations.models import Role
from tests.test_images import encoded, picture, png_with_dimensions
from zorgzaam.images import MAX_UPLOAD_BYTES

HOSTILE = "<img src=x onerror=alert(1)>"
HUGE = "9" * 40
TOO_BIG_FOR_BIGINT = str(2**63)
BAD_IDS = ["", " ", "-1", "0", "1.5", "1e3", "abc", HUGE, TOO_BIG_FOR_BIGINT, "²", "١", "0x1f"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def held(make_event):
    now = timezone.now().replace(microsecond=0)
    return make_event(
        capacity=10, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )


@pytest.fixture
def manager(client, make_user, make_member, held):
    user = make_user("schrijver", email="schrijver@example.org")
    make_member(user, held.organisation, Role.ORGANISER)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def initiative(db):
    return Initiative.objects.create(name="Buurtkracht", slug="buurtkracht")


def _jpeg(size=(64, 48)) -> bytes:
    return encoded(picture(size), "JPEG")


def _closed_poll(event, title="Welk vraagstuk eerst?", options=("Wonen", "Zorg")):
    round_ = services.live_round_create(
        event=event, kind="one_choice", title=title, options=list(options)
    )
    services.live_round_open(round=round_)
    first = round_.options.values_list("pk", flat=True)[0]
    services.live_vote(round=round_, participant="a" * 64, choices={first: 1})
    return services.live_round_close(round=round_)


@pytest.fixture
def stored(held, initiative):
    """A report with one of everything, as the organisers wrote it before the attack."""
    report = services.report_for(event=held)
    services.report_update(
        report=report, summary="Oud verslag.", video_url="https://vimeo.com/123456"
    )
    photo = services.report_photo_add(
        report=report, image=ContentFile(_jpeg(), "a.jpg"), alt_text="De zaal"
    )
    poll = _closed_poll(held)
    outcome = services.report_outcome_freeze(report=report, round=poll)
    agreement = services.agreement_create(
        report=report,
        what="Flyer maken",
        who="Wijkteam",
        initiative=initiative,
        due_on=date(2027, 3, 1),
    )
    return {
        "report": report,
        "photo": photo,
        "outcome": outcome,
        "agreement": agreement,
        "poll": poll,
    }


def _state(report: Report) -> dict:
    report = Report.objects.get(pk=report.pk)
    return {
        "report": (report.summary, report.video_url, report.published_at),
        "photos": list(report.photos.values_list("pk", "alt_text", "image")),
        "outcomes": list(report.outcomes.values_list("pk", "title", "results")),
        "agreements": list(
            report.agreements.values_list("pk", "what", "who", "initiative", "due_on", "state")
        ),
    }


@pytest.fixture
def kept(stored):
    """Call after the hostile posts: everything stored before is still there, unchanged."""
    before = _state(stored["report"])

    def check():
        assert _state(stored["report"]) == before
        for photo in ReportPhoto.objects.all():
            assert photo.image.storage.exists(photo.image.name)

    return check


def _url(event):
    return reverse("events:report_manage", kwargs={"slug": event.slug})


def _public(event):
    return reverse("events:report", kwargs={"slug": event.slug})


def _refused(response, message: str | None = None):
    """A 400 with the page and the reason on it (a form error or a message)."""
    assert response.status_code == 400, response.status_code
    html = response.content.decode()
    if message is not None:
        assert message in html, message
    else:
        assert 'role="alert"' in html or "alert-danger" in html


def _field_errors(response, form_name: str) -> dict:
    return response.context[form_name].errors.as_data()


def _text(**fields):
    return {"action": "text", "summary": "Nieuw verslag.", "video_url": "", **fields}


def _agreement(**fields):
    data = {"new-what": "Buurtapp", "new-who": "Ali", "new-initiative": "", "new-due_on": ""}
    data.update({f"new-{key}": value for key, value in fields.items()})
    return {"action": "agreement", **data}


def _agreement_update(agreement, **fields):
    prefix = f"a{agreement.pk}"
    data = {
        "what": agreement.what,
        "who": agreement.who,
        "initiative": agreement.initiative_id or "",
        "due_on": agreement.due_on.isoformat() if agreement.due_on else "",
        "state": agreement.state,
        **fields,
    }
    return {
        "action": "agreement_update",
        "agreement": agreement.pk,
        **{f"{prefix}-{key}": value for key, value in data.items()},
    }


def _photo(content: bytes, name="foto.jpg", content_type="image/jpeg", alt_text="Bewoners"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return {"action": "photo", "image": upload, "alt_text": alt_text}


# Text that is too long, for every field, refused on both databases


@pytest.mark.parametrize(
    ("data", "form_name", "field"),
    [
        (_text(summary="x" * (Report.SUMMARY_MAX + 1)), "text_form", "summary"),
        (_text(video_url="https://example.org/" + "a" * 481), "text_form", "video_url"),
        (_text(video_url="example.org/" + "a" * 482), "text_form", "video_url"),  # + https://
        (_agreement(what="x" * (WHAT_MAX + 1)), "agreement_form", "what"),
        (_agreement(who="x" * (WHO_MAX + 1)), "agreement_form", "who"),
    ],
    ids=["summary", "video_url", "video_url-with-scheme-added", "what", "who"],
)
def test_one_over_each_limit_is_refused_and_nothing_is_lost(
    manager, held, kept, data, form_name, field
):
    response = manager.post(_url(held), data)
    _refused(response)
    assert [e.code for e in _field_errors(response, form_name)[field]] == ["max_length"]
    kept()


def test_each_limit_itself_is_stored_whole(manager, held, stored):
    url = "https://example.org/" + "a" * 480
    response = manager.post(_url(held), _text(summary="x" * Report.SUMMARY_MAX, video_url=url))
    assert response.status_code == 302
    report = Report.objects.get(event=held)
    assert (len(report.summary), report.video_url) == (Report.SUMMARY_MAX, url)
    response = manager.post(_url(held), _agreement(what="w" * WHAT_MAX, who="v" * WHO_MAX))
    assert response.status_code == 302
    assert report.agreements.filter(what="w" * WHAT_MAX, who="v" * WHO_MAX).exists()
    response = manager.post(_url(held), _photo(_jpeg(), alt_text="z" * ALT_MAX))
    assert response.status_code == 302
    assert report.photos.filter(alt_text="z" * ALT_MAX).exists()


def test_a_summary_at_the_limit_with_line_breaks_as_browsers_send_them_is_stored(
    manager, held, stored
):
    """The browser's maxlength counts a line break once and sends it as CRLF."""
    typed = ("x" * 19 + "\n") * 999 + "x" * 20
    assert len(typed) == Report.SUMMARY_MAX
    response = manager.post(_url(held), _text(summary=typed.replace("\n", "\r\n")))
    assert response.status_code == 302
    assert Report.objects.get(event=held).summary == typed


@pytest.mark.parametrize("field", ["what", "who"])
def test_an_agreement_update_over_the_limit_is_refused_and_the_agreement_kept(
    manager, held, stored, kept, field
):
    agreement = stored["agreement"]
    limit = {"what": WHAT_MAX, "who": WHO_MAX}[field]
    response = manager.post(_url(held), _agreement_update(agreement, **{field: "x" * (limit + 1)}))
    _refused(response)
    form = response.context["agreements"][0].form
    assert [e.code for e in form.errors.as_data()[field]] == ["max_length"]
    kept()


def test_an_alt_text_over_the_limit_is_refused(manager, held, kept):
    response = manager.post(_url(held), _photo(_jpeg(), alt_text="x" * (ALT_MAX + 1)))
    _refused(response)
    assert [e.code for e in _field_errors(response, "photo_form")["alt_text"]] == ["max_length"]
    assert ReportPhoto.objects.count() == 1
    kept()


# Wrong types: lists, missing fields, an empty post


def test_an_empty_post_is_an_unknown_action(manager, held, kept):
    _refused(manager.post(_url(held), {}), "Unknown action.")
    _refused(manager.post(_url(held), b"", content_type="application/x-www-form-urlencoded"))
    _refused(manager.post(_url(held), {"action": ""}), "Unknown action.")
    _refused(manager.post(_url(held), {"action": "TEXT"}), "Unknown action.")
    _refused(manager.post(_url(held), {"action": "text\x00"}), "Unknown action.")
    kept()


def test_a_json_body_is_refused(manager, held, kept):
    response = manager.post(
        _url(held), '{"action": "text", "summary": ""}', content_type="application/json"
    )
    _refused(response, "Unknown action.")
    kept()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "text"},
        {"action": "text", "video_url": ""},
        {"action": "text", "summary": ""},  # the video link left out
    ],
    ids=["nothing", "no-summary", "no-video"],
)
def test_a_text_post_that_leaves_a_field_out_does_not_wipe_it(manager, held, kept, data):
    response = manager.post(_url(held), data)
    _refused(response)
    errors = _field_errors(response, "text_form")
    for field in {"summary", "video_url"} - set(data):
        assert [e.code for e in errors[field]] == ["required"]
    kept()


def test_a_file_where_the_summary_goes_does_not_wipe_it(manager, held, kept):
    upload = SimpleUploadedFile("summary.txt", b"Nieuw verslag", content_type="text/plain")
    _refused(manager.post(_url(held), {"action": "text", "summary": upload, "video_url": ""}))
    kept()


def test_an_agreement_update_that_leaves_fields_out_keeps_them(manager, held, stored):
    agreement = stored["agreement"]
    # The date, the initiative and who left out: only the state changes.
    response = manager.post(
        _url(held),
        {
            "action": "agreement_update",
            "agreement": agreement.pk,
            f"a{agreement.pk}-what": agreement.what,
            f"a{agreement.pk}-state": "done",
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.who, agreement.initiative_id, agreement.due_on, agreement.state) == (
        "Wijkteam",
        stored["agreement"].initiative_id,
        date(2027, 3, 1),
        "done",
    )


@pytest.mark.parametrize("missing", ["what", "state"])
def test_an_agreement_update_without_a_required_field_is_refused(
    manager, held, stored, kept, missing
):
    data = _agreement_update(stored["agreement"])
    del data[f"a{stored['agreement'].pk}-{missing}"]
    _refused(manager.post(_url(held), data))
    kept()


def test_repeated_fields_use_the_last_value_and_a_long_last_one_is_refused(manager, held, kept):
    response = manager.post(
        _url(held),
        {"action": "text", "summary": ["Kort.", "x" * (Report.SUMMARY_MAX + 1)], "video_url": ""},
    )
    _refused(response)
    response = manager.post(_url(held), {"action": ["photo_delete", "explode"]})
    _refused(response, "Unknown action.")
    kept()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "photo_delete"},
        {"action": "outcome_delete"},
        {"action": "freeze"},
        {"action": "agreement_update"},
        {"action": "agreement_delete"},
        {"action": "agreement"},
        {"action": "photo"},
    ],
    ids=lambda data: data["action"],
)
def test_every_action_without_its_fields_is_refused(manager, held, kept, data):
    _refused(manager.post(_url(held), data))
    kept()


# NUL and bytes that are no UTF-8, in the raw body. Sent by a script: percent-encoded, or
# the bytes themselves. A text field takes bad bytes as the text Django reads them as
# (U+FFFD, or Latin-1 for a raw body); NUL is refused everywhere.
NOT_UTF8 = [b"%ED%A0%80", b"%FF%FE", b"%C0%AF", b"\xed\xa0\x80", b"\xff\xfe", b"\xc0\xaf"]
TEXT_FIELDS = ("summary", "alt_text", "new-what", "new-who")


def _every_field(stored, wall) -> dict[str, dict[str, bytes]]:
    """Every action with a valid value for each of its fields."""
    agreement = stored["agreement"]
    prefix = f"a{agreement.pk}"
    question = str(wall.questions.get().pk).encode()
    return {
        "text": {"summary": b"Nieuw", "video_url": b""},
        "photo": {"alt_text": b"Zaal"},
        "photo_delete": {"photo": str(stored["photo"].pk).encode()},
        "freeze": {"round": str(wall.pk).encode(), "chosen": question},
        "outcome_delete": {"outcome": str(stored["outcome"].pk).encode()},
        "agreement": {"new-what": b"Iets", "new-who": b"Ali", "new-due_on": b""},
        "agreement_update": {
            "agreement": str(agreement.pk).encode(),
            f"{prefix}-what": b"Iets",
            f"{prefix}-who": b"Ali",
            f"{prefix}-state": b"open",
        },
        "agreement_delete": {"agreement": str(agreement.pk).encode()},
    }


def _with_one_bad(stored, wall, value: bytes):
    """(action, field, pairs) with `value` in that one field and valid values in the rest."""
    for action, fields in _every_field(stored, wall).items():
        for field in fields:
            pairs = [
                (name.encode(), value if name == field else good) for name, good in fields.items()
            ]
            yield action, field, [(b"action", action.encode()), *pairs]


def _urlencoded(pairs: list[tuple[bytes, bytes]]) -> bytes:
    return b"&".join(key + b"=" + value for key, value in pairs)


def _multipart(pairs: list[tuple[bytes, bytes]], boundary=b"grens") -> bytes:
    body = b""
    for key, value in pairs:
        body += b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + key
        body += b'"\r\n\r\n' + value + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


@pytest.fixture
def wall(held):
    """A closed question wall with one question, so a freeze would succeed."""
    wall = services.live_round_create(event=held, kind="questions", title="Vragen")
    services.live_round_open(round=wall)
    services.live_question_ask(round=wall, participant="b" * 64, text="Hoe verder?")
    return services.live_round_close(round=wall)


def _post_raw(client, event, pairs, encoding: str):
    if encoding == "multipart":
        body, content_type = _multipart(pairs), "multipart/form-data; boundary=grens"
    else:
        body, content_type = _urlencoded(pairs), "application/x-www-form-urlencoded"
    return client.generic("POST", _url(event), body, content_type=content_type)


@pytest.mark.parametrize(
    ("encoding", "value"),
    [("urlencoded", b"%00"), ("urlencoded", b"\x00"), ("multipart", b"\x00")],
)
def test_nul_is_refused_in_every_field_of_every_action(
    manager, held, stored, kept, wall, encoding, value
):
    for action, field, pairs in _with_one_bad(stored, wall, value):
        response = _post_raw(manager, held, pairs, encoding)
        assert response.status_code == 400, (action, field)
    assert not Report.objects.get(event=held).outcomes.filter(round=wall).exists()
    kept()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
@pytest.mark.parametrize("value", NOT_UTF8)
def test_bytes_that_are_no_utf8_never_fail_and_only_text_takes_them(
    manager, held, stored, wall, encoding, value
):
    for action, field, pairs in _with_one_bad(stored, wall, value):
        response = _post_raw(manager, held, pairs, encoding)
        where = (action, field, value, encoding)
        if field.replace(f"a{stored['agreement'].pk}-", "new-") in TEXT_FIELDS:
            assert response.status_code in (302, 400), where  # 400: the photo itself is missing
        else:
            assert response.status_code == 400, where
    report = Report.objects.get(event=held)
    # Read as U+FFFD, as Latin-1 (Django's fallback for a raw body) or literally: text, but
    # never a NUL or lone surrogate that PostgreSQL or its driver would refuse.
    assert report.summary != "Oud verslag."
    assert not re.search("[\x00\ud800-\udfff]", report.summary)
    assert report.photos.count() == 1 and not report.outcomes.filter(round=wall).exists()


def test_nul_in_a_multipart_text_field_is_a_form_error(manager, held, kept):
    pairs = [(b"action", b"text"), (b"summary", b"Nieuw\x00"), (b"video_url", b"")]
    response = manager.generic(
        "POST", _url(held), _multipart(pairs), content_type="multipart/form-data; boundary=grens"
    )
    _refused(response)
    assert [e.code for e in _field_errors(response, "text_form")["summary"]] == [
        "null_characters_not_allowed"
    ]
    kept()


def test_a_body_in_another_charset_is_refused(manager, held, kept):
    body = "action=text&summary=Zorgcoöperatie&video_url=".encode("utf-16")
    response = manager.generic(
        "POST", _url(held), body, content_type="application/x-www-form-urlencoded; charset=utf-16"
    )
    assert response.status_code == 400
    kept()


# Ids that are no ids, or ids of something else


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize(
    ("action", "field"),
    [
        ("photo_delete", "photo"),
        ("outcome_delete", "outcome"),
        ("freeze", "round"),
        ("agreement_update", "agreement"),
        ("agreement_delete", "agreement"),
    ],
)
def test_ids_that_are_no_ids_are_refused(manager, held, kept, action, field, value):
    response = manager.post(_url(held), {"action": action, field: value})
    _refused(response, "That is not part of this report (any more).")
    kept()


@pytest.mark.parametrize("value", BAD_IDS)
def test_chosen_items_that_are_no_ids_are_ignored(manager, held, stored, kept, wall, value):
    response = manager.post(_url(held), {"action": "freeze", "round": wall.pk, "chosen": value})
    _refused(response, "Choose at least one question or answer to add.")
    kept()


def test_an_id_in_other_digits_is_not_read_as_that_number(manager, held, stored, kept):
    """str.isdigit() takes "١٢" and int() reads it as 12: it must not delete photo 12."""
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    for action, field, pk in (
        ("photo_delete", "photo", stored["photo"].pk),
        ("outcome_delete", "outcome", stored["outcome"].pk),
        ("agreement_delete", "agreement", stored["agreement"].pk),
    ):
        response = manager.post(_url(held), {"action": action, field: str(pk).translate(arabic)})
        _refused(response, "That is not part of this report (any more).")
    kept()


def test_more_than_20_chosen_is_refused_and_a_flood_of_fields_is_400(manager, held, kept, wall):
    services.live_round_open(round=wall)
    questions = [
        services.live_question_ask(round=wall, participant=f"{n:064d}", text=f"Vraag {n}").pk
        for n in range(21)
    ]
    services.live_round_close(round=wall)
    response = manager.post(_url(held), {"action": "freeze", "round": wall.pk, "chosen": questions})
    _refused(response, "Choose 20 at most.")
    chosen = [str(n) for n in range(2000)]
    response = manager.post(_url(held), {"action": "freeze", "round": wall.pk, "chosen": chosen})
    assert response.status_code == 400
    kept()


def test_a_body_over_the_upload_limit_is_400(manager, held, kept, settings):
    response = manager.post(
        _url(held), _text(summary="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    )
    assert response.status_code == 400
    kept()


def test_positions_stop_at_the_column_limit_and_keep_the_order(manager, held, stored):
    """Adding and removing photos or agreements raises the next position each time."""
    ReportPhoto.objects.filter(pk=stored["photo"].pk).update(position=32767)
    ReportAgreement.objects.filter(pk=stored["agreement"].pk).update(position=32767)
    assert manager.post(_url(held), _photo(_jpeg(), alt_text="Daarna")).status_code == 302
    assert manager.post(_url(held), _agreement(what="Daarna")).status_code == 302
    report = stored["report"]
    assert list(report.photos.values_list("alt_text", flat=True)) == ["De zaal", "Daarna"]
    assert list(report.agreements.values_list("what", flat=True)) == ["Flyer maken", "Daarna"]


@pytest.fixture
def other(make_event, make_organisation):
    """Another organisation's meeting, with a report, a closed poll, a photo and an agreement."""
    now = timezone.now()
    event = make_event(
        slug="elders",
        organisation=make_organisation("Elders", slug="elders"),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    report = services.report_for(event=event)
    poll = _closed_poll(event, title="Elders gestemd")
    return {
        "event": event,
        "report": report,
        "poll": poll,
        "outcome": services.report_outcome_freeze(report=report, round=poll),
        "photo": services.report_photo_add(
            report=report, image=ContentFile(_jpeg(), "b.jpg"), alt_text="Elders"
        ),
        "agreement": services.agreement_create(report=report, what="Elders", who="Zij"),
    }


def test_another_meetings_items_are_not_part_of_this_report(manager, held, kept, other):
    before = _state(other["report"])
    for data in (
        {"action": "freeze", "round": other["poll"].pk},
        {"action": "photo_delete", "photo": other["photo"].pk},
        {"action": "outcome_delete", "outcome": other["outcome"].pk},
        {"action": "agreement_delete", "agreement": other["agreement"].pk},
        _agreement_update(other["agreement"], what="Overgenomen"),
    ):
        _refused(manager.post(_url(held), data), "That is not part of this report (any more).")
    assert _state(other["report"]) == before
    assert not Report.objects.get(event=held).outcomes.filter(round=other["poll"]).exists()
    kept()


def test_a_chosen_question_of_another_round_is_not_taken(manager, held, kept, other):
    elsewhere = services.live_round_create(event=other["event"], kind="questions", title="Elders")
    services.live_round_open(round=elsewhere)
    foreign = services.live_question_ask(round=elsewhere, participant="c" * 64, text="Geheim?")
    services.live_round_close(round=elsewhere)
    wall = services.live_round_create(event=held, kind="questions", title="Vragen")
    services.live_round_open(round=wall)
    services.live_round_close(round=wall)
    response = manager.post(
        _url(held), {"action": "freeze", "round": wall.pk, "chosen": foreign.pk}
    )
    _refused(response, "Choose at least one question or answer to add.")
    kept()


def test_an_organiser_of_another_meeting_cannot_reach_this_one(
    client, make_user, make_member, other, held, kept
):
    user = make_user("elders", email="elders@example.org")
    make_member(user, other["event"].organisation, Role.ORGANISER)
    client.force_login(user)
    response = client.post(_url(held), _text(summary="Overgenomen"))
    assert response.status_code in (403, 404)
    kept()


@pytest.mark.parametrize(
    "value",
    ["999999", "-1", "abc", HUGE, TOO_BIG_FOR_BIGINT, "1.0", "²", "unpublished", "synthetic"],
)
def test_an_initiative_that_does_not_exist_or_is_not_public_is_refused(
    manager, held, stored, kept, value
):
    if value == "unpublished":
        value = Initiative.objects.create(
            name="Verborgen", slug="verborgen", publication=Initiative.Publication.PENDING
        ).pk
    elif value == "synthetic":
        value = Initiative.objects.create(name="Nep", slug="nep", is_synthetic=True).pk
    response = manager.post(_url(held), _agreement(who="", initiative=value))
    _refused(response)
    assert "initiative" in _field_errors(response, "agreement_form")
    response = manager.post(_url(held), _agreement_update(stored["agreement"], initiative=value))
    _refused(response)
    kept()


def test_an_initiative_unpublished_since_it_was_chosen_stays_on_the_agreement(
    manager, held, stored
):
    initiative = Initiative.objects.get(pk=stored["agreement"].initiative_id)
    initiative.publication = Initiative.Publication.PENDING
    initiative.save()
    response = manager.post(_url(held), _agreement_update(stored["agreement"], state="done"))
    assert response.status_code == 302
    stored["agreement"].refresh_from_db()
    assert stored["agreement"].initiative_id == initiative.pk


# Dates


@pytest.mark.parametrize(
    "value",
    [
        "99999-12-31",
        "0000-00-00",
        "2027-02-30",
        "2027-13-01",
        "2027-1-1x",
        "-2027-01-01",
        "1e5",
        "31-02-2027",
        "x" * 1000,
    ],
)
def test_a_date_that_is_no_date_is_refused(manager, held, stored, kept, value):
    response = manager.post(_url(held), _agreement(due_on=value))
    _refused(response)
    assert [e.code for e in _field_errors(response, "agreement_form")["due_on"]] == ["invalid"]
    _refused(manager.post(_url(held), _agreement_update(stored["agreement"], due_on=value)))
    kept()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_the_first_and_last_possible_dates_are_stored_and_shown(
    client, manager, held, stored, value
):
    assert manager.post(_url(held), _agreement(due_on=value)).status_code == 302
    assert manager.get(_url(held)).status_code == 200
    services.report_publish(report=stored["report"])
    assert client.get(_public(held)).status_code == 200
    services.agreements_follow_up_due()
    asked = ReportAgreement.objects.get(what="Buurtapp").follow_up_sent_at is not None
    assert asked == (value == "0001-01-01")


# Video links


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)//https://",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "ftp://example.org/video.mp4",
        "ftps://example.org/video.mp4",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "https://exa mple.org/video",
        "https://",
        "https://[::1",
        "http://user:pass@",
    ],
)
def test_a_video_link_that_is_no_web_address_is_refused(manager, held, kept, value):
    response = manager.post(_url(held), _text(video_url=value))
    _refused(response)
    assert "video_url" in _field_errors(response, "text_form")
    kept()


@pytest.mark.parametrize(
    "value",
    [
        "https://bücher.example/über uns".replace(" ", "%20"),
        "https://xn--bcher-kva.example/video",
        "https://例え.テスト/動画",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=<script>",
        "https://youtu.be/" + "a" * 11 + "?t=<b>",
        "https://www.youtube.com/embed/",
        "https://vimeo.com/" + "9" * 30,
    ],
)
def test_an_unusual_but_valid_video_link_is_stored_and_shown_safely(
    client, manager, held, stored, value
):
    assert manager.post(_url(held), _text(video_url=value)).status_code == 302
    services.report_publish(report=stored["report"])
    response = client.get(_public(held))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<b>" not in html
    assert "<iframe" not in html


# Hostile files


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def _zip() -> bytes:
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("foto.jpg", _jpeg())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "content_type", "code"),
    [
        (SVG, "foto.jpg", "image/jpeg", "not_an_image"),
        (SVG, "foto.svg", "image/svg+xml", "not_an_image"),
        (b"<html><script>alert(1)</script></html>", "foto.jpg", "image/jpeg", "not_an_image"),
        (b"<html><body>hoi</body></html>", "index.html", "text/html", "not_an_image"),
        (None, "foto.zip", "application/zip", "not_an_image"),
        (png_with_dimensions(5000, 5000), "bom.png", "image/png", "too_many_pixels"),
        (png_with_dimensions(30000, 30000), "bom.png", "image/png", "too_many_pixels"),
        (png_with_dimensions(0, 0), "leeg.png", "image/png", None),
        (b"\xff\xd8\xff" + b"0" * MAX_UPLOAD_BYTES, "groot.jpg", "image/jpeg", "too_big"),
        (b"", "leeg.jpg", "image/jpeg", "empty"),
        (None, "half.jpg", "image/jpeg", "damaged"),
        (encoded(picture((32, 32)), "TIFF"), "foto.tif", "image/tiff", "not_an_image"),
        (encoded(picture((32, 32)), "BMP"), "foto.jpg", "image/jpeg", "not_an_image"),
    ],
    ids=[
        "svg-as-jpg",
        "svg",
        "html-as-jpg",
        "html",
        "zip",
        "bomb",
        "pillow-bomb",
        "zero-size",
        "over-5-mb",
        "empty",
        "truncated-jpeg",
        "tiff",
        "bmp-as-jpg",
    ],
)
def test_a_hostile_file_is_refused_and_the_photos_stay(
    manager, held, kept, content, name, content_type, code
):
    if name == "foto.zip":
        content = _zip()
    elif name == "half.jpg":
        whole = encoded(picture((800, 600)), "JPEG", quality=95)
        content = whole[: len(whole) // 2]
    response = manager.post(_url(held), _photo(content, name=name, content_type=content_type))
    _refused(response)
    codes = [e.code for e in _field_errors(response, "photo_form")["image"]]
    assert codes and (code is None or codes == [code]), codes
    kept()


def test_a_second_upload_field_is_ignored_and_the_image_field_takes_one_file(manager, held, stored):
    svg = SimpleUploadedFile("x.jpg", SVG, content_type="image/jpeg")
    good = SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg")
    response = manager.post(
        _url(held), {"action": "photo", "image": good, "other": svg, "alt_text": "Zaal"}
    )
    assert response.status_code == 302
    # Two files in the one field: the last one counts, and an SVG is refused.
    first = SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg")
    svg = SimpleUploadedFile("x.jpg", SVG, content_type="image/jpeg")
    response = manager.post(_url(held), {"action": "photo", "image": [first, svg], "alt_text": "Z"})
    _refused(response)
    assert stored["report"].photos.count() == 2
    for photo in stored["report"].photos.all():
        with Image.open(photo.image.path) as image:
            assert image.format == "JPEG"


def test_an_image_sent_as_text_is_required(manager, held, kept):
    response = manager.post(_url(held), {"action": "photo", "image": "foto.jpg", "alt_text": "Z"})
    _refused(response)
    assert [e.code for e in _field_errors(response, "photo_form")["image"]] == ["required"]
    kept()


def test_a_good_photo_with_a_hostile_name_gets_a_random_one(client, manager, held, stored):
    name = '"><img src=x onerror=alert(1)>.jpg'
    response = manager.post(_url(held), _photo(_jpeg(), name=name, alt_text=HOSTILE))
    assert response.status_code == 302
    photo = stored["report"].photos.last()
    assert "onerror" not in photo.image.name and photo.alt_text == HOSTILE
    services.report_publish(report=stored["report"])
    html = client.get(_public(held)).content.decode()
    assert HOSTILE not in html
    assert 'alt="&lt;img src=x onerror=alert(1)&gt;"' in html


# Publishing and freezing when the state does not allow it


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED])
def test_publishing_the_report_of_a_draft_or_cancelled_meeting_is_refused(
    manager, held, stored, kept, status
):
    Event.objects.filter(pk=held.pk).update(status=status)
    response = manager.post(_url(held), {"action": "publish"})
    _refused(response, "Only the report of a published meeting can go online.")
    kept()


@pytest.mark.parametrize("state", ["draft", "open"])
def test_freezing_a_round_that_is_not_closed_is_refused(manager, held, kept, state):
    round_ = services.live_round_create(
        event=held, kind="one_choice", title="P", options=["A", "B"]
    )
    if state == "open":
        services.live_round_open(round=round_)
    response = manager.post(_url(held), {"action": "freeze", "round": round_.pk})
    _refused(response, "Close the round first; then its results can be added.")
    kept()


def test_a_state_that_does_not_exist_is_refused(manager, held, stored, kept):
    for state in ("gone", "", "DONE", ["open", "nope"]):
        _refused(manager.post(_url(held), _agreement_update(stored["agreement"], state=state)))
    kept()


def test_a_get_or_other_method_on_the_public_page_never_changes_anything(
    client, held, stored, kept
):
    services.report_publish(report=stored["report"])
    before = _state(stored["report"])
    assert client.post(_public(held), {"action": "unpublish"}).status_code == 405
    assert client.put(_public(held)).status_code == 405
    assert client.get(_public(held), {"page": HUGE, "x": "\x00"}).status_code == 400
    assert client.get(_public(held), {"page": HUGE}).status_code == 200
    assert client.get("/evenementen/" + "x" * 500 + "/verslag/").status_code == 404
    assert client.get("/evenementen/%00/verslag/").status_code in (400, 404)
    assert _state(stored["report"]) == before


def test_a_photo_whose_file_is_gone_does_not_break_the_public_page(client, held, stored):
    services.report_publish(report=stored["report"])
    photo = stored["photo"]
    assert photo.width > 0 and photo.height > 0  # kept with the photo, read once
    photo.image.storage.delete(photo.image.name)
    html = client.get(_public(held)).content.decode()
    assert f'width="{photo.width}" height="{photo.height}"' in html


def test_strangers_cannot_post_to_the_organisers_page(client, held, kept):
    response = client.post(_url(held), {"action": "unpublish"})
    assert response.status_code in (302, 403)
    kept()


# What participants typed is escaped on the public page


def test_participants_text_in_outcomes_and_agreements_is_escaped(client, manager, held, stored):
    wall = services.live_round_create(event=held, kind="questions", title=HOSTILE)
    services.live_round_open(round=wall)
    question = services.live_question_ask(round=wall, participant="d" * 64, text=HOSTILE)
    services.live_round_close(round=wall)
    poll = _closed_poll(held, title="Stemming " + HOSTILE, options=[HOSTILE, "<b>vet</b>"])
    open_round = services.live_round_create(event=held, kind="open", title="Open")
    services.live_round_open(round=open_round)
    answer = services.live_answer(round=open_round, participant="e" * 64, text=HOSTILE + " &amp;")
    services.live_round_close(round=open_round)
    for data in (
        {"action": "freeze", "round": wall.pk, "chosen": question.pk},
        {"action": "freeze", "round": poll.pk},
        {"action": "freeze", "round": open_round.pk, "chosen": answer.pk},
        _agreement(what=HOSTILE, who='"><script>alert(2)</script>'),
        _agreement_update(stored["agreement"], who=HOSTILE),
    ):
        assert manager.post(_url(held), data).status_code == 302, data
    services.report_update(
        report=stored["report"],
        summary=HOSTILE + '\n\nhttps://example.org/"onmouseover=x',
        video_url="",
    )
    services.report_publish(report=stored["report"])
    for response in (client.get(_public(held)), manager.get(_url(held))):
        assert response.status_code == 200
        html = response.content.decode()
        assert "<img src=x" not in html
        assert "<script>alert(2)" not in html
        assert "<b>vet</b>" not in html
        assert '"onmouseover' not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&amp;amp;" in html  # escaped once, as typed


# The opt-out link


def _opt_out(token: str) -> str:
    return f"/verslagen/afmelden/{token}/"


@pytest.fixture
def genuine(held):
    registration = services.registration_create(
        event=held, name="Ans", email="ans@example.org"
    ).registration
    return report_service.opt_out_url(registration).removeprefix("https://zorgzaam.example")


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "x" * 5000,
        "bm90LWEtdG9rZW4:abc",
        ".eJyLVjJUMlTSUVBKTEoqTc_PUQIAKVoFEw:1tAbcd:forged",
        quote("token met spaties"),
        quote("é☃\U0001f600"),
        quote("<script>alert(1)</script>"),
        "%2e%2e",
        quote("a:b:c:d:e"),
        quote("\"'"),
    ],
)
def test_a_forged_odd_or_long_opt_out_token_is_404(client, genuine, token):
    for method in (client.get, client.post, client.head):
        assert method(_opt_out(token)).status_code == 404, (token, method)
    assert not ReportOptOut.objects.exists()


def test_an_opt_out_token_with_nul_is_refused(client, genuine):
    assert client.get(_opt_out("%00")).status_code == 400
    assert client.post(_opt_out(genuine.split("/")[-2] + "%00")).status_code == 400
    assert not ReportOptOut.objects.exists()


def test_a_changed_genuine_token_is_404(client, genuine):
    token = genuine.split("/")[-2]
    for changed in (token[:-1], token + "x", token.upper(), token[1:], token.replace(":", "::")):
        assert client.post(_opt_out(changed)).status_code == 404, changed
    assert not ReportOptOut.objects.exists()


def test_the_genuine_token_with_any_body_works_once(client, genuine):
    for data in ({"List-Unsubscribe": "\x00" * 300}, {"x": ["1", "2"]}, {}):
        response = client.post(genuine, data)
        assert response.status_code == 200, data
    assert (
        client.generic("POST", genuine, b"\xff\xfe", content_type="text/plain").status_code == 200
    )
    assert ReportOptOut.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        [10**30, "a" * 64],
        [-1, "a" * 64],
        [1],
        [1, "a" * 64, "extra"],
        {"a": 1},
        "text",
        None,
        [1.5, "a" * 64],
        ["1", "a" * 64],
        [1, 5],
        [True, "a" * 64],
    ],
    ids=repr,
)
def test_a_token_signed_by_us_with_a_payload_we_never_make_is_404(client, held, payload):
    """Only we can sign, but an old format or a slip elsewhere must not become a 500."""
    token = signing.dumps(payload, salt="events.report.opt_out", compress=True)
    assert client.post(_opt_out(token)).status_code == 404
    assert not ReportOptOut.objects.exists()


@pytest.mark.parametrize("email_hash", ["\x00" * 64, "\ud800", "x" * 300, "", "A" * 64, "a" * 65])
def test_a_token_signed_by_us_with_an_address_hash_we_never_make_is_404(client, held, email_hash):
    token = signing.dumps(
        [held.organisation_id, email_hash], salt="events.report.opt_out", compress=True
    )
    assert client.post(_opt_out(token)).status_code == 404
    assert not ReportOptOut.objects.exists()
