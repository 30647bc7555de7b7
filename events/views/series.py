"""A series of meetings: its public page and its calendar feed."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from .. import selectors
from ..calendar import feed_ics
from ..models import Series


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
