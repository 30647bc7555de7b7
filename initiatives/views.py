from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zorgzaam.ratelimit import limit_posts
from zorgzaam.roles import coordinator_required

from . import compare, monitor, selectors, services, spreadsheets
from .forms import (
    AreaForm,
    BottleneckReportForm,
    CorrectionForm,
    ImportForm,
    InitiativeEditForm,
    MergeForm,
    MonitorFilterForm,
    RejectForm,
    SubmissionForm,
    catalogue_query,
)
from .models import Approach, CorrectionReport, Initiative
from .tasks import VERIFY_MAX_AGE, VERIFY_SALT

PAGE_SIZE = 20
MAP_PAGE_SIZE = 50

ERROR_MESSAGES = {
    "not_pending": lambda: _("This submission has already been decided."),
    "reason_required": lambda: _("Please give a reason."),
    "same_initiative": lambda: _("An entry cannot be merged into itself."),
    "not_mergeable": lambda: _("This entry can no longer be merged."),
    "target_not_active": lambda: _("Choose a published entry to merge into."),
    "already_decided": lambda: _("This report has already been handled."),
    "not_published": lambda: _("This initiative is not in the catalogue."),
    "message_required": lambda: _("Please tell us what should change."),
}


def _error_message(code: str) -> str:
    message = ERROR_MESSAGES.get(code)
    return message() if message else _("Something went wrong. Please try again.")


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
            form.add_error(None, _error_message(error.code))
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


@coordinator_required
def moderation_queue(request):
    return render(
        request,
        "initiatives/moderation_queue.html",
        {"queue": selectors.moderation_queue()},
    )


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderation_review(request, pk):
    initiative = get_object_or_404(
        Initiative.objects.select_related("initiative_type", "municipality__province"), pk=pk
    )
    forms = {
        "edit_form": InitiativeEditForm(instance=initiative),
        "reject_form": RejectForm(),
        "merge_form": MergeForm(),
    }
    status = 200
    if request.method == "POST":
        try:
            outcome = _moderate(request, initiative, request.POST.get("action", ""))
        except services.InitiativeError as error:
            messages.error(request, _error_message(error.code))
            return redirect("initiatives:moderation_review", pk=initiative.pk)
        if not isinstance(outcome, tuple):
            return outcome
        # The form that was sent comes back with its errors.
        name, invalid_form = outcome
        forms[name] = invalid_form
        status = 400
    return render(
        request,
        "initiatives/moderation_review.html",
        {
            "initiative": initiative,
            "duplicates": selectors.likely_duplicates(initiative),
            **forms,
            "history": initiative.changes.select_related("user")[:30],
            "reports": initiative.correction_reports.order_by("-created_at")[:10],
        },
        status=status,
    )


