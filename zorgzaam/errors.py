"""Error pages: JSON under /api/ (scripts read it), the friendly templates everywhere else.

Django calls these for errors no view answered itself: an unknown URL, a PermissionDenied
or SuspiciousOperation (such as a query with too many fields), an uncaught exception.
"""

import sys

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

from .health import is_backend_failure

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def bad_request(request, exception):
    if _is_api(request):
        return _json(400, "bad request")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return _json(403, "forbidden")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return _json(404, "not found: the API's URLs are listed in /api/openapi.json")
    return defaults.page_not_found(request, exception)


def rate_limited(request, exception):
    """Too many forms sent from one address or for one email: a friendly 429."""
    if _is_api(request):
        return _json(429, "too many requests, please try again later")
    return render(request, "429.html", status=429)


def server_error(request):
    """500, or 503 when the database or the cache failed: the site is down, not broken.

    Rendered without a request context, so a page about a failing database never asks
    the database (or the session behind it) for anything.
    """
    if is_backend_failure(sys.exc_info()[1]):
        if _is_api(request):
            response = _json(503, "the service is unavailable, please try again shortly")
        else:
            response = HttpResponse(
                loader.render_to_string("503.html"), status=503, content_type="text/html"
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if _is_api(request):
        return _json(500, "server error")
    return defaults.server_error(request)
