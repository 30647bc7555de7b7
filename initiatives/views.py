from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.roles import user_is_coordinator

from . import selectors, services
from .forms import (
    CorrectionForm,
    InitiativeEditForm,
    MergeForm,
    RejectForm,
    SubmissionForm,
    catalogue_query,
)
from .models import CorrectionReport, Initiative
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


is_coordinator = user_is_coordinator


def coordinator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_coordinator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


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
    page = Paginator(catalogue.results.prefetch_related("activities"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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
    page = Paginator(catalogue.results, MAP_PAGE_SIZE).get_page(request.GET.get("page"))
    points = selectors.map_points(catalogue.results)
    return render(
        request,
        "initiatives/initiative_map.html",
        {
            "catalogue": catalogue,
            "query": query,
            "page": page,
            "points": points,
            "chips": _chips(request, catalogue),
            "page_params": _page_params(request),
            "MAP_TILE_URL": settings.MAP_TILE_URL,
            "MAP_ATTRIBUTION": settings.MAP_ATTRIBUTION,
            "list_url": reverse("initiatives:list")
            + ("?" + _page_params(request) if request.GET else ""),
        },
    )


def _initiative_or_404(slug: str) -> Initiative:
    try:
        return selectors.initiative_public(slug)
    except Initiative.DoesNotExist:
        raise Http404 from None


def _detail_context(initiative: Initiative, correction_form: CorrectionForm) -> dict:
    return {
        "initiative": initiative,
        "events": selectors.events_upcoming_for(initiative),
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
