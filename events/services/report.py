"""The report of a meeting: its text, photos, frozen outcomes and agreements, and publishing.

Publishing emails the people who had a place (or were checked in) once, one email per
address, unless the address asked this organisation for no more reports. Outcomes are
copies of the live results taken when the organisers add them; agreements whose date has
passed get one follow-up email to the organisers.
"""

import re
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..models import (
    Event,
    LiveQuestion,
    LiveRound,
    OutgoingEmail,
    Registration,
    Report,
    ReportAgreement,
    ReportOptOut,
    ReportOutcome,
    ReportPhoto,
)
from .errors import ReportError
from .live import live_results, live_voters
from .mail import email_queue

PHOTOS_MAX = 30
AGREEMENTS_MAX = 50
OUTCOME_ITEMS_MAX = 20
WHAT_MAX = 300
WHO_MAX = 200
ALT_MAX = 300
_OPT_OUT_SALT = "events.report.opt_out"
_OPT_OUT_HASH = re.compile(r"[0-9a-f]{64}")


def report_for(*, event: Event) -> Report:
    """The meeting's report, created (as a draft) the first time it is asked for."""
    report, _ = Report.objects.get_or_create(event=event)
    return report


# The largest value of a PositiveSmallIntegerField on every database (PostgreSQL smallint).
_POSITION_MAX = 32767


def _next_position(queryset) -> int:
    """After the last one. Adding and removing photos or agreements keeps raising it, so it
    stops at the column's limit; ties keep their order, as the models order by pk next."""
    return min((queryset.aggregate(last=Max("position"))["last"] or 0) + 1, _POSITION_MAX)


@transaction.atomic
def report_update(*, report: Report, summary: str, video_url: str) -> Report:
    summary = summary.replace("\r\n", "\n").strip()
    if len(summary) > Report.SUMMARY_MAX:
        raise ReportError("too_long")
    report.summary = summary
    report.video_url = video_url.strip()
    report.save(update_fields=["summary", "video_url", "updated_at"])
    return report


# Photos


@transaction.atomic
def report_photo_add(*, report: Report, image, alt_text: str) -> ReportPhoto:
    """Add a photo; `image` must already be re-encoded (zorgzaam.images.clean_image_upload)."""
    alt_text = " ".join(alt_text.split())
    if not alt_text:
        raise ReportError("alt_required")
    if len(alt_text) > ALT_MAX:
        raise ReportError("too_long")
    # The report row is locked, so two uploads at once cannot pass the limit together.
    Report.objects.select_for_update().filter(pk=report.pk).first()
    if report.photos.count() >= PHOTOS_MAX:
        raise ReportError("too_many_photos")
    photo = ReportPhoto(report=report, alt_text=alt_text, position=_next_position(report.photos))
    photo.image.save(image.name, image, save=False)
    photo.save()
    return photo


def report_photo_delete(*, photo: ReportPhoto) -> None:
    storage, name = photo.image.storage, photo.image.name
    with transaction.atomic():
        photo.delete()
        transaction.on_commit(lambda: storage.delete(name))


# Outcomes: frozen copies of live rounds


def _items_of(round_: LiveRound, chosen: list[int]) -> list[dict]:
    """The chosen questions (with their upvotes) or open answers, in the order of the wall."""
    if round_.kind == LiveRound.Kind.QUESTIONS:
        questions = (
            round_.questions.filter(pk__in=chosen)
            .exclude(state=LiveQuestion.State.PENDING)
            .annotate(upvote_count=Count("upvotes", distinct=True))
            .order_by("-upvote_count", "created_at")
        )
        return [{"label": q.text, "total": q.upvote_count} for q in questions]
    answers = round_.answers.filter(pk__in=chosen).order_by("created_at")
    return [{"label": a.text, "total": None} for a in answers]


