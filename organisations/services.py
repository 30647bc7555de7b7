"""Every write with rules about organisations, members and invitations.

Changes to a team take the organisation's lock first (SELECT … FOR UPDATE on PostgreSQL,
the write lock of an IMMEDIATE transaction on SQLite), so two owners demoting each other
at the same moment cannot leave an organisation without an owner.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language

from .models import (
    INVITATION_VALID_FOR,
    RESERVED_SLUGS,
    AuditEntry,
    Invitation,
    Membership,
    Organisation,
    OrganisationRequest,
    Role,
    new_invitation_token,
)


class OrganisationError(Exception):
    """A change the rules do not allow; `code` is machine-readable, the views word it."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def user_label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return (user.get_full_name() or user.get_username())[:150]


def audit_record(*, organisation, actor, action: str, subject: str = "", detail: str = ""):
    return AuditEntry.objects.create(
        organisation=organisation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=user_label(actor),
        action=action,
        subject=subject[:254],
        detail=detail[:300],
    )


def _lock(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def unique_slug(name: str) -> str:
    base = (slugify(name)[:90] or "organisatie").strip("-")
    if base in RESERVED_SLUGS:
        base = f"{base}-organisatie"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def organisation_create(*, name: str, slug: str, actor=None, **details) -> Organisation:
    """A new organisation (its first owner comes by invitation)."""
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, slug=slug, **details)
        audit_record(
            organisation=organisation, actor=actor, action=AuditEntry.Action.CREATED, subject=name
        )
        return organisation


def organisation_update(*, organisation: Organisation, actor, changed: list[str]) -> None:
    """Save an edited organisation (fields set by the form) and log which fields changed."""
    with transaction.atomic():
        organisation.save()
        if changed:
            audit_record(
                organisation=organisation,
                actor=actor,
                action=AuditEntry.Action.CHANGED,
                detail=", ".join(changed),
            )


# Invitations --------------------------------------------------------------------------


def _open_invitation(organisation, email: str):
    return (
        Invitation.objects.alias(email_lower=Lower("email"))
        .filter(
            organisation=organisation,
            email_lower=email.lower(),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )


def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by, language: str = ""
) -> Invitation:
    """Invite an address with a role, and email the link. Inviting again renews the link."""
    email = email.strip()
    language = language or get_language() or settings.LANGUAGE_CODE
    if role not in Role.values:
        raise OrganisationError("invalid_role")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise OrganisationError("already_member")
    now = timezone.now()
    with transaction.atomic():
        _lock(organisation)
        invitation = _open_invitation(organisation, email)
        if invitation is None:
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                role=role,
                language=language,
                invited_by=invited_by if invited_by and invited_by.is_authenticated else None,
                expires_at=now + INVITATION_VALID_FOR,
            )
        else:
            invitation.role = role
            invitation.language = language
            invitation.token = new_invitation_token()
            invitation.expires_at = now + INVITATION_VALID_FOR
            invitation.sent_at = None
            invitation.send_error = ""
            invitation.save()
        audit_record(
            organisation=organisation,
            actor=invited_by,
            action=AuditEntry.Action.INVITED,
            subject=email,
            detail=Role(role).label,
        )
        _send(invitation)
        return invitation


def invitation_resend(*, invitation: Invitation, actor) -> Invitation:
    """A new link (the old one stops working) valid for another 7 days, emailed again."""
    with transaction.atomic():
        _lock(invitation.organisation)
        invitation = Invitation.objects.select_related("organisation").get(pk=invitation.pk)
        if invitation.accepted_at or invitation.revoked_at:
            raise OrganisationError("not_open")
        invitation.token = new_invitation_token()
        invitation.expires_at = timezone.now() + INVITATION_VALID_FOR
        invitation.sent_at = None
        invitation.send_error = ""
        invitation.save()
        audit_record(
            organisation=invitation.organisation,
            actor=actor,
            action=AuditEntry.Action.RESENT,
            subject=invitation.email,
        )
        _send(invitation)
        return invitation


def invitation_revoke(*, invitation: Invitation, actor) -> None:
    with transaction.atomic():
        revoked = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not revoked:
            raise OrganisationError("not_open")
        audit_record(
            organisation=invitation.organisation,
            actor=actor,
            action=AuditEntry.Action.REVOKED,
            subject=invitation.email,
        )


def _send(invitation: Invitation) -> None:
    from .tasks import invitation_email_send

    pk = invitation.pk
    transaction.on_commit(lambda: invitation_email_send.enqueue(pk))


def invitation_check(token: str) -> Invitation:
    """The invitation behind a link, or OrganisationError unknown/used/revoked/expired."""
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None:
        raise OrganisationError("unknown")
    state = invitation.state()
    if state != Invitation.State.PENDING:
        raise OrganisationError(
            {"accepted": "used", "revoked": "revoked", "expired": "expired"}[state]
        )
    return invitation


