from django.urls import path

from . import api

# Included under /api/ in the site's "api" namespace (zorgzaam/urls.py).
urlpatterns = [
    path("evenementen/", api.events_json, name="events"),
    path("evenementen/<slug:slug>/", api.event_json, name="event"),
]
