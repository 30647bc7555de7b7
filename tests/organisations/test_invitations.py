"""The invitation page /uitnodiging/<token>/: join with a new account, or log in and accept."""

from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations import services
from organisations.models import AuditEntry, Invitation, Membership, Role

STRONG = "een-lang-wachtwoord-7"


@pytest.fixture
def client(client, settings):
    """Pages in English, so the tests read the words people read (msgids)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def inviter(make_user, make_member, organisation):
    user = make_user("olga", email="olga@example.org", first_name="Olga", last_name="Eigen")
    make_member(user, organisation, Role.OWNER)
    return user


@pytest.fixture
def make_invitation(organisation, inviter):
    def make(email="nina@example.org", role=Role.ORGANISER, **fields) -> Invitation:
        invitation = services.invitation_create(
            organisation=organisation, email=email, role=role, invited_by=inviter
        )
        if fields:
            Invitation.objects.filter(pk=invitation.pk).update(**fields)
            invitation.refresh_from_db()
        return invitation

    return make


@pytest.fixture
def invitation(make_invitation):
    return make_invitation()


def text(response) -> str:
    return unescape(response.content.decode())


def new_account(client, invitation, **data):
    return client.post(
        invitation.get_absolute_url(),
        {"action": "create", "name": "Nina", "password1": STRONG, "password2": STRONG, **data},
    )


# The link -----------------------------------------------------------------------------


def test_the_email_has_the_absolute_link_and_the_token_is_long(
    organisation, inviter, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=organisation, email="nina@example.org", role="door", invited_by=inviter
        )
    assert len(invitation.token) >= 22  # ≥ 128 random bits in URL-safe base64
    assert invitation.absolute_url == f"{settings.SITE_URL}/uitnodiging/{invitation.token}/"
    [message] = mail.outbox
    assert invitation.absolute_url in message.body
    assert organisation.name in message.subject


def test_tokens_differ(make_invitation):
    tokens = {make_invitation(email=f"p{n}@example.org").token for n in range(20)}
    assert len(tokens) == 20


def test_an_unknown_token_is_404(client, db):
    assert client.get("/uitnodiging/" + "a" * 43 + "/").status_code == 404
    assert client.post("/uitnodiging/" + "a" * 43 + "/", {"action": "accept"}).status_code == 404


def test_the_pending_page_names_organisation_role_and_inviter(client, invitation):
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert '<meta name="robots" content="noindex">' in page
    assert "Buurtnetwerk Ergens" in page
    assert "organiser" in page
    assert "Makes and changes meetings" in page  # what the role means
    assert "Olga Eigen invites you" in page
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_page_does_not_leak_the_token_to_other_sites(client, invitation):
    response = client.get(invitation.get_absolute_url())
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}
    page = response.content.decode()
    for link in page.split('href="')[1:]:
        target = link.split('"', 1)[0]
        assert not target.startswith(("http://", "https://", "//")), target
    # The only place the token appears besides the form: the login link back to this page.
    assert page.count(invitation.token) <= 2


# Links that no longer work: 410 with a message -----------------------------------------


def test_an_expired_invitation_is_410(client, make_invitation):
    invitation = make_invitation(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert "This invitation has expired. Ask Buurtnetwerk Ergens for a new one." in text(response)
    assert '<meta name="robots" content="noindex">' in text(response)
    response = new_account(client, invitation)
    assert response.status_code == 410
    assert not User.objects.filter(username="nina@example.org").exists()


def test_a_withdrawn_invitation_is_410(client, invitation, inviter):
    services.invitation_revoke(invitation=invitation, actor=inviter)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert "This invitation has been withdrawn." in text(response)
    assert "Buurtnetwerk Ergens" in text(response)


def test_a_used_invitation_is_410(client, invitation):
    assert new_account(client, invitation).status_code == 302
    other = Client()
    other.cookies["django_language"] = "en"
    response = other.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert "This invitation has already been used." in text(response)


def test_the_expiry_moment_itself_counts_as_expired(client, make_invitation):
    # The state is computed against now; a link that ran out a second ago does not work.
    invitation = make_invitation(expires_at=timezone.now())
    assert client.get(invitation.get_absolute_url()).status_code == 410


# A new person: name and password -----------------------------------------------------


def test_a_new_person_makes_an_account_joins_and_is_logged_in(client, invitation, organisation):
    response = new_account(client, invitation, name="Nina Nieuw")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:dashboard")
    user = User.objects.get(username="nina@example.org")
    assert user.first_name == "Nina Nieuw"
    assert user.email == "nina@example.org"
    assert user.check_password(STRONG)
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == Role.ORGANISER
    assert AuditEntry.objects.filter(
        organisation=organisation, action=AuditEntry.Action.JOINED, actor=user
    ).exists()
    # Logged in: the dashboard opens without logging in, with the welcome.
    dashboard = client.get(reverse("events:dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user == user
    assert "Welcome to the team of Buurtnetwerk Ergens" in text(dashboard)
    invitation.refresh_from_db()
    assert invitation.state() == Invitation.State.ACCEPTED
    assert invitation.accepted_by == user


def test_they_can_log_in_later_with_their_email(client, invitation):
    new_account(client, invitation)
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "nina@example.org", "password": STRONG})
    assert response.status_code == 302
    assert client.get(reverse("events:dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("12345678", "entirely numeric"),
        ("kort1", "too short"),
        ("password123", "too common"),
        ("nina@example.org", "too similar"),
    ],
)
def test_password_rules_are_enforced(client, invitation, password, reason):
    response = new_account(client, invitation, password1=password, password2=password)
    assert response.status_code == 400
    assert response.context["form"].errors["password1"]
    assert reason in text(response)
    assert 'id="error-summary"' in text(response)
    assert not User.objects.filter(username="nina@example.org").exists()
    assert Invitation.objects.get(pk=invitation.pk).state() == Invitation.State.PENDING


def test_a_password_like_the_name_is_refused(client, invitation):
    response = new_account(
        client, invitation, name="Wilhelmina", password1="Wilhelmina", password2="Wilhelmina"
    )
    assert response.status_code == 400
    assert "too similar" in text(response)


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "N" * 151},
        {"name": "Nina\x07"},
        {"password2": "iets-anders-123"},
        {"password1": ""},
        {"password1": "x" * 1001, "password2": "x" * 1001},
    ],
)
def test_invalid_input_is_400_with_the_errors(client, invitation, data):
    response = new_account(client, invitation, **data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not User.objects.filter(username="nina@example.org").exists()


def test_an_empty_post_is_400(client, invitation):
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 400


def test_the_form_needs_a_csrf_token(invitation):
    csrf_client = Client(enforce_csrf_checks=True)
    response = new_account(csrf_client, invitation)
    assert response.status_code == 403
    assert not User.objects.filter(username="nina@example.org").exists()


def test_posts_are_rate_limited(client, invitation, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_FORM_PER_IP = "2/m"
    statuses = [new_account(client, invitation, name="").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert client.get(invitation.get_absolute_url()).status_code == 200  # reading still works


# Someone with an account --------------------------------------------------------------


@pytest.mark.parametrize("match", ["username", "email"])
def test_an_existing_user_is_asked_to_log_in(client, make_user, invitation, match):
    if match == "username":
        make_user("Nina@Example.org")
    else:
        make_user("nina", email="NINA@example.org")
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    login = reverse("login") + "?next=" + quote(invitation.get_absolute_url(), safe="")
    assert f'href="{login}"' in page
    assert 'name="password1"' not in page
    # Posting the new-account form anyway makes no second account.
    response = new_account(client, invitation)
    assert response.status_code == 409
    assert User.objects.count() == 2  # the inviter and the existing one
    assert not Membership.objects.filter(organisation=invitation.organisation).exclude(
        role=Role.OWNER
    )


def test_a_logged_in_user_accepts(client, make_user, invitation, organisation):
    nina = make_user("nina", email="nina@example.org")
    client.force_login(nina)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert 'name="action" value="accept"' in page
    assert "This invitation was sent to" not in page  # it is their own address
    response = client.post(invitation.get_absolute_url(), {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == reverse("events:dashboard")
    assert Membership.objects.get(user=nina, organisation=organisation).role == Role.ORGANISER
    assert AuditEntry.objects.filter(action=AuditEntry.Action.JOINED, actor=nina).count() == 1


def test_accepting_twice_fails_the_second_time(client, make_user, invitation):
    nina = make_user("nina", email="nina@example.org")
    client.force_login(nina)
    assert client.post(invitation.get_absolute_url(), {"action": "accept"}).status_code == 302
    response = client.post(invitation.get_absolute_url(), {"action": "accept"})
    assert response.status_code == 410
    assert "already been used" in text(response)
    assert Membership.objects.filter(user=nina).count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.JOINED).count() == 1


def test_a_logged_in_user_with_another_address_is_warned(client, make_user, invitation):
    other = make_user("piet", email="piet@example.org")
    client.force_login(other)
    page = text(client.get(invitation.get_absolute_url()))
    assert "This invitation was sent to nina@example.org. You are logged in as piet." in page


def test_a_member_is_told_they_are_in_the_team_already(client, inviter, make_invitation):
    invitation = make_invitation(email="olga.prive@example.org")
    client.force_login(inviter)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200
    assert "You are already in the team of Buurtnetwerk Ergens." in text(response)
    assert 'value="accept"' not in response.content.decode()
    response = client.post(invitation.get_absolute_url(), {"action": "accept"})
    assert response.status_code == 302
    assert Membership.objects.get(user=inviter).role == Role.OWNER  # unchanged


def test_an_anonymous_accept_is_sent_to_log_in(client, invitation):
    response = client.post(invitation.get_absolute_url(), {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_a_logged_in_post_without_the_action_is_400(client, make_user, invitation):
    client.force_login(make_user("nina", email="nina@example.org"))
    assert client.post(invitation.get_absolute_url(), {"action": "x"}).status_code == 400
    assert not Membership.objects.filter(user__username="nina").exists()


def test_the_invited_role_is_given(client, make_invitation, organisation):
    invitation = make_invitation(email="deur@example.org", role=Role.DOOR)
    assert new_account(client, invitation).status_code == 302
    assert Membership.objects.get(user__username="deur@example.org").role == Role.DOOR
