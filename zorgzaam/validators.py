"""Text checks every form and import shares."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Characters that never belong in a name or short text: control characters except tab and
# newlines. They are refused rather than stored.
CONTROL_CHARACTERS = frozenset(chr(c) for c in range(32) if c not in (9, 10, 13)) | {chr(127)}


def has_control_characters(text: str) -> bool:
    return any(char in CONTROL_CHARACTERS for char in text)


def without_control_characters(text: str) -> str:
    return "".join(char for char in text if char not in CONTROL_CHARACTERS)


def no_control_characters(value: str) -> None:
    """Validator for form fields."""
    if has_control_characters(value):
        raise ValidationError(_("Please remove the special characters."), code="control")
