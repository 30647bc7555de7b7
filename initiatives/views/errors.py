"""Messages shown for the domain errors the catalogue's services raise."""

from django.utils.translation import gettext as _

ERROR_MESSAGES = {
    "not_pending": lambda: _("This submission has already been decided."),
    "reason_required": lambda: _("Please give a reason."),
    "same_initiative": lambda: _("An entry cannot be merged into itself."),
    "not_mergeable": lambda: _("This entry can no longer be merged."),
    "target_not_active": lambda: _("Choose a published entry to merge into."),
    "already_decided": lambda: _("This report has already been handled."),
    "not_published": lambda: _("This initiative is not in the catalogue."),
    "message_required": lambda: _("Please tell us what should change."),
}


def error_message(code: str) -> str:
    message = ERROR_MESSAGES.get(code)
    return message() if message else _("Something went wrong. Please try again.")
