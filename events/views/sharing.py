"""Passing a meeting on: the image link previews (WhatsApp, social media) show."""

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, quote_etag
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from ..models import Event
from ..og_image import og_image_png
from ..sharing import og_card, og_digest

OG_CACHE_SECONDS = 7 * 24 * 3600  # keyed by everything drawn, so it can never go stale


@require_http_methods(["GET", "HEAD"])
@cache_control(public=True, max_age=86400)
def event_og_image(request, slug):
    event = get_object_or_404(
        Event.objects.exclude(status=Event.Status.DRAFT).select_related("organisation"),
        slug=slug,
    )
    card = og_card(event)
    digest = og_digest(card)
    etag = quote_etag(digest)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        png = cache.get_or_set(f"og:{digest}", lambda: og_image_png(**card), OG_CACHE_SECONDS)
        response = HttpResponse(png, content_type="image/png")
    response.headers.setdefault("ETag", etag)
    return response
