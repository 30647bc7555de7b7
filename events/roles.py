"""The groups Organisatoren and Coördinatoren, made by data migrations.

A flush (as between transactional tests) empties the tables but runs no migrations, so
after every migrate or flush the groups are made again when they are missing.
"""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group

ORGANISERS = "Organisatoren"
COORDINATORS = "Coördinatoren"


def ensure_groups(**kwargs) -> None:
    if Group.objects.filter(name__in=[ORGANISERS, COORDINATORS]).count() == 2:
        return
    if not apps.is_installed("initiatives"):
        return
    importlib.import_module("events.migrations.0002_groups").create_groups(apps, None)
    importlib.import_module(
        "initiatives.migrations.0003_reference_data"
    ).grant_taxonomy_permissions(apps, None)


def user_group_names(user) -> frozenset[str]:
    """The user's groups, read once per request (the user object lives one request)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_zorgzaam_groups"):
        user._zorgzaam_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._zorgzaam_groups


def user_is_coordinator(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or COORDINATORS in user_group_names(user)
