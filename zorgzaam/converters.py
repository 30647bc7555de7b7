"""URL converters the apps share."""

from django.urls import register_converter


class TokenConverter:
    """URL-safe base64 secrets; anything else is a 404 before the database is asked."""

    regex = "[A-Za-z0-9_-]{20,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")
