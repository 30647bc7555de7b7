from datetime import time, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.servers.basehttp import WSGIServer
from django.utils import timezone

from events import services
from events.models import Event, ProgrammeItem
from organisations.models import Membership, Organisation, Role
from zorgzaam.roles import COORDINATORS

# The live test server listens with a backlog of 10, so a rush of phones would be reset by
# the kernel before reaching Django. Production servers (gunicorn) accept 2048.
WSGIServer.request_queue_size = 256


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://zorgzaam.example"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives a test's rolled-back database: start every test without it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_organisation(db):
    def make(name: str = "Buurtnetwerk", **fields) -> Organisation:
        slug = fields.pop("slug", None) or f"org-{Organisation.objects.count() + 1}"
        return Organisation.objects.create(name=name, slug=slug, **fields)

    return make


@pytest.fixture
def organisation(make_organisation):
    """The organisation `make_event` gives its meetings unless told otherwise."""
    return make_organisation("Buurtnetwerk Ergens", slug="buurtnetwerk")


@pytest.fixture
def make_member():
    def make(user, organisation: Organisation, role: str = Role.ORGANISER) -> Membership:
        membership, _ = Membership.objects.update_or_create(
            organisation=organisation, user=user, defaults={"role": role}
        )
        return membership

    return make


@pytest.fixture
def make_event(db, organisation):
    def make(**fields) -> Event:
        start = timezone.now().replace(microsecond=0) + timedelta(days=14)
        defaults = {
            "title": "Buurtbijeenkomst",
            "slug": f"buurt-{Event.objects.count() + 1}",
            "summary": "Samen praten over zorgen voor elkaar.",
            "starts_at": start,
            "ends_at": start + timedelta(hours=3),
            "venue_name": "Buurthuis",
            "venue_street": "Dorpsstraat 1",
            "venue_postcode": "1234 AB",
            "venue_city": "Ergens",
            "status": Event.Status.PUBLISHED,
            "organisation": organisation,
        }
        defaults.update(fields)
        return Event.objects.create(**defaults)

    return make


@pytest.fixture
def make_ended_event(make_event):
    """A meeting that ended `days` ago, whose sign-up is still open so tests can sign up."""

    def make(*, days: int, **fields) -> Event:
        now = timezone.now()
        return make_event(
            capacity=10,
            starts_at=now - timedelta(days=days, hours=3),
            ends_at=now - timedelta(days=days),
            registration_closes_at=now + timedelta(days=1),
            **fields,
        )

    return make


@pytest.fixture
def event(make_event):
    return make_event(capacity=10)


@pytest.fixture
def sessions(event):
    """Two breakout sessions at 15:00 (one with 2 places) and a plenary."""
    plenary = ProgrammeItem.objects.create(
        event=event, start_time=time(14, 0), title="Opening", kind=ProgrammeItem.Kind.PLENARY
    )
    small = ProgrammeItem.objects.create(
        event=event,
        start_time=time(15, 0),
        title="Kleine kring",
        kind=ProgrammeItem.Kind.BREAKOUT,
        capacity=2,
    )
    large = ProgrammeItem.objects.create(
        event=event, start_time=time(15, 0), title="Grote zaal", kind=ProgrammeItem.Kind.BREAKOUT
    )
    return {"plenary": plenary, "small": small, "large": large}


@pytest.fixture
def make_user(db):
    """A user, in one of the site's groups when `group` is given."""

    def make(username: str, *, group: str | None = None, **fields) -> User:
        user = User.objects.create_user(username, password=f"pw-{username}-zorgzaam", **fields)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def organiser(make_user, make_member, event):
    """An organiser in the team of `event`'s organisation."""
    user = make_user("organiser", email="organiser@example.org")
    make_member(user, event.organisation, Role.ORGANISER)
    return user


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", group=COORDINATORS)


@pytest.fixture
def registration(event):
    """A confirmed sign-up for `event`."""
    return services.registration_create(
        event=event, name="Ans de Vries", email="ans@example.org"
    ).registration
