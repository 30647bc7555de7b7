"""Organisations, their members and roles, invitations, requests to start, and the team log."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zorgzaam.validators import no_control_characters

INVITATION_VALID_FOR = timedelta(days=7)

# Paths under /organisaties/ that are pages of their own, never an organisation.
RESERVED_SLUGS = {"starten", "nieuw", "zoeken", "aanvragen", "agenda"}


def new_invitation_token() -> str:
    """256 random bits: the single-use link in an invitation email."""
    return secrets.token_urlsafe(32)


def slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This short name is taken by a page of the site."))


class Role(models.TextChoices):
    """Stable names (contract): in code, exports and tests."""

    OWNER = "owner", _("owner")
    ORGANISER = "organiser", _("organiser")
    DOOR = "door", _("door volunteer")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    slug = models.SlugField(
        _("short name in the web address"),
        max_length=100,
        unique=True,
        validators=[slug_not_reserved],
    )
    description = models.TextField(
        _("about the organisation"),
        max_length=2000,
        blank=True,
        validators=[no_control_characters],
        help_text=_("Plain text, a few sentences."),
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    privacy_contact = models.CharField(
        _("questions about privacy"),
        max_length=254,
        blank=True,
        validators=[no_control_characters],
        help_text=_("The person or email address people can ask about their personal data."),
    )
    logo = models.ImageField(_("logo"), upload_to="organisations/", blank=True)
    initiative = models.OneToOneField(
        "initiatives.Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("entry in the catalogue"),
    )
    embed_origins = models.TextField(
        _("websites that may show the sign-up form"),
        max_length=2000,
        blank=True,
        help_text=_("One per line, for example https://www.example.org"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def absolute_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def embed_origin_list(self) -> list[str]:
        return [line.strip() for line in self.embed_origins.splitlines() if line.strip()]


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("member"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "pk"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "organiser", "door"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


class Invitation(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", pgettext_lazy("invitation", "accepted")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("withdrawn")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email address"), max_length=254)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    language = models.CharField(_("language of the email"), max_length=10, default="nl")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    send_error = models.CharField(_("email error"), max_length=300, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address and organisation: inviting again renews it.
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "organiser", "door"]), name="invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"

    def get_absolute_url(self) -> str:
        return reverse("organisations:invitation", kwargs={"token": self.token})

    @property
    def absolute_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    def state(self, now=None) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if (now or timezone.now()) >= self.expires_at:
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.State(self.state()).label


class AuditEntry(models.Model):
    """Who changed what in a team, and when: shown to the organisation's owners."""

    class Action(models.TextChoices):
        CREATED = "created", _("organisation created")
        CHANGED = "changed", _("organisation details changed")
        INVITED = "invited", _("invited")
        RESENT = "resent", _("invitation sent again")
        REVOKED = "revoked", _("invitation withdrawn")
        JOINED = "joined", _("joined")
        ROLE_CHANGED = "role_changed", _("role changed")
        REMOVED = "removed", _("removed from the team")
        LEFT = "left", _("left the team")
        DOOR_LINK_CREATED = "door_link_created", _("door link made")
        DOOR_LINK_REVOKED = "door_link_revoked", _("door link withdrawn")
        COHOST_ADDED = "cohost_added", _("co-organiser added to a meeting")
        COHOST_REMOVED = "cohost_removed", _("co-organiser removed from a meeting")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="audit_entries",
        verbose_name=_("organisation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept as text too, so the log still reads when an account is deleted.
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    subject = models.CharField(_("who or what"), max_length=254, blank=True)
    detail = models.CharField(_("details"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("team log entry")
        verbose_name_plural = _("team log")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.subject}"


class OrganisationRequest(models.Model):
    """Someone asks to start with Zorgzaam; a site coordinator approves or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    organisation_name = models.CharField(
        _("name of your organisation or group"),
        max_length=200,
        validators=[no_control_characters],
    )
    name = models.CharField(_("your name"), max_length=200, validators=[no_control_characters])
    email = models.EmailField(_("your email address"), max_length=254)
    purpose = models.TextField(
        _("what do you want to organise?"), max_length=2000, validators=[no_control_characters]
    )
    language = models.CharField(_("language"), max_length=10, default="nl")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decline_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("request to start")
        verbose_name_plural = _("requests to start")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.email})"
