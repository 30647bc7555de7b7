from django.urls import path

from . import api, openapi

app_name = "api"

urlpatterns = [
    path("openapi.json", openapi.openapi, name="openapi"),
    path("initiatieven/", api.initiatives_json, name="initiatives"),
    path("initiatieven/hsds/", api.initiatives_hsds, name="hsds"),
    path("initiatieven/<slug:slug>/", api.initiative_json, name="initiative"),
]
