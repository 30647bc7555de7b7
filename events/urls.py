from django.urls import path, register_converter

from . import organiser_views as org
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
        "aanmelding/<token:token>/gegevens.json",
        views.registration_data_download,
        name="registration_data",
    ),
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
    # Organiser area
    path("organisatie/", org.dashboard, name="dashboard"),
    path("organisatie/evenementen/nieuw/", org.event_create, name="organiser_create"),
    path("organisatie/evenementen/<slug:slug>/", org.event_overview, name="organiser_event"),
    path("organisatie/evenementen/<slug:slug>/bewerken/", org.event_edit, name="organiser_edit"),
    path(
        "organisatie/evenementen/<slug:slug>/publiceren/",
        org.event_publish,
        name="organiser_publish",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/annuleren/", org.event_cancel, name="organiser_cancel"
    ),
    path(
        "organisatie/evenementen/<slug:slug>/kopieren/",
        org.event_duplicate,
        name="organiser_duplicate",
    ),
    path("organisatie/evenementen/<slug:slug>/deelnemers/", org.attendee_list, name="attendees"),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/export.csv",
        org.export_csv,
        name="export_csv",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/export.xlsx",
        org.export_xlsx,
        name="export_xlsx",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/toevoegen/",
        org.attendee_add,
        name="attendee_add",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/afdrukken/<str:layout>/",
        org.attendee_print,
        name="attendee_print",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/<int:pk>/",
        org.attendee_edit,
        name="attendee_edit",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/<int:pk>/<str:action>/",
        org.attendee_action,
        name="attendee_action",
    ),
    path("organisatie/evenementen/<slug:slug>/inchecken/", org.checkin_page, name="checkin"),
    path(
        "organisatie/evenementen/<slug:slug>/inchecken/scan/",
        org.checkin_scan,
        name="checkin_scan",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/inchecken/stand/",
        org.checkin_counts,
        name="checkin_counts",
    ),
    path("organisatie/evenementen/<slug:slug>/bericht/", org.message_compose, name="message"),
    path("organisatie/evenementen/<slug:slug>/inzicht/", org.insight, name="insight"),
]
