"""An organisation's own details, edited by its owners: name, description, logo, links."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms.details import OrganisationForm
from ..models import Organisation
from ..permissions import TEAM, organisation_required


@organisation_required(TEAM)
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_edit(request, organisation):
    if request.method == "POST":
        # A copy of its own: the page around the form keeps showing the saved details
        # (name, logo) while the form holds what was sent.
        editing = Organisation.objects.get(pk=organisation.pk)
        form = OrganisationForm(request.POST, request.FILES, instance=editing)
        if form.is_valid():
            # The form has set the new values on the organisation; the service saves them.
            services.organisation_update(
                organisation=form.instance, actor=request.user, changed=form.changed_fields
            )
            messages.success(
                request, _("The details of %(name)s are saved.") % {"name": form.instance.name}
            )
            return redirect("organisations:team", slug=organisation.slug)
    else:
        form = OrganisationForm(instance=organisation)
    return render(
        request,
        "organisations/organisation_form.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )
