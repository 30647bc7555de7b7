import codecs
import logging
import re

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import JsonResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the visitor chose another language with the switch (a cookie).

    The browser's Accept-Language is ignored on purpose: flyers, meetings and most
    residents are Dutch, and a phone set to English should not turn a Dutch flyer's page
    English. English is one tap away on every page, and remembered.
    """

    # Pages for organisers, door volunteers and coordinators are in Dutch and English
    # only: there a resident's Turkish or Arabic gives the Dutch page, left to right as
    # the team knows it (the check-in page included), not a half-translated mirror.
    TEAM_PATHS = (
        "/organisatie/",
        "/deur/",
        "/accounts/",
        "/admin/",
        "/initiatieven/moderatie/",
        "/initiatieven/import/",
    )
    TEAM_LANGUAGES = ("nl", "en")

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
        if request.LANGUAGE_CODE not in self.TEAM_LANGUAGES and request.path_info.startswith(
            self.TEAM_PATHS
        ):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE


class RejectUnreadableInputMiddleware:
    """Input no form could use is answered with 400 at once, before anything else reads it.

    The query string and the form body are parsed here, once. Input Python cannot decode
    used to raise wherever it was first read: in the CSRF check, and again in Django's
    error views, which made it a bare 500. Every page and form here is UTF-8, and Django
    takes form-encoded bodies in UTF-8 only, so a request declaring another charset is
    refused outright: unknown ones, ones that are no text encoding (rot13), refuse to
    decode (idna) or decode to what cannot be stored (unicode_escape). Text that decodes
    but cannot be stored is refused too, in the path, the query string and a form-encoded
    body: NUL, which PostgreSQL refuses in text, and lone surrogates, which no database
    driver encodes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            unstorable = _has_unstorable_text(request)
        except _UNREADABLE as error:
            if isinstance(error, SuspiciousOperation):
                # Logged as Django logs what it refuses itself.
                logger = logging.getLogger(f"django.security.{error.__class__.__name__}")
                logger.error(str(error))
            _forget_input(request)
            return _bad_request(request, "The request could not be read.")
        if unstorable:
            return _bad_request(request, "NUL characters and lone surrogates are not allowed.")
        return self.get_response(request)


class _NotUTF8(Exception):
    pass


_UNREADABLE = (
    _NotUTF8,
    LookupError,  # a charset Python does not know
    UnicodeError,
    BadRequest,  # Django's own refusal of a form-encoded body that is not UTF-8
    SuspiciousOperation,  # too big, too many fields or files
    MultiPartParserError,
    UnreadablePostError,  # the client went away mid-body
)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _has_unstorable_text(request) -> bool:
    """Parses the query string and form body (raising what they raise) and looks at them."""
    charset = request.content_params.get("charset")
    if charset is not None and codecs.lookup(charset).name != "utf-8":
        raise _NotUTF8(charset)
    if _UNSTORABLE.search(request.path) or _has_unstorable(request.GET):
        return True
    if request.method != "POST":
        return False
    post = request.POST  # parsed whatever the content type, so a broken body is refused here
    # Only a form-encoded body is searched. A multipart body is decoded as UTF-8 (other
    # charsets are refused above), so it holds no lone surrogates, but its fields carry
    # NUL as sent: the forms refuse that themselves (Django's text fields do), and the
    # door scanner answers a code with NUL "unknown", as it does any wrong code.
    return request.content_type == "application/x-www-form-urlencoded" and _has_unstorable(post)


def _has_unstorable(data) -> bool:
    return any(
        _UNSTORABLE.search(key) or any(_UNSTORABLE.search(value) for value in data.getlist(key))
        for key in data
    )


def _forget_input(request) -> None:
    """Nothing answering this request may try to parse the input again (and fail again)."""
    request.GET = QueryDict()
    request._mark_post_parse_error()


def _bad_request(request, api_error: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": api_error}, status=400)
    return render(request, "400.html", status=400)
