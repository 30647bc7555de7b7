"""Every public form refuses a value longer than the column it is stored in.

SQLite stores a 300-character string in a 254-character column without a word; PostgreSQL
refuses it with a DataError, which used to be a server error. So each form field is walked
with a value one over its limit (the model column's, or the form's own where the column has
none), expecting a clear refusal and nothing stored, on both databases.
"""

from dataclasses import dataclass, field
from html import escape

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django import forms
from django.contrib.auth.models import User
from django.core import mail
from django.db.models import Model

from events import services as event_services
from events.models import Registration
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
    categories = ReportItem.Category.values
    everything = (Registration, Initiative, CorrectionReport, BottleneckReport, ReportItem, User)
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
    assert walked["login"] == {"username"}
    assert walked["password reset"] == {"email"}


def test_valid_posts_are_accepted(client, public_forms):
    """The walk's starting point is a post that works, so a refusal below is the length's."""
    for public_form in public_forms:
        response = client.post(public_form.url, public_form.valid)
        assert response.status_code == 302, (public_form.name, response.status_code)
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
        assert response.status_code == 302, (public_form.name, response.status_code)
    registration = Registration.objects.get(email=email_of_length(254))
    assert len(registration.name) == 200
    submitted = Initiative.objects.get(submitter_email=email_of_length(254))
    assert submitted.website == web_address_of_length(200)[1]
    assert len(submitted.contact_email) == 254
    assert CorrectionReport.objects.get(reporter_email=email_of_length(254))


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
