"""Who may do what with a meeting: its organisation's roles, its co-organisers, door links.

- owner and organiser of the meeting's organisation: everything about the meeting;
- a co-organiser (`Event.organisers`, someone from another organisation): the same, for
  that one meeting;
- a door volunteer of the organisation, or anyone holding a valid door link of the
  meeting: the check-in page and the scan endpoint, nothing else;
- a superuser: everything. A site coordinator gets nothing here through that role.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from organisations import permissions as org_permissions
from organisations.permissions import CHECK_IN, EVENTS
from zorgzaam.roles import login_rule  # noqa: F401  (re-exported for the views)

from .models import DoorLink, Event

COHOST_CAPABILITIES = frozenset({EVENTS, CHECK_IN})


def event_capabilities(user, event: Event) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    allowed = org_permissions.capabilities(user, event.organisation_id) - {org_permissions.TEAM}
    if EVENTS not in allowed and user_is_cohost(user, event):
        allowed = allowed | COHOST_CAPABILITIES
    return allowed


def user_is_cohost(user, event: Event) -> bool:
    if not hasattr(user, "_zorgzaam_cohosted"):
        user._zorgzaam_cohosted = set(user.organised_events.values_list("pk", flat=True))
    return event.pk in user._zorgzaam_cohosted


def events_with(user, capability: str) -> QuerySet[Event]:
    """The meetings on which the user has the capability."""
    events = Event.objects.all()
    if user.is_superuser:
        return events
    if not user.is_authenticated:
        return events.none()
    condition = Q(organisation_id__in=org_permissions.organisation_ids_with(user, capability))
    if capability in COHOST_CAPABILITIES:
        # A subquery, not a join: a join would repeat each registration per co-organiser
        # in the counts the dashboard sums.
        condition |= Q(pk__in=Event.organisers.through.objects.filter(user=user).values("event"))
    return events.filter(condition)


def user_sees_needs(user, event: Event) -> bool:
    """Accessibility and dietary needs are special-category data: the meeting's own organisers."""
    return EVENTS in event_capabilities(user, event)


def user_may_create_events(user) -> bool:
    return user.is_superuser or bool(org_permissions.organisation_ids_with(user, EVENTS))


@dataclass(frozen=True)
class Access:
    """Who is asking for a meeting's page: a member, a co-organiser or a door link."""

    event: Event
    capabilities: frozenset[str]
    user: object | None = None
    door_link: DoorLink | None = None

    def can(self, capability: str) -> bool:
        return capability in self.capabilities


def event_required(capability: str):
    """The meeting in the URL (`slug`) and a capability on it.

    Anonymous people log in; someone with some right on the meeting but not this one gets
    403; anyone else 404, so nobody learns which drafts exist.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, slug, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            event = Event.objects.select_related("organisation").filter(slug=slug).first()
            if event is None:
                raise Http404
            allowed = event_capabilities(request.user, event)
            if not allowed:
                raise Http404
            if capability not in allowed:
                raise PermissionDenied
            request.event_access = Access(event=event, capabilities=allowed, user=request.user)
            return view(request, *args, event=event, **kwargs)

        wrapper.access_rule = ("event", capability)
        return wrapper

    return decorator


def door_link_required(view):
    """A valid door link in the URL (`token`): check-in of its meeting only, no account.

    An unknown token is a 404; an expired or withdrawn one gets a page that says so (410).
    """

    @wraps(view)
    def wrapper(request, *args, token, **kwargs):
        from django.shortcuts import render

        link = (
            DoorLink.objects.select_related("event", "event__organisation")
            .filter(token=token)
            .first()
        )
        if link is None:
            raise Http404
        now = timezone.now()
        if not link.is_valid(now):
            return render(
                request,
                "events/door/door_link_invalid.html",
                {"link": link, "revoked": link.revoked_at is not None},
                status=410,
            )
        request.event_access = Access(
            event=link.event, capabilities=frozenset({CHECK_IN}), door_link=link
        )
        return view(request, *args, event=link.event, **kwargs)

    wrapper.access_rule = ("door_link", CHECK_IN)
    return wrapper


def event_creator_required(view):
    """Owners and organisers of at least one organisation (and superusers)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_may_create_events(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.access_rule = ("create_event", EVENTS)
    return wrapper
