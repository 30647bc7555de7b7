from django.urls import path

from .views import catalogue, compare, knelpunten, moderation, spreadsheets

app_name = "initiatives"

urlpatterns = [
    path("", catalogue.initiative_list, name="list"),
    path("kaart/", catalogue.initiative_map, name="map"),
    path("kaart/punten.json", catalogue.initiative_map_points, name="map_points"),
    path("aanmelden/", catalogue.initiative_submit, name="submit"),
    path("aanmelden/bedankt/", catalogue.initiative_submit_done, name="submit_done"),
    path("bevestigen/<str:token>/", catalogue.initiative_verify, name="verify"),
    path("knelpunten/", knelpunten.bottleneck_monitor, name="monitor"),
    path("knelpunten/cijfers.csv", knelpunten.bottleneck_monitor_csv, name="monitor_csv"),
    path("knelpunten/melden/<str:token>/", knelpunten.report_by_link, name="report_by_link"),
    path("vergelijken/", compare.initiative_compare, name="compare"),
    path("vergelijken/overlap/", compare.area_overview, name="overlap"),
    path("import/", spreadsheets.initiative_import, name="import"),
    path("import/bevestigen/", spreadsheets.initiative_import_confirm, name="import_confirm"),
    path(
        "import/sjabloon.<str:fmt>",
        spreadsheets.initiative_import_template,
        name="import_template",
    ),
    path("export.<str:fmt>", spreadsheets.initiative_export, name="export"),
    path("moderatie/", moderation.moderation_queue, name="moderation"),
    path(
        "moderatie/<int:pk>/knelpunten/",
        knelpunten.report_by_coordinator,
        name="report_by_coordinator",
    ),
    path("moderatie/<int:pk>/", moderation.moderation_review, name="moderation_review"),
    path(
        "moderatie/meldingen/<int:pk>/",
        moderation.moderation_correction,
        name="moderation_correction",
    ),
    path("<slug:slug>/", catalogue.initiative_detail, name="detail"),
    path("<slug:slug>/wijziging/", catalogue.initiative_correction, name="correction"),
]
