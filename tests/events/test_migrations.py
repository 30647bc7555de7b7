"""The data migration that gives every existing meeting an organisation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("events", "0007_event_organisation"), ("organisations", "0001_initial")]
AFTER = [("events", "0009_event_organisation_required")]


@pytest.mark.django_db(transaction=True)
def test_existing_meetings_get_an_organisation_whose_owners_organised_them():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("auth", "User")
    Event = old.get_model("events", "Event")
    anouk = User.objects.create(username="anouk")
    start = timezone.now() + timedelta(days=3)
    meeting = Event.objects.create(
        title="Buurtcafé",
        slug="buurtcafe",
        summary="Koffie",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue_name="Buurthuis",
    )
    meeting.organisers.add(anouk)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Event = new.get_model("events", "Event")
    Membership = new.get_model("organisations", "Membership")
    meeting = Event.objects.get(slug="buurtcafe")
    assert meeting.organisation.slug == "eerste-organisatie"
    membership = Membership.objects.get(user_id=anouk.pk)
    assert (membership.organisation_id, membership.role) == (meeting.organisation_id, "owner")
    # A member now, so no longer listed as a co-organiser from elsewhere.
    assert not meeting.organisers.exists()

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_chosen_answers_become_one_row_each_and_back():
    """0012–0014: an answer with a list of chosen answers becomes one row per chosen answer."""
    before = [("events", "0011_series_followers")]
    after = [("events", "0014_answer_choices_removed")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Organisation = old.get_model("organisations", "Organisation")
    Event = old.get_model("events", "Event")
    Registration = old.get_model("events", "Registration")
    Question = old.get_model("events", "Question")
    Choice = old.get_model("events", "QuestionChoice")
    Answer = old.get_model("events", "Answer")
    start = timezone.now() + timedelta(days=3)
    meeting = Event.objects.create(
        title="Buurtlunch",
        slug="buurtlunch",
        summary="Lunch",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue_name="Buurthuis",
        organisation=Organisation.objects.create(name="Buurt", slug="buurt"),
    )
    ans = Registration.objects.create(
        event=meeting, name="Ans", email="ans@example.org", status="confirmed"
    )
    bring = Question.objects.create(event=meeting, label="Wat neem je mee?", kind="choices")
    chair, cake, soup = (
        Choice.objects.create(question=bring, label=label, position=n)
        for n, label in enumerate(["Stoel", "Taart", "Soep"])
    )
    diet = Question.objects.create(event=meeting, label="Dieet", kind="short_text")
    several = Answer.objects.create(registration=ans, question=bring)
    several.choices.add(cake, chair)
    Answer.objects.create(registration=ans, question=diet, text="halal")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    Answer = new.get_model("events", "Answer")
    rows = sorted(Answer.objects.values_list("question__label", "choice__label", "text"))
    assert rows == [
        ("Dieet", None, "halal"),
        ("Wat neem je mee?", "Stoel", ""),
        ("Wat neem je mee?", "Taart", ""),
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Answer = old.get_model("events", "Answer")
    joined = Answer.objects.get(question__label="Wat neem je mee?")
    assert sorted(joined.choices.values_list("label", flat=True)) == ["Stoel", "Taart"]
    assert Answer.objects.count() == 2
    assert soup.pk  # never chosen, still there

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
