"""The team area of an organisation: members, roles, invitations, the team log, leaving."""

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from organisations import services
from organisations.models import AuditEntry, Invitation, Membership, Role


@pytest.fixture
def client(client, settings):
    """Pages in English, so the tests read the words people read (msgids)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def english_client():
    from django.conf import settings
    from django.test import Client

    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return other


@pytest.fixture
def owner(make_user, make_member, organisation):
    user = make_user("eigenaar", email="owner@example.org", first_name="Olga", last_name="Eigen")
    make_member(user, organisation, Role.OWNER)
    return user


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def member(make_user, make_member, organisation):
    """An organiser in the team."""
    user = make_user("bert", email="bert@example.org", first_name="Bert")
    return make_member(user, organisation, Role.ORGANISER)


def team_url(organisation) -> str:
    return reverse("organisations:team", args=[organisation.slug])


def member_url(organisation, membership, action: str) -> str:
    return reverse("organisations:member_action", args=[organisation.slug, membership.pk, action])


def invitation_url(organisation, invitation, action: str) -> str:
    return reverse(
        "organisations:invitation_action", args=[organisation.slug, invitation.pk, action]
    )


def page_text(response) -> str:
    return unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def last_message(response) -> str:
    """The message this request added (redirects are not followed, so they add up)."""
    return messages_of(response)[-1]


def audit(organisation, action):
    return AuditEntry.objects.filter(organisation=organisation, action=action)


# Who may see the team page ---------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, organisation):
    response = client.get(team_url(organisation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.DOOR])
def test_members_who_are_not_owners_get_403(client, make_user, make_member, organisation, role):
    user = make_user("lid")
    make_member(user, organisation, role)
    client.force_login(user)
    assert client.get(team_url(organisation)).status_code == 403
    invite = reverse("organisations:invite", args=[organisation.slug])
    assert client.post(invite, {"email": "x@example.org", "role": "owner"}).status_code == 403
    assert not Invitation.objects.exists()


def test_non_members_get_404(client, make_user, make_member, make_organisation, organisation):
    outsider = make_user("buiten")
    make_member(outsider, make_organisation("Ander netwerk"), Role.OWNER)
    client.force_login(outsider)
    assert client.get(team_url(organisation)).status_code == 404
    assert client.get("/organisatie/organisaties/bestaat-niet/").status_code == 404


def test_owner_of_another_organisation_cannot_touch_this_team(
    client, make_user, make_member, make_organisation, organisation, member
):
    other = make_organisation("Ander netwerk", slug="ander")
    outsider = make_user("buiten")
    make_member(outsider, other, Role.OWNER)
    client.force_login(outsider)
    # Through their own organisation's URL, with a membership pk of this organisation.
    response = client.post(member_url(other, member, "remove"))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=member.pk).exists()


def test_team_page_shows_members_invitations_log_and_links(owner_client, organisation, member):
    services.invitation_create(
        organisation=organisation, email="nieuw@example.org", role=Role.DOOR, invited_by=None
    )
    response = owner_client.get(team_url(organisation))
    assert response.status_code == 200
    text = page_text(response)
    assert '<meta name="robots" content="noindex">' in text
    assert "Olga Eigen" in text and "owner@example.org" in text
    assert "Bert" in text and "bert@example.org" in text
    assert "nieuw@example.org" in text
    assert reverse("organisations:edit", args=[organisation.slug]) in text
    assert organisation.get_absolute_url() in text
    assert reverse("organisations:leave", args=[organisation.slug]) in text
    assert member_url(organisation, member, "role") in text
    assert member_url(organisation, member, "remove") in text
    invitation = Invitation.objects.get()
    assert invitation_url(organisation, invitation, "resend") in text
    assert invitation_url(organisation, invitation, "revoke") in text
    # Role choices on every member, the explanation of each role by the invite form.
    assert 'id="role-meanings"' in text
    assert text.count('name="role"') == 3  # two members and the invite form
    # The token of an invitation is never on the team page.
    assert invitation.token not in text


def test_own_row_is_marked(owner_client, organisation, owner, member):
    response = owner_client.get(team_url(organisation))
    members = response.context["members"]
    assert [m["is_you"] for m in members if m["membership"].user == owner] == [True]
    assert [m["is_you"] for m in members if m["membership"].pk == member.pk] == [False]
    assert 'badge text-bg-primary">' in response.content.decode()


def test_superuser_who_is_not_a_member_can_manage_the_team(client, make_user, organisation, member):
    admin = make_user("beheer", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(team_url(organisation)).status_code == 200
    response = client.post(member_url(organisation, member, "role"), {"role": "door"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.DOOR
    # Leaving a team you are not in: a clear message, nothing breaks.
    response = client.post(reverse("organisations:leave", args=[organisation.slug]))
    assert response.status_code == 302
    assert last_message(response) == "You are not in the team of Buurtnetwerk Ergens."


# POST-only endpoints ------------------------------------------------------------------


def test_get_on_post_only_endpoints_is_405(owner_client, organisation, member):
    invitation = services.invitation_create(
        organisation=organisation, email="nieuw@example.org", role=Role.DOOR, invited_by=None
    )
    urls = [
        reverse("organisations:invite", args=[organisation.slug]),
        reverse("organisations:leave", args=[organisation.slug]),
        member_url(organisation, member, "role"),
        member_url(organisation, member, "remove"),
        invitation_url(organisation, invitation, "resend"),
        invitation_url(organisation, invitation, "revoke"),
    ]
    for url in urls:
        assert owner_client.get(url).status_code == 405, url


def test_unknown_actions_are_404(owner_client, organisation, member):
    invitation = services.invitation_create(
        organisation=organisation, email="nieuw@example.org", role=Role.DOOR, invited_by=None
    )
    assert owner_client.post(member_url(organisation, member, "promote")).status_code == 404
    assert owner_client.post(invitation_url(organisation, invitation, "accept")).status_code == 404


def test_ids_of_another_organisation_are_404(
    owner_client, organisation, make_organisation, make_user, make_member
):
    other = make_organisation("Ander netwerk", slug="ander")
    stranger = make_member(make_user("vreemd"), other, Role.ORGANISER)
    foreign = services.invitation_create(
        organisation=other, email="x@example.org", role=Role.DOOR, invited_by=None
    )
    assert owner_client.post(member_url(organisation, stranger, "remove")).status_code == 404
    assert (
        owner_client.post(member_url(organisation, stranger, "role"), {"role": "owner"})
    ).status_code == 404
    assert owner_client.post(invitation_url(organisation, foreign, "revoke")).status_code == 404
    assert owner_client.post(invitation_url(organisation, foreign, "resend")).status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == Role.ORGANISER
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_forms_need_a_csrf_token(owner, organisation, member):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(owner)
    response = csrf_client.post(member_url(organisation, member, "remove"))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=member.pk).exists()


# Inviting ----------------------------------------------------------------------------


def test_invite_sends_an_email_with_the_absolute_link(
    owner_client, organisation, settings, django_capture_on_commit_callbacks
):
    # The email goes out after the commit (the test's transaction never commits).
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("organisations:invite", args=[organisation.slug]),
            {"email": "nieuw@example.org", "role": "organiser"},
        )
    assert response.status_code == 302
    assert response["Location"] == team_url(organisation)
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.role == Role.ORGANISER
    assert len(invitation.token) >= 22  # at least 128 random bits, URL-safe base64
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@example.org"]
    link = f"{settings.SITE_URL}/uitnodiging/{invitation.token}/"
    assert link in message.body
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    entry = audit(organisation, AuditEntry.Action.INVITED).get()
    assert entry.subject == "nieuw@example.org"
    assert entry.actor_label == "Olga Eigen"
    page = page_text(owner_client.get(team_url(organisation)))
    assert "nieuw@example.org" in page
    assert "Email sent on" in page


def test_invite_with_a_bad_address_or_role_is_400_with_the_errors(owner_client, organisation):
    url = reverse("organisations:invite", args=[organisation.slug])
    response = owner_client.post(url, {"email": "geen-adres", "role": "organiser"})
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"]
    assert 'id="error-summary"' in response.content.decode()
    response = owner_client.post(url, {"email": "a@example.org", "role": "koning"})
    assert response.status_code == 400
    assert response.context["invite_form"].errors["role"]
    response = owner_client.post(url, {"email": "a" * 250 + "@example.org", "role": "door"})
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_inviting_a_member_is_refused_with_a_message(owner_client, organisation, member):
    response = owner_client.post(
        reverse("organisations:invite", args=[organisation.slug]),
        {"email": "BERT@example.org", "role": "owner"},
    )
    assert response.status_code == 302
    assert response["Location"] == team_url(organisation)
    assert not Invitation.objects.exists()
    assert last_message(response) == "This person is already in the team."


def test_resend_gives_a_new_link_and_the_old_one_is_unknown(
    owner_client, organisation, django_capture_on_commit_callbacks
):
    invitation = services.invitation_create(
        organisation=organisation, email="nieuw@example.org", role=Role.DOOR, invited_by=None
    )
    old_token = invitation.token
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(invitation_url(organisation, invitation, "resend"))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.token != old_token
    assert len(mail.outbox) == 1
    assert invitation.absolute_url in mail.outbox[0].body
    assert audit(organisation, AuditEntry.Action.RESENT).filter(subject="nieuw@example.org")
    owner_client.logout()
    assert owner_client.get(f"/uitnodiging/{old_token}/").status_code == 404
    assert owner_client.get(f"/uitnodiging/{invitation.token}/").status_code == 200


def test_revoke_stops_the_link(owner_client, organisation):
    invitation = services.invitation_create(
        organisation=organisation, email="nieuw@example.org", role=Role.DOOR, invited_by=None
    )
    response = owner_client.post(invitation_url(organisation, invitation, "revoke"))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state() == Invitation.State.REVOKED
    assert audit(organisation, AuditEntry.Action.REVOKED).filter(subject="nieuw@example.org")
    # Withdrawing twice, or resending a withdrawn one: a clear message, no change.
    for action in ("revoke", "resend"):
        response = owner_client.post(invitation_url(organisation, invitation, action))
        assert response.status_code == 302
        assert last_message(response) == "This invitation was already accepted or withdrawn."
    assert audit(organisation, AuditEntry.Action.REVOKED).count() == 1
    assert not audit(organisation, AuditEntry.Action.RESENT).exists()
    page = page_text(owner_client.get(team_url(organisation)))
    assert "withdrawn" in page
    owner_client.logout()
    assert owner_client.get(invitation.get_absolute_url()).status_code == 410


def test_a_failed_email_is_shown_on_the_team_page(
    owner_client, organisation, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.organisations.test_team.BrokenEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            organisation=organisation, email="nieuw@example.org", role=Role.DOOR, invited_by=None
        )
    invitation = Invitation.objects.get()
    assert invitation.send_error and invitation.sent_at is None
    page = page_text(owner_client.get(team_url(organisation)))
    assert "SMTP server says no" in page


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server says no")


# Roles and removing -------------------------------------------------------------------


def test_owner_changes_a_role(owner_client, organisation, member):
    response = owner_client.post(member_url(organisation, member, "role"), {"role": "door"})
    assert response.status_code == 302
    assert response["Location"] == team_url(organisation)
    member.refresh_from_db()
    assert member.role == Role.DOOR
    entry = audit(organisation, AuditEntry.Action.ROLE_CHANGED).get()
    assert entry.subject == "bert@example.org"
    assert entry.actor_label == "Olga Eigen"
    page = page_text(owner_client.get(team_url(organisation)))
    assert "bert@example.org" in page
    # The change is in the team log.
    assert entry.get_action_display() in page


def test_a_role_outside_the_list_is_refused(owner_client, organisation, member):
    response = owner_client.post(member_url(organisation, member, "role"), {"role": "admin"})
    assert response.status_code == 302
    assert last_message(response) == "Please choose a role from the list."
    member.refresh_from_db()
    assert member.role == Role.ORGANISER
    assert not audit(organisation, AuditEntry.Action.ROLE_CHANGED).exists()


def test_the_last_owner_cannot_be_demoted_removed_or_leave(owner_client, organisation, owner):
    own = Membership.objects.get(user=owner, organisation=organisation)
    for url, data in [
        (member_url(organisation, own, "role"), {"role": "organiser"}),
        (member_url(organisation, own, "remove"), {}),
        (reverse("organisations:leave", args=[organisation.slug]), {}),
    ]:
        response = owner_client.post(url, data)
        assert response.status_code == 302
        assert response["Location"] == team_url(organisation)
        text = last_message(response)
        assert "last owner" in text or "at least one owner" in text
    own.refresh_from_db()
    assert own.role == Role.OWNER
    assert not audit(organisation, AuditEntry.Action.ROLE_CHANGED).exists()
    assert not audit(organisation, AuditEntry.Action.LEFT).exists()


def test_an_owner_may_step_down_when_another_owner_stays(owner_client, organisation, owner, member):
    services.membership_change_role(membership=member, role=Role.OWNER, actor=owner)
    own = Membership.objects.get(user=owner, organisation=organisation)
    response = owner_client.post(member_url(organisation, own, "role"), {"role": "organiser"})
    # No longer an owner: the team page is not theirs any more.
    assert response.status_code == 302
    assert response["Location"] == reverse("events:dashboard")
    own.refresh_from_db()
    assert own.role == Role.ORGANISER
    assert owner_client.get(team_url(organisation)).status_code == 403


def test_owner_removes_a_member_and_it_takes_effect_on_their_next_request(
    owner_client, client, organisation, member, make_event
):
    event = make_event()
    bert = english_client()
    bert.force_login(member.user)
    event_page = reverse("events:organiser_event", args=[event.slug])
    assert bert.get(event_page).status_code == 200
    response = owner_client.post(member_url(organisation, member, "remove"))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()
    entry = audit(organisation, AuditEntry.Action.REMOVED).get()
    assert entry.subject == "bert@example.org"
    assert bert.get(event_page).status_code == 404
    page = page_text(owner_client.get(team_url(organisation)))
    assert entry.get_action_display() in page


def test_removing_someone_already_gone_is_404(owner_client, organisation, member):
    url = member_url(organisation, member, "remove")
    member.delete()
    assert owner_client.post(url).status_code == 404


# Leaving ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.DOOR])
def test_any_member_can_leave(client, organisation, member, role, owner):
    member.role = role
    member.save()
    client.force_login(member.user)
    response = client.post(reverse("organisations:leave", args=[organisation.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("events:dashboard")
    assert not Membership.objects.filter(pk=member.pk).exists()
    entry = audit(organisation, AuditEntry.Action.LEFT).get()
    assert entry.subject == "bert@example.org"
    assert entry.actor == member.user
    # And it is gone at once: leaving again is a 404 (no longer a member).
    assert client.post(reverse("organisations:leave", args=[organisation.slug])).status_code == 404
    client.force_login(owner)
    assert entry.get_action_display() in page_text(client.get(team_url(organisation)))


def test_an_owner_can_leave_when_another_owner_stays(
    owner_client, organisation, owner, make_user, make_member
):
    make_member(make_user("tweede"), organisation, Role.OWNER)
    response = owner_client.post(reverse("organisations:leave", args=[organisation.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("events:dashboard")
    assert not Membership.objects.filter(user=owner).exists()
    assert audit(organisation, AuditEntry.Action.LEFT).filter(actor=owner).exists()


def test_anonymous_leave_is_sent_to_log_in(client, organisation):
    response = client.post(reverse("organisations:leave", args=[organisation.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# The team log -------------------------------------------------------------------------


def test_the_log_shows_the_last_50_newest_first(owner_client, organisation, owner):
    for n in range(55):
        services.audit_record(
            organisation=organisation,
            actor=owner,
            action=AuditEntry.Action.INVITED,
            subject=f"p{n}@example.org",
        )
    response = owner_client.get(team_url(organisation))
    log = list(response.context["log"])
    assert len(log) == 50
    assert log[0].subject == "p54@example.org"
    text = page_text(response)
    assert "p54@example.org" in text and "p5@example.org" in text
    assert "p4@example.org" not in text
    assert text.index("p54@example.org") < text.index("p53@example.org")


def test_the_log_of_another_organisation_is_not_shown(
    owner_client, organisation, make_organisation
):
    other = make_organisation("Ander netwerk", slug="ander")
    services.audit_record(
        organisation=other, actor=None, action=AuditEntry.Action.INVITED, subject="geheim@x.org"
    )
    assert "geheim@x.org" not in page_text(owner_client.get(team_url(organisation)))


def test_every_team_change_is_logged(owner_client, client, organisation, owner):
    url = reverse("organisations:invite", args=[organisation.slug])
    owner_client.post(url, {"email": "nieuw@example.org", "role": "organiser"})
    invitation = Invitation.objects.get()
    owner_client.post(invitation_url(organisation, invitation, "resend"))
    invitation.refresh_from_db()
    newcomer = services.invitation_accept_new_account(
        token=invitation.token, name="Nina", password="een-lang-wachtwoord"
    )
    membership = Membership.objects.get(user=newcomer)
    owner_client.post(member_url(organisation, membership, "role"), {"role": "door"})
    owner_client.post(invitation_url(organisation, invitation, "revoke"))  # already used
    owner_client.post(url, {"email": "weg@example.org", "role": "door"})
    owner_client.post(
        invitation_url(organisation, Invitation.objects.get(email="weg@example.org"), "revoke")
    )
    owner_client.post(member_url(organisation, membership, "remove"))
    actions = list(
        AuditEntry.objects.filter(organisation=organisation)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "invited",
        "resent",
        "joined",
        "role_changed",
        "invited",
        "revoked",
        "removed",
    ]
    # All of them on the team page, newest first.
    page = page_text(owner_client.get(team_url(organisation)))
    log = page[page.index('id="log-title"') :]
    for entry in AuditEntry.objects.filter(organisation=organisation):
        assert f"{entry.get_action_display()} — {entry.subject}" in log
    assert log.index("removed from the team") < log.index("joined — nieuw@example.org")
