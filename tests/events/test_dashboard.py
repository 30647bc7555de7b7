"""The organiser dashboard (/organisatie/): meetings grouped per organisation, per role."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisations.models import Role

# Session, user, memberships, roles, the meetings with their counts and the user's groups
DASHBOARD_QUERIES = 6


@pytest.fixture
def dashboard(client):
    def get(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client.get(reverse("events:dashboard"))

    return get


def test_owner_sees_the_team_link_and_attendees(dashboard, make_user, make_member, event):
    owner = make_user("eigenaar")
    make_member(owner, event.organisation, Role.OWNER)
    response = dashboard(owner)
    assert response.status_code == 200
    page = response.text
    assert event.organisation.name in page and event.title in page
    assert reverse("organisations:team", args=[event.organisation.slug]) in page
    assert reverse("events:organiser_event", args=[event.slug]) in page
    assert reverse("events:attendees", args=[event.slug]) in page
    assert reverse("events:checkin", args=[event.slug]) in page
    assert reverse("events:organiser_create") in page


def test_organiser_sees_no_team_link(dashboard, organiser, event):
    page = dashboard(organiser).text
    team = reverse("organisations:team", args=[event.organisation.slug])
    assert f'href="{team}"' not in page
    assert reverse("events:attendees", args=[event.slug]) in page


def test_door_volunteer_sees_only_check_in_buttons(dashboard, make_user, make_member, event):
    volunteer = make_user("deur")
    make_member(volunteer, event.organisation, Role.DOOR)
    page = dashboard(volunteer).text
    assert event.title in page
    checkin = reverse("events:checkin", args=[event.slug])
    assert f'class="btn btn-primary btn-sm" href="{checkin}"' in page
    assert reverse("events:attendees", args=[event.slug]) not in page
    assert f'href="{reverse("events:organiser_event", args=[event.slug])}"' not in page
    team = reverse("organisations:team", args=[event.organisation.slug])
    assert f'href="{team}"' not in page
    assert reverse("events:organiser_create") not in page
    assert "You do not see the attendee list." in page


def test_groups_per_organisation(
    dashboard, make_user, make_member, make_organisation, make_event, event
):
    user = make_user("twee-petten")
    make_member(user, event.organisation, Role.ORGANISER)
    elders = make_organisation("Aardse Zorgcoöperatie", slug="aards")
    make_member(user, elders, Role.DOOR)
    door_meeting = make_event(title="Deurbijeenkomst", organisation=elders)
    guest = make_organisation("Gastheer", slug="gastheer")
    cohosted = make_event(title="Samen georganiseerd", organisation=guest)
    cohosted.organisers.add(user)
    make_event(title="Niet van mij", organisation=guest)
    page = dashboard(user).text
    # Alphabetical per organisation, co-organised meetings last.
    first = page.index("Aardse Zorgcoöperatie")
    second = page.index(event.organisation.name)
    last = page.index("Co-organised for other organisations")
    assert first < second < last
    assert page.index("Deurbijeenkomst") < second < page.index(event.title, second) < last
    assert page.index("Samen georganiseerd") > last
    assert "Niet van mij" not in page
    assert reverse("events:attendees", args=[door_meeting.slug]) not in page
    assert reverse("events:attendees", args=[cohosted.slug]) in page


def test_user_without_memberships(dashboard, make_user, event):
    response = dashboard(make_user("nieuw"))
    assert response.status_code == 200
    assert "You are not in the team of an organisation yet." in response.text
    assert event.title not in response.text
    assert reverse("organisations:request") in response.text


def test_coordinator_sees_no_meetings(dashboard, coordinator, event, registration):
    page = dashboard(coordinator).text
    assert event.title not in page
    assert reverse("events:checkin", args=[event.slug]) not in page
    assert "Ans de Vries" not in page
    assert "As a coordinator you manage the catalogue." in page


def test_anonymous_logs_in(client):
    response = client.get(reverse("events:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _meetings(make_event, organisation, count, *, past=0):
    now = timezone.now()
    made = [make_event(organisation=organisation) for _ in range(count - past)]
    for _ in range(past):
        made.append(
            make_event(
                organisation=organisation,
                starts_at=now - timedelta(days=3, hours=2),
                ends_at=now - timedelta(days=3),
            )
        )
    return made


def _count_dashboard_queries(client, user, django_assert_max_num_queries) -> int:
    client.force_login(user)
    with (
        django_assert_max_num_queries(DASHBOARD_QUERIES),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(reverse("events:dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow(
    client, make_user, make_member, make_organisation, make_event, django_assert_max_num_queries
):
    user = make_user("druk")
    a = make_organisation("A", slug="a")
    b = make_organisation("B", slug="b")
    make_member(user, a, Role.OWNER)
    make_member(user, b, Role.DOOR)
    first = _meetings(make_event, a, 1) + _meetings(make_event, b, 1)
    small = _count_dashboard_queries(client, user, django_assert_max_num_queries)

    more = [make_organisation(name, slug=name.lower()) for name in ("C", "D", "E", "F")]
    for organisation, role in zip(more[:3], (Role.ORGANISER, Role.DOOR, Role.OWNER), strict=True):
        make_member(user, organisation, role)
    meetings = first + _meetings(make_event, a, 4, past=2) + _meetings(make_event, b, 3, past=1)
    for organisation in more[:3]:
        meetings += _meetings(make_event, organisation, 3, past=1)
    cohosted = _meetings(make_event, more[3], 2)  # F: the user only co-organises there
    for meeting in cohosted:
        meeting.organisers.add(user)
    meetings += cohosted
    assert len(meetings) == 20
    large = _count_dashboard_queries(client, user, django_assert_max_num_queries)
    assert small == large

    page = client.get(reverse("events:dashboard")).text
    for meeting in meetings:
        assert meeting.slug in page


def test_counts_are_not_multiplied_by_co_organisers(
    dashboard, make_user, make_member, make_organisation, event, registration
):
    owner = make_user("eigenaar")
    make_member(owner, event.organisation, Role.OWNER)
    elders = make_organisation("Elders", slug="elders")
    for name in ("co-1", "co-2"):
        cohost = make_user(name)
        make_member(cohost, elders, Role.ORGANISER)
        event.organisers.add(cohost)
    page = dashboard(owner).text
    assert "Places taken: <strong>1 / 10</strong>" in page


def test_a_door_volunteer_leaves_the_team_from_the_dashboard(client, make_user, make_member, event):
    volunteer = make_user("vrijwilliger-vertrekt")
    make_member(volunteer, event.organisation, Role.DOOR)
    client.force_login(volunteer)
    page = client.get(reverse("events:dashboard")).text
    leave = reverse("organisations:leave", args=[event.organisation.slug])
    assert leave in page
    client.post(leave)
    assert not event.organisation.memberships.filter(user=volunteer).exists()
    checkin = reverse("events:checkin", args=[event.slug])
    assert client.get(checkin).status_code == 404