def invitation_accept(*, token: str, user) -> Membership:
    """Make `user` a member with the invited role. The link works once.

    The invitation is claimed with one conditional UPDATE, so two acceptances at the same
    moment (two tabs, a double tap) make one membership; the loser is told it was used.
    """
    with transaction.atomic():
        invitation = invitation_check(token)
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            token=token,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(accepted_at=timezone.now(), accepted_by=user)
        if not claimed:
            raise OrganisationError("used")
        if Membership.objects.filter(organisation=invitation.organisation, user=user).exists():
            # Already in the team: nothing changes, and the invitation stays open (the
            # claim above is rolled back with this error).
            raise OrganisationError("already_member")
        membership = Membership.objects.create(
            organisation=invitation.organisation, user=user, role=invitation.role
        )
        audit_record(
            organisation=invitation.organisation,
            actor=user,
            action=AuditEntry.Action.JOINED,
            subject=invitation.email,
            detail=Role(invitation.role).label,
        )
        from .permissions import forget_roles

        forget_roles(user)
        return membership


def invitation_accept_new_account(*, token: str, name: str, password: str):
    """A new person sets a name and password on the invitation page; returns the user.

    Their username is the invited address, so they log in with it.
    """
    User = get_user_model()
    try:
        with transaction.atomic():
            invitation = invitation_check(token)
            email = invitation.email
            if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
                raise OrganisationError("account_exists")
            user = User.objects.create_user(
                username=email.lower()[:150], email=email, password=password, first_name=name
            )
            invitation_accept(token=token, user=user)
            return user
    except IntegrityError:
        # Two tabs made the same account at once: the other one won.
        raise OrganisationError("used") from None


# Members ------------------------------------------------------------------------------


def _owners(organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Role.OWNER).count()


def membership_change_role(*, membership: Membership, role: str, actor) -> Membership:
    if role not in Role.values:
        raise OrganisationError("invalid_role")
    with transaction.atomic():
        organisation = _lock(membership.organisation)
        current = Membership.objects.select_related("user").filter(pk=membership.pk).first()
        if current is None:
            raise OrganisationError("not_member")
        if current.role == role:
            return current
        if current.role == Role.OWNER and _owners(organisation) <= 1:
            raise OrganisationError("last_owner")
        old = current.role
        current.role = role
        current.save(update_fields=["role"])
        audit_record(
            organisation=organisation,
            actor=actor,
            action=AuditEntry.Action.ROLE_CHANGED,
            subject=current.user.email or current.user.get_username(),
            detail=f"{Role(old).label} → {Role(role).label}",
        )
        return current


def membership_remove(*, membership: Membership, actor) -> None:
    """Take someone out of the team (or leave it yourself); the last owner stays."""
    with transaction.atomic():
        organisation = _lock(membership.organisation)
        current = Membership.objects.select_related("user").filter(pk=membership.pk).first()
        if current is None:
            raise OrganisationError("not_member")
        if current.role == Role.OWNER and _owners(organisation) <= 1:
            raise OrganisationError("last_owner")
        current.delete()
        leaving = actor is not None and actor.pk == current.user_id
        audit_record(
            organisation=organisation,
            actor=actor,
            action=AuditEntry.Action.LEFT if leaving else AuditEntry.Action.REMOVED,
            subject=current.user.email or current.user.get_username(),
            detail=Role(current.role).label,
        )


# Requests to start --------------------------------------------------------------------


def request_submit(*, organisation_name: str, name: str, email: str, purpose: str, language: str):
    return OrganisationRequest.objects.create(
        organisation_name=organisation_name,
        name=name,
        email=email,
        purpose=purpose,
        language=language,
    )


def request_approve(*, request: OrganisationRequest, coordinator, slug: str = "") -> Invitation:
    """Create the organisation and invite the person who asked as its owner."""
    with transaction.atomic():
        claimed = OrganisationRequest.objects.filter(
            pk=request.pk, status=OrganisationRequest.Status.PENDING
        ).update(
            status=OrganisationRequest.Status.APPROVED,
            decided_at=timezone.now(),
            decided_by=coordinator,
        )
        if not claimed:
            raise OrganisationError("decided")
        organisation = organisation_create(
            name=request.organisation_name,
            slug=slug or unique_slug(request.organisation_name),
            actor=coordinator,
        )
        OrganisationRequest.objects.filter(pk=request.pk).update(organisation=organisation)
        return invitation_create(
            organisation=organisation,
            email=request.email,
            role=Role.OWNER,
            invited_by=coordinator,
            language=request.language,
        )


def request_decline(*, request: OrganisationRequest, coordinator, reason: str = "") -> None:
    with transaction.atomic():
        claimed = OrganisationRequest.objects.filter(
            pk=request.pk, status=OrganisationRequest.Status.PENDING
        ).update(
            status=OrganisationRequest.Status.DECLINED,
            decided_at=timezone.now(),
            decided_by=coordinator,
            decline_reason=reason,
        )
        if not claimed:
            raise OrganisationError("decided")
        from .tasks import request_declined_email_send

        pk = request.pk
        transaction.on_commit(lambda: request_declined_email_send.enqueue(pk))
