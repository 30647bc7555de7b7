"""What a person reads for each machine-readable code the services answer with."""

from django.utils.translation import gettext as _

# Shown instead of the form when registration is not possible.
CLOSED_MESSAGES = {
    "draft": lambda: _("Registration has not opened yet."),
    "not_yet": lambda: _("Registration has not opened yet."),
    "closed": lambda: _("Registration for this meeting is closed."),
    "cancelled": lambda: _("This meeting has been cancelled."),
}


ERROR_MESSAGES = {
    "party_size": lambda: _("Please choose a number of people from the list."),
    "session_full": lambda: _("A session you chose is full. Please choose another one."),
    "choice_full": lambda: _("An answer you chose has no places left. Please choose another one."),
    "invalid_answer": lambda: _("Please choose an answer from the list."),
    "one_session_per_slot": lambda: _("Please choose one session per time slot."),
    "invalid_session": lambda: _("Please choose a session from the list."),
    "no_room": lambda: _("There are not enough places left for that many people."),
    "locked": lambda: _("This registration can no longer be changed."),
    "registration_cancelled": lambda: _("This registration has been cancelled."),
    "not_waiting": lambda: _("This registration is not on the waiting list."),
}


def error_message(code: str) -> str:
    message = ERROR_MESSAGES.get(code) or CLOSED_MESSAGES.get(code)
    return message() if message else _("Something went wrong. Please try again.")


EVENT_ERROR_MESSAGES = {
    "slug_taken": lambda: _("This web address is already in use."),
    "cohost_unknown": lambda: _(
        "Nobody who organises meetings here has this email address. Ask them to join "
        "their organisation on Zorgzaam first."
    ),
    "cohost_in_team": lambda: _("This person is already in the team of this organisation."),
}


def event_error_message(code: str) -> str:
    message = EVENT_ERROR_MESSAGES.get(code)
    return message() if message else _("Something went wrong. Please try again.")


CHECKIN_TEXT = {
    "ok": lambda: _("Welcome"),
    "already": lambda: _("Already checked in"),
    "unknown": lambda: _("Unknown code"),
    "wrong_event": lambda: _("Ticket for another meeting"),
    "cancelled": lambda: _("Registration cancelled"),
    "waitlist": lambda: _("On the waiting list, no place yet"),
}
