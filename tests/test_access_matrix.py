"""The organiser area's whole access matrix, generated from the URL conf.

Every URL under /organisatie/ and /deur/ must carry an access rule (the decorators in
organisations.permissions, events.permissions and zorgzaam.roles set `access_rule`), so a
new organiser page without a rule fails here. Each URL is then requested by every kind of
visitor, and the answer must be what the rule promises: allowed, 403 (has some right here,
not this one), 404 (nothing to do with it: not even its existence is shown) or the login
page. GET is enough to test the decision without changing anything: the rule is checked
before a POST-only page answers 405.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events import services
from events.models import DoorLink, Series
from organisations import services as team_services
from organisations.models import Role
from organisations.permissions import CHECK_IN, EVENTS, TEAM
from zorgzaam.roles import COORDINATORS

PROTECTED_PREFIXES = ("organisatie/", "deur/")

ALLOWED, FORBIDDEN, NOT_FOUND, LOGIN, GONE = "allowed", 403, 404, "login", 410
PEOPLE = ["owner", "organiser", "door", "other_team", "cohost", "coordinator", "superuser"]
DOOR_LINKS = ["door_link", "other_door_link", "expired_door_link", "revoked_door_link"]
VISITORS = [*PEOPLE, "anonymous", *DOOR_LINKS]

# What each rule promises each visitor. Door-link holders are anonymous visitors who
# opened their link first: outside /deur/ it gives them nothing.
LOGGED_OUT = {"anonymous": LOGIN, **dict.fromkeys(DOOR_LINKS, LOGIN)}
EXPECTED = {
    ("event", EVENTS): {
        "owner": ALLOWED,
        "organiser": ALLOWED,
        "door": FORBIDDEN,
        "other_team": NOT_FOUND,
        "cohost": ALLOWED,
        "coordinator": NOT_FOUND,
        "superuser": ALLOWED,
        **LOGGED_OUT,
    },
    ("event", CHECK_IN): {
        "owner": ALLOWED,
        "organiser": ALLOWED,
        "door": ALLOWED,
        "other_team": NOT_FOUND,
        "cohost": ALLOWED,
        "coordinator": NOT_FOUND,
        "superuser": ALLOWED,
        **LOGGED_OUT,
    },
    ("organisation", TEAM): {
        "owner": ALLOWED,
        "organiser": FORBIDDEN,
        "door": FORBIDDEN,
        "other_team": NOT_FOUND,
        "cohost": NOT_FOUND,
        "coordinator": NOT_FOUND,
        "superuser": ALLOWED,
        **LOGGED_OUT,
    },
    ("organisation", EVENTS): {
        "owner": ALLOWED,
        "organiser": ALLOWED,
        "door": FORBIDDEN,
        "other_team": NOT_FOUND,
        "cohost": NOT_FOUND,
        "coordinator": NOT_FOUND,
        "superuser": ALLOWED,
        **LOGGED_OUT,
    },
    ("organisation", "member"): {
        "owner": ALLOWED,
        "organiser": ALLOWED,
        "door": ALLOWED,
        "other_team": NOT_FOUND,
        "cohost": NOT_FOUND,
        "coordinator": NOT_FOUND,
        "superuser": ALLOWED,
        **LOGGED_OUT,
    },
    # Making a meeting: owners and organisers of any organisation.
    ("create_event", EVENTS): {
        "owner": ALLOWED,
        "organiser": ALLOWED,
        "door": FORBIDDEN,
        "other_team": ALLOWED,
        "cohost": ALLOWED,
        "coordinator": FORBIDDEN,
        "superuser": ALLOWED,
        **LOGGED_OUT,
    },
    # The dashboard: everyone logged in, each sees only their own meetings.
    ("login", None): {**dict.fromkeys(PEOPLE, ALLOWED), **LOGGED_OUT},
    ("coordinator", None): {
        **dict.fromkeys(PEOPLE, FORBIDDEN),
        "coordinator": ALLOWED,
        "superuser": ALLOWED,
        **LOGGED_OUT,
    },
    # Under /deur/<token>/ the token decides, whoever holds it; each visitor uses their own.
    ("door_link", CHECK_IN): {
        **dict.fromkeys([*PEOPLE, "anonymous"], NOT_FOUND),  # they have no token: a made-up one
        "door_link": ALLOWED,
        "other_door_link": ALLOWED,  # its own meeting's page; this meeting's tickets: wrong_event
        "expired_door_link": GONE,
        "revoked_door_link": GONE,
    },
}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _patterns(entry, route, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield route, name, entry.callback, list(entry.pattern.converters)


def protected_patterns():
    return [p for p in _patterns() if p[0].startswith(PROTECTED_PREFIXES)]


def test_every_organiser_and_door_url_has_an_access_rule():
    missing = [route for route, _, view, _ in protected_patterns() if not _rule(view)]
    assert missing == [], f"Organiser URLs without an access rule: {missing}"
    unknown = [(route, _rule(view)) for route, _, view, _ in protected_patterns()]
    assert [u for u in unknown if u[1] not in EXPECTED] == []


def _rule(view):
    return getattr(view, "access_rule", None)


@pytest.fixture
def world(db, make_user, make_organisation, make_member, make_event):
    """This meeting and its team, another team with its meeting, and their door links."""
    team = make_organisation("Buurtteam", slug="buurtteam")
    other = make_organisation("Ander team", slug="ander-team")
    event = make_event(title="Onze bijeenkomst", capacity=10, organisation=team)
    other_event = make_event(title="Hun bijeenkomst", organisation=other)
    people = {
        "owner": make_user("owner", email="owner@example.org"),
        "organiser": make_user("organiser", email="organiser@example.org"),
        "door": make_user("door", email="door@example.org"),
        "other_team": make_user("other", email="other@example.org"),
        "cohost": make_user("cohost", email="cohost@example.org"),
        "coordinator": make_user("coordinator", group=COORDINATORS),
        "superuser": User.objects.create_superuser("root", "root@example.org", "pw-root-x1"),
    }
    make_member(people["owner"], team, Role.OWNER)
    make_member(people["organiser"], team, Role.ORGANISER)
    make_member(people["door"], team, Role.DOOR)
    make_member(people["other_team"], other, Role.OWNER)
    make_member(people["cohost"], other, Role.ORGANISER)
    event.organisers.add(people["cohost"])
    assert Group.objects.filter(name=COORDINATORS).exists()
    registration = services.registration_create(
        event=event, name="Ans de Vries", email="ans@example.org"
    ).registration
    link = services.door_link_create(event=event, label="Hoofdingang", user=people["owner"])
    other_link = services.door_link_create(event=other_event, label="Zij", user=None)
    expired = services.door_link_create(event=event, label="Gisteren", user=None)
    DoorLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    revoked = services.door_link_create(event=event, label="Kwijt", user=None)
    services.door_link_revoke(link=revoked, user=None)
    invitation = team_services.invitation_create(
        organisation=team, email="nieuw@example.org", role=Role.DOOR, invited_by=people["owner"]
    )
    request = team_services.request_submit(
        organisation_name="Nieuwe buurt",
        name="Piet",
        email="piet@example.org",
        purpose="Koffie",
        language="nl",
    )
    return {
        "event": event,
        "team": team,
        "series": Series.objects.create(organisation=team, title="Buurtbezoeken", slug="bezoeken"),
        "people": people,
        "registration": registration,
        "links": {
            "door_link": link,
            "other_door_link": other_link,
            "expired_door_link": expired,
            "revoked_door_link": revoked,
        },
        "pks": {
            "events:attendee_edit": registration.pk,
            "events:attendee_action": registration.pk,
            "events:door_link_revoke": link.pk,
            "events:door_link_qr": link.pk,
            "events:cohost_remove": people["cohost"].pk,
            "events:question_edit": event.questions.create(label="Dieet", kind="short_text").pk,
            "events:question_delete": event.questions.get(label="Dieet").pk,
            "organisations:invitation_action": invitation.pk,
            "organisations:member_action": team.memberships.get(user=people["door"]).pk,
            "organisations:request_action": request.pk,
        },
    }


ACTIONS = {
    "events:attendee_action": "checkin",
    "organisations:invitation_action": "resend",
    "organisations:member_action": "role",
    "organisations:request_action": "approve",
}
LAYOUTS = {"events:attendee_print": "lijst"}


def _url(world, name, params, route, token):
    kwargs = {}
    for param in params:
        if param == "slug":
            on_team = route.startswith("organisatie/organisaties/")
            kwargs["slug"] = world["team"].slug if on_team else world["event"].slug
        elif param == "token":
            kwargs["token"] = token
        elif param == "pk":
            kwargs["pk"] = world["pks"][name]
        elif param == "action":
            kwargs["action"] = ACTIONS[name]
        elif param == "layout":
            kwargs["layout"] = LAYOUTS[name]
        elif param == "series":
            kwargs["series"] = world["series"].slug
        else:
            raise AssertionError(f"{route}: give the matrix a sample value for <{param}>")
    return reverse(name, kwargs=kwargs)


def _outcome(response) -> object:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    if response.status_code in (FORBIDDEN, NOT_FOUND, GONE):
        return response.status_code
    return ALLOWED


def test_access_matrix(client, world):
    cells = 0
    wrong = []
    for route, name, view, params in protected_patterns():
        rule = _rule(view)
        for visitor in VISITORS:
            client.logout()
            token = "x" * 43  # a well-formed token nobody was given
            if visitor in DOOR_LINKS:
                link = world["links"][visitor]
                token = link.token
                client.get(reverse("events:door", args=[token]))  # they opened their link
            elif visitor != "anonymous":
                client.force_login(world["people"][visitor])
            url = _url(world, name, params, route, token)
            got = _outcome(client.get(url))
            cells += 1
            if got != EXPECTED[rule][visitor]:
                wrong.append((url, visitor, EXPECTED[rule][visitor], got))
    assert wrong == []
    # The matrix covers every protected URL for every visitor.
    assert cells == len(protected_patterns()) * len(VISITORS) >= 30 * len(VISITORS)
    # Nothing was changed by walking it.
    registration = world["registration"]
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.checked_in_at is None


def test_another_meetings_door_link_cannot_check_in_this_meetings_ticket(client, world):
    other_link = world["links"]["other_door_link"]
    answer = client.post(
        reverse("events:door_scan", args=[other_link.token]),
        {"code": world["registration"].ticket_code},
    ).json()
    assert answer["result"] == "wrong_event" and answer["name"] == ""
    world["registration"].refresh_from_db()
    assert world["registration"].checked_in_at is None


@pytest.mark.parametrize("visitor", ["door", "door_link"])
def test_the_door_sees_names_never_addresses_or_the_list(client, world, visitor):
    if visitor == "door":
        client.force_login(world["people"]["door"])
        page_url = reverse("events:checkin", args=[world["event"].slug])
    else:
        page_url = reverse("events:door", args=[world["links"]["door_link"].token])
    page = client.get(page_url, {"q": "Ans"})
    assert "Ans de Vries" in page.text
    assert "ans@example.org" not in page.text
    assert client.get(page_url, {"q": "ans@example"}).text.count("Ans de Vries") == 0
    attendees = reverse("events:attendees", args=[world["event"].slug])
    assert attendees not in page.text
    assert _outcome(client.get(attendees)) in (FORBIDDEN, LOGIN)
