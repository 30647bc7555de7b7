"""Pages of the whole site rather than of one app."""

from django.shortcuts import render

from events import openapi as events_openapi
from events.selectors import events_upcoming
from initiatives import openapi as initiatives_openapi
from initiatives.selectors import published_initiative_count

from . import api


def home(request):
    return render(
        request,
        "home.html",
        {
            "events": events_upcoming()[:6],
            "initiative_count": published_initiative_count(),
        },
    )


def openapi_document() -> dict:
    """The whole API in one document: each app describes its own part."""
    return api.openapi_document(initiatives_openapi.openapi_part(), events_openapi.openapi_part())


@api.api_view
def openapi(request):
    return api.json_response(openapi_document())


def media(request, path):
    """An uploaded file from MEDIA_ROOT; never a directory listing."""
    from django.conf import settings
    from django.views.static import serve

    response = serve(request, path, document_root=settings.MEDIA_ROOT, show_indexes=False)
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
