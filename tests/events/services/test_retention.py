from events import services
from events.models import Registration


def sign_up(event, email, **kwargs):
    kwargs.setdefault("name", email.split("@")[0])
    return services.registration_create(event=event, email=email, **kwargs)


def test_erase_removes_personal_data_but_keeps_the_count(event):
    registration = sign_up(
        event, "ans@example.org", phone="0612345678", topic="Vervoer", needs="Rolstoel"
    ).registration
    old_token = registration.management_token
    services.registration_erase(registration=registration)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert registration.name == registration.phone == registration.topic == registration.needs == ""
    assert "ans" not in registration.email
    assert registration.management_token != old_token
    assert Registration.objects.filter(event=event).count() == 1
