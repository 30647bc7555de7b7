"""Live input during a meeting: rounds, questions and upvotes, votes, open answers.

Participants have no account: `participant` is the hash of the random id in their signed
cookie (see events.views.live). A new vote replaces the participant's previous one: the
round row is locked (SELECT … FOR UPDATE on PostgreSQL, the IMMEDIATE write lock on
SQLite) and their old rows are deleted before the new ones are written, in one transaction,
so two votes sent at once from one phone leave exactly one.

Every write that changes what the projector shows bumps the meeting's screen version once
its transaction commits (`live_screen_changed`); the projector's partial is cached under
that version (events.views.live), so the next poll after a change is rendered afresh.
"""

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from ..models import (
    Event,
    LiveAnswer,
    LiveOption,
    LiveQuestion,
    LiveRound,
    LiveUpvote,
    LiveVote,
    ProgrammeItem,
)
from .errors import LiveError

QUESTION_MAX = 300
FIRST_NAME_MAX = 40
ANSWER_MAX = 300
OPTIONS_MAX = 30


def _clean_text(value: str, *, limit: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise LiveError("invalid_text")
    value = " ".join(value.split())
    if "\x00" in value:
        raise LiveError("invalid_text")
    if required and not value:
        raise LiveError("empty_text")
    if len(value) > limit:
        raise LiveError("too_long")
    return value


def _open_round(round_: LiveRound, *kinds: str) -> LiveRound:
    """The round again, locked, if it is open and of one of these kinds."""
    locked = LiveRound.objects.select_for_update().filter(pk=round_.pk).first()
    if locked is None or locked.state != LiveRound.State.OPEN:
        raise LiveError("round_closed")
    if kinds and locked.kind not in kinds:
        raise LiveError("wrong_kind")
    return locked


# The projector's version: bumped after every write that commits


def _screen_version_key(event_id: int) -> str:
    return f"live:screen-version:{event_id}"


def _fresh_version() -> int:
    # Never a number used before: if the cache loses the key (evicted, restarted), partials
    # stored under an older version must not come back.
    return time.time_ns()


def live_screen_version(*, event_id: int) -> int:
    return cache.get_or_set(_screen_version_key(event_id), _fresh_version, None)


def live_screen_changed(*, event_id: int) -> None:
    """The projector shows something else now: its cached partial is out of date."""
    key = _screen_version_key(event_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, _fresh_version(), None)


def _screen_changes(event_id: int) -> None:
    """Bump the version when the current transaction commits (so a reader that sees the
    new version also sees the new rows), and never for a write that is rolled back."""
    transaction.on_commit(lambda: live_screen_changed(event_id=event_id), robust=True)


# Rounds (organisers)


@transaction.atomic
def live_round_create(
    *,
    event: Event,
    kind: str,
    title: str,
    options: Iterable[str] = (),
    moderated: bool = False,
    results_hidden: bool = False,
    points_budget: int = 10,
) -> LiveRound:
    if kind not in LiveRound.Kind.values:
        raise LiveError("wrong_kind")
    labels = [_clean_text(label, limit=200) for label in options if str(label).strip()]
    if kind in LiveRound.POLLS and len(labels) < 2:
        raise LiveError("too_few_options")
    if len(labels) > OPTIONS_MAX:
        raise LiveError("too_many_options")
    if not 1 <= points_budget <= 1000:
        raise LiveError("invalid_budget")
    last = event.live_rounds.order_by("-position").values_list("position", flat=True).first()
    round_ = LiveRound.objects.create(
        event=event,
        kind=kind,
        title=_clean_text(title, limit=200),
        position=(last or 0) + 1,
        moderated=moderated,
        results_hidden=results_hidden,
        points_budget=points_budget,
    )
    if kind in LiveRound.POLLS:
        LiveOption.objects.bulk_create(
            LiveOption(round=round_, label=label, position=n) for n, label in enumerate(labels)
        )
    _screen_changes(event.pk)
    return round_


@transaction.atomic
def live_round_update(
    *,
    round: LiveRound,
    title: str,
    options: Iterable[str] | None = None,
    moderated: bool | None = None,
    results_hidden: bool | None = None,
    points_budget: int | None = None,
) -> LiveRound:
    """Change a round; its options only while it is a draft (votes point at them)."""
    round.title = _clean_text(title, limit=200)
    if moderated is not None:
        round.moderated = moderated
    if results_hidden is not None:
        round.results_hidden = results_hidden
    if points_budget is not None:
        if round.state != LiveRound.State.DRAFT and points_budget != round.points_budget:
            raise LiveError("not_draft")
        if not 1 <= points_budget <= 1000:
            raise LiveError("invalid_budget")
        round.points_budget = points_budget
    round.save()
    if options is not None and round.is_poll:
        if round.state != LiveRound.State.DRAFT:
            raise LiveError("not_draft")
        labels = [_clean_text(label, limit=200) for label in options if str(label).strip()]
        if len(labels) < 2:
            raise LiveError("too_few_options")
        if len(labels) > OPTIONS_MAX:
            raise LiveError("too_many_options")
        round.options.all().delete()
        LiveOption.objects.bulk_create(
            LiveOption(round=round, label=label, position=n) for n, label in enumerate(labels)
        )
    _screen_changes(round.event_id)
    return round


def live_round_from_programme(*, event: Event, title: str) -> LiveRound:
    """A one-choice poll over the meeting's breakout sessions and pitches."""
    labels = list(
        event.programme.filter(kind__in=ProgrammeItem.CHOOSABLE).values_list("title", flat=True)
    )
    if len(labels) < 2:
        raise LiveError("too_few_options")
    return live_round_create(
        event=event, kind=LiveRound.Kind.ONE_CHOICE, title=title, options=labels[:OPTIONS_MAX]
    )


@transaction.atomic
def live_round_open(*, round: LiveRound) -> LiveRound:
    """Open this round and close whichever other round of the meeting was open."""
    now = timezone.now()
    LiveRound.objects.filter(event_id=round.event_id, state=LiveRound.State.OPEN).exclude(
        pk=round.pk
    ).update(state=LiveRound.State.CLOSED, closed_at=now)
    try:
        with transaction.atomic():
            updated = LiveRound.objects.filter(pk=round.pk).update(
                state=LiveRound.State.OPEN, opened_at=now, closed_at=None
            )
    except IntegrityError as error:  # another organiser opened a round at the same moment
        raise LiveError("other_round_open") from error
    if not updated:
        raise LiveError("unknown_round")
    _screen_changes(round.event_id)
    round.refresh_from_db()
    return round


@transaction.atomic
def live_round_close(*, round: LiveRound) -> LiveRound:
    LiveRound.objects.filter(pk=round.pk, state=LiveRound.State.OPEN).update(
        state=LiveRound.State.CLOSED, closed_at=timezone.now()
    )
    _screen_changes(round.event_id)
    round.refresh_from_db()
    return round


@transaction.atomic
def live_round_delete(*, round: LiveRound) -> None:
    _screen_changes(round.event_id)
    round.delete()


# Questions


@transaction.atomic
def live_question_ask(
    *, round: LiveRound, participant: str, text: str, first_name: str = ""
) -> LiveQuestion:
    locked = _open_round(round, LiveRound.Kind.QUESTIONS)
    question = LiveQuestion.objects.create(
        round=locked,
        participant=participant,
        text=_clean_text(text, limit=QUESTION_MAX),
        first_name=_clean_text(first_name or "", limit=FIRST_NAME_MAX, required=False),
        state=LiveQuestion.State.PENDING if locked.moderated else LiveQuestion.State.VISIBLE,
    )
    if question.state in LiveQuestion.ON_SCREEN:
        _screen_changes(locked.event_id)
    return question


@transaction.atomic
def live_question_delete(*, question: LiveQuestion, participant: str) -> None:
    """A participant takes back their own question."""
    if question.participant != participant:
        raise LiveError("not_yours")
    _screen_changes(question.round.event_id)
    question.delete()


def live_upvote(*, question: LiveQuestion, participant: str) -> bool:
    """Upvote once; a second upvote takes it back. True when the question is now upvoted."""
    if question.state not in LiveQuestion.ON_SCREEN or question.merged_into_id:
        raise LiveError("unknown_question")
    with transaction.atomic():
        locked = _open_round(question.round, LiveRound.Kind.QUESTIONS)
        _screen_changes(locked.event_id)
        deleted, _ = LiveUpvote.objects.filter(question=question, participant=participant).delete()
        if deleted:
            return False
        LiveUpvote.objects.create(question=question, participant=participant)
        return True


MODERATION = {
    "approve": LiveQuestion.State.VISIBLE,
    "hide": LiveQuestion.State.HIDDEN,
    "answered": LiveQuestion.State.ANSWERED,
}


@transaction.atomic
def live_question_moderate(
    *, question: LiveQuestion, action: str, into: LiveQuestion | None = None
) -> LiveQuestion:
    """Approve, hide, mark answered, or merge into another question of the same round."""
    if action == "merge":
        if into is None or into.round_id != question.round_id or into.pk == question.pk:
            raise LiveError("invalid_merge")
        # The upvotes move along, once per participant.
        voters = set(into.upvotes.values_list("participant", flat=True))
        question.upvotes.filter(participant__in=voters).delete()
        question.upvotes.update(question=into)
        question.merged_into = into
        question.state = LiveQuestion.State.HIDDEN
    elif action in MODERATION:
        question.state = MODERATION[action]
    else:
        raise LiveError("invalid_action")
    question.save(update_fields=["state", "merged_into"])
    _screen_changes(question.round.event_id)
    return question


# Votes and answers


def _ballot(locked: LiveRound, choices: Mapping[int, int]) -> dict[int, int]:
    """{option id: points}, checked against the round's rules."""
    option_ids = set(locked.options.values_list("pk", flat=True))
    ballot = {}
    for option_id, points in choices.items():
        if not isinstance(option_id, int) or not isinstance(points, int):
            raise LiveError("invalid_vote")
        if option_id not in option_ids:
            raise LiveError("unknown_option")
        if points < 0:
            raise LiveError("invalid_vote")
        if points:
            ballot[option_id] = points
    if not ballot:
        raise LiveError("empty_vote")
    if locked.kind == LiveRound.Kind.ONE_CHOICE and (
        len(ballot) != 1 or set(ballot.values()) != {1}
    ):
        raise LiveError("one_choice_only")
    if locked.kind == LiveRound.Kind.CHOICES and set(ballot.values()) != {1}:
        raise LiveError("invalid_vote")
    if locked.kind == LiveRound.Kind.POINTS and sum(ballot.values()) > locked.points_budget:
        raise LiveError("over_budget")
    return ballot


@transaction.atomic
def live_vote(*, round: LiveRound, participant: str, choices: Mapping[int, int]) -> list[LiveVote]:
    """Cast a vote: {option id: points} (1 per chosen option in a choice poll).

    Replaces the participant's previous vote in this round, never adds to it.
    """
    locked = _open_round(round, *LiveRound.POLLS)
    ballot = _ballot(locked, choices)
    LiveVote.objects.filter(round=locked, participant=participant).delete()
    votes = LiveVote.objects.bulk_create(
        LiveVote(round=locked, option_id=option_id, participant=participant, points=points)
        for option_id, points in ballot.items()
    )
    _screen_changes(locked.event_id)
    return votes


@transaction.atomic
def live_answer(*, round: LiveRound, participant: str, text: str) -> LiveAnswer:
    """Answer the open question; a second answer replaces the first."""
    locked = _open_round(round, LiveRound.Kind.OPEN)
    text = _clean_text(text, limit=ANSWER_MAX)
    LiveAnswer.objects.filter(round=locked, participant=participant).delete()
    answer = LiveAnswer.objects.create(round=locked, participant=participant, text=text)
    _screen_changes(locked.event_id)
    return answer


# Reads the live pages share


@dataclass(frozen=True)
class OptionResult:
    option: LiveOption
    total: int
    percent: int


def live_results(*, round: LiveRound) -> list[OptionResult]:
    """Points (or votes) per option, and each option's share of the largest, for the bars."""
    options = list(round.options.annotate(total=Sum("votes__points")))
    top = max((option.total or 0 for option in options), default=0)
    return [
        OptionResult(
            option, option.total or 0, (200 * (option.total or 0) + top) // (2 * top) if top else 0
        )
        for option in options
    ]


def live_voters(*, round: LiveRound) -> int:
    return round.votes.values("participant").distinct().count()


def live_questions_on_screen(*, round: LiveRound):
    """Approved and answered questions that were not merged away, most upvoted first."""
    return (
        round.questions.filter(state__in=LiveQuestion.ON_SCREEN, merged_into__isnull=True)
        .annotate(upvote_count=Count("upvotes", distinct=True))
        .order_by("state", "-upvote_count", "created_at")
    )


_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+")


def without_emails(text: str) -> str:
    """The projector never shows an email address, not even one a participant typed."""
    return _EMAIL.sub("[…]", text)


def live_event_by_code(*, code: str) -> Event | None:
    """The published meeting with this six-digit code (as typed at /live/)."""
    return Event.objects.filter(status=Event.Status.PUBLISHED, live_code=code).only("slug").first()


def live_open_round(*, event: Event) -> LiveRound | None:
    return event.live_rounds.filter(state=LiveRound.State.OPEN).first()


def live_my_votes(*, round: LiveRound, participant: str) -> dict[int, int]:
    return dict(
        LiveVote.objects.filter(round=round, participant=participant).values_list(
            "option_id", "points"
        )
    )


def live_my_upvotes(*, round: LiveRound, participant: str) -> set[int]:
    return set(
        LiveUpvote.objects.filter(question__round=round, participant=participant).values_list(
            "question_id", flat=True
        )
    )
