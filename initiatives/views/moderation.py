"""The coordinators' moderation queue and review page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zorgzaam.roles import coordinator_required

from .. import selectors, services
from ..forms import InitiativeEditForm, MergeForm, RejectForm
from ..models import CorrectionReport, Initiative
from .errors import error_message


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
            messages.error(request, error_message(error.code))
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
        messages.error(request, error_message(error.code))
    else:
        messages.success(request, _("The report is closed."))
    return redirect("initiatives:moderation")