def _moderate(request, initiative: Initiative, action: str):
    """Carry out one moderation action: a response, or (name, form) when the form is invalid."""
    user = request.user
    if action in ("save", "accept"):
        form = InitiativeEditForm(request.POST, instance=Initiative.objects.get(pk=initiative.pk))
        if not form.is_valid():
            return "edit_form", form
        initiative = services.initiative_update(
            initiative=initiative, user=user, data=form.cleaned_data
        )
        if action == "accept":
            services.initiative_approve(initiative=initiative, user=user)
            messages.success(request, _("Accepted and published."))
            return redirect("initiatives:moderation")
        messages.success(request, _("Saved."))
        return redirect("initiatives:moderation_review", pk=initiative.pk)
    if action == "reject":
        form = RejectForm(request.POST)
        if not form.is_valid():
            return "reject_form", form
        services.initiative_reject(
            initiative=initiative, user=user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Rejected. The submitter gets the reason by email."))
        return redirect("initiatives:moderation")
    if action == "merge":
        form = MergeForm(request.POST)
        if not form.is_valid():
            return "merge_form", form
        target = services.initiative_merge(
            source=initiative,
            target=form.cleaned_data["target"],
            user=user,
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Merged into %(name)s.") % {"name": target.name})
        return redirect("initiatives:moderation")
    if action == "verify":
        services.initiative_verify(initiative=initiative, by=services.user_label(user), user=user)
        messages.success(request, _("Marked as checked today."))
        return redirect("initiatives:moderation_review", pk=initiative.pk)
    messages.error(request, _("Unknown action."))
    return redirect("initiatives:moderation_review", pk=initiative.pk)


@coordinator_required
@require_POST
def moderation_correction(request, pk):
    report = get_object_or_404(CorrectionReport, pk=pk)
    handled = request.POST.get("decision") == "handled"
    try:
        services.correction_report_resolve(
            report=report,
            user=request.user,
            handled=handled,
            note=request.POST.get("note", "")[:2000],
        )
    except services.InitiativeError as error:
        messages.error(request, _error_message(error.code))
    else:
        messages.success(request, _("The report is closed."))
    return redirect("initiatives:moderation")


# Knelpunten ------------------------------------------------------------------------------

REPORT_SALT = "initiatives.knelpunten"
REPORT_MAX_AGE = 400 * 24 * 60 * 60  # a link sent once a year keeps working a little longer


def report_token(initiative: Initiative) -> str:
    return signing.dumps(initiative.pk, salt=REPORT_SALT, compress=True)


def report_url(request, initiative: Initiative) -> str:
    return request.build_absolute_uri(
        reverse("initiatives:report_by_link", kwargs={"token": report_token(initiative)})
    )


@require_http_methods(["GET", "HEAD"])
def bottleneck_monitor(request):
    filter_form = MonitorFilterForm(request.GET or None)
    monitor_data = monitor.bottleneck_monitor(filters=filter_form.filters())
    params = request.GET.urlencode()
    return render(
        request,
        "initiatives/bottleneck_monitor.html",
        {
            "filter_form": filter_form,
            "monitor": monitor_data,
            "min_group": monitor.MIN_GROUP,
            "csv_url": reverse("initiatives:monitor_csv") + (f"?{params}" if params else ""),
        },
    )


@require_http_methods(["GET", "HEAD"])
def bottleneck_monitor_csv(request):
    filter_form = MonitorFilterForm(request.GET or None)
    monitor_data = monitor.bottleneck_monitor(filters=filter_form.filters())
    response = HttpResponse(
        monitor.monitor_csv(monitor_data).encode("utf-8-sig"), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="knelpunten-monitor.csv"'
    return response


def _report_page(request, initiative: Initiative, *, source: str, user=None, link: str = ""):
    if request.method == "POST":
        form = BottleneckReportForm(request.POST)
        if form.is_valid():
            services.bottleneck_report_create(
                initiative=initiative,
                bottlenecks=form.cleaned_data["bottlenecks"],
                needs=form.cleaned_data["need_list"],
                successes=form.cleaned_data["success_list"],
                source=source,
                user=user,
            )
            messages.success(request, _("Thank you. The knelpunten have been saved."))
            return redirect(request.path)
    else:
        form = BottleneckReportForm()
    reports = initiative.bottleneck_reports.prefetch_related("items")[:10]
    return render(
        request,
        "initiatives/bottleneck_report_form.html",
        {
            "initiative": initiative,
            "form": form,
            "reports": reports,
            "secret_link": link,
            "by_coordinator": source == "coordinator",
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
def report_by_link(request, token):
    """The initiative's own secret link: signed, no account needed."""
    try:
        pk = signing.loads(token, salt=REPORT_SALT, max_age=REPORT_MAX_AGE)
    except signing.BadSignature:
        return render(
            request, "initiatives/bottleneck_report_form.html", {"invalid": True}, status=404
        )
    initiative = get_object_or_404(Initiative, pk=pk, publication=Initiative.Publication.PUBLISHED)
    return _report_page(request, initiative, source="initiative")


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_by_coordinator(request, pk):
    initiative = get_object_or_404(Initiative, pk=pk)
    return _report_page(
        request,
        initiative,
        source="coordinator",
        user=request.user,
        link=report_url(request, initiative),
    )


# Compare and overlap ---------------------------------------------------------------------


def _distinct(values: list[str]) -> list[str]:
    seen = []
    for value in values:
        value = value.strip()[:200]
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            continue
        if value and value not in seen:
            seen.append(value)
    return seen


@require_http_methods(["GET", "HEAD"])
def initiative_compare(request):
    slugs = _distinct(request.GET.getlist("i"))[: compare.MAX_COLUMNS]
    approach_slugs = _distinct(request.GET.getlist("aanpak"))[: compare.MAX_COLUMNS]
    result = compare.comparison(initiative_slugs=slugs, approach_slugs=approach_slugs)
    chosen = [column.slug for column in result.columns if column.kind == "initiative"]
    chosen_approaches = [column.slug for column in result.columns if column.kind == "approach"]
    q = catalogue_query(request.GET).q
    full = len(result.columns) >= compare.MAX_COLUMNS

    def url_with(initiatives, approaches) -> str:
        params = [("i", slug) for slug in initiatives] + [("aanpak", s) for s in approaches]
        return "?" + urlencode(params)

    for column in result.columns:
        if column.kind == "initiative":
            column.remove_url = url_with([s for s in chosen if s != column.slug], chosen_approaches)
        else:
            column.remove_url = url_with(chosen, [s for s in chosen_approaches if s != column.slug])
    candidates = [] if full else compare.compare_candidates(q, exclude=chosen)
    for candidate in candidates:
        candidate.add_url = url_with([*chosen, candidate.slug], chosen_approaches)
    approaches = [
        {"approach": approach, "add_url": url_with(chosen, [*chosen_approaches, approach.slug])}
        for approach in Approach.objects.exclude(slug__in=chosen_approaches)
    ]
    return render(
        request,
        "initiatives/initiative_compare.html",
        {
            "comparison": result,
            "chosen": chosen,
            "chosen_approaches": chosen_approaches,
            "q": q,
            "candidates": candidates,
            "approaches": [] if full else approaches,
            "full": full,
            "max_columns": compare.MAX_COLUMNS,
        },
    )


@require_http_methods(["GET", "HEAD"])
def area_overview(request):
    form = AreaForm(request.GET or None)
    overview = None
    if form.is_valid():
        overview = compare.area_overview(
            province=form.cleaned_data.get("provincie"),
            municipality=form.cleaned_data.get("gemeente"),
        )
    return render(
        request,
        "initiatives/area_overview.html",
        {"form": form, "overview": overview},
        status=400 if form.errors else 200,
    )


# Spreadsheets ----------------------------------------------------------------------------


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_import(request):
    """Step 1: upload; the answer is the preview. Only the rows to confirm are kept."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    plan = pending = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rows = spreadsheets.read_rows(form.cleaned_data["file"])
            except spreadsheets.SpreadsheetError as error:
                form.add_error("file", error.message)
            else:
                plan = spreadsheets.import_plan(rows)
                if not plan.has_errors:
                    pending = services.pending_import_create(rows=rows, user=request.user)
        if form.errors:
            status = 400
    return render(
        request,
        "initiatives/initiative_import.html",
        {"form": form, "plan": plan, "pending": pending},
        status=status,
    )


@coordinator_required
@require_POST
def initiative_import_confirm(request):
    """Step 2: write what the preview showed, all or nothing."""
    try:
        plan = services.pending_import_confirm(key=request.POST.get("key", ""), user=request.user)
    except services.ImportExpired:
        messages.error(
            request,
            _(
                "This preview was already imported, or it has expired. Upload the file again "
                "to see what it would change."
            ),
        )
        return redirect("initiatives:import")
    except services.ImportRejected as rejected:
        return render(
            request,
            "initiatives/initiative_import.html",
            {"form": ImportForm(), "plan": rejected.plan, "pending": None},
            status=400,
        )
    summary = plan.summary
    messages.success(
        request,
        _("Import done: %(create)d created, %(update)d updated, %(unchanged)d unchanged.")
        % summary,
    )
    return redirect("initiatives:import")


@coordinator_required
def initiative_import_template(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "xlsx":
        response = HttpResponse(spreadsheets.template_xlsx(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(spreadsheets.template_csv(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="initiatieven-sjabloon.{fmt}"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 50_000


@require_http_methods(["GET", "HEAD"])
def initiative_export(request, fmt):
    """The catalogue as it is filtered (same parameters) as CSV, XLSX or JSON."""
    from . import api

    if fmt not in ("csv", "xlsx", "json"):
        raise Http404
    query = catalogue_query(request.GET)
    results = selectors.catalogue_results(query)[:EXPORT_LIMIT]
    site_url = settings.SITE_URL
    if fmt == "csv":
        response = HttpResponse(
            spreadsheets.export_csv(results, site_url=site_url), content_type="text/csv"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            spreadsheets.export_xlsx(results, site_url=site_url), content_type=XLSX_TYPE
        )
    else:
        response = JsonResponse(
            {"results": [api.initiative_record(initiative) for initiative in results]},
            json_dumps_params={"ensure_ascii": False},
        )
    response["Content-Disposition"] = f'attachment; filename="initiatieven.{fmt}"'
    return response