@transaction.atomic
def report_outcome_freeze(
    *, report: Report, round: LiveRound, chosen: list[int] | None = None
) -> ReportOutcome:
    """Copy a closed round's results into the report (again: the copy is replaced).

    A poll keeps every option's total; a question wall or open question keeps the items
    the organisers chose (`chosen`: question or answer ids), never a first name.
    """
    if round.event_id != report.event_id:
        raise ReportError("unknown_round")
    if round.state != LiveRound.State.CLOSED:
        raise ReportError("round_not_closed")
    if round.is_poll:
        results = [
            {"label": r.option.label, "total": r.total, "percent": r.percent}
            for r in live_results(round=round)
        ]
        participants = live_voters(round=round)
    else:
        chosen = [pk for pk in (chosen or []) if isinstance(pk, int)]
        if not chosen:
            raise ReportError("nothing_chosen")
        if len(chosen) > OUTCOME_ITEMS_MAX:
            raise ReportError("too_many_items")
        results = _items_of(round, chosen)
        if not results:
            raise ReportError("nothing_chosen")
        participants = (
            round.questions.values("participant").distinct().count()
            if round.kind == LiveRound.Kind.QUESTIONS
            else round.answers.count()
        )
    outcome = report.outcomes.filter(round=round).first() or ReportOutcome(
        report=report, round=round, position=_next_position(report.outcomes)
    )
    outcome.kind = round.kind
    outcome.title = round.title
    outcome.results = results
    outcome.participants = participants
    outcome.save()
    return outcome


@transaction.atomic
def report_outcome_delete(*, outcome: ReportOutcome) -> None:
    outcome.delete()


# Agreements


def _clean_agreement(what: str, who: str, initiative) -> tuple[str, str]:
    what, who = " ".join(what.split()), " ".join(who.split())
    if not what:
        raise ReportError("what_required")
    if not who and initiative is None:
        raise ReportError("who_required")
    if len(what) > WHAT_MAX or len(who) > WHO_MAX:
        raise ReportError("too_long")
    return what, who


@transaction.atomic
def agreement_create(
    *, report: Report, what: str, who: str = "", initiative=None, due_on: date | None = None
) -> ReportAgreement:
    what, who = _clean_agreement(what, who, initiative)
    Report.objects.select_for_update().filter(pk=report.pk).first()
    if report.agreements.count() >= AGREEMENTS_MAX:
        raise ReportError("too_many_agreements")
    return ReportAgreement.objects.create(
        report=report,
        what=what,
        who=who,
        initiative=initiative,
        due_on=due_on,
        position=_next_position(report.agreements),
    )


@transaction.atomic
def agreement_update(
    *,
    agreement: ReportAgreement,
    what: str,
    who: str,
    initiative,
    due_on: date | None,
    state: str,
) -> ReportAgreement:
    """Change an agreement; a new date asks the organisers again once it has passed."""
    if state not in ReportAgreement.State.values:
        raise ReportError("invalid_state")
    agreement.what, agreement.who = _clean_agreement(what, who, initiative)
    agreement.initiative = initiative
    if due_on != agreement.due_on:
        agreement.follow_up_sent_at = None
    agreement.due_on = due_on
    agreement.state = state
    agreement.save()
    return agreement


@transaction.atomic
def agreement_delete(*, agreement: ReportAgreement) -> None:
    agreement.delete()


# Publishing


def report_recipients(report: Report) -> list[Registration]:
    """One registration per address among those who had a place or were checked in.

    Erased registrations and addresses that asked for no more reports are left out.
    """
    opted_out = set(
        ReportOptOut.objects.filter(organisation_id=report.event.organisation_id).values_list(
            "email_hash", flat=True
        )
    )
    registrations = (
        Registration.objects.filter(event_id=report.event_id, erased_at__isnull=True)
        .filter(Q(status=Registration.Status.CONFIRMED) | Q(checked_in_at__isnull=False))
        .order_by("pk")
    )
    seen, recipients = set(), []
    for registration in registrations:
        address = registration.email.casefold()
        if address in seen or opt_out_hash(registration.email) in opted_out:
            continue
        seen.add(address)
        recipients.append(registration)
    return recipients


