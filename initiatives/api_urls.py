from django.urls import path

from . import api

# Included under /api/ in the site's "api" namespace (zorgzaam/urls.py).
urlpatterns = [
    path("initiatieven/", api.initiatives_json, name="initiatives"),
    path("initiatieven/hsds/", api.initiatives_hsds, name="hsds"),
    path("initiatieven/<slug:slug>/", api.initiative_json, name="initiative"),
]
