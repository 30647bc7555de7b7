"""The team area of one organisation: members, invitations, details, the team log."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import services
from ..forms.team import InvitationForm, MemberRoleForm, role_meanings
from ..models import AuditEntry, Invitation, Membership, Role
from ..permissions import ROLE_CAPABILITIES, TEAM, member_required, organisation_required

# Invitations that ended (accepted, withdrawn, expired) stay in the list this long.
RECENT_INVITATIONS = timedelta(days=30)
LOG_LENGTH = 50
TEAM_ROLES = [role for role, allowed in ROLE_CAPABILITIES.items() if TEAM in allowed]
ROLE_ORDER = {Role.OWNER: 0, Role.ORGANISER: 1, Role.DOOR: 2}

TEAM_ERRORS = {
    "already_member": lambda: _("This person is already in the team."),
    "last_owner": lambda: _("The team needs at least one owner. First make someone else an owner."),
    "not_open": lambda: _("This invitation was already accepted or withdrawn."),
    "invalid_role": lambda: _("Please choose a role from the list."),
    "not_member": lambda: _("This person is no longer in the team."),
}


def team_error_message(code: str) -> str:
    message = TEAM_ERRORS.get(code)
    return message() if message else _("Something went wrong. Please try again.")


def _member_name(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.get_username()


def _team_page(request, organisation, *, invite_form=None, status=200):
    now = timezone.now()
    since = now - RECENT_INVITATIONS
    memberships = sorted(
        Membership.objects.filter(organisation=organisation).select_related("user"),
        key=lambda m: (ROLE_ORDER.get(m.role, 9), _member_name(m).lower(), m.pk),
    )
    members = [
        {
            "membership": membership,
            "name": _member_name(membership),
            "is_you": membership.user_id == request.user.pk,
            "form": MemberRoleForm(
                initial={"role": membership.role}, auto_id=f"member-{membership.pk}-%s"
            ),
        }
        for membership in memberships
    ]
    invitations = (
        Invitation.objects.filter(organisation=organisation)
        .filter(
            Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gte=since)
            | Q(accepted_at__gte=since)
            | Q(revoked_at__gte=since)
        )
        .select_related("invited_by", "accepted_by")
    )
    context = {
        "organisation": organisation,
        "members": members,
        "own_membership": next((m for m in memberships if m.user_id == request.user.pk), None),
        "invitations": [
            {"invitation": invitation, "state": invitation.state(now)} for invitation in invitations
        ],
        "invite_form": invite_form or InvitationForm(),
        "role_meanings": role_meanings(),
        "log": AuditEntry.objects.filter(organisation=organisation)[:LOG_LENGTH],
    }
    return render(request, "organisations/team.html", context, status=status)


def _back(request, organisation):
    """The team page, or the dashboard for someone who no longer manages this team."""
    # Asked afresh: the roles read at the start of this request may have just changed.
    manages = (
        request.user.is_superuser
        or Membership.objects.filter(
            organisation=organisation, user=request.user, role__in=TEAM_ROLES
        ).exists()
    )
    if manages:
        return redirect("organisations:team", slug=organisation.slug)
    return redirect("events:dashboard")


@organisation_required(TEAM)
@require_safe
def team(request, organisation):
    return _team_page(request, organisation)


@organisation_required(TEAM)
@require_POST
def invite(request, organisation):
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _team_page(request, organisation, invite_form=form, status=400)
    email = form.cleaned_data["email"]
    try:
        services.invitation_create(
            organisation=organisation,
            email=email,
            role=form.cleaned_data["role"],
            invited_by=request.user,
        )
    except services.OrganisationError as error:
        messages.error(request, team_error_message(error.code))
    else:
        messages.success(
            request,
            _("%(email)s is invited. The email with the link is on its way.") % {"email": email},
        )
    return redirect("organisations:team", slug=organisation.slug)


INVITATION_ACTIONS = {"resend", "revoke"}


@organisation_required(TEAM)
def invitation_action(request, organisation, pk, action):
    if action not in INVITATION_ACTIONS:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    invitation = get_object_or_404(Invitation, organisation=organisation, pk=pk)
    try:
        if action == "resend":
            services.invitation_resend(invitation=invitation, actor=request.user)
            messages.success(
                request,
                _("A new invitation was sent to %(email)s. The old link no longer works.")
                % {"email": invitation.email},
            )
        else:
            services.invitation_revoke(invitation=invitation, actor=request.user)
            messages.success(
                request,
                _("The invitation to %(email)s is withdrawn. The link no longer works.")
                % {"email": invitation.email},
            )
    except services.OrganisationError as error:
        messages.error(request, team_error_message(error.code))
    return redirect("organisations:team", slug=organisation.slug)


MEMBER_ACTIONS = {"role", "remove"}


@organisation_required(TEAM)
def member_action(request, organisation, pk, action):
    if action not in MEMBER_ACTIONS:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    membership = get_object_or_404(
        Membership.objects.select_related("user"), organisation=organisation, pk=pk
    )
    name = _member_name(membership)
    try:
        if action == "role":
            form = MemberRoleForm(request.POST)
            if not form.is_valid():
                raise services.OrganisationError("invalid_role")
            changed = services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
            messages.success(
                request,
                _("%(name)s now has the role %(role)s.")
                % {"name": name, "role": changed.get_role_display()},
            )
        else:
            services.membership_remove(membership=membership, actor=request.user)
            if membership.user_id == request.user.pk:
                messages.success(
                    request, _("You have left the team of %(name)s.") % {"name": organisation}
                )
            else:
                messages.success(request, _("%(name)s is no longer in the team.") % {"name": name})
    except services.OrganisationError as error:
        messages.error(request, team_error_message(error.code))
    return _back(request, organisation)


@member_required
@require_POST
def leave(request, organisation):
    membership = Membership.objects.filter(organisation=organisation, user=request.user).first()
    if membership is None:
        # A superuser who is not in the team.
        messages.error(request, _("You are not in the team of %(name)s.") % {"name": organisation})
        return _back(request, organisation)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except services.OrganisationError as error:
        if error.code == "last_owner":
            messages.error(
                request,
                _(
                    "You are the last owner of %(name)s, so you cannot leave the team. "
                    "First make someone else an owner."
                )
                % {"name": organisation},
            )
        else:
            messages.error(request, team_error_message(error.code))
        return _back(request, organisation)
    messages.success(request, _("You have left the team of %(name)s.") % {"name": organisation})
    return _back(request, organisation)
