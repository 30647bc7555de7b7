"""Following an organisation or a series by email: ask, confirm (double opt-in), stop."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from organisations.models import Organisation
from zorgzaam.ratelimit import limit_posts

from .. import services
from ..forms import FollowForm
from ..models import Follower, Series
from .public import _posted_email


def _followed_or_404(kind: str, slug: str) -> tuple[Organisation, Series | None]:
    if kind == "series":
        series = get_object_or_404(Series.objects.select_related("organisation"), slug=slug)
        return series.organisation, series
    return get_object_or_404(Organisation, slug=slug), None


# One view for both addresses, so the limit per email address counts them together.
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
@limit_posts("RATELIMIT_SIGNUP_PER_EMAIL", key=_posted_email)
def follow(request, slug, kind):
    """The form to follow (also shown on the organisation's and the series' page)."""
    organisation, series = _followed_or_404(kind, slug)
    form = FollowForm(request.POST) if request.method == "POST" else FollowForm()
    context = {"organisation": organisation, "series": series, "follow_form": form}
    if request.method == "POST" and form.is_valid():
        services.follow_request(
            organisation=organisation,
            series=series,
            email=form.cleaned_data["email"],
            language=get_language() or "nl",
        )
        # The same answer whether or not the address follows already.
        return render(request, "events/follower_check_email.html", context)
    return render(request, "events/follower_form.html", context, status=400 if form.errors else 200)


def _link_gone(request, error: services.FollowError):
    """A confirm or stop link that is unknown, used up or expired: a page that says so."""
    return render(
        request,
        "events/follower_unknown.html",
        {"code": error.code, "days": Follower.CONFIRM_WITHIN.days},
        status=404,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
def confirm(request, token):
    """GET asks, POST confirms: mail scanners open links, and must not confirm for anyone."""
    try:
        if request.method == "POST":
            follower = services.follow_confirm(token=token)
        else:
            follower = services.follower_for_token(token=token, confirming=True)
    except services.FollowError as error:
        return _link_gone(request, error)
    return render(request, "events/follower_confirm.html", {"follower": follower})


# The one-click unsubscribe of RFC 8058 is a POST from the mail app, with no cookie and no
# CSRF token: the token in the address is the secret. Not rate limited either: the big
# mail providers post from a few addresses for all their users.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET asks, POST (a person's button or a mail app's one click) stops and deletes."""
    try:
        if request.method == "POST":
            follower = services.unfollow(token=token)
        else:
            follower = services.follower_for_token(token=token)
    except services.FollowError as error:
        return _link_gone(request, error)
    return render(
        request,
        "events/follower_unsubscribe.html",
        {"follower": follower, "done": request.method == "POST"},
    )
