"""What each role may do, and the checks on it.

Roles give capabilities; pages ask for a capability, never for a role, so a rule is
written once. A user's memberships are read once per request (the user object lives one
request), so removing a member takes effect on their very next request.
"""

from contextlib import suppress
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Organisation, Role

# Capabilities.
TEAM = "team"  # the organisation's details, members and invitations
EVENTS = "events"  # create, edit and publish meetings; attendees, exports, messages, insight
CHECK_IN = "check_in"  # the check-in page and scan endpoint, nothing else

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({TEAM, EVENTS, CHECK_IN}),
    Role.ORGANISER: frozenset({EVENTS, CHECK_IN}),
    Role.DOOR: frozenset({CHECK_IN}),
}
ALL = frozenset({TEAM, EVENTS, CHECK_IN})


def user_roles(user) -> dict[int, str]:
    """{organisation id: role} for the user, read once per request."""
    if not user.is_authenticated:
        return {}
    if not hasattr(user, "_zorgzaam_roles"):
        user._zorgzaam_roles = dict(
            Membership.objects.filter(user=user).values_list("organisation_id", "role")
        )
    return user._zorgzaam_roles


def forget_roles(user) -> None:
    """After a change to the user's own memberships within this request."""
    with suppress(AttributeError):
        del user._zorgzaam_roles  # through request.user's lazy wrapper too


def capabilities(user, organisation_id: int | None) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return ALL
    role = user_roles(user).get(organisation_id)
    return ROLE_CAPABILITIES.get(role, frozenset())


def organisation_ids_with(user, capability: str) -> list[int]:
    return [org for org, role in user_roles(user).items() if capability in ROLE_CAPABILITIES[role]]


def organisations_with(user, capability: str):
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisation_ids_with(user, capability))


def organisation_required(capability: str):
    return _organisation_rule(capability)


def _organisation_rule(capability: str | None):
    """The organisation in the URL (`slug`) and a capability in it.

    Anonymous people log in; a member without the capability gets 403; anyone else 404,
    so the page does not say which organisations have a team area. `capability` None:
    any member.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, slug, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise Http404
            allowed = capabilities(request.user, organisation.pk)
            if not allowed:
                raise Http404
            if capability is not None and capability not in allowed:
                raise PermissionDenied
            return view(request, *args, organisation=organisation, **kwargs)

        wrapper.access_rule = ("organisation", capability or "member")
        return wrapper

    return decorator


def member_required(view):
    """Any member of the organisation in the URL (`slug`), whatever the role."""
    return _organisation_rule(None)(view)
