"""Every write with rules about seats, the waiting list, check-in and attendee email.

One module per sub-domain; every service is re-exported here, so callers write
`from events import services` and `services.registration_create(...)`. Services that
count places first take the event lock (see locking.py), in one transaction each.
"""

from .access import access_record
from .checkin import (
    TICKET_CODE,
    CheckIn,
    checkin_by_registration,
    checkin_perform,
    checkin_undo,
    checkin_undo_by_code,
)
from .door import cohost_add, cohost_remove, door_link_create, door_link_revoke
from .errors import EventError, FollowError, LiveError, RegistrationError, ReportError
from .following import (
    follow_confirm,
    follow_request,
    follower_for_token,
    followers_notify_schedule,
    unfollow,
)
from .lifecycle import (
    EventSaved,
    event_cancel,
    event_capacity_change,
    event_create,
    event_duplicate,
    event_publish,
    event_update,
)
from .live import (
    live_answer,
    live_question_ask,
    live_question_delete,
    live_question_moderate,
    live_round_close,
    live_round_create,
    live_round_delete,
    live_round_from_programme,
    live_round_open,
    live_round_update,
    live_upvote,
    live_vote,
)
from .mail import email_queue, message_send, reminders_send_due
from .questions import AnswerValue, answers_check, choices_fit, places_left_per_choice
from .registrations import (
    SignUp,
    attendee_update,
    registration_cancel,
    registration_create,
    registration_resend,
    registration_update,
)
from .report import (
    agreement_create,
    agreement_delete,
    agreement_update,
    agreements_follow_up_due,
    report_for,
    report_opt_out,
    report_outcome_delete,
    report_outcome_freeze,
    report_photo_add,
    report_photo_delete,
    report_publish,
    report_unpublish,
    report_update,
)
from .retention import registration_erase, registrations_anonymise
from .waitlist import waitlist_confirm, waitlist_promote

__all__ = [
    "AnswerValue",
    "answers_check",
    "choices_fit",
    "places_left_per_choice",
    "TICKET_CODE",
    "CheckIn",
    "EventError",
    "EventSaved",
    "FollowError",
    "LiveError",
    "live_answer",
    "live_question_ask",
    "live_question_delete",
    "live_question_moderate",
    "live_round_close",
    "live_round_create",
    "live_round_delete",
    "live_round_from_programme",
    "live_round_open",
    "live_round_update",
    "live_upvote",
    "live_vote",
    "RegistrationError",
    "SignUp",
    "access_record",
    "attendee_update",
    "checkin_by_registration",
    "checkin_perform",
    "checkin_undo",
    "checkin_undo_by_code",
    "cohost_add",
    "cohost_remove",
    "door_link_create",
    "door_link_revoke",
    "email_queue",
    "event_cancel",
    "event_capacity_change",
    "event_create",
    "event_duplicate",
    "event_publish",
    "event_update",
    "follow_confirm",
    "follow_request",
    "follower_for_token",
    "followers_notify_schedule",
    "message_send",
    "registration_cancel",
    "registration_create",
    "registration_erase",
    "registration_resend",
    "registration_update",
    "registrations_anonymise",
    "reminders_send_due",
    "unfollow",
    "waitlist_confirm",
    "waitlist_promote",
    "ReportError",
    "agreement_create",
    "agreement_delete",
    "agreement_update",
    "agreements_follow_up_due",
    "report_for",
    "report_opt_out",
    "report_outcome_delete",
    "report_outcome_freeze",
    "report_photo_add",
    "report_photo_delete",
    "report_publish",
    "report_unpublish",
    "report_update",
]
