"""Every public form refuses a value longer than the column it is stored in.

SQLite stores a 300-character string in a 254-character column without a word; PostgreSQL
refuses it with a DataError, which used to be a server error. So each form field is walked
with a value one over its limit (the model column's, or the form's own where the column has
none), expecting a clear refusal and nothing stored, on both databases.
"""

import io
from dataclasses import dataclass, field
from html import escape

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django import forms
from django.contrib.auth.models import User
from django.core import mail
from django.db.models import Model
from django.utils.text import slugify as slugify_title

from events import services as event_services
from events.models import Follower, Registration, Series
from initiatives import services as initiative_services
from initiatives.models import (
    BottleneckReport,
    CorrectionReport,
    Initiative,
    InitiativeType,
    Municipality,
    ReportItem,
)
from initiatives.views import report_token
from organisations.models import Role

PASSWORD = "een-lang-wachtwoord"


def email_of_length(length: int) -> str:
    """A valid address of exactly `length` characters (domain labels under 64)."""
    rest, labels = length - len("ans@") - len(".nl"), []
    while rest > 60:
        labels.append("b" * 59 + ".")
        rest -= 60
    labels.append("b" * rest)
    return "ans@" + "".join(labels) + ".nl"


def web_address_of_length(length: int) -> tuple[str, str]:
    """What a visitor types (no scheme) and what it becomes once https:// is added."""
    typed = "www.example.org/" + "a" * (length - len("https://www.example.org/"))
    return typed, "https://" + typed


def value_of_length(form_field: forms.Field, length: int) -> str:
    if isinstance(form_field, forms.EmailField):
        return email_of_length(length)
    if isinstance(form_field, forms.URLField):
        return web_address_of_length(length)[0]
    return "1" * length  # digits: also what a postcode field takes


@dataclass
class PublicForm:
    """A public page with a form: where it is, what it stores, what a valid post is."""

    name: str
    page: str  # the page that shows the form (GET)
    context_name: str  # the form's name in the page's template context
    model: type[Model] | None  # the model the form's text is stored in (None: not stored)
    valid: dict
    action: str = ""  # where the form posts to, when that is not the page itself
    columns: dict = field(default_factory=dict)  # form field -> (model, field) where names differ
    stored: tuple = ()  # models that must not change on a refused post
    refused_status: int = 400
    accepted_status: int = 302  # the answer to a valid post

    @property
    def url(self) -> str:
        return self.action or self.page

    def column_limit(self, name: str) -> int | None:
        model, column = self.columns.get(name, (self.model, name))
        if model is None:
            return None
        try:
            return model._meta.get_field(column).max_length
        except Exception:  # noqa: BLE001 - a form field that is not a column
            return None

    def limit(self, name: str, form_field: forms.Field) -> int | None:
        limits = [
            n for n in (self.column_limit(name), getattr(form_field, "max_length", None)) if n
        ]
        return min(limits) if limits else None


