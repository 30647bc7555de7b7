from django.urls import path, register_converter

from . import views


class TokenConverter:
    """URL-safe base64 secrets; anything else is a 404 before the database is asked."""

    regex = "[A-Za-z0-9_-]{20,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

app_name = "events"

urlpatterns = [
    path("evenementen/", views.event_list, name="list"),
    path("evenementen/<slug:slug>/", views.event_detail, name="detail"),
    path("evenementen/<slug:slug>/qr.<str:fmt>", views.event_qr, name="qr"),
    path("evenementen/<slug:slug>/poster/", views.event_poster, name="poster"),
    path("evenementen/<slug:slug>/agenda.ics", views.event_ics, name="ics"),
    path("aanmelding/<token:token>/", views.registration_detail, name="registration"),
    path("aanmelding/<token:token>/qr.png", views.registration_qr, name="registration_qr"),
    path("aanmelding/<token:token>/agenda.ics", views.registration_ics, name="registration_ics"),
    path(
        "aanmelding/<token:token>/wijzigen/",
        views.registration_change,
        name="registration_change",
    ),
    path(
        "aanmelding/<token:token>/annuleren/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "aanmelding/<token:token>/verwijderen/",
        views.registration_erase,
        name="registration_erase",
    ),
]
