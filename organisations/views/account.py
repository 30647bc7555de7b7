"""A member's own account: name, email address and password."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zorgzaam.roles import login_rule

from ..forms.details import ProfileForm
from ..models import Membership
from ..permissions import ROLE_CAPABILITIES, TEAM


@login_rule
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user, request=request)
        if form.is_valid():
            username_before = user.get_username()
            form.save()
            messages.success(request, _("Your details are saved."))
            if user.get_username() != username_before:
                messages.info(
                    request,
                    _("From now on you log in with %(username)s.")
                    % {"username": user.get_username()},
                )
            return redirect("organisations:profile")
    else:
        form = ProfileForm(instance=user, request=request)
    memberships = [
        {"membership": membership, "manages_team": TEAM in ROLE_CAPABILITIES[membership.role]}
        for membership in Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    ]
    return render(
        request,
        "registration/profile.html",
        {"form": form, "memberships": memberships},
        status=400 if form.errors else 200,
    )
