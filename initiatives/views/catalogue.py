"""The public catalogue: list, map, detail, submission, correction and the yearly check."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zorgzaam.ratelimit import limit_posts

from .. import selectors, services
from ..forms import CorrectionForm, SubmissionForm, catalogue_query
from ..models import Initiative
from ..tasks import VERIFY_MAX_AGE, VERIFY_SALT
from .errors import error_message

PAGE_SIZE = 20
MAP_PAGE_SIZE = 50


def _chips(request, catalogue) -> list[dict]:
    """The active filters, each with the URL that removes it."""
    chips = []
    query = catalogue.query
    if query.q:
        params = request.GET.copy()
        params.pop("q", None)
        params.pop("page", None)
        chips.append({"label": f"“{query.q}”", "url": "?" + params.urlencode()})
    for facet in catalogue.facets:
        for option in facet.options:
            if not option.selected:
                continue
            params = request.GET.copy()
            params.setlist(
                facet.param, [v for v in params.getlist(facet.param) if v != option.value]
            )
            params.pop("page", None)
            chips.append(
                {"label": f"{facet.label}: {option.label}", "url": "?" + params.urlencode()}
            )
    return chips


def _page_params(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_http_methods(["GET", "HEAD"])
def initiative_list(request):
    query = catalogue_query(request.GET)
    catalogue = selectors.catalogue(query)
    page = selectors.CataloguePaginator(
        catalogue.results, PAGE_SIZE, prefetch=["activities"]
    ).get_page(request.GET.get("page"))
    context = {
        "catalogue": catalogue,
        "query": query,
        "page": page,
        "chips": _chips(request, catalogue),
        "page_params": _page_params(request),
        "sorts": selectors.SORTS,
        "sort": query.effective_sort,
    }
    template = "initiatives/initiative_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#catalogue"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "HEAD"])
def initiative_map(request):
    query = catalogue_query(request.GET)
    catalogue = selectors.catalogue(query)
    paginator = selectors.CataloguePaginator(
        catalogue.results, MAP_PAGE_SIZE, totals={"located": selectors.map_located_count()}
    )
    page = paginator.get_page(request.GET.get("page"))
    params = _page_params(request)
    return render(
        request,
        "initiatives/initiative_map.html",
        {
            "catalogue": catalogue,
            "query": query,
            "page": page,
            "located_count": min(paginator.totals["located"], selectors.MAP_POINT_LIMIT),
            "points_url": reverse("initiatives:map_points") + ("?" + params if params else ""),
            "chips": _chips(request, catalogue),
            "page_params": params,
            "MAP_TILE_URL": settings.MAP_TILE_URL,
            "MAP_ATTRIBUTION": settings.MAP_ATTRIBUTION,
            "list_url": reverse("initiatives:list") + ("?" + params if request.GET else ""),
        },
    )


@require_http_methods(["GET", "HEAD"])
def initiative_map_points(request):
    """The map's markers for the same filters, fetched by the map script (not in the page)."""
    query = catalogue_query(request.GET)
    return JsonResponse(
        selectors.map_points(selectors.catalogue_results(query)),
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


def _initiative_or_404(slug: str) -> Initiative:
    try:
        return selectors.initiative_public(slug)
    except Initiative.DoesNotExist:
        raise Http404 from None


def _detail_context(initiative: Initiative, correction_form: CorrectionForm) -> dict:
    return {
        "initiative": initiative,
        "similar": selectors.initiatives_similar(initiative),
        "correction_form": correction_form,
    }


@require_http_methods(["GET", "HEAD"])
def initiative_detail(request, slug):
    initiative = _initiative_or_404(slug)
    return render(
        request,
        "initiatives/initiative_detail.html",
        _detail_context(initiative, CorrectionForm()),
    )


@require_POST
@limit_posts("RATELIMIT_FORM_PER_IP")
def initiative_correction(request, slug):
    initiative = _initiative_or_404(slug)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.correction_report_create(initiative=initiative, **form.cleaned_data)
        except services.InitiativeError as error:
            form.add_error(None, error_message(error.code))
        else:
            messages.success(
                request, _("Thank you. A coordinator will look at your report of a change.")
            )
            return redirect(initiative)
    return render(
        request,
        "initiatives/initiative_detail.html",
        _detail_context(initiative, form),
        status=400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
def initiative_submit(request):
    duplicate = None
    if request.method == "POST":
        form = SubmissionForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            confirmed = data.pop("not_a_duplicate")
            duplicate = selectors.duplicate_exists(
                name=data["name"], municipality=data["municipality"]
            )
            if duplicate is None or confirmed:
                services.initiative_submit(**data)
                return redirect("initiatives:submit_done")
    else:
        form = SubmissionForm()
    status = 400 if form.errors else 200
    return render(
        request,
        "initiatives/initiative_submit.html",
        {"form": form, "duplicate": duplicate},
        status=status,
    )


def initiative_submit_done(request):
    return render(request, "initiatives/initiative_submit_done.html")


@require_http_methods(["GET", "HEAD", "POST"])
def initiative_verify(request, token):
    """The yearly "still active?" link: signed, expires, confirms with one button press."""
    try:
        pk = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return render(request, "initiatives/initiative_verify.html", {"invalid": True}, status=404)
    initiative = get_object_or_404(Initiative, pk=pk, publication=Initiative.Publication.PUBLISHED)
    if request.method == "POST":
        services.initiative_verify(initiative=initiative, by=_("contact person"))
        messages.success(
            request, _("Thank you! We have noted that the initiative is still active.")
        )
        return redirect(initiative)
    return render(request, "initiatives/initiative_verify.html", {"initiative": initiative})
