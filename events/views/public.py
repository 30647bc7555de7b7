"""What residents see: the meeting list and page, sign-up, their ticket and its files."""

import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_http_methods

from organisations.models import Organisation
from zorgzaam.ratelimit import limit_posts

from .. import selectors, services
from ..calendar import event_ics as build_event_ics
from ..calendar import feed_ics_cached
from ..forms import RegistrationChangeForm, RegistrationForm
from ..models import Answer, Event, Registration
from ..qr import PNG_SIZES, qr_png, qr_svg
from .texts import CLOSED_MESSAGES, error_message

OWN_COOKIE = "zz_own"  # tickets created in this browser, for double submits


def event_list(request):
    return render(
        request,
        "events/event_list.html",
        {"upcoming": selectors.events_upcoming(), "past": selectors.events_past()[:20]},
    )


def _event_or_404(slug: str) -> Event:
    try:
        return selectors.event_public(slug)
    except Event.DoesNotExist:
        raise Http404 from None


def _posted_email(group, request) -> str:
    return request.POST.get("email", "").strip().lower()[:254]


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_SIGNUP_PER_IP")
@limit_posts("RATELIMIT_SIGNUP_PER_EMAIL", key=_posted_email)
def event_detail(request, slug):
    if request.method == "POST":
        # The hot path of a sign-up rush: read only what signing up needs, and the
        # whole page (counts, hosts) only when it has to be shown again.
        try:
            event = selectors.event_for_signup(slug)
        except Event.DoesNotExist:
            raise Http404 from None
        state = event.registration_state()
        form = None
        if state == "open":
            # Places per answer are counted under the lock when saving; the labels only
            # need them when the form is shown again.
            form = RegistrationForm(request.POST, event=event)
            if form.is_valid():
                response = _register(request, event, form)
                if response is not None:
                    return response
        else:
            messages.error(request, CLOSED_MESSAGES[state]())
        event = _event_or_404(slug)
        if form is not None:
            form.show_places_left(_places_left(event))
    else:
        event = _event_or_404(slug)
        state = event.registration_state()
        form = (
            RegistrationForm(event=event, places_left=_places_left(event))
            if state == "open"
            else None
        )
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "form": form,
            "state": state,
            "closed_message": CLOSED_MESSAGES[state]() if state != "open" else "",
            "seats_left": event.seats_left(event.confirmed),
            "json_ld_text": _json_ld(event),
            "next_in_series": selectors.series_next_event(event),
        },
        status=status,
    )


def _places_left(event: Event) -> dict[int, int]:
    """Places left per answer with a limit; no query when no answer has one."""
    limited = [
        choice
        for question in event.questions.all()
        for choice in question.choices.all()
        if choice.capacity is not None
    ]
    return services.places_left_per_choice(event, limited) if limited else {}


