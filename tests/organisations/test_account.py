"""A person's own account: name, email address, password, and the teams they are in."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail

from organisations.models import Role

PROFILE = "/accounts/profiel/"
PASSWORD = "pw-ans@example.org-zorgzaam"  # what make_user gives


@pytest.fixture
def ans(make_user):
    """An account made by an invitation: the username is the email address."""
    return make_user("ans@example.org", email="ans@example.org", first_name="Ans")


@pytest.fixture
def ans_client(client, ans):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(ans)
    return client


def profile(**changes) -> dict:
    return {"first_name": "Ans", "last_name": "", "email": "ans@example.org", **changes}


def test_the_account_page_needs_a_login(client, db):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_account_page_shows_the_details_and_the_password_link(ans_client):
    response = ans_client.get(PROFILE)
    html = response.text
    assert response.status_code == 200
    for name in ("first_name", "last_name", "email", "current_password"):
        assert f'name="{name}"' in html and f'for="id_{name}"' in html
    assert 'value="ans@example.org"' in html
    assert 'href="/accounts/password_change/"' in html
    assert "You are not in the team of an organisation yet." in html


def test_the_account_page_lists_the_teams_with_their_links(
    ans_client, ans, make_member, make_organisation
):
    owned = make_organisation("Zorgvrijstaat", slug="zorgvrijstaat")
    helped = make_organisation("Drents Collectief", slug="drents-collectief")
    make_member(ans, owned, Role.OWNER)
    make_member(ans, helped, Role.DOOR)

    html = ans_client.get(PROFILE).text

    assert html.index("Drents Collectief") < html.index("Zorgvrijstaat")
    assert "owner" in html and "door volunteer" in html
    assert 'href="/organisaties/zorgvrijstaat/"' in html
    assert 'href="/organisatie/organisaties/zorgvrijstaat/"' in html  # the team, for owners
    assert 'href="/organisatie/organisaties/drents-collectief/"' not in html
    assert 'href="/organisatie/"' in html  # the meetings dashboard


def test_names_change_without_the_password(ans_client, ans):
    response = ans_client.post(PROFILE, profile(first_name="Anna", last_name="de Vries"))
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    ans.refresh_from_db()
    assert (ans.first_name, ans.last_name) == ("Anna", "de Vries")


def test_a_new_email_address_needs_the_current_password(ans_client, ans):
    missing = ans_client.post(PROFILE, profile(email="anna@example.org"))
    wrong = ans_client.post(
        PROFILE, profile(email="anna@example.org", current_password="niet-goed")
    )

    assert missing.status_code == 400 and wrong.status_code == 400
    assert "fill in your current password" in missing.text
    assert "This password is not right." in wrong.text
    ans.refresh_from_db()
    assert ans.email == "ans@example.org"
    # Wrong guesses count towards the login lock-out, as on the login page.
    assert AccessAttempt.objects.filter(username="ans@example.org").exists()


def test_with_the_password_the_email_address_and_the_login_change(client, ans_client, ans):
    response = ans_client.post(
        PROFILE, profile(email="Anna@Example.org", current_password=PASSWORD), follow=True
    )

    assert response.status_code == 200
    ans.refresh_from_db()
    assert ans.email == "Anna@example.org"  # the domain in small letters, as Django keeps it
    assert ans.username == "anna@example.org"
    assert "From now on you log in with anna@example.org." in response.text
    ans_client.post("/accounts/logout/")
    login = client.post("/accounts/login/", {"username": "anna@example.org", "password": PASSWORD})
    assert login.status_code == 302


def test_a_username_that_is_not_the_email_address_stays(client, make_user):
    user = make_user("jan", email="jan@example.org")
    client.force_login(user)
    client.post(
        PROFILE,
        {
            "first_name": "",
            "last_name": "",
            "email": "jan@elders.example",
            "current_password": "pw-jan-zorgzaam",
        },
    )
    user.refresh_from_db()
    assert (user.username, user.email) == ("jan", "jan@elders.example")


def test_only_a_change_in_letter_case_needs_no_password(ans_client, ans):
    response = ans_client.post(PROFILE, profile(email="ANS@example.org"))
    assert response.status_code == 302
    ans.refresh_from_db()
    assert ans.email == "ANS@example.org" and ans.username == "ans@example.org"


@pytest.mark.parametrize("taken", ["piet@example.org", "PIET@EXAMPLE.ORG"])
def test_an_email_address_of_another_account_is_refused(ans_client, ans, make_user, taken):
    make_user("piet", email="piet@example.org")
    response = ans_client.post(PROFILE, profile(email=taken, current_password=PASSWORD))
    assert response.status_code == 400
    assert "Another account already uses this email address." in response.text
    ans.refresh_from_db()
    assert ans.email == "ans@example.org"


def test_an_email_address_that_is_another_accounts_login_is_refused(ans_client, make_user):
    make_user("piet@example.org", email="")
    response = ans_client.post(
        PROFILE, profile(email="piet@example.org", current_password=PASSWORD)
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "x" * 151),
        ("last_name", "Vries\x07"),
        ("email", ""),
        ("email", "geen adres"),
        ("email", "a" * 250 + "@example.org"),
    ],
)
def test_invalid_details_are_400_never_500(ans_client, ans, field, value):
    response = ans_client.post(PROFILE, profile(**{field: value}, current_password=PASSWORD))
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text
    ans.refresh_from_db()
    assert ans.email == "ans@example.org" and ans.first_name == "Ans"


# Forgot the password ------------------------------------------------------------------


def test_the_login_page_links_to_a_new_password(client, db):
    assert 'href="/accounts/password_reset/"' in client.get("/accounts/login/").text


@pytest.mark.parametrize(("language", "greeting"), [("nl", "Hallo,"), ("en", "Hello,")])
def test_a_forgotten_password_is_reset_by_email_end_to_end(client, ans, language, greeting):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    asked = client.post("/accounts/password_reset/", {"email": "ANS@example.org"})
    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/password_reset/done/"
    assert client.get(asked["Location"]).status_code == 200

    message = mail.outbox[-1]
    assert message.to == ["ans@example.org"]
    assert "\n" not in message.subject
    assert message.body.startswith(greeting)
    assert "ans@example.org" in message.body  # the login name
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body)
    assert link, message.body

    opened = client.get(link.group(1))
    assert opened.status_code == 302  # Django hides the token behind a redirect
    form_url = opened["Location"]
    page = client.get(form_url)
    assert page.status_code == 200 and 'name="new_password1"' in page.text
    new_password = "een-heel-nieuw-wachtwoord-42"
    saved = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert saved.status_code == 302
    assert client.get(saved["Location"]).status_code == 200

    old = client.post("/accounts/login/", {"username": "ans@example.org", "password": PASSWORD})
    assert old.status_code == 200  # the old password no longer works
    login = client.post(
        "/accounts/login/", {"username": "ans@example.org", "password": new_password}
    )
    assert login.status_code == 302
    assert User.objects.get(pk=ans.pk).check_password(new_password)
    # The link works once.
    assert "set-password" not in client.get(link.group(1)).get("Location", "")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post("/accounts/password_reset/", {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert not mail.outbox
