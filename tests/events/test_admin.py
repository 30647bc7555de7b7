"""Attendees' data in the Django admin: superusers only, and their secrets never shown."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from events.models import AccessLog, OutgoingEmail, Registration
from zorgzaam.roles import COORDINATORS, ORGANISERS

ATTENDEE_MODELS = [Registration, OutgoingEmail, AccessLog]


@pytest.fixture(params=[COORDINATORS, ORGANISERS])
def staff_member(request, db):
    """A catalogue coordinator or an organiser who was given access to the admin."""
    user = User.objects.create_user(f"staff-{request.param}", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=request.param))
    return user


def _urls(model, obj):
    opts = model._meta
    return [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
    ]


def test_staff_without_superuser_see_no_attendee_data_in_the_admin(
    client, staff_member, registration
):
    client.force_login(staff_member)
    AccessLog.objects.create(event=registration.event, user=staff_member, action="export")
    objects = {
        Registration: registration,
        OutgoingEmail: registration.emails.first(),
        AccessLog: AccessLog.objects.get(),
    }
    for model in ATTENDEE_MODELS:
        for url in _urls(model, objects[model]):
            response = client.get(url)
            assert response.status_code == 403, url
            assert registration.email not in response.text
    index = client.get("/admin/").text
    assert "/admin/events/registration/" not in index
    assert "/admin/events/outgoingemail/" not in index


def test_superuser_never_sees_an_attendees_secrets(admin_client, registration):
    for url in _urls(Registration, registration):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "Ans de Vries" in response.text
        assert registration.management_token not in response.text
        assert registration.ticket_code not in response.text
    # No "view on site": its redirect would lead to the attendee's own page, by token.
    change = admin_client.get(_urls(Registration, registration)[1]).text
    assert "/admin/r/" not in change


def test_superuser_can_still_change_an_attendee(admin_client, registration):
    url = _urls(Registration, registration)[1]
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["sessions"] = []
    data["name"] = "Ans Jansen"
    response = admin_client.post(url, {k: v for k, v in data.items() if v != []})
    assert response.status_code == 302, response.context["adminform"].form.errors
    registration.refresh_from_db()
    assert registration.name == "Ans Jansen"
    assert registration.management_token  # the secrets stay as they were
