"""The organiser area: /organisatie/. Organisers see their own events, coordinators all."""

from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from organisations.permissions import EVENTS, organisations_with
from zorgzaam import charts
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
    context = {"event": event, **asdict(figures)}
    context["signups_chart"] = _signups_chart(figures.people_by_day, event.capacity)
    context["background_chart"] = _background_chart(figures.backgrounds)
    context["checkin_chart"] = _checkin_chart(figures.checked_in, figures.people)
    for question in context["questions"]:
        if question["kind"] == "choices":
            question["chart"] = _answers_chart(question)
    return render(request, "events/organiser/insight.html", context)


# The insight page's charts: the tables beside them hold the same figures.


def _signups_chart(people_by_day: list, capacity: int | None) -> charts.Chart:
    if not people_by_day:
        description = _("No registrations yet.")
    else:
        day, people = people_by_day[-1]
        values = {"people": people, "capacity": capacity, "day": formats.date_format(day, "j F")}
        if capacity is None:
            description = ngettext(
                "Sign-ups rose to %(people)s person by %(day)s.",
                "Sign-ups rose to %(people)s people by %(day)s.",
                people,
            )
        else:
            description = ngettext(
                "Sign-ups rose to %(people)s of %(capacity)s place by %(day)s.",
                "Sign-ups rose to %(people)s of %(capacity)s places by %(day)s.",
                capacity,
            )
        description %= values
    return charts.running_total_chart(
        id="chart-signups",
        title=_("People with a place, running total per day"),
        description=description,
        points=[(formats.date_format(day, "j M"), total) for day, total in people_by_day],
        capacity=capacity,
        capacity_label=""
        if capacity is None
        else ngettext("%(count)s place", "%(count)s places", capacity) % {"count": capacity},
    )


def _background_chart(backgrounds: list[dict]) -> charts.Chart:
    description = _("No registrations yet.")
    if backgrounds:
        top = backgrounds[0]
        total = sum(row["count"] for row in backgrounds)
        description = _("Most registrations: %(label)s (%(count)s of %(total)s).") % {
            "label": top["label"],
            "count": top["count"],
            "total": total,
        }
    return charts.bar_chart(
        id="chart-backgrounds",
        title=_("Registrations by background"),
        description=description,
        rows=[charts.BarRow(str(row["label"]), row["count"]) for row in backgrounds],
    )


def _checkin_chart(checked_in: int, people: int) -> charts.Chart | None:
    if not people:
        return None
    values = {
        "checked_in": checked_in,
        "people": people,
        "percent": round(100 * checked_in / people),
    }
    return charts.gauge(
        id="chart-checkin",
        title=_("Checked in"),
        description=ngettext(
            "%(checked_in)s of %(people)s person with a place has checked in.",
            "%(checked_in)s of %(people)s people with a place have checked in.",
            people,
        )
        % values,
        value=checked_in,
        total=people,
        text=_("%(checked_in)s of %(people)s checked in (%(percent)s%%)") % values,
    )


def _answers_chart(question: dict) -> charts.Chart:
    rows = question["rows"]
    top = max(rows, key=lambda row: row["people"], default=None)
    if top is None or not top["people"]:
        description = _("Nobody has chosen an answer yet.")
    else:
        description = ngettext(
            "Most chosen: %(label)s, by %(count)s person.",
            "Most chosen: %(label)s, by %(count)s people.",
            top["people"],
        ) % {"label": top["label"], "count": top["people"]}
    return charts.bar_chart(
        id=f"chart-question-{question['pk']}",
        title=question["label"],
        description=description,
        rows=[charts.BarRow(str(row["label"]), row["people"]) for row in rows],
    )
