"""`manage.py create_organisation`: an organisation and one line, its owner's invitation link."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from organisations.models import AuditEntry, Invitation, Membership, Organisation, Role


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_organisation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


ARGS = ["--name", "Zorgvrijstaat", "--slug", "zorgvrijstaat", "--owner-email", "ans@example.org"]


def test_creates_the_organisation_and_prints_one_invitation_link(db, settings):
    out, _err = run(*ARGS)
    organisation = Organisation.objects.get(slug="zorgvrijstaat")
    assert organisation.name == "Zorgvrijstaat"
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.email == "ans@example.org"
    assert invitation.role == Role.OWNER
    assert invitation.invited_by is None
    assert out.splitlines() == [invitation.absolute_url]
    assert out == invitation.absolute_url + "\n"
    assert out.startswith(f"{settings.SITE_URL}/uitnodiging/")
    assert len(invitation.token) >= 22
    assert AuditEntry.objects.filter(
        organisation=organisation, action=AuditEntry.Action.CREATED
    ).exists()
    assert AuditEntry.objects.filter(
        organisation=organisation, action=AuditEntry.Action.INVITED, subject="ans@example.org"
    ).exists()


def test_the_link_is_emailed_too(transactional_db):
    # The email is sent once the invitation is committed (a real commit here).
    out, _err = run(*ARGS)
    [message] = mail.outbox
    assert message.to == ["ans@example.org"]
    assert out.strip() in message.body


def test_the_printed_link_opens_the_invitation_and_makes_an_owner(db):
    out, _err = run(*ARGS)
    path = out.strip().removeprefix("https://zorgzaam.example")
    client = Client()
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "action": "create",
            "name": "Ans",
            "password1": "een-lang-wachtwoord-7",
            "password2": "een-lang-wachtwoord-7",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="ans@example.org")
    assert membership.role == Role.OWNER
    assert membership.organisation.slug == "zorgvrijstaat"


def test_an_existing_slug_is_found_and_its_name_kept(db, make_organisation):
    existing = make_organisation("Zorgvrijstaat Rotterdam", slug="zorgvrijstaat")
    out, err = run("--name", "Iets anders", "--slug", "zorgvrijstaat", "--owner-email", "b@x.nl")
    assert "its name is kept" in err
    assert Organisation.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name == "Zorgvrijstaat Rotterdam"
    invitation = Invitation.objects.get(organisation=existing)
    assert out.strip() == invitation.absolute_url


def test_running_again_renews_the_link(db):
    first, _err = run(*ARGS)
    second, _err = run(*ARGS)
    assert first != second
    assert Organisation.objects.count() == 1
    assert Invitation.objects.count() == 1  # the same open invitation, with a new token
    assert Client().get(first.strip().removeprefix("https://zorgzaam.example")).status_code == 404


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--slug", "Geen slug!"], "slug"),
        (["--slug", "starten"], "slug"),
        (["--slug", "a" * 101], "slug"),
        (["--owner-email", "geen-adres"], "email"),
        (["--owner-email", "a" * 250 + "@example.org"], "email"),
        (["--name", ""], "name"),
        (["--name", "Naam\x07"], "name"),
    ],
)
def test_bad_input_is_a_command_error(db, args, words):
    values = dict(zip(ARGS[::2], ARGS[1::2], strict=True))
    values.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError) as raised:
        run(*[part for pair in values.items() for part in pair])
    assert words in str(raised.value).lower()
    assert not Organisation.objects.exists()
    assert not Invitation.objects.exists()


def test_an_owner_already_in_the_team_is_a_command_error(db, make_user, make_member):
    run(*ARGS)
    organisation = Organisation.objects.get()
    make_member(make_user("ans", email="ans@example.org"), organisation, Role.ORGANISER)
    with pytest.raises(CommandError, match="already in the team"):
        run(*ARGS)


def test_all_three_options_are_required(db):
    with pytest.raises(CommandError):
        call_command("create_organisation", "--name", "X", "--slug", "x")
