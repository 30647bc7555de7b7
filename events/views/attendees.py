"""The organiser attendee list: adding, changing and checking in people, and exports."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import exports, selectors, services
from ..answers import answer_values
from ..forms import AttendeeAddForm, AttendeeEditForm, AttendeeFilterForm
from ..models import AccessLog, Event, Registration
from ..permissions import user_sees_needs
from .decorators import manages_event
from .texts import CHECKIN_TEXT, error_message


def _registration(event: Event, pk) -> Registration:
    # Scoped to the event: an id from another meeting is a 404, never its data.
    return get_object_or_404(Registration, event=event, pk=pk, erased_at__isnull=True)


def _back_to_list(request, event: Event):
    return redirect(
        request.POST.get("next")
        if request.POST.get("next", "").startswith("/organisatie/")
        else reverse("events:attendees", args=[event.slug])
    )


@manages_event
def attendee_list(request, event):
    may_see_needs = user_sees_needs(request.user, event)
    show_needs = request.GET.get("needs") == "1" and may_see_needs
    questions = selectors.event_questions(event)
    # An answer to filter by: one of this meeting's own; a sensitive one only with needs.
    filters = AttendeeFilterForm(
        request.GET or None, event=event, questions=questions, with_sensitive=show_needs
    )
    criteria = filters.cleaned_data if filters.is_valid() else {}
    registrations = list(
        selectors.attendees(
            event,
            q=criteria.get("q", ""),
            status=criteria.get("status", ""),
            background=criteria.get("background", ""),
            session=criteria.get("session") or None,
            answer=criteria.get("answer") or None,
            sort=criteria.get("sort") or "created_at",
        )
    )
    if show_needs:
        services.access_record(user=request.user, event=event, action=AccessLog.Action.VIEW_NEEDS)
    for registration in registrations:
        registration.answer_rows = selectors.answer_rows(
            answer_values(registration.answers.all()), with_sensitive=show_needs
        )
    context = {
        "event": event,
        "filters": filters,
        "registrations": registrations,
        "has_questions": bool(questions),
        "waitlist": selectors.waitlist(event),
        "counts": selectors.event_counts(event),
        "show_needs": show_needs,
        "may_see_needs": may_see_needs,
    }
    template = "events/organiser/attendee_list.html"
    if request.htmx:
        template += "#attendee-table"
    return render(request, template, context)


@manages_event
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
                background=data["background"],
                party_size=min(data["party_size"], 99),
                language="nl",
                added_by=request.user,
                consent_note=data["consent_note"],
            )
        except services.RegistrationError as error:
            form.add_error(None, error_message(error.code))
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


@manages_event
def attendee_edit(request, event, pk):
    registration = _registration(event, pk)
    sees_needs = user_sees_needs(request.user, event)
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
            messages.error(request, error_message(error.code))
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


@manages_event
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
        messages.error(request, error_message(error.code))
    if request.POST.get("next", "").endswith("/inchecken/"):
        return redirect("events:checkin", slug=event.slug)
    return _back_to_list(request, event)


def _export(request, event, fmt: str):
    with_needs = request.GET.get("needs") == "1" and user_sees_needs(request.user, event)
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


@manages_event
@require_GET
def export_csv(request, event):
    return _export(request, event, "csv")


@manages_event
@require_GET
def export_xlsx(request, event):
    return _export(request, event, "xlsx")


@manages_event
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
