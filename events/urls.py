from django.urls import path

import zorgzaam.converters  # noqa: F401  (the "token" converter)

from .views import attendees, checkin, door, following, live, organiser, public, report, series
from .views import questions as question_views
from .views.sharing import event_og_image
from .views.widget import event_widget

app_name = "events"

urlpatterns = [
    path("evenementen/", public.event_list, name="list"),
    path("evenementen/<slug:slug>/", public.event_detail, name="detail"),
    path("evenementen/<slug:slug>/qr.<str:fmt>", public.event_qr, name="qr"),
    path("evenementen/<slug:slug>/poster/", public.event_poster, name="poster"),
    path("evenementen/<slug:slug>/agenda.ics", public.event_ics, name="ics"),
    path("evenementen/<slug:slug>/og.png", event_og_image, name="og_image"),
    path("evenementen/<slug:slug>/widget/", event_widget, name="widget"),
    path("evenementen/<slug:slug>/live/", live.live_participant, name="live"),
    # The short way in: type the meeting's six-digit code shown on the projector
    path("live/", live.live_join, name="live_join"),
    path("live/<str:code>/", live.live_join_code, name="live_join_code"),
    path("evenementen/<slug:slug>/live/qr.svg", live.live_qr, name="live_qr"),
    path("evenementen/<slug:slug>/live/scherm/", live.live_screen, name="live_screen"),
    path(
        "evenementen/<slug:slug>/live/scherm/stand/", live.live_screen_part, name="live_screen_part"
    ),
    path("evenementen/<slug:slug>/verslag/", report.report_detail, name="report"),
    path("verslagen/afmelden/<str:token>/", report.report_opt_out, name="report_opt_out"),
    path("aanmelding/<token:token>/", public.registration_detail, name="registration"),
    path("aanmelding/<token:token>/qr.png", public.registration_qr, name="registration_qr"),
    path("aanmelding/<token:token>/agenda.ics", public.registration_ics, name="registration_ics"),
    path(
        "aanmelding/<token:token>/gegevens.json",
        public.registration_data_download,
        name="registration_data",
    ),
    path(
        "aanmelding/<token:token>/wijzigen/",
        public.registration_change,
        name="registration_change",
    ),
    path(
        "aanmelding/<token:token>/annuleren/",
        public.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "aanmelding/<token:token>/verwijderen/",
        public.registration_erase,
        name="registration_erase",
    ),
    path(
        "organisaties/<slug:slug>/agenda.ics",
        public.organisation_ics,
        name="organisation_ics",
    ),
    path("reeksen/<slug:slug>/", series.series_detail, name="series"),
    path("reeksen/<slug:slug>/agenda.ics", series.series_ics, name="series_ics"),
    # Following an organisation or a series by email (double opt-in), and stopping
    path(
        "organisaties/<slug:slug>/volgen/",
        following.follow,
        {"kind": "organisation"},
        name="follow_organisation",
    ),
    path("reeksen/<slug:slug>/volgen/", following.follow, {"kind": "series"}, name="follow_series"),
    path("volgen/<token:token>/", following.confirm, name="follow_confirm"),
    path("volgen/<token:token>/afmelden/", following.unsubscribe, name="unfollow"),
    # Door links: one meeting's check-in on a volunteer's phone, without an account
    path("deur/<token:token>/", checkin.door_page, name="door"),
    path("deur/<token:token>/scan/", checkin.door_scan, name="door_scan"),
    path("deur/<token:token>/ongedaan/", checkin.door_undo, name="door_undo"),
    path("deur/<token:token>/stand/", checkin.door_counts, name="door_counts"),
    # Organiser area
    path(
        "organisatie/organisaties/<slug:slug>/reeksen/",
        series.series_manage,
        name="series_manage",
    ),
    path(
        "organisatie/organisaties/<slug:slug>/reeksen/<slug:series>/",
        series.series_edit,
        name="series_edit",
    ),
    path("organisatie/", organiser.dashboard, name="dashboard"),
    path("organisatie/evenementen/nieuw/", organiser.event_create, name="organiser_create"),
    path("organisatie/evenementen/<slug:slug>/", organiser.event_overview, name="organiser_event"),
    path(
        "organisatie/evenementen/<slug:slug>/bewerken/", organiser.event_edit, name="organiser_edit"
    ),
    path(
        "organisatie/evenementen/<slug:slug>/publiceren/",
        organiser.event_publish,
        name="organiser_publish",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/annuleren/",
        organiser.event_cancel,
        name="organiser_cancel",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/kopieren/",
        organiser.event_duplicate,
        name="organiser_duplicate",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/", attendees.attendee_list, name="attendees"
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/export.csv",
        attendees.export_csv,
        name="export_csv",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/export.xlsx",
        attendees.export_xlsx,
        name="export_xlsx",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/toevoegen/",
        attendees.attendee_add,
        name="attendee_add",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/afdrukken/<str:layout>/",
        attendees.attendee_print,
        name="attendee_print",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/<int:pk>/",
        attendees.attendee_edit,
        name="attendee_edit",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deelnemers/<int:pk>/<str:action>/",
        attendees.attendee_action,
        name="attendee_action",
    ),
    path("organisatie/evenementen/<slug:slug>/inchecken/", checkin.checkin_page, name="checkin"),
    path(
        "organisatie/evenementen/<slug:slug>/inchecken/scan/",
        checkin.checkin_scan,
        name="checkin_scan",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/inchecken/ongedaan/",
        checkin.checkin_undo,
        name="checkin_undo",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deurlinks/",
        door.door_link_create,
        name="door_link_create",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deurlinks/<int:pk>/intrekken/",
        door.door_link_revoke,
        name="door_link_revoke",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/deurlinks/<int:pk>/qr.svg",
        door.door_link_qr,
        name="door_link_qr",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/mede-organisatoren/",
        door.cohost_add,
        name="cohost_add",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/mede-organisatoren/<int:pk>/verwijderen/",
        door.cohost_remove,
        name="cohost_remove",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/inchecken/stand/",
        checkin.checkin_counts,
        name="checkin_counts",
    ),
    path("organisatie/evenementen/<slug:slug>/bericht/", organiser.message_compose, name="message"),
    path("organisatie/evenementen/<slug:slug>/inzicht/", organiser.insight, name="insight"),
    path("organisatie/evenementen/<slug:slug>/live/", live.live_manage, name="live_manage"),
    path(
        "organisatie/evenementen/<slug:slug>/verslag/", report.report_manage, name="report_manage"
    ),
    path(
        "organisatie/evenementen/<slug:slug>/vragen/",
        question_views.question_list,
        name="questions",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/vragen/nieuw/",
        question_views.question_create,
        name="question_create",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/vragen/<int:pk>/",
        question_views.question_edit,
        name="question_edit",
    ),
    path(
        "organisatie/evenementen/<slug:slug>/vragen/<int:pk>/verwijderen/",
        question_views.question_delete,
        name="question_delete",
    ),
]
