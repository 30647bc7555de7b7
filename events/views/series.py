"""A series of meetings: its public page and its calendar feed."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organisations.permissions import EVENTS, organisation_required

from .. import selectors
from ..calendar import feed_ics
from ..models import Series
from ..series_forms import SeriesForm


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
    response = _ics_response(feed_ics(events, name=series.title), f"{series.slug}.ics")
    response["Content-Disposition"] = f'inline; filename="{series.slug}.ics"'
    return response


# The organisers' side: an organisation's series, made and changed by its organisers.


@organisation_required(EVENTS)
def series_manage(request, organisation):
    series_list = list(
        Series.objects.filter(organisation=organisation)
        .annotate(meetings=Count("events"))
        .order_by("title")
    )
    form = SeriesForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        series = form.save()
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
    form = SeriesForm(request.POST or None, instance=series, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The series has been saved."))
        return redirect("events:series_manage", slug=organisation.slug)
    return render(
        request,
        "events/organiser/series_form.html",
        {"organisation": organisation, "series": series, "form": form},
        status=400 if form.errors else 200,
    )
