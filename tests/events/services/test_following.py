"""Following by email: double opt-in, and one email per address when a meeting is published."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services, tasks
from events.models import Event, Follower, Series
from events.services.following import NOTIFY_DELAY, RESEND_AFTER


class FailingFor:
    """A mail backend whose server refuses some recipients and delivers to the rest."""

    refused: set[str] = set()

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refused:
                raise ConnectionRefusedError("mailbox unavailable")
            mail.outbox.append(message)
        return len(messages)


@pytest.fixture
def series(organisation):
    return Series.objects.create(
        organisation=organisation, title="Bezoeken zorgzame buurten", slug="bezoeken"
    )


@pytest.fixture
def dummy_tasks(settings):
    """A backend that records tasks instead of running them (and can run them later)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = tasks.followers_notify.get_backend()
    backend.clear()
    return backend


@pytest.fixture
def follow(organisation):
    """A follower (confirmed unless told otherwise) of the organisation or a series."""

    def make(email, *, series=None, language="nl", confirmed=True) -> Follower:
        now = timezone.now()
        return Follower.objects.create(
            organisation=organisation,
            series=series,
            email=email,
            language=language,
            confirmation_sent_at=now,
            confirmed_at=now if confirmed else None,
        )

    return make


@pytest.fixture
def mail_refuses(settings):
    """The mail server refuses the addresses put in the returned set."""
    settings.EMAIL_BACKEND = f"{__name__}.FailingFor"
    FailingFor.refused = set()
    yield FailingFor.refused
    FailingFor.refused = set()


@pytest.fixture
def draft(make_event, series):
    return make_event(status=Event.Status.DRAFT, series=series, title="Bezoek aan Kampen")


def _publish(event, capture) -> None:
    with capture(execute=True):
        services.event_publish(event=event)


# Asking, confirming, stopping


