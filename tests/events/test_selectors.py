from events import selectors, services


def test_insight_counts_people_backgrounds_topics_and_cancellations(event):
    services.registration_create(
        event=event, name="A", email="a@example.org", party_size=2, background="bestuurder"
    )
    services.registration_create(event=event, name="B", email="b@example.org", topic="Vervoer")
    gone = services.registration_create(event=event, name="C", email="c@example.org")
    services.registration_cancel(registration=gone.registration)
    insight = selectors.event_insight(event=event)
    assert insight.people == 3
    assert insight.checked_in == 0
    assert insight.no_shows is None  # the meeting is still to come
    assert insight.attendance == 0
    assert insight.topics == ["Vervoer"]
    assert insight.cancelled == 1
    assert sum(row["count"] for row in insight.backgrounds) == 2
    assert [row["count"] for row in insight.signups] == [3]
