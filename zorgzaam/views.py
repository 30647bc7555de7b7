"""Pages of the whole site rather than of one app."""

from django.shortcuts import render

from events.selectors import events_upcoming
from initiatives.selectors import published_initiative_count


def home(request):
    return render(
        request,
        "home.html",
        {
            "events": events_upcoming()[:6],
            "initiative_count": published_initiative_count(),
        },
    )