@pytest.fixture
def public_forms(db, event):
    User.objects.create_user("ans", email="ans@example.org", password=PASSWORD)
    registration = event_services.registration_create(
        event=event, name="Bea", email="bea@example.org"
    ).registration
    initiative = Initiative.objects.create(
        name="Buurtkracht",
        slug=initiative_services.unique_slug("Buurtkracht"),
        initiative_type=InitiativeType.objects.get(slug="bewonersinitiatief"),
        municipality=Municipality.objects.get(code="GM0363"),
        publication=Initiative.Publication.PUBLISHED,
    )
    initiative_services.initiative_index(initiative=initiative)
    series = Series.objects.create(
        organisation=event.organisation, title="Bezoeken aan buurten", slug="bezoeken"
    )
    categories = ReportItem.Category.values
    everything = (
        Registration,
        Initiative,
        CorrectionReport,
        BottleneckReport,
        ReportItem,
        User,
        Follower,
    )
    axes = (AccessAttempt, AccessFailureLog)
    return [
        PublicForm(
            "sign-up",
            event.get_absolute_url(),
            "form",
            Registration,
            {"name": "Ans", "email": "ans@example.org"},
            stored=everything,
        ),
        PublicForm(
            "registration change",
            f"{registration.get_absolute_url()}wijzigen/",
            "form",
            Registration,
            {"party_size": "1"},
            stored=everything,
        ),
        PublicForm(
            "initiative submission",
            "/initiatieven/aanmelden/",
            "form",
            Initiative,
            {
                "name": "Buurthulp Proefdorp",
                "initiative_type": str(InitiativeType.objects.get(slug="zorgcooperatie").pk),
                "municipality": str(Municipality.objects.get(code="GM0118").pk),
                "submitter_name": "Anna",
                "submitter_email": "anna@example.org",
            },
            stored=everything,
        ),
        PublicForm(
            "correction report",
            initiative.get_absolute_url(),
            "correction_form",
            CorrectionReport,
            {"message": "Het adres is veranderd."},
            action=f"{initiative.get_absolute_url()}wijziging/",
            stored=everything,
        ),
        PublicForm(
            "knelpunten by link",
            f"/initiatieven/knelpunten/melden/{report_token(initiative)}/",
            "form",
            ReportItem,
            {f"severity_{category}": "klein" for category in categories},
            # The lines of needs and successes are stored one per row, shortened by the service.
            columns={
                **{f"description_{c}": (ReportItem, "description") for c in categories},
                "needs": (None, ""),
                "successes": (None, ""),
            },
            stored=everything,
        ),
        # Following answers with the page to check one's email, not a redirect.
        PublicForm(
            "follow organisation",
            f"/organisaties/{event.organisation.slug}/volgen/",
            "follow_form",
            Follower,
            {"email": "ans@example.org"},
            stored=everything,
            accepted_status=200,
        ),
        PublicForm(
            "follow series",
            f"/reeksen/{series.slug}/volgen/",
            "follow_form",
            Follower,
            {"email": "ans@example.org"},
            stored=everything,
            accepted_status=200,
        ),
        # Django's auth views answer an invalid form with 200 and the errors on the page.
        PublicForm(
            "login",
            "/accounts/login/",
            "form",
            User,
            {"username": "ans", "password": PASSWORD},
            columns={"password": (None, "")},  # checked, never stored as typed
            stored=everything + axes,
            refused_status=200,
        ),
        PublicForm(
            "password reset",
            "/accounts/password_reset/",
            "form",
            User,
            {"email": "ans@example.org"},
            stored=everything + axes,
            refused_status=200,
        ),
    ]


def _counts(models) -> dict:
    return {model.__name__: model.objects.count() for model in models}


def _text_fields(client, public_form):
    """The form the page really shows, and its text fields with their limits."""
    page = client.get(public_form.page)
    assert page.status_code == 200, public_form.name
    form = page.context[public_form.context_name]
    for name, form_field in form.fields.items():
        if isinstance(form_field, forms.CharField) and not form_field.widget.is_hidden:
            limit = public_form.limit(name, form_field)
            if limit:
                yield name, form_field, limit


def test_every_public_form_is_walked(client, public_forms):
    """The walk below reaches every text field a visitor can fill in."""
    walked = {
        public_form.name: {name for name, *_ in _text_fields(client, public_form)}
        for public_form in public_forms
    }
    assert walked["sign-up"] >= {"name", "email", "phone", "organisation", "topic", "needs"}
    assert walked["initiative submission"] >= {"website", "contact_email", "submitter_email"}
    assert walked["correction report"] == {"message", "reporter_name", "reporter_email"}
    assert walked["follow organisation"] == walked["follow series"] == {"email"}
    assert walked["login"] == {"username"}
    assert walked["password reset"] == {"email"}


def test_valid_posts_are_accepted(client, public_forms):
    """The walk's starting point is a post that works, so a refusal below is the length's."""
    for public_form in public_forms:
        response = client.post(public_form.url, public_form.valid)
        expected = public_form.accepted_status
        assert response.status_code == expected, (public_form.name, response.status_code)
        client.logout()


def test_one_over_each_limit_is_refused_and_nothing_is_stored(client, public_forms):
    mail.outbox.clear()
    walked = 0
    for public_form in public_forms:
        for name, form_field, limit in _text_fields(client, public_form):
            before = _counts(public_form.stored)
            data = {**public_form.valid, name: value_of_length(form_field, limit + 1)}
            response = client.post(public_form.url, data)
            where = (public_form.name, name, limit + 1)
            assert response.status_code == public_form.refused_status, (*where, response)
            form = response.context[public_form.context_name]
            codes = [error.code for error in form.errors.as_data().get(name, [])]
            assert "max_length" in codes, (*where, form.errors)
            for message in form.errors[name]:
                assert escape(message) in response.text, where
            assert _counts(public_form.stored) == before, where
            walked += 1
    assert walked >= 20
    assert not mail.outbox


