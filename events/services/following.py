"""Following an organisation or a series by email: double opt-in, news of new meetings.

Nothing but the confirmation email goes to an address before its link is used. The
emails themselves are sent by the background worker (`events.tasks`); these services
record what is asked and queue the work in the same transaction.
"""

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone

from ..models import Event, Follower, Series
from .errors import FollowError
from .registrations import _normalise_email

# Asking again for an address that has not confirmed yet sends the link again, but not
# more often than this: the form cannot be used to flood someone's inbox.
RESEND_AFTER = timedelta(minutes=10)
# Followers hear of a new meeting this long after it is published, so a meeting put
# online by mistake and cancelled at once reaches nobody, and a typo fixed in the first
# minutes reaches them fixed. Well within the hour the followers are promised.
NOTIFY_DELAY = timedelta(minutes=10)


def _language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _same_address(organisation, series: Series | None, email: str) -> QuerySet[Follower]:
    """What the unique constraints compare: the address in any letter case."""
    return Follower.objects.alias(email_lower=Lower("email")).filter(
        organisation=organisation, series=series, email_lower=Lower(Value(email))
    )


def follow_request(
    *, organisation, series: Series | None = None, email: str, language: str = "nl"
) -> Follower:
    """Ask to follow an organisation (or one of its series): the confirmation link is emailed.

    The visitor's answer is the same whatever happens here, so the form never tells who
    follows: an address that already follows is sent nothing and nothing changes; one that
    has not confirmed yet gets the link again, at most once per RESEND_AFTER; a request left
    unconfirmed past `Follower.CONFIRM_WITHIN` starts over with a new link.
    """
    if series is not None and series.organisation_id != organisation.pk:
        raise FollowError("series_elsewhere")
    email = _normalise_email(email)
    language = _language(language)
    now = timezone.now()
    with transaction.atomic():
        follower = _same_address(organisation, series, email).first()
        if follower is not None and follower.is_expired(now):
            follower.delete()
            follower = None
        if follower is None:
            try:
                with transaction.atomic():
                    follower = Follower.objects.create(
                        organisation=organisation,
                        series=series,
                        email=email,
                        language=language,
                        confirmation_sent_at=now,
                    )
            except IntegrityError:
                # Asked at the same moment elsewhere: that request sends the email.
                return _same_address(organisation, series, email).get()
            _confirmation_send(follower)
            return follower
        if follower.confirmed_at is not None:
            return follower
        # Claimed with a conditional UPDATE, so two requests at once send one email.
        claimed = (
            Follower.objects.filter(pk=follower.pk, confirmed_at__isnull=True)
            .filter(
                Q(confirmation_sent_at__isnull=True)
                | Q(confirmation_sent_at__lt=now - RESEND_AFTER)
            )
            .update(confirmation_sent_at=now, language=language)
        )
        if claimed:
            _confirmation_send(follower)
        return follower


def _confirmation_send(follower: Follower) -> None:
    from ..tasks import enqueue_in_transaction, follow_confirmation_send

    enqueue_in_transaction(follow_confirmation_send, follower.pk)


def follower_for_token(*, token: str, confirming: bool = False) -> Follower:
    """The follower a link belongs to; FollowError `unknown` when there is none.

    `confirming`: also FollowError `expired` for a request not confirmed in time.
    """
    follower = Follower.objects.select_related("organisation", "series").filter(token=token).first()
    if follower is None:
        raise FollowError("unknown")
    if confirming and follower.is_expired():
        raise FollowError("expired")
    return follower


def follow_confirm(*, token: str) -> Follower:
    """The confirmation link was used: from now on this address hears of new meetings."""
    follower = follower_for_token(token=token, confirming=True)
    if follower.confirmed_at is None:
        now = timezone.now()
        Follower.objects.filter(pk=follower.pk, confirmed_at__isnull=True).update(confirmed_at=now)
        follower.refresh_from_db(fields=["confirmed_at"])
    return follower


def unfollow(*, token: str) -> Follower:
    """Stop following: the row (and with it the address) is deleted. Returns what it was."""
    follower = follower_for_token(token=token)
    follower.delete()
    return follower


def followers_notify_schedule(*, event: Event) -> None:
    """Have the followers told of a newly published meeting, once, NOTIFY_DELAY from now.

    Called inside the transaction that publishes. The task itself checks, when it runs,
    that the meeting is still published and nobody was told yet. A backend that cannot
    run a task later (the immediate one, in development and tests) tells them at once.
    """
    if event.followers_notified_at is not None:
        return
    from ..tasks import enqueue_in_transaction, followers_notify

    enqueue_in_transaction(followers_notify, event.pk, run_after=timezone.now() + NOTIFY_DELAY)


def follower_recipients(event: Event) -> Iterator[list[int]]:
    """The confirmed followers to tell of `event`, one list of follower ids per address.

    Someone who follows both the organisation and the meeting's series gets one email:
    their follows are grouped by the address in lower case, the organisation's first.
    """
    followed = Q(organisation_id=event.organisation_id, series__isnull=True)
    if event.series_id:
        followed |= Q(series_id=event.series_id)
    followers = (
        Follower.objects.filter(followed, confirmed_at__isnull=False)
        .annotate(email_lower=Lower("email"))
        .order_by("pk")
        .values_list("email_lower", "pk", "series_id")
    )
    by_address: dict[str, list[tuple]] = {}
    for email_lower, pk, series_id in followers:
        by_address.setdefault(email_lower, []).append((series_id is not None, pk))
    for follows in by_address.values():
        yield [pk for _is_series, pk in sorted(follows)]
