"""The organiser area: /organisatie/. Organisers see their own events, coordinators all."""

from collections import Counter
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zorgzaam.ratelimit import limit_posts

from . import exports, selectors, services
from .forms import (
    AttendeeAddForm,
    AttendeeEditForm,
    AttendeeFilterForm,
    EventDuplicateForm,
    EventForm,
    MessageForm,
    ProgrammeFormSet,
)
from .models import AccessLog, Event, Registration
from .views import _error_message


def organiser_required(view):
    """Login required; the event in the URL must be one the user may manage (else 404)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, slug=None, **kwargs):
        if not selectors.user_may_organise(request.user):
            raise PermissionDenied
        if slug is not None:
            # Access only: the pages that show counts read them on their own.
            event = get_object_or_404(selectors.events_managed_by(request.user), slug=slug)
            return view(request, *args, event=event, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper


def _registration(event: Event, pk) -> Registration:
    # Scoped to the event: an id from another meeting is a 404, never its data.
    return get_object_or_404(Registration, event=event, pk=pk, erased_at__isnull=True)


def _back_to_list(request, event: Event):
    return redirect(
        request.POST.get("next")
        if request.POST.get("next", "").startswith("/organisatie/")
        else reverse("events:attendees", args=[event.slug])
    )


@organiser_required
def dashboard(request):
    events = selectors.events_for_organiser(request.user).order_by("starts_at")
    now = timezone.now()
    return render(
        request,
        "events/organiser/dashboard.html",
        {
            "upcoming": [e for e in events if e.ends_at >= now],
            "past": sorted((e for e in events if e.ends_at < now), key=lambda e: -e.pk)[:30],
            "is_coordinator": selectors.user_is_coordinator(request.user),
        },
    )


def _event_form_view(request, event: Event | None):
    # The form writes into the instance while validating: remember the capacity first.
    old_capacity = event.capacity if event is not None else None
    form = EventForm(request.POST or None, request.FILES or None, instance=event)
    formset = ProgrammeFormSet(request.POST or None, instance=event or Event(), prefix="programme")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        new_capacity = form.cleaned_data["capacity"]
        with transaction.atomic():
            saved = form.save(commit=False)
            if event is not None:
                saved.capacity = old_capacity  # changed through the service below
            else:
                saved.status = Event.Status.DRAFT
            saved.save()
            form.save_m2m()
            saved.organisers.add(request.user)
            formset.instance = saved
            formset.save()
        if event is not None and new_capacity != old_capacity:
            promoted = services.event_capacity_change(event=saved, capacity=new_capacity)
            if promoted:
                messages.info(
                    request,
                    _("%(count)s registration(s) moved from the waiting list.")
                    % {"count": len(promoted)},
                )
        messages.success(request, _("The meeting has been saved."))
        return redirect("events:organiser_event", slug=saved.slug)
    return render(
        request,
        "events/organiser/event_form.html",
        {"form": form, "formset": formset, "event": event},
        status=400 if form.errors or formset.total_error_count() else 200,
    )


@organiser_required
def event_create(request):
    return _event_form_view(request, None)


@organiser_required
def event_edit(request, event):
    return _event_form_view(request, event)


@organiser_required
def event_overview(request, event):
    return render(
        request,
        "events/organiser/event_overview.html",
        {
            "event": event,
            "counts": selectors.event_counts(event),
            "erase_on": event.ends_at + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS),
            "failed_emails": event_failed_emails(event),
            "messages_sent": event.messages.all()[:10],
        },
    )


def event_failed_emails(event: Event):
    from .models import OutgoingEmail

    return (
        OutgoingEmail.objects.filter(registration__event=event, status="failed")
        .select_related("registration")
        .order_by("-created_at")[:20]
    )


@organiser_required
@require_POST
def event_publish(request, event):
    if event.status == Event.Status.DRAFT:
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        messages.success(request, _("The meeting is published: people can now sign up."))
    return redirect("events:organiser_event", slug=event.slug)


@organiser_required
def event_cancel(request, event):
    if request.method == "POST":
        count = services.event_cancel(event=event)
        messages.success(
            request,
            _("The meeting is cancelled. %(count)s attendee(s) get an email.") % {"count": count},
        )
        return redirect("events:organiser_event", slug=event.slug)
    return render(request, "events/organiser/event_cancel.html", {"event": event})


@organiser_required
def event_duplicate(request, event):
    next_year = event.starts_at + timedelta(days=364)  # same weekday, a year on
    initial = {
        "title": event.title,
        "slug": slugify(f"{event.slug}-{next_year:%Y}")[:100],
        "starts_at": timezone.localtime(next_year).strftime("%Y-%m-%dT%H:%M"),
    }
    form = EventDuplicateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        copy = services.event_duplicate(
            event=event,
            starts_at=form.cleaned_data["starts_at"],
            slug=form.cleaned_data["slug"],
            title=form.cleaned_data["title"],
        )
        copy.organisers.add(request.user)
        messages.success(request, _("A copy has been made as a draft. Check it and publish it."))
        return redirect("events:organiser_edit", slug=copy.slug)
    return render(
        request,
        "events/organiser/event_duplicate.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@organiser_required
def attendee_list(request, event):
    filters = AttendeeFilterForm(request.GET or None, event=event)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    registrations = selectors.attendees(
        event,
        q=criteria.get("q", ""),
        status=criteria.get("status", ""),
        role=criteria.get("role", ""),
        session=criteria.get("session") or None,
        sort=criteria.get("sort") or "created_at",
    )
    show_needs = request.GET.get("needs") == "1" and selectors.user_sees_needs(request.user, event)
    if show_needs:
        services.access_record(user=request.user, event=event, action=AccessLog.Action.VIEW_NEEDS)
    context = {
        "event": event,
        "filters": filters,
        "registrations": registrations,
        "waitlist": selectors.waitlist(event),
        "counts": selectors.event_counts(event),
        "show_needs": show_needs,
        "may_see_needs": selectors.user_sees_needs(request.user, event),
    }
    template = "events/organiser/attendee_list.html"
    if request.htmx:
        template += "#attendee-table"
    return render(request, template, context)


@organiser_required
def attendee_add(request, event):
    form = AttendeeAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signup = services.registration_create(
                event=event,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                role=data["role"],
                party_size=min(data["party_size"], 99),
                language="nl",
                added_by=request.user,
                consent_note=data["consent_note"],
            )
        except services.RegistrationError as error:
            form.add_error(None, _error_message(error.code))
        else:
            registration = signup.registration
            if not signup.created:
                messages.warning(request, _("This email address was already registered."))
            elif data["check_in_now"]:
                result = services.checkin_by_registration(
                    registration=registration, user=request.user
                )
                if result.result == "waitlist":
                    messages.warning(
                        request,
                        _("The meeting is full: %(name)s is on the waiting list.")
                        % {"name": registration.name},
                    )
                else:
                    messages.success(
                        request,
                        _("%(name)s is added and checked in.") % {"name": registration.name},
                    )
            else:
                messages.success(request, _("%(name)s is added.") % {"name": registration.name})
            return _back_to_list(request, event)
    return render(
        request,
        "events/organiser/attendee_form.html",
        {"event": event, "form": form, "adding": True},
        status=400 if form.errors else 200,
    )


@organiser_required
def attendee_edit(request, event, pk):
    registration = _registration(event, pk)
    sees_needs = selectors.user_sees_needs(request.user, event)
    form = AttendeeEditForm(request.POST or None, instance=registration)
    if not sees_needs:
        del form.fields["needs"]
    if request.method == "POST" and form.is_valid():
        details = {
            name: form.cleaned_data[name] for name in form._meta.fields if name in form.fields
        }
        try:
            services.attendee_update(
                registration=registration,
                details=details,
                party_size=form.cleaned_data["party_size"],
            )
        except services.RegistrationError as error:
            messages.error(request, _error_message(error.code))
            return redirect("events:attendee_edit", slug=event.slug, pk=pk)
        messages.success(request, _("The registration has been changed."))
        return _back_to_list(request, event)
    if sees_needs and registration.needs:
        services.access_record(user=request.user, event=event, action=AccessLog.Action.VIEW_NEEDS)
    return render(
        request,
        "events/organiser/attendee_form.html",
        {"event": event, "form": form, "registration": registration},
        status=400 if form.errors else 200,
    )


ACTIONS = {"cancel", "confirm", "confirm_override", "resend", "checkin", "undo_checkin"}


@organiser_required
@require_POST
def attendee_action(request, event, pk, action):
    if action not in ACTIONS:
        raise Http404
    registration = _registration(event, pk)
    try:
        if action == "cancel":
            services.registration_cancel(registration=registration)
            messages.success(request, _("The registration has been cancelled."))
        elif action in {"confirm", "confirm_override"}:
            services.waitlist_confirm(
                registration=registration, override=action == "confirm_override"
            )
            messages.success(request, _("%(name)s now has a place.") % {"name": registration.name})
        elif action == "resend":
            services.registration_resend(registration=registration)
            messages.success(request, _("The ticket has been sent again."))
        elif action == "checkin":
            result = services.checkin_by_registration(registration=registration, user=request.user)
            if result.result not in {"ok", "already"}:
                messages.error(request, CHECKIN_TEXT[result.result]())
        elif action == "undo_checkin":
            services.checkin_undo(registration=registration)
            messages.success(request, _("The check-in has been undone."))
    except services.RegistrationError as error:
        messages.error(request, _error_message(error.code))
    if request.POST.get("next", "").endswith("/inchecken/"):
        return redirect("events:checkin", slug=event.slug)
    return _back_to_list(request, event)


def _export(request, event, fmt: str):
    with_needs = request.GET.get("needs") == "1" and selectors.user_sees_needs(request.user, event)
    registrations = selectors.attendees(event).exclude(status=Registration.Status.CANCELLED)
    action = {
        "csv": AccessLog.Action.EXPORT_CSV,
        "xlsx": AccessLog.Action.EXPORT_XLSX,
    }[fmt]
    services.access_record(user=request.user, event=event, action=action)
    if with_needs:
        services.access_record(
            user=request.user, event=event, action=AccessLog.Action.EXPORT_WITH_NEEDS
        )
    if fmt == "csv":
        content = exports.as_csv(event, registrations, with_needs=with_needs)
        content_type = "text/csv; charset=utf-8"
    else:
        content = exports.as_xlsx(event, registrations, with_needs=with_needs)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="deelnemers-{event.slug}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@organiser_required
@require_GET
def export_csv(request, event):
    return _export(request, event, "csv")


@organiser_required
@require_GET
def export_xlsx(request, event):
    return _export(request, event, "xlsx")


@organiser_required
def attendee_print(request, event, layout):
    if layout not in {"lijst", "badges"}:
        raise Http404
    services.access_record(user=request.user, event=event, action=AccessLog.Action.PRINT)
    registrations = selectors.attendees(event, status=Registration.Status.CONFIRMED, sort="name")
    return render(
        request,
        f"events/organiser/print_{'sheet' if layout == 'lijst' else 'badges'}.html",
        {"event": event, "registrations": registrations},
    )


# Check-in at the door -----------------------------------------------------------------

CHECKIN_TEXT = {
    "ok": lambda: _("Welcome"),
    "already": lambda: _("Already checked in"),
    "unknown": lambda: _("Unknown code"),
    "wrong_event": lambda: _("Ticket for another meeting"),
    "cancelled": lambda: _("Registration cancelled"),
    "waitlist": lambda: _("On the waiting list, no place yet"),
}


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


# Messages and insight -----------------------------------------------------------------


@organiser_required
def message_compose(request, event):
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        message = services.message_send(event=event, author=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Your message is being sent to %(count)s attendee(s).")
            % {"count": message.recipients},
        )
        return redirect("events:organiser_event", slug=event.slug)
    return render(
        request,
        "events/organiser/message_form.html",
        {"event": event, "form": form, "sent": event.messages.all()[:20]},
        status=400 if form.errors else 200,
    )


@organiser_required
def insight(request, event):
    registrations = list(
        Registration.objects.filter(event=event).only(
            "status", "role", "party_size", "created_at", "checked_in_at", "topic"
        )
    )
    active = [r for r in registrations if r.status != Registration.Status.CANCELLED]
    confirmed = [r for r in active if r.status == Registration.Status.CONFIRMED]
    by_day = Counter(timezone.localdate(r.created_at) for r in registrations)
    role_labels = dict(Registration.Role.choices)
    roles = Counter(r.role or "" for r in active)
    people = sum(r.party_size for r in confirmed)
    checked_in = sum(r.party_size for r in confirmed if r.checked_in_at)
    max_day = max(by_day.values(), default=1)
    max_role = max(roles.values(), default=1)
    return render(
        request,
        "events/organiser/insight.html",
        {
            "event": event,
            "signups": [
                {"day": day, "count": n, "percent": round(100 * n / max_day)}
                for day, n in sorted(by_day.items())
            ],
            "roles": [
                {
                    "label": role_labels.get(role, _("not given")),
                    "count": n,
                    "percent": round(100 * n / max_role),
                }
                for role, n in roles.most_common()
            ],
            "people": people,
            "checked_in": checked_in,
            "no_shows": people - checked_in if event.is_past else None,
            "attendance": round(100 * checked_in / people) if people else None,
            "topics": [r.topic for r in active if r.topic],
            "cancelled": len(registrations) - len(active),
        },
    )
