"""The sign-up form alone, for an <iframe> on the website of the meeting's organisation.

Signing up here follows the event page's rules to the letter (the same form, service,
messages and rate limits); what differs is who may frame the page and how a post is
trusted.

Why this view is exempt from Django's CSRF check, and what stands in its place: the page
lives in a third-party iframe, where browsers neither store nor send our cookies (the CSRF
cookie is SameSite=Lax, and third-party cookies are blocked more and more), and the form
posts with target="_blank" so the ticket opens in a new tab: a cross-site POST
navigation, which carries no Lax cookie either. Django's cookie-based check would refuse
every sign-up. The check guards ambient authority, and this view uses none: it never
looks at the session or the logged-in user, and what it creates (a registration for the
name and address typed in, whose ticket is emailed to that address) anyone can create by
posting the form directly. So in its place:

- a signed, time-limited form token (django.core.signing, bound to this meeting) in a
  hidden field: a post must come from a form this site handed out recently, for this
  meeting;
- a post a browser sends from another website (an Origin header that is not ours) is
  refused; a real widget's form is our own page, so it carries our origin;
- the honeypot field and the sign-up rate limits, counted together with the event page's.

A refused token re-renders the form with the details kept and a fresh token (400).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zorgzaam.ratelimit import limit_posts

from .. import selectors
from ..forms import RegistrationForm
from ..models import Event
from ..sharing import frame_ancestors
from . import public
from .texts import CLOSED_MESSAGES

SIGNED_FORM_FIELD = "form_token"
SIGNED_FORM_SALT = "events.widget.form"
SIGNED_FORM_MAX_AGE = 12 * 3600  # a form left open for an afternoon still goes through

# The event page's counters: a sign-up counts once, whichever form it came from.
SIGNUP_RATE_GROUP = f"{public.event_detail.__module__}.{public.event_detail.__qualname__}"


def signed_form(event: Event) -> str:
    return signing.dumps(event.pk, salt=SIGNED_FORM_SALT)


def _own_origins(request) -> set[str]:
    site = urlsplit(settings.SITE_URL)
    return {
        f"{request.scheme}://{request.get_host()}",
        f"{site.scheme}://{site.netloc}",
        *settings.CSRF_TRUSTED_ORIGINS,
    }


def _post_problem(request, event: Event) -> str:
    """Why this post is not trusted, or "" when it is."""
    origin = request.headers.get("Origin")
    # "null" is what a sandboxed iframe sends; a form in it may still be ours.
    if origin and origin != "null" and origin not in _own_origins(request):
        return _("This form can only be sent from the sign-up form itself.")
    try:
        signed_for = signing.loads(
            request.POST.get(SIGNED_FORM_FIELD, ""),
            salt=SIGNED_FORM_SALT,
            max_age=SIGNED_FORM_MAX_AGE,
        )
    except signing.SignatureExpired:
        return _("This form was open for a long time. Please check your details and send it again.")
    except signing.BadSignature:
        signed_for = None
    if signed_for != event.pk:
        return _("This form could not be checked. Please send it again.")
    return ""


def _allow_framing(response, event: Event):
    """Let the organisation's own websites show this page in a frame; nobody else.

    django-csp 4 reads a per-response change of the policy from `response._csp_replace`
    (what its @csp_replace decorator sets; a decorator's values are fixed, these come from
    the database). X-Frame-Options cannot name origins, so it goes where CSP names them;
    without listed origins both stay at the site's 'none' and DENY.
    """
    origins = frame_ancestors(event.organisation)
    if origins:
        response._csp_replace = {"frame-ancestors": origins}
        response.xframe_options_exempt = True
    return response


@csrf_exempt  # see the module's docstring for what protects the post instead
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_SIGNUP_PER_IP", group=SIGNUP_RATE_GROUP)
@limit_posts("RATELIMIT_SIGNUP_PER_EMAIL", key=public._posted_email, group=SIGNUP_RATE_GROUP)
def event_widget(request, slug):
    form = None
    if request.method == "POST":
        try:
            event = selectors.event_for_signup(slug)
        except Event.DoesNotExist:
            raise Http404 from None
        state = event.registration_state()
        if state == "open":
            form = RegistrationForm(request.POST, event=event)
            if problem := _post_problem(request, event):
                form.add_error(None, problem)
            elif form.is_valid():
                # A redirect to the ticket, or "check your email" for a known address:
                # either way a page of its own, in the new tab the form opened.
                response = public._register(request, event, form)
                if response is not None:
                    return response
        event = public._event_or_404(slug)
        if form is not None:
            form.show_places_left(public._places_left(event))
    else:
        event = public._event_or_404(slug)
        state = event.registration_state()
        if state == "open":
            form = RegistrationForm(event=event, places_left=public._places_left(event))
    seats_left = event.seats_left(event.confirmed)
    response = render(
        request,
        "events/event_widget.html",
        {
            "event": event,
            "form": form,
            "signed_form": signed_form(event),
            "signed_form_field": SIGNED_FORM_FIELD,
            # Shown in the organisation's iframe, the form opens the ticket in a new tab;
            # shown again after a post, it is in that tab already.
            "in_frame": request.method != "POST",
            "full": event.capacity is not None and seats_left == 0,
            "closed_message": CLOSED_MESSAGES[state]() if state != "open" else "",
        },
        status=400 if form is not None and form.errors else 200,
    )
    return _allow_framing(response, event)
