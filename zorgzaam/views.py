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


def media(request, path):
    """An uploaded file from MEDIA_ROOT; never a directory listing."""
    from django.conf import settings
    from django.views.static import serve

    response = serve(request, path, document_root=settings.MEDIA_ROOT, show_indexes=False)
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
