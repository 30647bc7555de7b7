"""How meetings follow what happens elsewhere on the site."""


def move_hosts_on_merge(sender, *, source, target, **kwargs) -> None:
    """Meetings hosted by a duplicate entry now belong to the entry that stays."""
    for event in source.events.all():
        event.hosts.add(target)
