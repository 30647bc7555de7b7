"""The page an invitation link opens: set a password, or log in, and join the team."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zorgzaam.ratelimit import limit_posts

from .. import services
from ..forms.team import ROLE_MEANINGS, NewAccountForm
from ..models import Invitation, Membership

TEMPLATE = "organisations/invitation.html"

# Why a link no longer works (answered with 410 Gone), with the organisation's name.
CLOSED_MESSAGES = {
    "expired": lambda name: (
        _("This invitation has expired. Ask %(name)s for a new one.") % {"name": name}
    ),
    "used": lambda name: (
        _(
            "This invitation has already been used. An invitation link works only once. "
            "Already have an account? Then log in. Otherwise ask %(name)s for a new invitation."
        )
        % {"name": name}
    ),
    "revoked": lambda name: (
        _("This invitation has been withdrawn. Ask %(name)s if you think this is a mistake.")
        % {"name": name}
    ),
}


def _closed(request, token: str, code: str):
    """The page for a link that no longer works; an unknown link is a 404."""
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None or code not in CLOSED_MESSAGES:
        raise Http404
    organisation = invitation.organisation
    return render(
        request,
        TEMPLATE,
        {
            "closed": code,
            "closed_message": CLOSED_MESSAGES[code](organisation.name),
            "organisation": organisation,
            "accepted_by_you": request.user.is_authenticated
            and invitation.accepted_by_id == request.user.pk,
        },
        status=410,
    )


def _account_exists(email: str) -> bool:
    return (
        get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()
    )


def _welcome(request, invitation: Invitation):
    messages.success(
        request,
        _("Welcome to the team of %(name)s. Your role: %(role)s.")
        % {"name": invitation.organisation.name, "role": invitation.get_role_display()},
    )
    return redirect("events:dashboard")


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
@never_cache
def invitation(request, token):
    try:
        invitation = services.invitation_check(token)
    except services.OrganisationError as error:
        return _closed(request, token, error.code)
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "role_meaning": ROLE_MEANINGS[invitation.role],
        "login_url": reverse("login") + "?" + urlencode({"next": request.path}),
    }
    if request.user.is_authenticated:
        return _for_logged_in(request, invitation, context)
    if request.method == "POST" and request.POST.get("action") == "accept":
        return redirect(context["login_url"])
    if _account_exists(invitation.email):
        return _login_first(request, context)
    return _new_account(request, invitation, context)


def _for_logged_in(request, invitation: Invitation, context: dict):
    user = request.user
    context["already_member"] = Membership.objects.filter(
        organisation=invitation.organisation, user=user
    ).exists()
    context["other_address"] = (user.email or user.get_username()).lower() != (
        invitation.email.lower()
    )
    if request.method != "POST":
        return render(request, TEMPLATE, {**context, "mode": "accept"})
    if request.POST.get("action") != "accept":
        return render(request, TEMPLATE, {**context, "mode": "accept"}, status=400)
    try:
        services.invitation_accept(token=invitation.token, user=user)
    except services.OrganisationError as error:
        if error.code == "already_member":
            messages.info(
                request,
                _("You are already in the team of %(name)s.")
                % {"name": invitation.organisation.name},
            )
            return redirect("events:dashboard")
        return _closed(request, invitation.token, error.code)
    return _welcome(request, invitation)


def _login_first(request, context: dict):
    status = 200
    if request.method == "POST":
        # The account may be the one made with this very link a moment ago: then it is used.
        token = context["invitation"].token
        try:
            services.invitation_check(token)
        except services.OrganisationError as error:
            return _closed(request, token, error.code)
        status = 409
    return render(request, TEMPLATE, {**context, "mode": "login"}, status=status)


def _new_account(request, invitation: Invitation, context: dict):
    data = request.POST if request.method == "POST" else None
    form = NewAccountForm(data, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept_new_account(
                token=invitation.token,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except services.OrganisationError as error:
            if error.code == "account_exists":
                return _login_first(request, context)
            return _closed(request, invitation.token, error.code)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _welcome(request, invitation)
    status = 400 if form.errors else 200
    return render(
        request, TEMPLATE, {**context, "mode": "new_account", "form": form}, status=status
    )
