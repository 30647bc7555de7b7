import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse

from events.models import Event, Follower
from initiatives.models import Initiative
from zorgzaam.roles import COORDINATORS, ORGANISERS


def test_groups_exist_with_the_permissions_their_work_needs(db):
    organisers = Group.objects.get(name=ORGANISERS)
    coordinators = Group.objects.get(name=COORDINATORS)
    assert organisers.permissions.filter(codename="change_registration").exists()
    assert not organisers.permissions.filter(codename="change_initiative").exists()
    assert coordinators.permissions.filter(codename="change_initiative").exists()


def test_login_page_is_styled_and_in_dutch(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Inloggen" in response.text
    assert "Wachtwoord vergeten?" in response.text


def test_login_and_logout(client, db):
    User.objects.create_user("organisator", password="een-lang-wachtwoord")
    response = client.post(
        "/accounts/login/", {"username": "organisator", "password": "een-lang-wachtwoord"}
    )
    assert response.status_code == 302
    assert "Uitloggen" in client.get("/").text
    client.post("/accounts/logout/")
    assert "Inloggen" in client.get("/").text


def test_wrong_password_shows_error_not_500(client, db):
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.text


def test_password_reset_sends_a_link(client, db):
    User.objects.create_user("ans", email="ans@example.org", password="een-lang-wachtwoord")
    response = client.post("/accounts/password_reset/", {"email": "ans@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("model", [Event, Initiative])
def test_admin_lists_and_searches_every_model(admin_client, model, event):
    from django.contrib import admin

    assert admin.site.is_registered(model)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(url, {"q": "buurt"}).status_code == 200


def test_every_model_is_in_the_admin(admin_client, db):
    from django.apps import apps
    from django.contrib import admin

    for label in ("events", "initiatives", "organisations"):
        for model in apps.get_app_config(label).get_models():
            assert admin.site.is_registered(model), model
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("path", ["/privacy/", "/toegankelijkheid/"])
def test_privacy_and_accessibility_pages(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    text = response.text
    if path == "/privacy/":
        assert "30 dagen" in text and "Autoriteit Persoonsgegevens" in text
    else:
        assert "WCAG" in text and "2.1" in text and "AA" in text
    assert 'href="/privacy/"' in text and 'href="/toegankelijkheid/"' in text


def test_privacy_page_says_what_following_keeps_and_for_how_long(client, db):
    """The section follows the rule: the confirmation window is read from the model."""
    client.cookies["django_language"] = "en"
    text = client.get("/privacy/").text
    assert '<h2 id="following">Following an organisation or a series</h2>' in text
    assert "your email address, the language of the emails, what you follow" in text
    assert f"If you do not confirm within {Follower.CONFIRM_WITHIN.days} days" in text
    assert "Every email has a link to stop" in text and "with one click" in text
    assert "we delete your address straight away" in text


def test_unknown_page_is_a_friendly_404(client, db, settings):
    settings.DEBUG = False
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text
