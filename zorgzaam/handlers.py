"""Django's request handlers, with requests that survive any charset in their Content-Type.

Reading the Content-Type, Django sets the request's encoding, which parses the query string
in the declared charset at once. A charset that is no text encoding (rot13) or that
refuses to decode (idna), or a query string with too many fields, then raises while the
request is being made, before any middleware runs: a bare 500 from the server. These
requests keep the declared charset and leave the refusal to
RejectUnreadableInputMiddleware, which answers 400.
"""

from contextlib import suppress

from django.core.exceptions import SuspiciousOperation
from django.core.handlers import asgi, wsgi


class _DeclaredCharsetMixin:
    def _set_content_type_params(self, meta):
        # The charset is set before the query string fails to parse with it (UnicodeError,
        # LookupError, or Django's TooManyFieldsSent, which it makes of a ValueError);
        # RejectUnreadableInputMiddleware refuses the request with a 400.
        with suppress(ValueError, LookupError, SuspiciousOperation):
            super()._set_content_type_params(meta)


class WSGIRequest(_DeclaredCharsetMixin, wsgi.WSGIRequest):
    pass


class WSGIHandler(wsgi.WSGIHandler):
    request_class = WSGIRequest


class ASGIRequest(_DeclaredCharsetMixin, asgi.ASGIRequest):
    pass


class ASGIHandler(asgi.ASGIHandler):
    request_class = ASGIRequest
