import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

POSTCODE_AREA = RegexValidator(r"^[1-9][0-9]{3}$", _("Enter the four digits of a postcode."))


class Province(models.Model):
    """One of the twelve provinces, with its CBS code (PV20 … PV31)."""

    code = models.CharField(_("CBS code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A Dutch gemeente with its CBS code (GM0363 is Amsterdam)."""

    code = models.CharField(_("CBS code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^GM[0-9]{4}$"), name="municipality_code_cbs"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A term in one of the taxonomies that coordinators keep up to date."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    synonyms = models.CharField(
        _("other words people search for"),
        max_length=300,
        blank=True,
        help_text=_("Separated by commas, for example: noaberzorg, naoberschap."),
    )
    position = models.PositiveSmallIntegerField(_("position in lists"), default=100)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class InitiativeType(Term):
    class Meta(Term.Meta):
        verbose_name = _("initiative type")
        verbose_name_plural = _("initiative types")


class Approach(Term):
    class Meta(Term.Meta):
        verbose_name = _("approach")
        verbose_name_plural = _("approaches")


class Activity(Term):
    class Meta(Term.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")


class TargetGroup(Term):
    class Meta(Term.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Theme(Term):
    class Meta(Term.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class PartnerKind(Term):
    class Meta(Term.Meta):
        verbose_name = _("kind of partner")
        verbose_name_plural = _("kinds of partner")


class Initiative(models.Model):
    """A care-community initiative or organisation: a zorgcoöperatie, voorzorgcirkel, …"""

    class LegalForm(models.TextChoices):
        STICHTING = "stichting", _("foundation (stichting)")
        VERENIGING = "vereniging", _("association (vereniging)")
        COOPERATIE = "cooperatie", _("cooperative (coöperatie)")
        SOCIALE_BV = "sociale_bv", _("social enterprise (sociale BV)")
        INFORMEEL = "informeel", _("informal group")

    class Status(models.TextChoices):
        ACTIVE = "actief", _("active")
        STARTING = "in_oprichting", _("being set up")
        STOPPED = "gestopt", _("stopped")

    class Publication(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")
        ARCHIVED = "archived", _("archived")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    initiative_type = models.ForeignKey(
        InitiativeType,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="initiatives",
        null=True,
        blank=True,
    )
    approaches = models.ManyToManyField(
        Approach, verbose_name=_("approaches"), related_name="initiatives", blank=True
    )
    activities = models.ManyToManyField(
        Activity, verbose_name=_("activities"), related_name="initiatives", blank=True
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), related_name="initiatives", blank=True
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), related_name="initiatives", blank=True
    )
    partner_kinds = models.ManyToManyField(
        PartnerKind, verbose_name=_("works together with"), related_name="initiatives", blank=True
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    volunteers_count = models.PositiveIntegerField(_("number of volunteers"), null=True, blank=True)
    members_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    membership_fee = models.CharField(
        _("membership fee"), max_length=100, blank=True, help_text=_("For example: € 20 a year.")
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="initiatives",
        null=True,
        blank=True,
    )
    place = models.CharField(_("village or town"), max_length=120, blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    postcode_area = models.CharField(
        _("postcode (4 digits)"), max_length=4, blank=True, validators=[POSTCODE_AREA]
    )
    street_address = models.CharField(_("street and number"), max_length=200, blank=True)
    show_address = models.BooleanField(_("the address may be shown"), default=False)
    latitude = models.DecimalField(
        _("latitude (approximate)"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (approximate)"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    area_served = models.CharField(_("area served"), max_length=300, blank=True)
    partners = models.TextField(_("partners"), blank=True)
    networks = models.CharField(_("member of networks"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_consent = models.BooleanField(
        _("the contact details may be shown"),
        default=False,
        help_text=_("Without this consent the contact details stay hidden."),
    )
    publication = models.CharField(
        _("publication"),
        max_length=20,
        choices=Publication.choices,
        default=Publication.PUBLISHED,
    )
    # Kept beside `publication` because other pages filter on it; a constraint keeps the
    # two in step.
    is_published = models.BooleanField(_("published"), default=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated test data, not a real initiative.")
    )
    submitter_name = models.CharField(_("submitted by"), max_length=120, blank=True)
    submitter_email = models.EmailField(_("email of the submitter"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    last_verified_on = models.DateField(_("last checked on"), null=True, blank=True)
    last_verified_by = models.CharField(_("checked by"), max_length=150, blank=True)
    verification_requested_at = models.DateTimeField(_("check requested at"), null=True, blank=True)
    # Lower-case text without accents of everything a search should find; written by
    # services.initiative_index() and indexed (FTS5 trigram on SQLite, pg_trgm on PostgreSQL).
    search_document = models.TextField(editable=False, blank=True, default="")
    search_name = models.CharField(editable=False, max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(is_published=True, publication="published")
                    | (Q(is_published=False) & ~Q(publication="published"))
                ),
                name="initiative_published_matches_publication",
            ),
            models.CheckConstraint(
                condition=Q(postcode_area="") | Q(postcode_area__regex=r"^[1-9][0-9]{3}$"),
                name="initiative_postcode_area_4_digits",
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=1800, founded_year__lte=2100),
                name="initiative_founded_year_range",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="initiative_not_merged_into_self"
            ),
        ]
        indexes = [
            models.Index(fields=["publication", "name"]),
            models.Index(fields=["is_published", "last_verified_on"]),
            models.Index(fields=["is_published", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.is_published = self.publication == self.Publication.PUBLISHED
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "publication" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_published"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", kwargs={"slug": self.slug})

    @property
    def is_care_circle(self) -> bool:
        """A voorzorgcirkel is a few neighbours: never show more than the postcode area."""
        return bool(self.initiative_type_id) and self.initiative_type.slug == "voorzorgcirkel"

    @property
    def public_address(self) -> str:
        if self.is_care_circle or not self.show_address:
            return ""
        return self.street_address

    @property
    def location_line(self) -> str:
        """Place, municipality and province, leaving out what is unknown or repeated."""
        parts = []
        if self.neighbourhood and not self.is_care_circle:
            parts.append(self.neighbourhood)
        if self.place:
            parts.append(self.place)
        if self.municipality_id and self.municipality.name not in parts:
            parts.append(self.municipality.name)
        line = ", ".join(parts)
        if self.municipality_id:
            line += f" ({self.municipality.province.name})"
        return line


class InitiativeChange(models.Model):
    """One entry in an initiative's history: every submission, edit and decision."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        EDITED = "edited", _("edited")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        MERGED = "merged", _("merged")
        VERIFIED = "verified", _("confirmed as still active")
        CORRECTION_REPORTED = "correction_reported", _("correction reported")
        CORRECTION_HANDLED = "correction_handled", _("correction handled")
        CORRECTION_DISMISSED = "correction_dismissed", _("correction dismissed")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="changes", verbose_name=_("initiative")
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note or reason"), blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.initiative} · {self.get_action_display()}"


class CorrectionReport(models.Model):
    """A reader's "Meld een wijziging": private until a coordinator handles it."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        HANDLED = "handled", _("handled")
        DISMISSED = "dismissed", _("dismissed")

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="correction_reports",
        verbose_name=_("initiative"),
    )
    message = models.TextField(_("what should change"))
    reporter_name = models.CharField(_("your name"), max_length=120, blank=True)
    reporter_email = models.EmailField(_("your email address"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("correction report")
        verbose_name_plural = _("correction reports")

    def __str__(self) -> str:
        return f"{self.initiative}: {self.message[:40]}"


class BottleneckReport(models.Model):
    """A dated snapshot of an initiative's knelpunten, needs and successes.

    A new report is added rather than an old one changed, so change over time stays
    visible; the monitor counts each initiative's latest report only.
    """

    class Source(models.TextChoices):
        INITIATIVE = "initiative", _("the initiative itself")
        COORDINATOR = "coordinator", _("a coordinator")
        SUBMISSION = "submission", _("the submission form")
        GENERATED = "generated", _("generated test data")

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="bottleneck_reports",
        verbose_name=_("initiative"),
    )
    reported_on = models.DateField(_("reported on"))
    source = models.CharField(_("entered by"), max_length=20, choices=Source.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-pk"]
        verbose_name = _("knelpunten report")
        verbose_name_plural = _("knelpunten reports")
        indexes = [models.Index(fields=["initiative", "-reported_on", "-id"])]

    def __str__(self) -> str:
        return f"{self.initiative} · {self.reported_on}"


class ReportItem(models.Model):
    """One knelpunt (with a severity), need or success in a report."""

    class Kind(models.TextChoices):
        BOTTLENECK = "knelpunt", _("bottleneck")
        NEED = "behoefte", _("need")
        SUCCESS = "succes", _("success")

    class Category(models.TextChoices):
        REGULATION = "regelgeving", _("laws and regulations")
        FINANCES = "financien", _("finances")
        MUNICIPALITY = "gemeente", _("cooperation with the municipality")
        PROVIDERS = "aanbieders", _("cooperation with care and support providers")
        VOLUNTEERS = "vrijwilligers", _("volunteers")
        ACCOMMODATION = "huisvesting", _("housing and premises")
        OTHER = "anders", _("other")

    class Severity(models.TextChoices):
        SMALL = "klein", _("small")
        BIG = "groot", _("big")
        VERY_BIG = "zeer_groot", _("very big")

    BIG_SEVERITIES = (Severity.BIG, Severity.VERY_BIG)

    report = models.ForeignKey(
        BottleneckReport, on_delete=models.CASCADE, related_name="items", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    description = models.CharField(_("short description"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "category", "pk"]
        verbose_name = _("report item")
        verbose_name_plural = _("report items")
        constraints = [
            # A knelpunt always has a category and a severity; needs and successes have none.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="knelpunt",
                        severity__in=["klein", "groot", "zeer_groot"],
                        category__in=[
                            "regelgeving",
                            "financien",
                            "gemeente",
                            "aanbieders",
                            "vrijwilligers",
                            "huisvesting",
                            "anders",
                        ],
                    )
                    | (Q(kind__in=["behoefte", "succes"], severity=""))
                ),
                name="report_item_severity_only_for_bottlenecks",
            ),
            models.UniqueConstraint(
                fields=["report", "category"],
                condition=Q(kind="knelpunt"),
                name="report_item_one_bottleneck_per_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description or self.get_category_display()}"

    @property
    def is_big(self) -> bool:
        return self.kind == self.Kind.BOTTLENECK and self.severity in self.BIG_SEVERITIES


def new_import_key() -> str:
    """256 random bits: what the confirm form posts instead of the rows themselves."""
    return secrets.token_urlsafe(32)


class PendingImport(models.Model):
    """A previewed spreadsheet import, waiting for the coordinator who uploaded it.

    The rows stay here rather than in the page: a 5,000-row file is megabytes, more than a
    form may post back. Valid for an hour, for that user only, and used once.
    """

    LIFETIME = timedelta(hours=1)

    key = models.CharField(max_length=64, unique=True, default=new_import_key, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    rows = models.JSONField(_("rows"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
