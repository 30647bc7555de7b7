"""The organiser area: /organisatie/. Organisers see their own events, coordinators all."""

from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.permissions import EVENTS, organisations_with
from zorgzaam.roles import user_is_coordinator

from .. import selectors, services
from ..forms import EventDuplicateForm, EventForm, MessageForm, ProgrammeFormSet
from ..models import Event
from ..permissions import user_may_create_events
from .decorators import event_creator_required, login_rule, manages_event
from .texts import event_error_message


@login_rule
def dashboard(request):
    return render(
        request,
        "events/organiser/dashboard.html",
        {
            "groups": selectors.dashboard_groups(request.user),
            "may_create": user_may_create_events(request.user),
            "is_coordinator": user_is_coordinator(request.user),
        },
    )


def _event_form_view(request, event: Event | None):
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        instance=event,
        organisations=None if event else organisations_with(request.user, EVENTS),
    )
    formset = ProgrammeFormSet(request.POST or None, instance=event or Event(), prefix="programme")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        # Validation built the instances; the service writes them, in one transaction.
        details = {
            name: getattr(form.instance, name)
            for name in form._meta.fields
            if name not in {"hosts", "organisation"}
        }
        programme = formset.save(commit=False)  # nothing is written with commit=False
        try:
            if event is None:
                saved = services.event_create(
                    organisation=form.cleaned_data["organisation"],
                    details=details,
                    hosts=form.cleaned_data["hosts"],
                    programme=programme,
                )
            else:
                result = services.event_update(
                    event=event,
                    details=details,
                    hosts=form.cleaned_data["hosts"],
                    programme=programme,
                    programme_removed=formset.deleted_objects,
                )
                saved = result.event
                if result.promoted:
                    messages.info(
                        request,
                        _("%(count)s registration(s) moved from the waiting list.")
                        % {"count": len(result.promoted)},
                    )
        except services.EventError as error:
            form.add_error("slug", event_error_message(error.code))
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect("events:organiser_event", slug=saved.slug)
    return render(
        request,
        "events/organiser/event_form.html",
        {"form": form, "formset": formset, "event": event},
        status=400 if form.errors or formset.total_error_count() else 200,
    )


@event_creator_required
def event_create(request):
    return _event_form_view(request, None)


@manages_event
def event_edit(request, event):
    return _event_form_view(request, event)


@manages_event
def event_overview(request, event):
    return render(
        request,
        "events/organiser/event_overview.html",
        {
            "event": event,
            "counts": selectors.event_counts(event),
            "erase_on": event.ends_at + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS),
            "failed_emails": selectors.failed_emails(event),
            "messages_sent": event.messages.all()[:10],
        },
    )


@manages_event
@require_POST
def event_publish(request, event):
    try:
        services.event_publish(event=event)
    except services.EventError:
        pass  # published or cancelled already: nothing to do
    else:
        messages.success(request, _("The meeting is published: people can now sign up."))
    return redirect("events:organiser_event", slug=event.slug)


@manages_event
def event_cancel(request, event):
    if request.method == "POST":
        count = services.event_cancel(event=event)
        messages.success(
            request,
            _("The meeting is cancelled. %(count)s attendee(s) get an email.") % {"count": count},
        )
        return redirect("events:organiser_event", slug=event.slug)
    return render(request, "events/organiser/event_cancel.html", {"event": event})


@manages_event
def event_duplicate(request, event):
    next_year = event.starts_at + timedelta(days=364)  # same weekday, a year on
    initial = {
        "title": event.title,
        "slug": slugify(f"{event.slug}-{next_year:%Y}")[:100],
        "starts_at": timezone.localtime(next_year).strftime("%Y-%m-%dT%H:%M"),
    }
    form = EventDuplicateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.event_duplicate(
                event=event,
                starts_at=form.cleaned_data["starts_at"],
                slug=form.cleaned_data["slug"],
                title=form.cleaned_data["title"],
            )
        except services.EventError as error:
            form.add_error("slug", event_error_message(error.code))
        else:
            messages.success(
                request, _("A copy has been made as a draft. Check it and publish it.")
            )
            return redirect("events:organiser_edit", slug=copy.slug)
    return render(
        request,
        "events/organiser/event_duplicate.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@manages_event
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


@manages_event
def insight(request, event):
    figures = selectors.event_insight(event=event)
    return render(
        request,
        "events/organiser/insight.html",
        {"event": event, **asdict(figures)},
    )
