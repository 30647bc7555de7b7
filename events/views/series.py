"""A series of meetings: its public page and its calendar feed."""

import copy

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organisations.permissions import EVENTS, organisation_required

from .. import selectors
from ..calendar import feed_ics_cached
from ..models import Series
from ..series_forms import SLUG_TAKEN, SeriesForm


def _series_or_404(slug: str) -> Series:
    return get_object_or_404(Series.objects.select_related("organisation"), slug=slug)


@require_http_methods(["GET", "HEAD"])
def series_detail(request, slug):
    series = _series_or_404(slug)
    upcoming, past = selectors.series_meetings(series)
    return render(
        request,
        "events/series_detail.html",
        {"series": series, "upcoming": upcoming, "past": past},
    )


@require_http_methods(["GET", "HEAD"])
def series_ics(request, slug):
    """The calendar feed of a series (published or cancelled meetings, not drafts)."""
    from .public import _ics_response

    series = _series_or_404(slug)
    events = selectors.series_feed_events(series)
    response = _ics_response(feed_ics_cached(events, name=series.title), f"{series.slug}.ics")
    response["Content-Disposition"] = f'inline; filename="{series.slug}.ics"'
    return response


# The organisers' side: an organisation's series, made and changed by its organisers.


def _saved(form: SeriesForm) -> Series | None:
    """Save, or None with a form error when another series took the address meanwhile."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        if not Series.objects.filter(slug=form.instance.slug).exclude(pk=form.instance.pk).exists():
            raise
        form.add_error("slug", SLUG_TAKEN)
        return None


@organisation_required(EVENTS)
def series_manage(request, organisation):
    series_list = list(
        Series.objects.filter(organisation=organisation)
        .annotate(meetings=Count("events"))
        .order_by("title")
    )
    # Bound on every POST: one without the form's fields (a file, JSON) is a form error.
    data = request.POST if request.method == "POST" else None
    form = SeriesForm(data, organisation=organisation)
    if request.method == "POST" and form.is_valid() and (series := _saved(form)):
        messages.success(request, _("The series “%(title)s” has been made.") % {"title": series})
        return redirect("events:series_manage", slug=organisation.slug)
    return render(
        request,
        "events/organiser/series_list.html",
        {"organisation": organisation, "series_list": series_list, "form": form},
        status=400 if form.errors else 200,
    )


@organisation_required(EVENTS)
def series_edit(request, organisation, series):
    series = get_object_or_404(Series, organisation=organisation, slug=series)
    data = request.POST if request.method == "POST" else None
    # A copy for the form, so the page's title and links keep the series as it is stored.
    form = SeriesForm(data, instance=copy.copy(series), organisation=organisation)
    if request.method == "POST" and form.is_valid() and _saved(form):
        messages.success(request, _("The series has been saved."))
        return redirect("events:series_manage", slug=organisation.slug)
    return render(
        request,
        "events/organiser/series_form.html",
        {"organisation": organisation, "series": series, "form": form},
        status=400 if form.errors else 200,
    )
