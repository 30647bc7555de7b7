from django.urls import path

import zorgzaam.converters  # noqa: F401  (the "token" converter)

from .views import account, details, invitations, public, requests, team

app_name = "organisations"

urlpatterns = [
    # Public
    path("organisaties/", public.organisation_list, name="list"),
    path("organisaties/starten/", requests.request_form, name="request"),
    path("organisaties/<slug:slug>/", public.organisation_detail, name="detail"),
    path("uitnodiging/<token:token>/", invitations.invitation, name="invitation"),
    # The team area of one organisation (owners; leaving is for every member)
    path("organisatie/organisaties/<slug:slug>/", team.team, name="team"),
    path("organisatie/organisaties/<slug:slug>/bewerken/", details.organisation_edit, name="edit"),
    path("organisatie/organisaties/<slug:slug>/uitnodigen/", team.invite, name="invite"),
    path(
        "organisatie/organisaties/<slug:slug>/uitnodigingen/<int:pk>/<str:action>/",
        team.invitation_action,
        name="invitation_action",
    ),
    path(
        "organisatie/organisaties/<slug:slug>/leden/<int:pk>/<str:action>/",
        team.member_action,
        name="member_action",
    ),
    path("organisatie/organisaties/<slug:slug>/verlaten/", team.leave, name="leave"),
    # Site coordinators: the queue of requests to start
    path("organisatie/aanvragen/", requests.request_queue, name="request_queue"),
    path(
        "organisatie/aanvragen/<int:pk>/<str:action>/",
        requests.request_action,
        name="request_action",
    ),
    # A member's own account
    path("accounts/profiel/", account.profile, name="profile"),
]
