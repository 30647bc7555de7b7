"""Importing the catalogue from a spreadsheet and exporting it."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zorgzaam.roles import coordinator_required

from .. import api, selectors, services, spreadsheets
from ..forms import ImportForm, catalogue_query

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 50_000


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


@require_http_methods(["GET", "HEAD"])
def initiative_export(request, fmt):
    """The catalogue as it is filtered (same parameters) as CSV, XLSX or JSON."""
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
