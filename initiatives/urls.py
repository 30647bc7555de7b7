from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("kaart/", views.initiative_map, name="map"),
    path("kaart/punten.json", views.initiative_map_points, name="map_points"),
    path("aanmelden/", views.initiative_submit, name="submit"),
    path("aanmelden/bedankt/", views.initiative_submit_done, name="submit_done"),
    path("bevestigen/<str:token>/", views.initiative_verify, name="verify"),
    path("knelpunten/", views.bottleneck_monitor, name="monitor"),
    path("knelpunten/cijfers.csv", views.bottleneck_monitor_csv, name="monitor_csv"),
    path("knelpunten/melden/<str:token>/", views.report_by_link, name="report_by_link"),
    path("vergelijken/", views.initiative_compare, name="compare"),
    path("vergelijken/overlap/", views.area_overview, name="overlap"),
    path("import/", views.initiative_import, name="import"),
    path("import/bevestigen/", views.initiative_import_confirm, name="import_confirm"),
    path(
        "import/sjabloon.<str:fmt>",
        views.initiative_import_template,
        name="import_template",
    ),
    path("export.<str:fmt>", views.initiative_export, name="export"),
    path("moderatie/", views.moderation_queue, name="moderation"),
    path(
        "moderatie/<int:pk>/knelpunten/",
        views.report_by_coordinator,
        name="report_by_coordinator",
    ),
    path("moderatie/<int:pk>/", views.moderation_review, name="moderation_review"),
    path(
        "moderatie/meldingen/<int:pk>/", views.moderation_correction, name="moderation_correction"
    ),
    path("<slug:slug>/", views.initiative_detail, name="detail"),
    path("<slug:slug>/wijziging/", views.initiative_correction, name="correction"),
]
