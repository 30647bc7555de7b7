from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("kaart/", views.initiative_map, name="map"),
    path("aanmelden/", views.initiative_submit, name="submit"),
    path("aanmelden/bedankt/", views.initiative_submit_done, name="submit_done"),
    path("bevestigen/<str:token>/", views.initiative_verify, name="verify"),
    path("moderatie/", views.moderation_queue, name="moderation"),
    path("moderatie/<int:pk>/", views.moderation_review, name="moderation_review"),
    path(
        "moderatie/meldingen/<int:pk>/", views.moderation_correction, name="moderation_correction"
    ),
    path("<slug:slug>/", views.initiative_detail, name="detail"),
    path("<slug:slug>/wijziging/", views.initiative_correction, name="correction"),
]