def _register(request, event: Event, form: RegistrationForm):
    data = form.cleaned_data
    try:
        signup = services.registration_create(
            event=event,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            background=data["background"],
            organisation=data["organisation"],
            party_size=data.get("party_size", 1),
            sessions=form.chosen_sessions(),
            topic=data["topic"],
            needs=data["needs"],
            newsletter_opt_in=data["newsletter_opt_in"],
            language=get_language() or "nl",
            answers=form.answers,
        )
    except services.RegistrationError as error:
        form.add_error(None, error_message(error.code))
        return None
    if signup.created and data["newsletter_opt_in"]:
        # The tick asks to follow the organisation: a confirmation email, nothing more yet.
        services.follow_request(
            organisation=event.organisation,
            email=data["email"],
            language=signup.registration.language,
        )
    token = signup.registration.management_token
    own = request.get_signed_cookie(OWN_COOKIE, default="", salt=OWN_COOKIE).split(",")
    if signup.created or token in own:
        # New, or this same browser submitting twice: straight to the ticket. The browser
        # remembers its own tickets in a signed cookie (no session row to write).
        response = redirect(signup.registration)
        if token not in own:
            response.set_signed_cookie(
                OWN_COOKIE,
                ",".join([t for t in own if t][-9:] + [token]),
                salt=OWN_COOKIE,
                max_age=7 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
    # Someone else's address: reveal nothing, the owner gets the link by email.
    return render(request, "events/registration_check_email.html", {"event": event})


def _json_ld(event: Event) -> str:
    """schema.org Event data for link previews and search engines, safe inside <script>."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.status == Event.Status.CANCELLED
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": event.absolute_url,
        "location": {
            "@type": "Place",
            "name": event.venue_name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.venue_street,
                "postalCode": event.venue_postcode,
                "addressLocality": event.venue_city,
                "addressCountry": "NL",
            },
        },
        "isAccessibleForFree": event.free_entry,
        "inLanguage": event.languages,
        "organizer": [
            {
                "@type": "Organization",
                "name": event.organisation.name,
                "url": event.organisation.absolute_url,
            }
        ]
        + [
            {
                "@type": "Organization",
                "name": h.name,
                "url": settings.SITE_URL + h.get_absolute_url(),
            }
            for h in event.hosts.all()
        ],
    }
    if event.series_id:
        data["superEvent"] = {
            "@type": "EventSeries",
            "name": event.series.title,
            "url": event.series.absolute_url,
        }
    text = json.dumps(data, ensure_ascii=False)
    for char, escape in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return mark_safe(text)  # noqa: S308 - every markup character is escaped above


QR_CACHE_SECONDS = 24 * 3600  # keyed by the URL it encodes, so it can never go stale


def _qr_etag(request, slug, fmt):
    size = request.GET.get("size", "m")
    data = f"{slug}|{fmt}|{size}|{settings.SITE_URL}"
    return hashlib.sha256(data.encode()).hexdigest()[:32]


@cache_control(public=True, max_age=86400)
@condition(etag_func=_qr_etag)
def event_qr(request, slug, fmt):
    event = get_object_or_404(Event.objects.exclude(status=Event.Status.DRAFT), slug=slug)
    url = event.absolute_url
    if fmt == "svg":
        content = cache.get_or_set(f"qr:svg:{url}", lambda: qr_svg(url), QR_CACHE_SECONDS)
        return HttpResponse(content, content_type="image/svg+xml")
    if fmt == "png":
        size = request.GET.get("size", "m")
        if size not in PNG_SIZES:
            return HttpResponse(
                _("Unknown size; use s, m or l."), status=400, content_type="text/plain"
            )
        content = cache.get_or_set(
            f"qr:png:{size}:{url}",
            lambda: qr_png(url, box_size=PNG_SIZES[size]),
            QR_CACHE_SECONDS,
        )
        return HttpResponse(content, content_type="image/png")
    raise Http404


def event_poster(request, slug):
    event = _event_or_404(slug)
    return render(request, "events/event_poster.html", {"event": event})


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request, slug):
    event = _event_or_404(slug)
    return _ics_response(build_event_ics(event), f"{event.slug}.ics")


def _registration_or_404(token: str) -> Registration:
    return get_object_or_404(Registration.objects.select_related("event"), management_token=token)


@require_http_methods(["GET", "HEAD"])
def registration_detail(request, token):
    registration = _registration_or_404(token)
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": registration.event,
            "position": registration.waitlist_position(),
            "sessions": registration.sessions.all(),
            # Their own answers, sensitive ones included: it is their own page.
            "answers": selectors.answer_rows(
                selectors.registration_answers(registration), with_sensitive=True
            ),
        },
    )


@cache_control(private=True, max_age=3600)
def registration_qr(request, token):
    registration = _registration_or_404(token)
    if registration.status == Registration.Status.CANCELLED:
        raise Http404
    return HttpResponse(qr_png(registration.ticket_code, box_size=8), content_type="image/png")


def registration_ics(request, token):
    registration = _registration_or_404(token)
    event = registration.event
    return _ics_response(build_event_ics(event), f"{event.slug}.ics")


@require_http_methods(["GET", "HEAD"])
def registration_data_download(request, token):
    """The attendee's own data as JSON (the right of access, AVG art. 15)."""
    from ..personal_data import registration_data

    registration = _registration_or_404(token)
    response = JsonResponse(
        registration_data(registration), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="mijn-aanmelding.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
def registration_change(request, token):
    registration = _registration_or_404(token)
    if registration.status == Registration.Status.CANCELLED:
        return redirect(registration)
    event = registration.event
    prefetch_related_objects([event], "programme", "questions__choices")
    places_left = _places_left(event) if event.registration_state() == "open" else {}
    if places_left and registration.status == Registration.Status.CONFIRMED:
        # The attendee's own place in an answer they chose is theirs to keep: count it
        # as free for them, as the change itself does.
        own = Answer.objects.filter(
            registration=registration, choice_id__in=places_left
        ).values_list("choice_id", flat=True)
        for choice_id in own:
            places_left[choice_id] += registration.party_size
    form = RegistrationChangeForm(
        request.POST or None, registration=registration, places_left=places_left
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_update(
                registration=registration,
                party_size=form.cleaned_data["party_size"],
                sessions=form.chosen_sessions(),
                answers=form.answers,
            )
        except services.RegistrationError as error:
            form.add_error(None, error_message(error.code))
        else:
            messages.success(request, _("Your registration has been changed."))
            return redirect(registration)
    return render(
        request,
        "events/registration_change.html",
        {"registration": registration, "event": registration.event, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
def registration_cancel(request, token):
    registration = _registration_or_404(token)
    if request.method == "POST":
        services.registration_cancel(registration=registration)
        messages.success(request, _("Your registration has been cancelled."))
        return redirect(registration)
    return render(
        request,
        "events/registration_confirm.html",
        {"registration": registration, "event": registration.event, "action": "cancel"},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
def registration_erase(request, token):
    registration = _registration_or_404(token)
    if request.method == "POST":
        event = registration.event
        services.registration_erase(registration=registration)
        messages.success(request, _("Your registration and your personal data have been deleted."))
        return redirect(event)
    return render(
        request,
        "events/registration_confirm.html",
        {"registration": registration, "event": registration.event, "action": "erase"},
    )


@require_http_methods(["GET", "HEAD"])
def organisation_ics(request, slug):
    """The calendar feed of an organisation's meetings (published or cancelled, not drafts)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    events = selectors.organisation_feed_events(organisation)
    response = _ics_response(
        feed_ics_cached(events, name=organisation.name), f"{organisation.slug}.ics"
    )
    response["Content-Disposition"] = f'inline; filename="{organisation.slug}.ics"'
    return response
