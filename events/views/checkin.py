"""Check-in at the door: the volunteer's page, the scan answer and the live counts.

The same pages serve three kinds of visitor: the meeting's organisers (everything, with the
walk-in form and door links), door volunteers of its organisation, and phones holding a
door link (no account). The last two see names at the door and nothing more: no email
addresses, no needs, no attendee list, no exports.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organisations.permissions import EVENTS
from zorgzaam.ratelimit import limit_posts

from .. import selectors, services
from ..forms import AttendeeAddForm, DoorLinkForm
from ..models import DoorLink
from .decorators import checks_in, door_link_required
from .texts import CHECKIN_TEXT


def _urls(request, event) -> dict:
    """Where the page's forms post: under the door link, or under the organiser area."""
    link = request.event_access.door_link
    if link is not None:
        args, prefix = [link.token], "events:door"
    else:
        args, prefix = [event.slug], "events:checkin"
    return {
        "page": reverse(prefix, args=args),
        "scan": reverse(f"{prefix}_scan", args=args),
        "undo": reverse(f"{prefix}_undo", args=args),
        "counts": reverse(f"{prefix}_counts", args=args),
    }


def _page(request, event):
    access = request.event_access
    organiser = access.can(EVENTS)
    query = request.GET.get("q", "").strip()[:100]
    found = []
    if query:
        found = selectors.checkin_search(event, query, by_email=organiser)
        if not organiser:
            # At the door only what the page shows is read: never the email address.
            found = found.only("name", "party_size", "status", "checked_in_at", "ticket_code")
        found = found[:20]
    context = {
        "event": event,
        "counts": selectors.event_counts(event),
        "query": query,
        "found": found,
        "urls": _urls(request, event),
        "organiser": organiser,
        "door_link": access.door_link,
    }
    if organiser:
        context["walk_in_form"] = AttendeeAddForm(initial={"check_in_now": True})
        now = timezone.now()
        context["door_links"] = (
            event.door_links.filter(revoked_at__isnull=True, expires_at__gt=now)
            .select_related("created_by")
            .order_by("pk")
        )
        context["door_links_possible"] = now < event.ends_at + DoorLink.VALID_AFTER_END
        context["door_link_form"] = DoorLinkForm()
    response = render(request, "events/organiser/checkin.html", context)
    # Names at the door, behind a link that may be withdrawn: never from a cache.
    add_never_cache_headers(response)
    return response


@checks_in
def checkin_page(request, event):
    return _page(request, event)


@door_link_required
def door_page(request, event):
    return _page(request, event)


def _scan(request, event):
    access = request.event_access
    result = services.checkin_perform(
        event=event,
        code=request.POST.get("code", ""),
        user=access.user,
        door_link=access.door_link,
    )
    registration = result.registration
    show_name = result.result in {"ok", "already", "waitlist", "cancelled"}
    checked_in_at = registration.checked_in_at if registration else None
    at = timezone.localtime(checked_in_at).strftime("%H:%M") if checked_in_at else None
    display = _checkin_display(result.result, registration, at)
    if request.get_preferred_type(["application/json", "text/html"]) == "text/html":
        # A browser's plain form post (no JavaScript): show the answer on the check-in page.
        # Scanner apps, scripts and curl (Accept: */* or none) get JSON, as the contract says.
        (messages.success if result.result == "ok" else messages.error)(request, display)
        return redirect(_urls(request, event)["page"])
    return JsonResponse(
        {
            "result": result.result,
            "message": CHECKIN_TEXT[result.result](),
            "display": display,
            "name": registration.name if registration and show_name else "",
            "party_size": registration.party_size if registration and show_name else None,
            "checked_in_at": at,
            "counts": selectors.event_counts(event),
        }
    )


@checks_in
@require_POST
@limit_posts("RATELIMIT_SCAN_PER_IP")
def checkin_scan(request, event):
    return _scan(request, event)


@door_link_required
@require_POST
@limit_posts("RATELIMIT_SCAN_PER_IP")
def door_scan(request, event):
    return _scan(request, event)


def _undo(request, event):
    undone = services.checkin_undo_by_code(event=event, code=request.POST.get("code", ""))
    if undone:
        messages.success(request, _("The check-in has been undone."))
    else:
        messages.error(request, CHECKIN_TEXT["unknown"]())
    return redirect(_urls(request, event)["page"])


@checks_in
@require_POST
def checkin_undo(request, event):
    return _undo(request, event)


@door_link_required
@require_POST
def door_undo(request, event):
    return _undo(request, event)


def _checkin_display(result: str, registration, at) -> str:
    """The big line the door volunteer reads: "Welkom, Samira (+2)"."""
    if result == "ok":
        extra = f" (+{registration.party_size - 1})" if registration.party_size > 1 else ""
        return _("Welcome, %(name)s") % {"name": registration.name} + extra
    if result == "already":
        return _("Already checked in at %(time)s: %(name)s") % {
            "time": at,
            "name": registration.name,
        }
    if result in {"waitlist", "cancelled"}:
        return f"{CHECKIN_TEXT[result]()}: {registration.name}"
    return CHECKIN_TEXT[result]()


def _counts(event):
    response = JsonResponse(selectors.event_counts(event))
    add_never_cache_headers(response)
    return response


@checks_in
@require_GET
def checkin_counts(request, event):
    return _counts(event)


@door_link_required
@require_GET
def door_counts(request, event):
    return _counts(event)
