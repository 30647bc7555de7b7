"""Check-in at the door: the volunteer's page, the scan answer and the live counts."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zorgzaam.ratelimit import limit_posts

from .. import selectors, services
from ..forms import AttendeeAddForm
from ..models import Registration
from .decorators import organiser_required
from .texts import CHECKIN_TEXT


@organiser_required
def checkin_page(request, event):
    query = request.GET.get("q", "").strip()[:100]
    found = []
    if query:
        found = selectors.attendees(event, q=query, sort="name").exclude(
            status=Registration.Status.CANCELLED
        )[:20]
    return render(
        request,
        "events/organiser/checkin.html",
        {
            "event": event,
            "counts": selectors.event_counts(event),
            "query": query,
            "found": found,
            "walk_in_form": AttendeeAddForm(initial={"check_in_now": True}),
        },
    )


@organiser_required
@require_POST
@limit_posts("RATELIMIT_SCAN_PER_IP")
def checkin_scan(request, event):
    result = services.checkin_perform(
        event=event, code=request.POST.get("code", ""), user=request.user
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
        return redirect("events:checkin", slug=event.slug)
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


@organiser_required
@require_GET
def checkin_counts(request, event):
    return JsonResponse(selectors.event_counts(event))
