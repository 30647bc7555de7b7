"""The event lock every service that counts places takes first.

On PostgreSQL it is SELECT … FOR UPDATE on the event row, on SQLite the write lock that
transaction_mode=IMMEDIATE takes at BEGIN. Places are recounted under that lock, so
concurrent sign-ups can never confirm more people than the capacity.
"""

from ..models import Event


def lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def lock_event_for_signup(event: Event) -> Event:
    """The lock, reading only what a sign-up decides on (the lock is held briefly).

    The places taken are counted afterwards, in a statement of their own: on PostgreSQL a
    statement that waited for the lock still sees the data from before it waited.
    """
    return (
        Event.objects.select_for_update()
        .only(
            "status",
            "capacity",
            "max_party_size",
            "registration_opens_at",
            "registration_closes_at",
            "ends_at",
        )
        .get(pk=event.pk)
    )
