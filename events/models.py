import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def new_management_token() -> str:
    """256 random bits: the secret link that lets an attendee change or cancel."""
    return secrets.token_urlsafe(32)


def new_ticket_code() -> str:
    """128 random bits: what the ticket QR encodes; it can check in, never cancel."""
    return secrets.token_urlsafe(16)


LIVE_CODE_LENGTH = 6


def new_live_code() -> str:
    """Six digits to type on a phone at /live/: easy on any keyboard, in any script.

    Not a secret (the live page is public while a round is open); it only saves typing.
    """
    return f"{secrets.randbelow(10**LIVE_CODE_LENGTH):0{LIVE_CODE_LENGTH}d}"


class Series(models.Model):
    """Meetings an organisation groups: a tour of visits, a yearly edition."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="series",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in the web address"), max_length=100, unique=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:series", kwargs={"slug": self.slug})

    @property
    def absolute_url(self) -> str:
        return f"{settings.SITE_URL}{self.get_absolute_url()}"


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in the web address"), max_length=100, unique=True)
    summary = models.CharField(_("short summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue_name = models.CharField(_("venue"), max_length=200)
    venue_street = models.CharField(_("street and number"), max_length=200, blank=True)
    venue_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    venue_city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    venue_accessibility = models.TextField(_("accessibility of the venue"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places (people)"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    max_party_size = models.PositiveSmallIntegerField(
        _("maximum people per registration"), default=4
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("organisation"),
    )
    series = models.ForeignKey(
        Series,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("series"),
    )
    # When the followers of the organisation and the series were told of this meeting
    # (once, after it was first published).
    followers_notified_at = models.DateTimeField(
        _("followers told"), null=True, blank=True, editable=False
    )
    # Co-hosts: organisers from another organisation, with the rights of this
    # organisation's organisers for this one meeting.
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-organisers"),
        related_name="organised_events",
        blank=True,
    )
    hosts = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("hosted by"),
        related_name="events",
        blank=True,
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    languages = models.CharField(
        _("language(s) spoken"), max_length=50, default="nl", help_text=_("For example: nl, en")
    )
    free_entry = models.BooleanField(_("free entry"), default=True)
    reminder_days = models.PositiveSmallIntegerField(
        _("send a reminder this many days before"),
        default=2,
        help_text=_("0 sends no reminder."),
    )
    image = models.ImageField(_("image"), upload_to="events/", blank=True)
    # Raised whenever a sign-up question or one of its answers is saved or deleted (see
    # receivers.questions_changed): the sign-up form's questions are cached under it.
    questions_version = models.PositiveIntegerField(default=0, editable=False)
    # The title and summary in other languages, for residents who read those better; the
    # page shows the visitor's language where given, Dutch otherwise (see `in_language`).
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    summary_en = models.CharField(_("short summary in English"), max_length=300, blank=True)
    title_tr = models.CharField(_("title in Turkish"), max_length=200, blank=True)
    summary_tr = models.CharField(_("short summary in Turkish"), max_length=300, blank=True)
    title_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)
    summary_ar = models.CharField(_("short summary in Arabic"), max_length=300, blank=True)
    # What participants type at /live/ instead of the whole address (shown on the projector).
    live_code = models.CharField(
        _("live code"), max_length=LIVE_CODE_LENGTH, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    # The languages a title and summary can be given in, besides Dutch.
    TRANSLATED = ("en", "tr", "ar")

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(max_party_size__gte=1), name="event_party_size_min"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # A new meeting (a copy too) gets a live code no other meeting has.
        if self.pk is None and (
            not self.live_code or Event.objects.filter(live_code=self.live_code).exists()
        ):
            self.live_code = new_live_code()
            while Event.objects.filter(live_code=self.live_code).exists():
                self.live_code = new_live_code()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def absolute_url(self) -> str:
        """The URL printed on flyers and encoded in the QR code."""
        return settings.SITE_URL + self.get_absolute_url()

    def in_language(self, field: str, language: str | None = None) -> tuple[str, str]:
        """(text, its language code): `title` or `summary` in `language` (default: the
        active one) where the organisers gave it, else the Dutch original."""
        language = (language or get_language() or "nl").split("-")[0]
        if language in self.TRANSLATED:
            text = getattr(self, f"{field}_{language}")
            if text:
                return text, language
        return getattr(self, field), "nl"

    @property
    def local_title(self) -> str:
        return self.in_language("title")[0]

    @property
    def local_summary(self) -> str:
        return self.in_language("summary")[0]

    @property
    def local_title_language(self) -> str:
        return self.in_language("title")[1]

    @property
    def local_summary_language(self) -> str:
        return self.in_language("summary")[1]

    @property
    def venue_line(self) -> str:
        """Venue, street and city on one line, leaving out what is not known yet."""
        return ", ".join(
            part for part in (self.venue_name, self.venue_street, self.venue_city) if part
        )

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    def confirmed_people(self) -> int:
        total = self.registrations.filter(status=Registration.Status.CONFIRMED).aggregate(
            total=Sum("party_size")
        )["total"]
        return total or 0

    def seats_left(self, confirmed_people: int | None = None) -> int | None:
        """Places still free, or None when the meeting has no limit."""
        if self.capacity is None:
            return None
        if confirmed_people is None:
            confirmed_people = self.confirmed_people()
        return max(self.capacity - confirmed_people, 0)

    @property
    def places_left(self) -> int | None:
        """Seats left, using the `confirmed` count that list selectors annotate."""
        confirmed = getattr(self, "confirmed", None)
        return self.seats_left(confirmed)

    def registration_state(self, now=None) -> str:
        """'open', or why registration is not possible: draft, cancelled, not_yet, closed."""
        now = now or timezone.now()
        if self.status == self.Status.DRAFT:
            return "draft"
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        closes = self.registration_closes_at or self.ends_at
        if now >= closes:
            return "closed"
        return "open"


class ProgrammeItem(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("plenary")
        BREAKOUT = "breakout", _("breakout session")
        PITCH = "pitch", _("pitch")
        BREAK = "break", _("break")

    # Attendees choose one of these per time slot.
    CHOOSABLE = (Kind.BREAKOUT, Kind.PITCH)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="programme", verbose_name=_("meeting")
    )
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PLENARY)
    room = models.CharField(_("room"), max_length=100, blank=True)
    host = models.CharField(_("host or speaker"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places (people)"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )

    class Meta:
        ordering = ["start_time", "pk"]
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")

    def __str__(self) -> str:
        return f"{self.start_time:%H:%M} {self.title}"

    @property
    def is_choosable(self) -> bool:
        return self.kind in self.CHOOSABLE


class Registration(models.Model):
    # First come, first served: the order of the waiting list wherever it is read.
    WAITLIST_ORDER = ("waitlisted_at", "pk")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLIST = "waitlist", _("waiting list")
        CANCELLED = "cancelled", _("cancelled")

    class Background(models.TextChoices):
        RESIDENT = "bewoner", _("resident")
        CARER = "mantelzorger", _("informal carer")
        VOLUNTEER = "vrijwilliger", _("volunteer")
        CARE_PROFESSIONAL = "professional", _("professional in care and welfare")
        COMMUNITY_WORKER = "buurtopbouwwerker", _("community development worker")
        MUNICIPALITY = "gemeente", _("municipality or policy")
        DIRECTOR = "bestuurder", _("director or board member")
        RESEARCH = "onderzoek", _("research or education")
        OTHER = "anders", _("other")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("meeting")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), max_length=254)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    background = models.CharField(
        _("background"), max_length=30, choices=Background.choices, blank=True
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    party_size = models.PositiveSmallIntegerField(_("number of people"), default=1)
    sessions = models.ManyToManyField(
        ProgrammeItem, verbose_name=_("sessions"), related_name="registrations", blank=True
    )
    topic = models.TextField(_("what would you like to raise?"), max_length=2000, blank=True)
    needs = models.TextField(
        _("accessibility or dietary needs"),
        max_length=1000,
        blank=True,
        help_text=_("Seen only by the organisers of this meeting."),
    )
    newsletter_opt_in = models.BooleanField(_("newsletter"), default=False)
    newsletter_opt_in_at = models.DateTimeField(
        _("newsletter consent given"), null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # Waiting-list order: first come, first served. The position is computed from it, so
    # it never needs renumbering when someone ahead leaves.
    waitlisted_at = models.DateTimeField(_("on waiting list since"), null=True, blank=True)
    management_token = models.CharField(max_length=64, unique=True, default=new_management_token)
    ticket_code = models.CharField(max_length=64, unique=True, default=new_ticket_code)
    language = models.CharField(_("language"), max_length=10, default="nl")
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    checked_in_via = models.ForeignKey(
        "DoorLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_ins",
        verbose_name=_("checked in with door link"),
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by organiser"),
    )
    consent_note = models.CharField(
        _("how they agreed"),
        max_length=300,
        blank=True,
        help_text=_("For someone added by hand: for example “by phone on 3 May, agreed”."),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One active registration per address and meeting, whatever the letter case:
            # the database refuses a double sign-up, so none is checked for beforehand.
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_email",
            ),
            models.CheckConstraint(condition=Q(party_size__gte=1), name="registration_party_min"),
            models.CheckConstraint(
                condition=~Q(management_token=models.F("ticket_code")),
                name="registration_codes_distinct",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waitlist", "cancelled"]),
                name="registration_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.event})"

    def get_absolute_url(self) -> str:
        return reverse("events:registration", kwargs={"token": self.management_token})

    @property
    def absolute_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def companions(self) -> int:
        return self.party_size - 1

    def waitlist_position(self) -> int | None:
        """1 for the first in line; None when not on the waiting list."""
        if self.status != self.Status.WAITLIST:
            return None
        ahead = Registration.objects.filter(
            event_id=self.event_id, status=self.Status.WAITLIST
        ).filter(
            Q(waitlisted_at__lt=self.waitlisted_at)
            | Q(waitlisted_at=self.waitlisted_at, pk__lt=self.pk)
        )
        return ahead.count() + 1


class Question(models.Model):
    """A question an organiser adds to one meeting's sign-up form."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("short text")
        LONG_TEXT = "long_text", _("long text")
        ONE_CHOICE = "one_choice", _("one choice")
        CHOICES = "choices", _("several choices")
        YES_NO = "yes_no", _("yes or no")
        NUMBER = "number", _("number")

    WITH_CHOICES = (Kind.ONE_CHOICE, Kind.CHOICES)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("an answer is required"), default=False)
    sensitive = models.BooleanField(
        _("sensitive (health, diet, mobility)"),
        default=False,
        help_text=_(
            "Only the organisers of this meeting see the answers, on request, and it is logged."
        ),
    )
    # "Show only if": the question appears only when an earlier question has this answer.
    show_if = models.ForeignKey(
        "QuestionChoice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shows",
        verbose_name=_("show only if this answer was chosen"),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.label

    @property
    def has_choices(self) -> bool:
        return self.kind in self.WITH_CHOICES


class QuestionChoice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("answer"), max_length=200)
    capacity = models.PositiveIntegerField(
        _("places (people)"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("answer to choose")
        verbose_name_plural = _("answers to choose")

    def __str__(self) -> str:
        return self.label


class Answer(models.Model):
    """One attendee's answer to one question: a text, a number, or one chosen answer.

    A question with answers to choose has one row per chosen answer (several for "several
    choices"), so all of a sign-up's answers are written in one statement and the places
    of an answer are counted straight from its rows.
    """

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(
        QuestionChoice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("chosen answer"),
    )
    text = models.TextField(_("answer"), max_length=2000, blank=True)
    number = models.DecimalField(
        _("number"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["question__position", "question_id", "choice__position", "choice_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"],
                condition=Q(choice__isnull=True),
                name="answer_unique",
            ),
            models.UniqueConstraint(fields=["registration", "choice"], name="answer_choice_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.choice or self.text or self.number or ''}"


def new_door_token() -> str:
    """256 random bits: a door link opens one meeting's check-in without an account."""
    return secrets.token_urlsafe(32)


class DoorLink(models.Model):
    """A check-in link for a volunteer's phone: one meeting, check-in only, until revoked."""

    # The link keeps working this long after the meeting ends (late arrivals, tidying up).
    VALID_AFTER_END = timedelta(hours=4)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="door_links", verbose_name=_("meeting")
    )
    label = models.CharField(
        _("for whom or which door"),
        max_length=100,
        help_text=_("For example “Fatima, main entrance”. The volunteer sees it on their phone."),
    )
    token = models.CharField(max_length=64, unique=True, default=new_door_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    expires_at = models.DateTimeField(_("works until"))
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("door link")
        verbose_name_plural = _("door links")

    def __str__(self) -> str:
        return f"{self.label} ({self.event})"

    def get_absolute_url(self) -> str:
        return reverse("events:door", kwargs={"token": self.token})

    @property
    def absolute_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    def is_valid(self, now=None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at


class OutgoingEmail(models.Model):
    """One email to an attendee. Kept so a mail server that is down loses nothing."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("registration received")
        PROMOTED = "promoted", _("moved from the waiting list")
        CANCELLED = "cancelled", _("registration cancelled")
        LINK_RESENT = "link_resent", _("ticket link sent again")
        REMINDER = "reminder", _("reminder")
        EVENT_CANCELLED = "event_cancelled", _("meeting cancelled")
        MESSAGE = "message", _("message from the organisers")
        REPORT = "report", _("report published")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    message = models.ForeignKey(
        "OrganiserMessage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("message"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.registration.email}"


class OrganiserMessage(models.Model):
    """An email the organisers sent to the attendees of one meeting."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("people with a place")
        WAITLIST = "waitlist", _("people on the waiting list")
        BOTH = "both", _("both")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="messages", verbose_name=_("meeting")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    audience = models.CharField(_("to"), max_length=20, choices=Audience.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=5000)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message to attendees")
        verbose_name_plural = _("messages to attendees")

    def __str__(self) -> str:
        return self.subject


class AccessLog(models.Model):
    """Who exported an attendee list or saw special-category data, and when."""

    class Action(models.TextChoices):
        EXPORT_CSV = "export_csv", _("exported CSV")
        EXPORT_XLSX = "export_xlsx", _("exported Excel")
        EXPORT_WITH_NEEDS = "export_needs", _("exported with needs")
        VIEW_NEEDS = "view_needs", _("viewed needs")
        PRINT = "print", _("printed list or badges")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="access_log", verbose_name=_("meeting")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.event}"


def new_follower_token() -> str:
    """256 random bits: the link that confirms following, and later ends it."""
    return secrets.token_urlsafe(32)


class Follower(models.Model):
    """Someone who asked to hear of new meetings of an organisation or one of its series.

    Nothing but the confirmation email is sent before `confirmed_at` is set (double
    opt-in); unsubscribing deletes the row.
    """

    # A request to follow that is not confirmed within this long is deleted.
    CONFIRM_WITHIN = timedelta(days=7)

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="followers",
        verbose_name=_("organisation"),
    )
    series = models.ForeignKey(
        Series,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("series"),
        help_text=_("Empty: every meeting of the organisation."),
    )
    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(_("language"), max_length=10, default="nl")
    token = models.CharField(max_length=64, unique=True, default=new_follower_token)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=Q(series__isnull=True),
                name="follower_one_per_organisation",
            ),
            models.UniqueConstraint(Lower("email"), "series", name="follower_one_per_series"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def followed_name(self) -> str:
        """What is followed: the series' title, or the organisation's name."""
        return self.series.title if self.series_id else self.organisation.name

    @property
    def followed_url(self) -> str:
        followed = self.series if self.series_id else self.organisation
        return settings.SITE_URL + followed.get_absolute_url()

    @property
    def confirm_url(self) -> str:
        return settings.SITE_URL + reverse("events:follow_confirm", kwargs={"token": self.token})

    @property
    def unsubscribe_url(self) -> str:
        return settings.SITE_URL + reverse("events:unfollow", kwargs={"token": self.token})

    def is_expired(self, now=None) -> bool:
        """Not confirmed in time: the link no longer confirms (the purge deletes the row)."""
        return self.confirmed_at is None and (
            self.created_at < (now or timezone.now()) - self.CONFIRM_WITHIN
        )


class LiveRound(models.Model):
    """One round of live input during a meeting: a question wall, a poll, an open question.

    At most one round of a meeting is open at a time (a partial unique constraint).
    """

    class Kind(models.TextChoices):
        QUESTIONS = "questions", _("question wall")
        ONE_CHOICE = "one_choice", _("poll: one choice")
        CHOICES = "choices", _("poll: several choices")
        POINTS = "points", _("poll: divide points")
        OPEN = "open", _("open question")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    POLLS = (Kind.ONE_CHOICE, Kind.CHOICES, Kind.POINTS)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="live_rounds", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    moderated = models.BooleanField(
        _("questions appear only after approval"),
        default=False,
        help_text=_("For a question wall."),
    )
    results_hidden = models.BooleanField(_("hide results until the round is closed"), default=False)
    points_budget = models.PositiveSmallIntegerField(
        _("points per participant"),
        default=10,
        help_text=_("For a points poll: how many points each participant divides."),
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("live round")
        verbose_name_plural = _("live rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(state="open"), name="live_round_one_open"
            ),
            models.CheckConstraint(
                condition=Q(points_budget__gte=1) & Q(points_budget__lte=1000),
                name="live_round_points_budget",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_poll(self) -> bool:
        return self.kind in self.POLLS

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def shows_results(self) -> bool:
        return not self.results_hidden or self.state == self.State.CLOSED


class LiveOption(models.Model):
    round = models.ForeignKey(
        LiveRound, on_delete=models.CASCADE, related_name="options", verbose_name=_("round")
    )
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")

    def __str__(self) -> str:
        return self.label


# A participant is the SHA-256 (hex) of the random id in their signed cookie: no account.
PARTICIPANT_LENGTH = 64


class LiveQuestion(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        VISIBLE = "visible", _("visible")
        HIDDEN = "hidden", _("hidden")
        ANSWERED = "answered", _("answered")

    ON_SCREEN = (State.VISIBLE, State.ANSWERED)

    round = models.ForeignKey(
        LiveRound, on_delete=models.CASCADE, related_name="questions", verbose_name=_("round")
    )
    text = models.CharField(_("question"), max_length=300)
    first_name = models.CharField(_("first name"), max_length=40, blank=True)
    participant = models.CharField(max_length=PARTICIPANT_LENGTH, db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.VISIBLE
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("live question")
        verbose_name_plural = _("live questions")

    def __str__(self) -> str:
        return self.text


class LiveUpvote(models.Model):
    question = models.ForeignKey(LiveQuestion, on_delete=models.CASCADE, related_name="upvotes")
    participant = models.CharField(max_length=PARTICIPANT_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "participant"], name="live_upvote_once")
        ]

    def __str__(self) -> str:
        return f"+1 {self.question_id}"


class LiveVote(models.Model):
    """One participant's points for one option; their whole vote is all their rows."""

    round = models.ForeignKey(LiveRound, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(LiveOption, on_delete=models.CASCADE, related_name="votes")
    participant = models.CharField(max_length=PARTICIPANT_LENGTH)
    points = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant", "option"], name="live_vote_once_per_option"
            ),
            models.CheckConstraint(condition=Q(points__gte=1), name="live_vote_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.option_id}: {self.points}"


class LiveAnswer(models.Model):
    """A short answer to an open question; one per participant (a new one replaces it)."""

    round = models.ForeignKey(LiveRound, on_delete=models.CASCADE, related_name="answers")
    text = models.CharField(_("answer"), max_length=300)
    participant = models.CharField(max_length=PARTICIPANT_LENGTH)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "participant"], name="live_answer_once")
        ]

    def __str__(self) -> str:
        return self.text


class Report(models.Model):
    """What came of a meeting: public at /evenementen/<slug>/verslag/ once published.

    The outcomes and agreements are copies that hold no personal data, so they outlive
    the live input and the attendees' details (the retention purge leaves them).
    """

    SUMMARY_MAX = 20_000

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="report", verbose_name=_("meeting")
    )
    summary = models.TextField(
        _("summary"),
        max_length=SUMMARY_MAX,
        blank=True,
        help_text=_(
            "Plain text. An empty line starts a new paragraph; web addresses become links."
        ),
    )
    video_url = models.URLField(
        _("video link"),
        max_length=500,
        blank=True,
        help_text=_("A link to the recording, for example on YouTube or Vimeo."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # When the attendees were emailed about it: once, at the first publication.
    attendees_notified_at = models.DateTimeField(
        _("attendees told"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return str(self.event)

    def get_absolute_url(self) -> str:
        return reverse("events:report", kwargs={"slug": self.event.slug})

    @property
    def absolute_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ReportPhoto(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    # Stored only as re-encoded by zorgzaam.images (no metadata, a random name). Its size
    # is kept with it, so the page needs no file read (and no file) to lay photos out.
    image = models.ImageField(
        _("photo"), upload_to="reports/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt_text = models.CharField(
        _("description for people who cannot see the photo"), max_length=300
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.alt_text


class ReportOutcome(models.Model):
    """The frozen result of a live round, as the organisers added it to the report.

    `results` is [{"label": …, "total": …, "percent": …}] for a poll and
    [{"label": question text, "total": upvotes}] for the chosen questions of a wall: a copy,
    so later votes, moderation or the purge of the live input never change it.
    """

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("report")
    )
    round = models.ForeignKey(
        LiveRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("round"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LiveRound.Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    results = models.JSONField(_("results"), default=list)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    frozen_at = models.DateTimeField(_("frozen"), auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return self.title

    @property
    def is_poll(self) -> bool:
        return self.kind in LiveRound.POLLS


class ReportAgreement(models.Model):
    """An agreement made at the meeting ("afspraak"): what, who, by when, and how it went."""

    class State(models.TextChoices):
        OPEN = "open", _("in progress")
        DONE = "done", _("done")
        MOVED = "moved", _("moved to a later date")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("report")
    )
    what = models.CharField(_("what"), max_length=300)
    who = models.CharField(
        _("who"),
        max_length=200,
        blank=True,
        help_text=_("A person, team or organisation. Or choose an initiative below."),
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("initiative from the catalogue"),
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # The one email that asks the organisers, once the date has passed, how it went.
    follow_up_sent_at = models.DateTimeField(
        _("organisers asked"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(who="") | Q(initiative__isnull=False), name="agreement_has_who"
            )
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_overdue(self) -> bool:
        return (
            self.state != self.State.DONE
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class ReportOptOut(models.Model):
    """An address that asked for no more reports from this organisation.

    Only a keyed hash of the address is kept (never the address itself), so it can be
    checked before each report email and outlives the retention purge.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="report_opt_outs"
    )
    email_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email_hash"], name="report_opt_out_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.email_hash[:8]}"
