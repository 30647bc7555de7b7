"""Site-wide roles: the groups Organisatoren and Coördinatoren, and the checks on them.

The groups are made by data migrations. A flush (as between transactional tests) empties
the tables but runs no migrations, so after every migrate or flush the groups are made
again when they are missing. Which meetings an organiser may touch is decided per meeting
(events.selectors); the coordinator role is site-wide and decided here.
"""

import importlib
from functools import wraps

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

ORGANISERS = "Organisatoren"
COORDINATORS = "Coördinatoren"


# Each app grants its own models' permissions in a data migration; after a flush they are
# run again, in this order (the groups are made by whichever runs first).
GRANTS = [
    ("events.migrations.0002_groups", "create_groups"),
    ("initiatives.migrations.0003_reference_data", "grant_taxonomy_permissions"),
    ("initiatives.migrations.0007_group_permissions", "grant_initiative_permissions"),
]


def ensure_groups(**kwargs) -> None:
    if Group.objects.filter(name__in=[ORGANISERS, COORDINATORS]).count() == 2:
        return
    for module, function in GRANTS:
        app_label = module.split(".", 1)[0]
        if apps.is_installed(app_label):
            getattr(importlib.import_module(module), function)(apps, None)


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


def coordinator_required(view):
    """Catalogue coordinators (and superusers) only: others log in, or get a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_coordinator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.access_rule = ("coordinator", None)
    return wrapper


def login_rule(view):
    """Any logged-in person; the page shows only what is theirs."""
    from django.contrib.auth.decorators import login_required

    wrapped = login_required(view)
    wrapped.access_rule = ("login", None)
    return wrapped
