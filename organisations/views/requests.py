"""Starting with Zorgzaam: the public request form and the coordinators' queue."""

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zorgzaam.ratelimit import limit_posts
from zorgzaam.roles import coordinator_required

from .. import services
from ..forms.public import OrganisationRequestForm, RequestApproveForm, RequestDeclineForm
from ..models import OrganisationRequest

DECIDED_SHOWN = 20
ACTIONS = {"approve": RequestApproveForm, "decline": RequestDeclineForm}


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
def request_form(request):
    if request.method == "POST":
        form = OrganisationRequestForm(request.POST)
        if form.is_valid():
            services.request_submit(
                **form.cleaned_data, language=get_language() or settings.LANGUAGE_CODE
            )
            # There is no URL of its own for the thanks page, so it is shown in answer to
            # the POST; a double click sends once (site.js), a reload asks first.
            return render(request, "organisations/request_done.html")
    else:
        form = OrganisationRequestForm()
    return render(
        request,
        "organisations/request_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _auto_id(start_request: OrganisationRequest, action: str) -> str:
    """Every request on the page has its own forms: their ids must not repeat."""
    return f"id_{action}_{start_request.pk}_%s"


def _queue(bound: tuple[int, str, object] | None = None) -> dict:
    """The pending requests, each with its two forms (one of them `bound`), and the last decided."""
    pending = []
    for start_request in OrganisationRequest.objects.filter(
        status=OrganisationRequest.Status.PENDING
    ).order_by("created_at", "pk"):
        forms = {
            "approve": RequestApproveForm(
                auto_id=_auto_id(start_request, "approve"),
                initial={"slug": services.unique_slug(start_request.organisation_name)},
            ),
            "decline": RequestDeclineForm(auto_id=_auto_id(start_request, "decline")),
        }
        if bound is not None and bound[0] == start_request.pk:
            forms[bound[1]] = bound[2]
        pending.append(
            {
                "request": start_request,
                "approve_form": forms["approve"],
                "decline_form": forms["decline"],
            }
        )
    decided = (
        OrganisationRequest.objects.exclude(status=OrganisationRequest.Status.PENDING)
        .select_related("decided_by", "organisation")
        .order_by("-decided_at", "-pk")[:DECIDED_SHOWN]
    )
    return {"pending": pending, "decided": decided}


@coordinator_required
@require_http_methods(["GET", "HEAD"])
def request_queue(request):
    return render(request, "organisations/request_queue.html", _queue())


@coordinator_required
@require_POST
def request_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    start_request = get_object_or_404(OrganisationRequest, pk=pk)
    if start_request.status != OrganisationRequest.Status.PENDING:
        return _already_decided(request, start_request)
    form = ACTIONS[action](request.POST, auto_id=_auto_id(start_request, action))
    if form.is_valid():
        try:
            if action == "approve":
                invitation = services.request_approve(
                    request=start_request,
                    coordinator=request.user,
                    slug=form.cleaned_data["slug"],
                )
                messages.success(
                    request,
                    _(
                        "%(name)s is now on Zorgzaam. We emailed an invitation to %(email)s. "
                        "You can also send them this link yourself: %(url)s"
                    )
                    % {
                        "name": start_request.organisation_name,
                        "email": start_request.email,
                        "url": invitation.absolute_url,
                    },
                )
            else:
                services.request_decline(
                    request=start_request,
                    coordinator=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _("The request of %(name)s is declined. We emailed %(email)s.")
                    % {"name": start_request.organisation_name, "email": start_request.email},
                )
        except services.OrganisationError as error:
            if error.code == "decided":  # someone else decided it a moment ago
                return _already_decided(request, start_request)
            raise
        except IntegrityError:
            # The web address was taken between the check and the save.
            form.add_error("slug", _("Another organisation already has this web address."))
        else:
            return redirect("organisations:request_queue")
    return render(
        request,
        "organisations/request_queue.html",
        _queue(bound=(start_request.pk, action, form)),
        status=400,
    )


def _already_decided(request, start_request):
    messages.warning(
        request,
        _("The request of %(name)s was already decided. Nothing has changed.")
        % {"name": start_request.organisation_name},
    )
    return redirect("organisations:request_queue")