def test_asking_sends_the_confirmation_and_nothing_else(
    organisation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follower = services.follow_request(
            organisation=organisation, email="Ans@Example.ORG", language="en"
        )
    assert follower.confirmed_at is None and follower.confirmation_sent_at is not None
    assert follower.email == "Ans@example.org"  # the domain in lower case, as for sign-ups
    (message,) = mailoutbox
    assert message.to == ["Ans@example.org"]
    assert follower.confirm_url in message.body
    assert follower.unsubscribe_url in message.body
    assert follower.confirm_url == f"https://zorgzaam.example/volgen/{follower.token}/"


def test_the_confirmation_link_is_sent_again_at_most_every_ten_minutes(
    organisation, mailoutbox, django_capture_on_commit_callbacks
):
    def ask(email="ans@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            return services.follow_request(organisation=organisation, email=email)

    first = ask()
    again = ask("ANS@example.org")
    assert again.pk == first.pk and len(mailoutbox) == 1
    Follower.objects.filter(pk=first.pk).update(
        confirmation_sent_at=timezone.now() - RESEND_AFTER - timedelta(seconds=1)
    )
    ask()
    assert len(mailoutbox) == 2
    assert first.confirm_url in mailoutbox[1].body  # the same link still works
    assert Follower.objects.count() == 1


def test_an_address_that_already_follows_is_sent_nothing_and_nothing_changes(
    follow, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    follower = follow("ans@example.org", language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.follow_request(
            organisation=organisation, email="ans@example.org", language="en"
        )
    assert again.pk == follower.pk
    assert mailoutbox == []
    again.refresh_from_db()
    assert again.language == "nl" and again.confirmed_at == follower.confirmed_at


def test_the_organisation_and_each_series_are_followed_apart(follow, organisation, series):
    follow("ans@example.org")
    follow("ans@example.org", series=series)
    assert Follower.objects.filter(email="ans@example.org").count() == 2


def test_a_series_of_another_organisation_is_refused(make_organisation, series):
    other = make_organisation("Ander netwerk")
    with pytest.raises(services.FollowError) as error:
        services.follow_request(organisation=other, series=series, email="ans@example.org")
    assert error.value.code == "series_elsewhere"
    assert not Follower.objects.exists()


def test_a_language_the_site_does_not_speak_becomes_dutch(organisation):
    follower = services.follow_request(
        organisation=organisation, email="ans@example.org", language="xx"
    )
    assert follower.language == "nl"


def test_a_request_not_confirmed_within_seven_days_expires_and_starts_over(
    follow, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    old = follow("ans@example.org", confirmed=False)
    Follower.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    with pytest.raises(services.FollowError) as error:
        services.follow_confirm(token=old.token)
    assert error.value.code == "expired"

    with django_capture_on_commit_callbacks(execute=True):
        new = services.follow_request(organisation=organisation, email="ans@example.org")
    assert new.token != old.token and not Follower.objects.filter(pk=old.pk).exists()
    assert new.confirm_url in mailoutbox[0].body


def test_confirming_twice_is_confirming_once(follow):
    follower = follow("ans@example.org", confirmed=False)
    first = services.follow_confirm(token=follower.token).confirmed_at
    assert first is not None
    assert services.follow_confirm(token=follower.token).confirmed_at == first


def test_unfollowing_deletes_the_row_and_the_link_then_stops_working(follow):
    follower = follow("ans@example.org")
    gone = services.unfollow(token=follower.token)
    assert gone.followed_name == "Buurtnetwerk Ergens"
    assert not Follower.objects.exists()
    for service in (services.unfollow, services.follow_confirm):
        with pytest.raises(services.FollowError) as error:
            service(token=follower.token)
        assert error.value.code == "unknown"


def test_a_confirmation_that_cannot_be_sent_lets_the_visitor_ask_again(
    organisation, mailoutbox, mail_refuses, django_capture_on_commit_callbacks
):
    mail_refuses.add("ans@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        follower = services.follow_request(organisation=organisation, email="ans@example.org")
    follower.refresh_from_db()
    assert follower.confirmation_sent_at is None  # the immediate backend cannot retry
    mail_refuses.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_request(organisation=organisation, email="ans@example.org")
    assert len(mailoutbox) == 1


# Telling the followers of a new meeting


def test_publishing_emails_each_confirmed_follower_once(
    follow, make_organisation, draft, series, mailoutbox, django_capture_on_commit_callbacks
):
    of_organisation = follow("ans@example.org")
    of_series = follow("bert@example.org", series=series)
    both = follow("cor@example.org")
    follow("COR@example.org", series=series)
    follow("dirk@example.org", confirmed=False)
    follow(
        "els@example.org",
        series=Series.objects.create(
            organisation=draft.organisation, title="Jaarlijks", slug="jaarlijks"
        ),
    )

    _publish(draft, django_capture_on_commit_callbacks)

    assert sorted(m.to[0].lower() for m in mailoutbox) == [
        "ans@example.org",
        "bert@example.org",
        "cor@example.org",
    ]
    by_address = {m.to[0].lower(): m for m in mailoutbox}
    # Who follows both hears once; the organisation's follow is the one the headers stop,
    # and the body offers to stop each.
    message = by_address["cor@example.org"]
    series_follow = Follower.objects.get(email="COR@example.org")
    assert message.extra_headers["List-Unsubscribe"] == f"<{both.unsubscribe_url}>"
    assert both.unsubscribe_url in message.body and series_follow.unsubscribe_url in message.body
    assert of_series.unsubscribe_url in by_address["bert@example.org"].body
    assert of_organisation.unsubscribe_url in by_address["ans@example.org"].body
    assert draft.absolute_url in message.body
    draft.refresh_from_db()
    assert draft.followers_notified_at is not None


def test_the_news_comes_in_the_followers_language(
    follow, draft, mailoutbox, django_capture_on_commit_callbacks
):
    follow("ans@example.org", language="nl")
    follow("bert@example.org", language="en")
    _publish(draft, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m.body for m in mailoutbox}
    day = timezone.localtime(draft.starts_at)
    assert "Wanneer:" in by_address["ans@example.org"]
    assert "When:" in by_address["bert@example.org"]
    dutch_days = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    assert dutch_days[day.weekday()] in by_address["ans@example.org"]
    assert f"{day:%A}" in by_address["bert@example.org"]


def test_nothing_goes_to_an_address_that_has_not_confirmed(
    follow, draft, mailoutbox, django_capture_on_commit_callbacks
):
    follow("ans@example.org", confirmed=False)
    _publish(draft, django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_publishing_again_sends_nothing_again(
    follow, draft, mailoutbox, django_capture_on_commit_callbacks
):
    follow("ans@example.org")
    _publish(draft, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    # Back to draft (in the admin) and published again: the followers were told already.
    Event.objects.filter(pk=draft.pk).update(status=Event.Status.DRAFT)
    _publish(draft, django_capture_on_commit_callbacks)
    assert tasks.followers_notify.call(draft.pk) == "skipped"
    assert len(mailoutbox) == 1


def test_publishing_waits_a_few_minutes_and_a_meeting_cancelled_meanwhile_is_news_to_nobody(
    follow, draft, mailoutbox, dummy_tasks, django_capture_on_commit_callbacks
):
    follow("ans@example.org")
    before = timezone.now()
    _publish(draft, django_capture_on_commit_callbacks)
    (queued,) = dummy_tasks.results
    assert queued.task.func is tasks.followers_notify.func
    assert list(queued.args) == [draft.pk]
    assert before + NOTIFY_DELAY <= queued.task.run_after <= timezone.now() + NOTIFY_DELAY
    assert timedelta(minutes=30) >= NOTIFY_DELAY  # followers hear within the hour

    services.event_cancel(event=draft)
    assert tasks.followers_notify.call(*queued.args) == "skipped"
    assert mailoutbox == []


def test_a_meeting_published_after_it_took_place_is_news_to_nobody(
    follow, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    follow("ans@example.org")
    now = timezone.now()
    past = make_event(
        status=Event.Status.DRAFT,
        starts_at=now - timedelta(days=30, hours=3),
        ends_at=now - timedelta(days=30),
    )
    _publish(past, django_capture_on_commit_callbacks)
    assert mailoutbox == []
    past.refresh_from_db()
    assert past.followers_notified_at is not None


def test_a_copy_of_a_meeting_is_news_again(
    follow, draft, mailoutbox, django_capture_on_commit_callbacks
):
    follow("ans@example.org")
    _publish(draft, django_capture_on_commit_callbacks)
    copy = services.event_duplicate(
        event=draft, starts_at=draft.starts_at + timedelta(days=7), slug="bezoek-2"
    )
    assert copy.followers_notified_at is None
    _publish(copy, django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [["ans@example.org"], ["ans@example.org"]]


def test_one_address_that_fails_does_not_stop_the_others(
    follow, draft, mailoutbox, mail_refuses, django_capture_on_commit_callbacks, caplog
):
    for email in ("ans@example.org", "bert@example.org", "cor@example.org"):
        follow(email)
    mail_refuses.add("bert@example.org")
    _publish(draft, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == ["ans@example.org", "cor@example.org"]
    assert "not sent" in caplog.text and "bert@example.org" not in caplog.text


def test_a_failed_news_email_is_tried_again_later_a_bounded_number_of_times(
    follow, draft, mail_refuses, dummy_tasks
):
    follower = follow("bert@example.org")
    Event.objects.filter(pk=draft.pk).update(status=Event.Status.PUBLISHED)
    mail_refuses.add("bert@example.org")

    assert tasks.follower_news_send.call(draft.pk, [follower.pk]) == "failed"
    (retry,) = dummy_tasks.results
    assert retry.task.func is tasks.follower_news_send.func
    assert list(retry.args) == [draft.pk, [follower.pk], 2]
    assert retry.task.run_after > timezone.now() + timedelta(minutes=1)

    dummy_tasks.clear()
    last = tasks.FOLLOWER_MAX_ATTEMPTS
    assert tasks.follower_news_send.call(draft.pk, [follower.pk], last) == "failed"
    assert dummy_tasks.results == []  # given up


def test_the_queue_holds_ids_never_addresses(
    follow, draft, dummy_tasks, django_capture_on_commit_callbacks
):
    follower = follow("ans@example.org")
    Event.objects.filter(pk=draft.pk).update(status=Event.Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.followers_notify.call(draft.pk) == "queued"
    (queued,) = dummy_tasks.results
    assert list(queued.args) == [draft.pk, [follower.pk]]


def test_who_stops_following_before_the_email_goes_gets_none(
    follow, draft, mailoutbox, dummy_tasks
):
    follower = follow("ans@example.org")
    Event.objects.filter(pk=draft.pk).update(status=Event.Status.PUBLISHED)
    services.unfollow(token=follower.token)
    assert tasks.follower_news_send.call(draft.pk, [follower.pk]) == "skipped"
    assert mailoutbox == []


def test_with_the_database_queue_the_news_is_queued_with_the_publishing_for_later(
    settings, follow, draft, mailoutbox
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    follow("ans@example.org")
    before = timezone.now()
    # No on_commit capture: the task row is written in the same transaction.
    services.event_publish(event=draft)
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "events.tasks.followers_notify"
    assert queued.args_kwargs["args"] == [draft.pk]
    assert queued.run_after >= before + NOTIFY_DELAY
    assert mailoutbox == []
