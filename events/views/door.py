"""Door links and co-organisers, managed by the meeting's organisers."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import services
from ..forms import CohostForm, DoorLinkForm
from ..models import DoorLink
from ..qr import qr_svg
from .decorators import manages_event
from .texts import event_error_message


@manages_event
@require_POST
def door_link_create(request, event):
    form = DoorLinkForm(request.POST)
    if form.is_valid():
        try:
            link = services.door_link_create(
                event=event, label=form.cleaned_data["label"], user=request.user
            )
        except services.EventError:
            messages.error(
                request, _("This meeting is over. You can no longer make door links for it.")
            )
            return redirect(f"{_checkin_url(event)}#door-links")
        messages.success(
            request,
            _("Door link for %(label)s is ready. Let the volunteer scan its QR code.")
            % {"label": link.label},
        )
        return redirect(f"{_checkin_url(event)}#door-link-{link.pk}")
    messages.error(request, " ".join(form.errors.get("label", [])))
    return redirect(f"{_checkin_url(event)}#door-links")


@manages_event
@require_POST
def door_link_revoke(request, event, pk):
    link = get_object_or_404(DoorLink, event=event, pk=pk)
    if services.door_link_revoke(link=link, user=request.user):
        messages.success(
            request, _("The door link for %(label)s no longer works.") % {"label": link.label}
        )
    return redirect(f"{_checkin_url(event)}#door-links")


@manages_event
@require_GET
def door_link_qr(request, event, pk):
    link = get_object_or_404(DoorLink, event=event, pk=pk, revoked_at__isnull=True)
    response = HttpResponse(qr_svg(link.absolute_url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _checkin_url(event) -> str:
    return reverse("events:checkin", args=[event.slug])


@manages_event
@require_POST
def cohost_add(request, event):
    form = CohostForm(request.POST)
    if form.is_valid():
        try:
            cohost = services.cohost_add(
                event=event, email=form.cleaned_data["email"], user=request.user
            )
        except services.EventError as error:
            messages.error(request, event_error_message(error.code))
        else:
            messages.success(
                request,
                _("%(name)s is now a co-organiser of this meeting.")
                % {"name": cohost.get_full_name() or cohost.email},
            )
    else:
        messages.error(request, " ".join(form.errors.get("email", [])))
    return redirect("events:organiser_event", slug=event.slug)


@manages_event
@require_POST
def cohost_remove(request, event, pk):
    cohost = get_object_or_404(event.organisers.all(), pk=pk)
    services.cohost_remove(event=event, cohost=cohost, user=request.user)
    if cohost.pk == request.user.pk:
        messages.success(request, _("You are no longer a co-organiser of this meeting."))
        return redirect("events:dashboard")
    messages.success(request, _("The co-organiser has been removed."))
    return redirect("events:organiser_event", slug=event.slug)