@transaction.atomic
def report_publish(*, report: Report) -> int:
    """Publish the report; the first time, email the attendees. Returns the emails queued."""
    event = report.event
    if event.status != Event.Status.PUBLISHED:
        raise ReportError("event_not_published")
    if event.starts_at > timezone.now():
        raise ReportError("not_started")
    if not (report.summary or report.video_url or report.outcomes.exists()):
        raise ReportError("empty_report")
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(published_at=now)
    report.published_at = now
    # Claimed with a conditional UPDATE: publishing twice, or at once, emails once.
    claimed = Report.objects.filter(pk=report.pk, attendees_notified_at__isnull=True).update(
        attendees_notified_at=now
    )
    if not claimed:
        return 0
    report.attendees_notified_at = now
    recipients = report_recipients(report)
    for registration in recipients:
        email_queue(registration=registration, kind=OutgoingEmail.Kind.REPORT)
    return len(recipients)


@transaction.atomic
def report_unpublish(*, report: Report) -> Report:
    """Take the report offline (404 again); publishing again sends no second email."""
    Report.objects.filter(pk=report.pk).update(published_at=None)
    report.published_at = None
    return report


# No more reports


def opt_out_hash(email: str) -> str:
    """A keyed hash of the address: enough to recognise it, useless to read it back."""
    return salted_hmac(_OPT_OUT_SALT, email.strip().casefold(), algorithm="sha256").hexdigest()


def opt_out_url(registration: Registration) -> str:
    """The link in a report email that stops reports from this organisation to the address."""
    from django.urls import reverse

    token = signing.dumps(
        [registration.event.organisation_id, opt_out_hash(registration.email)],
        salt=_OPT_OUT_SALT,
        compress=True,
    )
    return settings.SITE_URL + reverse("events:report_opt_out", kwargs={"token": token})


def opt_out_from_token(token: str) -> tuple[int, str]:
    """(organisation id, address hash) from a link; ReportError when it is not ours."""
    try:
        organisation_id, email_hash = signing.loads(token, salt=_OPT_OUT_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise ReportError("invalid_link") from None
    # Only what opt_out_url makes: an old format or a payload signed for something else
    # must not reach the database (NUL, a lone surrogate, a bool as id).
    if type(organisation_id) is not int or not isinstance(email_hash, str):
        raise ReportError("invalid_link")
    if not _OPT_OUT_HASH.fullmatch(email_hash):
        raise ReportError("invalid_link")
    return organisation_id, email_hash


def report_opt_out(*, organisation_id: int, email_hash: str) -> bool:
    """No more report emails from this organisation to this address; True when new."""
    _, created = ReportOptOut.objects.get_or_create(
        organisation_id=organisation_id, email_hash=email_hash
    )
    return created


# Follow-up of agreements


def agreement_recipients(event: Event) -> list[str]:
    """The addresses of the people who run the meeting: its organisation's owners and
    organisers, and its co-organisers."""
    from organisations.models import Role

    users = get_user_model().objects.filter(
        Q(
            memberships__organisation_id=event.organisation_id,
            memberships__role__in=[Role.OWNER, Role.ORGANISER],
        )
        | Q(organised_events=event),
        is_active=True,
    )
    return sorted({user.email for user in users.distinct() if user.email})


def agreements_follow_up_due(*, today: date | None = None) -> int:
    """Ask the organisers, once per agreement, how an agreement past its date went."""
    from ..tasks import agreement_follow_up_send, enqueue_in_transaction

    today = today or timezone.localdate()
    due = ReportAgreement.objects.filter(
        due_on__lt=today,
        follow_up_sent_at__isnull=True,
        report__published_at__isnull=False,
    ).exclude(state=ReportAgreement.State.DONE)
    count = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = ReportAgreement.objects.filter(pk=pk, follow_up_sent_at__isnull=True).update(
                follow_up_sent_at=timezone.now()
            )
            if claimed:
                enqueue_in_transaction(agreement_follow_up_send, pk)
                count += 1
    return count
