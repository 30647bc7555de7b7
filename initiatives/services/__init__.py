"""Every write to the catalogue that has rules: submissions, moderation, corrections, checks.

Each service runs in one transaction, records what happened in InitiativeChange, and
emails the people involved after the transaction commits.
"""

from .corrections import (
    correction_report_create,
    correction_report_resolve,
    initiative_verify,
    verification_request_send,
)
from .entries import (
    EDITABLE_FIELDS,
    M2M_FIELDS,
    InitiativeError,
    initiative_index,
    search_fields,
    unique_slug,
    user_label,
)
from .imports import (
    ImportExpired,
    ImportRejected,
    initiatives_import,
    pending_import_confirm,
    pending_import_create,
)
from .knelpunten import bottleneck_report_create
from .merge import initiative_merge
from .moderation import initiative_approve, initiative_reject, initiative_submit, initiative_update

__all__ = [
    "EDITABLE_FIELDS",
    "M2M_FIELDS",
    "ImportExpired",
    "ImportRejected",
    "InitiativeError",
    "bottleneck_report_create",
    "correction_report_create",
    "correction_report_resolve",
    "initiative_approve",
    "initiative_index",
    "initiative_merge",
    "initiative_reject",
    "initiative_submit",
    "initiative_update",
    "initiative_verify",
    "initiatives_import",
    "pending_import_confirm",
    "pending_import_create",
    "search_fields",
    "unique_slug",
    "user_label",
    "verification_request_send",
]