def test_each_limit_itself_is_accepted_and_stored_whole(client, public_forms):
    """Limits are not stricter than the columns: a value of exactly the limit fits."""
    for public_form in public_forms:
        if public_form.refused_status != 400:
            continue  # the auth forms store nothing a visitor types
        data = dict(public_form.valid)
        for name, form_field, limit in _text_fields(client, public_form):
            if name == "postcode_area":
                data[name] = "1234"
            elif name.startswith("description_") or name in ("needs", "successes"):
                data[name] = "k" * limit
            else:
                data[name] = value_of_length(form_field, limit)
        response = client.post(public_form.url, data)
        expected = public_form.accepted_status
        assert response.status_code == expected, (public_form.name, response.status_code)
    registration = Registration.objects.get(email=email_of_length(254))
    assert len(registration.name) == 200
    submitted = Initiative.objects.get(submitter_email=email_of_length(254))
    assert submitted.website == web_address_of_length(200)[1]
    assert len(submitted.contact_email) == 254
    assert CorrectionReport.objects.get(reporter_email=email_of_length(254))
    assert Follower.objects.filter(email=email_of_length(254)).count() == 2  # both follows


@pytest.mark.parametrize("length", [151, 256, 300])
@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_login_refuses_a_username_longer_than_the_user_model_allows(client, db, path, length):
    """django-axes records a failed login in a 255-character column: refuse before that."""
    response = client.post(path, {"username": "u" * length, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["username"][0].code == "max_length"
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()


def test_login_with_a_long_but_possible_username_still_counts_failures(client, db):
    response = client.post("/accounts/login/", {"username": "u" * 150, "password": "x"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "u" * 150


def test_website_is_measured_after_the_scheme_is_added(client, public_forms):
    """193 typed characters become 201 once https:// is put in front: one too many."""
    submission = next(f for f in public_forms if f.name == "initiative submission")
    typed, cleaned = web_address_of_length(201)
    assert len(typed) == 193 and len(cleaned) == 201
    before = Initiative.objects.count()
    response = client.post(submission.url, {**submission.valid, "website": typed})
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["website"][0].code == "max_length"
    assert Initiative.objects.count() == before


@pytest.mark.parametrize("form_name", ["correction report", "initiative submission"])
def test_a_valid_260_character_email_is_a_form_error(client, public_forms, form_name):
    public_form = next(f for f in public_forms if f.name == form_name)
    email = email_of_length(260)
    assert forms.EmailField(max_length=None).clean(email) == email  # valid, only too long
    field_name = "reporter_email" if form_name == "correction report" else "submitter_email"
    before = _counts(public_form.stored)
    response = client.post(public_form.url, {**public_form.valid, field_name: email})
    assert response.status_code == 400
    assert _counts(public_form.stored) == before


# Following: one email field, on two addresses (an organisation, a series).

FOLLOW_PAGES = ["/organisaties/buurtnetwerk/volgen/", "/reeksen/bezoeken/volgen/"]


@pytest.fixture
def follow_pages(db, public_forms):
    mail.outbox.clear()
    return FOLLOW_PAGES


def _refused_follow(response, field="email", code=None):
    assert response.status_code == 400, response
    errors = response.context["follow_form"].errors.as_data()
    assert field in errors, errors
    if code:
        assert code in [error.code for error in errors[field]], errors
    for message in response.context["follow_form"].errors[field]:
        assert escape(message) in response.text
    assert not Follower.objects.exists() and not mail.outbox


@pytest.mark.parametrize("path", FOLLOW_PAGES)
@pytest.mark.parametrize(
    "email",
    [
        "geen-adres",
        "ans@",
        "@example.org",
        "ans@@example.org",
        "ans@example..org",
        "ans@exa mple.org",
        "ans example.org",
        "ans@example.org, bea@example.org",
        "ans@example.org\nBcc: bea@example.org",
        "<ans@example.org>",
        "12345",
        "änne@example.org",
    ],
)
def test_follow_refuses_a_malformed_email(client, follow_pages, path, email):
    _refused_follow(client.post(path, {"email": email}), code="invalid")


@pytest.mark.parametrize("path", FOLLOW_PAGES)
@pytest.mark.parametrize("length", [255, 321, 10_000])
def test_follow_refuses_an_email_too_long_for_its_column(client, follow_pages, path, length):
    _refused_follow(client.post(path, {"email": email_of_length(length)}))


@pytest.mark.parametrize("path", FOLLOW_PAGES)
@pytest.mark.parametrize(
    "data",
    [
        {"email": "ans\x00@example.org"},
        {"email": "\x00"},
        {"email": "ans@example.org", "homepage": "\x00"},
    ],
)
def test_follow_refuses_nul_bytes(client, follow_pages, path, data):
    field = "homepage" if "homepage" in data else "email"
    _refused_follow(client.post(path, data), field=field, code="null_characters_not_allowed")


@pytest.mark.parametrize("path", FOLLOW_PAGES)
def test_follow_with_the_wrong_type_of_field_is_a_form_error(client, follow_pages, path):
    """A file, a JSON body, or several values where one address goes."""
    upload = io.BytesIO(b"ans@example.org")
    upload.name = "adres.txt"
    _refused_follow(client.post(path, {"email": upload}), code="required")
    _refused_follow(
        client.post(path, '{"email": "ans@example.org"}', content_type="application/json"),
        code="required",
    )
    # Django reads the last of repeated values: the long one is refused, not cut.
    _refused_follow(client.post(path, {"email": ["ans@example.org", email_of_length(255)]}))
    _refused_follow(client.post(path, {"email": ["ans@example.org", "geen-adres"]}))


@pytest.mark.parametrize("path", FOLLOW_PAGES)
def test_follow_in_raw_bytes_that_are_no_utf8_is_a_form_error(client, follow_pages, path):
    for body in (b"email=ans%FF%FE@example.org", b"email=%ED%A0%80@example.org", b"email=%00"):
        response = client.generic(
            "POST", path, body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 400, body
    assert not Follower.objects.exists() and not mail.outbox


def test_stopping_or_confirming_with_a_posted_body_of_any_kind_never_fails(client, follow_pages):
    follower = event_services.follow_request(
        organisation=Series.objects.get().organisation, email="ans@example.org"
    )
    for suffix in ("", "afmelden/"):
        for data in ({"List-Unsubscribe": "\x00" * 300}, {"x": ["1", "2"]}, {}):
            response = client.post(f"/volgen/{follower.token}/{suffix}", data)
            assert response.status_code in (200, 404), (suffix, data, response.status_code)
        assert client.post(f"/volgen/{'x' * 300}/{suffix}").status_code == 404


# The organisers' series form: title, web address (slug) and description.


@pytest.fixture
def series_organiser(client, db, event, make_user, make_member):
    user = make_user("organiser", email="organiser@example.org")
    make_member(user, event.organisation, Role.ORGANISER)
    client.force_login(user)
    Series.objects.create(organisation=event.organisation, title="Bezoeken", slug="bezoeken")
    return f"/organisatie/organisaties/{event.organisation.slug}/reeksen/"


def _refused_series(response, field, code=None, before=None):
    assert response.status_code == 400, response
    errors = response.context["form"].errors.as_data()
    assert field in errors, errors
    if code:
        assert code in [error.code for error in errors[field]], errors
    for message in response.context["form"].errors[field]:
        assert escape(message) in response.text
    if before is not None:
        assert list(Series.objects.values_list("slug", "title").order_by("pk")) == before


def _series_rows():
    return list(Series.objects.values_list("slug", "title").order_by("pk"))


@pytest.mark.parametrize(("name", "limit"), [("title", 200), ("slug", 100), ("description", 5000)])
def test_series_form_refuses_one_over_each_limit_and_stores_the_limit_whole(
    client, series_organiser, name, limit
):
    before = _series_rows()
    valid = {"title": "Jaarlijks bestuurdersevent", "slug": "", "description": ""}
    for url in (series_organiser, f"{series_organiser}bezoeken/"):
        response = client.post(url, {**valid, name: "k" * (limit + 1)})
        _refused_series(response, name, code="max_length", before=before)
    response = client.post(series_organiser, {**valid, name: "k" * limit})
    assert response.status_code == 302
    made = Series.objects.latest("pk")
    assert len(getattr(made, name)) == limit


def test_a_long_title_makes_a_web_address_that_fits_and_ends_well(client, series_organiser):
    # Cut at 100 characters, the address would end in a hyphen.
    title = "Zorgzamen " * 20
    assert slugify_title(title)[:100].endswith("-")
    response = client.post(series_organiser, {"title": title})
    assert response.status_code == 302
    slug = Series.objects.latest("pk").slug
    assert len(slug) <= 100 and not slug.endswith("-") and not slug.startswith("-")
    assert client.get(f"/reeksen/{slug}/").status_code == 200


@pytest.mark.parametrize(
    "slug",
    [
        "geen spaties!",
        "reeks/../elders",
        "reeks?x=1",
        "bezoeken.html",
        "ünïcode",
        "a\x00b",
        "k" * 10_000,
    ],
)
def test_series_form_refuses_a_bad_web_address(client, series_organiser, slug):
    before = _series_rows()
    response = client.post(series_organiser, {"title": "Nieuwe reeks", "slug": slug})
    _refused_series(response, "slug", before=before)


def test_series_form_refuses_a_title_with_nul_or_only_spaces(client, series_organiser):
    before = _series_rows()
    for title in ("Reeks\x00", "   ", ""):
        response = client.post(series_organiser, {"title": title, "slug": "nieuw"})
        _refused_series(response, "title", before=before)


def test_series_form_with_the_wrong_type_of_field_is_a_form_error(client, series_organiser):
    before = _series_rows()
    upload = io.BytesIO(b"Nieuwe reeks")
    upload.name = "titel.txt"
    _refused_series(client.post(series_organiser, {"title": upload}), "title", "required", before)
    response = client.post(
        series_organiser, '{"title": "Nieuwe reeks"}', content_type="application/json"
    )
    _refused_series(response, "title", "required", before)


def test_a_web_address_is_one_series_wherever_it_comes_from(
    client, series_organiser, make_organisation
):
    """Slugs are unique across organisations, in any letter case, typed or made."""
    elders = make_organisation("Elders", slug="elders")
    Series.objects.create(organisation=elders, title="Hun reeks", slug="hun-reeks")
    before = _series_rows()
    for data in (
        {"title": "Nieuw", "slug": "hun-reeks"},  # another organisation's
        {"title": "Nieuw", "slug": "bezoeken"},  # one's own
        {"title": "Nieuw", "slug": "Bezoeken"},  # the same address in other letters
        {"title": "Nieuw", "slug": "HUN-REEKS"},
    ):
        response = client.post(series_organiser, data)
        _refused_series(response, "slug", before=before)
    # Editing into another series' address is refused; keeping one's own is not.
    edit = f"{series_organiser}bezoeken/"
    _refused_series(client.post(edit, {"title": "B", "slug": "hun-reeks"}), "slug", before=before)
    assert client.post(edit, {"title": "Bezoeken", "slug": "bezoeken"}).status_code == 302


def test_a_web_address_made_from_a_taken_title_gets_a_number(client, series_organiser):
    """Left empty, the address is made from the title; a taken one is no error then."""
    response = client.post(series_organiser, {"title": "Bezoeken", "slug": ""})
    assert response.status_code == 302
    assert _series_rows() == [("bezoeken", "Bezoeken"), ("bezoeken-2", "Bezoeken")]


def test_a_web_address_typed_in_capitals_is_stored_in_lower_case(client, series_organiser):
    response = client.post(series_organiser, {"title": "Nieuw", "slug": "Jaarlijks-Event"})
    assert response.status_code == 302
    assert Series.objects.filter(slug="jaarlijks-event").exists()


def test_a_web_address_taken_at_the_same_moment_is_a_form_error(
    client, series_organiser, monkeypatch
):
    """The check and the insert are two statements: the constraint has the last word."""
    from events.series_forms import SeriesForm

    checked = SeriesForm.full_clean

    def taken_meanwhile(form):
        checked(form)
        if not form.errors:  # another organiser saves the same address just now
            Series.objects.create(organisation=form.organisation, title="Tegelijk", slug="tegelijk")

    monkeypatch.setattr(SeriesForm, "full_clean", taken_meanwhile)
    response = client.post(series_organiser, {"title": "Nieuw", "slug": "tegelijk"})
    assert response.status_code == 400
    assert "slug" in response.context["form"].errors
    assert Series.objects.filter(slug="tegelijk").count() == 1
    edit = f"{series_organiser}bezoeken/"
    Series.objects.filter(slug="tegelijk").delete()
    response = client.post(edit, {"title": "Bezoeken", "slug": "tegelijk"})
    assert response.status_code == 400
    assert Series.objects.filter(slug="bezoeken").exists()


def _dotted_capital_i_email(length: int) -> str:
    """A valid address of `length` characters whose domain grows by one in lower case."""
    email = email_of_length(length)
    return email[: -len("b.nl")] + "İ.nl"


@pytest.mark.parametrize("path", FOLLOW_PAGES)
def test_an_address_that_grows_in_lower_case_still_fits(client, follow_pages, path):
    """ "İ".lower() is two characters: the domain is lower-cased without growing past 254."""
    email = _dotted_capital_i_email(254)
    assert len(email) == 254 and len(email.lower()) == 255
    response = client.post(path, {"email": email})
    assert response.status_code == 200
    assert len(Follower.objects.get().email) <= 254


def test_signing_up_with_an_address_that_grows_in_lower_case_still_fits(client, public_forms):
    sign_up = next(f for f in public_forms if f.name == "sign-up")
    email = _dotted_capital_i_email(254)
    response = client.post(sign_up.url, {**sign_up.valid, "email": email})
    assert response.status_code == 302
    assert Registration.objects.filter(name="Ans").get().email.endswith("İ.nl")
