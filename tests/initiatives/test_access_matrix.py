"""Every coordinator URL × anonymous / organiser / coordinator / superuser."""

import pytest
from django.contrib.auth.models import Group, User

from zorgzaam.roles import COORDINATORS, ORGANISERS

GET_URLS = [
    "/initiatieven/moderatie/",
    "/initiatieven/moderatie/{pk}/",
    "/initiatieven/moderatie/{pk}/knelpunten/",
    "/initiatieven/import/",
    "/initiatieven/import/sjabloon.csv",
    "/initiatieven/import/sjabloon.xlsx",
]
POST_URLS = [
    "/initiatieven/moderatie/{pk}/",
    "/initiatieven/import/bevestigen/",
]


@pytest.fixture
def users(db):
    organiser = User.objects.create_user("org", password="x-organiser-1")
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    coordinator = User.objects.create_user("coord", password="x-coordinator-1")
    coordinator.groups.add(Group.objects.get(name=COORDINATORS))
    admin = User.objects.create_superuser("admin", "admin@example.org", "x-admin-1")
    return {"organiser": organiser, "coordinator": coordinator, "superuser": admin}


def test_coordinator_urls_by_role(client, users, submission):
    for template in GET_URLS:
        url = template.format(pk=submission.pk)
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], url
        client.force_login(users["organiser"])
        assert client.get(url).status_code == 403, url
        for role in ("coordinator", "superuser"):
            client.force_login(users[role])
            assert client.get(url).status_code == 200, (role, url)
        client.logout()


def test_coordinator_posts_refused_for_others_and_nothing_changes(client, users, submission):
    for template in POST_URLS:
        url = template.format(pk=submission.pk)
        response = client.post(url, {"action": "accept"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        client.force_login(users["organiser"])
        assert client.post(url, {"action": "accept"}).status_code == 403
        client.logout()
    submission.refresh_from_db()
    assert submission.publication == "pending"
    assert not submission.is_published
