import pytest
from django.contrib.auth.models import Group, User

from initiatives import services
from initiatives.models import (
    Activity,
    Approach,
    Initiative,
    InitiativeType,
    Municipality,
    TargetGroup,
)
from zorgzaam.roles import COORDINATORS


@pytest.fixture
def term():
    def get(model, slug):
        return model.objects.get(slug=slug)

    return get


@pytest.fixture
def make_initiative(db):
    """A published initiative with its search text, like the services leave it."""

    def make(
        name="Buurtkracht",
        *,
        type_slug="bewonersinitiatief",
        municipality="GM0363",
        activities=(),
        approaches=(),
        target_groups=(),
        **fields,
    ):
        defaults = {
            "initiative_type": InitiativeType.objects.get(slug=type_slug),
            "municipality": Municipality.objects.get(code=municipality) if municipality else None,
            "publication": Initiative.Publication.PUBLISHED,
        }
        defaults.update(fields)
        initiative = Initiative.objects.create(
            name=name, slug=services.unique_slug(name), **defaults
        )
        initiative.activities.set(Activity.objects.filter(slug__in=activities))
        initiative.approaches.set(Approach.objects.filter(slug__in=approaches))
        initiative.target_groups.set(TargetGroup.objects.filter(slug__in=target_groups))
        services.initiative_index(initiative=initiative)
        return initiative

    return make


@pytest.fixture
def coordinator(db):
    user = User.objects.create_user("coord", "coord@example.org", "pw-coordinator-1")
    user.groups.add(Group.objects.get(name=COORDINATORS))
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def submission(db):
    return services.initiative_submit(
        name="Zorgcoöperatie Hollandscheveld",
        initiative_type=InitiativeType.objects.get(slug="zorgcooperatie"),
        municipality=Municipality.objects.get(code="GM0118"),
        submitter_name="Anna",
        submitter_email="anna@example.org",
        summary="Zorg en hulp in het dorp.",
        contact_email="info@example.org",
    )
