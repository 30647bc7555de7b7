from django.conf import settings
from django.utils.translation import get_language_info

# Each language in its own name and script, whatever the page's language.
LANGUAGE_CHOICES = [
    {"code": code, "name": name, "bidi": get_language_info(code)["bidi"]}
    for code, name in settings.LANGUAGES
]


def site(request):
    """Site name and base URL, and the language chooser's languages, for every template."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "LANGUAGE_CHOICES": LANGUAGE_CHOICES,
    }
