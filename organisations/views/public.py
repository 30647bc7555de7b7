"""Public pages: the list of organisations and one organisation's page."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from ..forms.public import organisation_search_text
from ..models import Organisation

PAGE_SIZE = 24


@require_http_methods(["GET", "HEAD"])
def organisation_list(request):
    q = organisation_search_text(request.GET)
    organisations = Organisation.objects.order_by("name", "pk")
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(description__icontains=q))
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/organisation_list.html",
        {"page": page, "q": q, "page_params": urlencode({"q": q}) if q else ""},
    )


@require_http_methods(["GET", "HEAD"])
def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("initiative"), slug=slug)
    return render(request, "organisations/organisation_detail.html", {"organisation": organisation})
