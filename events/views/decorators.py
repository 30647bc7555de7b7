"""Who may enter the organiser area, and which events they may manage there."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .. import selectors


def organiser_required(view):
    """Login required; the event in the URL must be one the user may manage (else 404)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, slug=None, **kwargs):
        if not selectors.user_may_organise(request.user):
            raise PermissionDenied
        if slug is not None:
            # Access only: the pages that show counts read them on their own.
            event = get_object_or_404(selectors.events_managed_by(request.user), slug=slug)
            return view(request, *args, event=event, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper
