"""The template's columns and the Initiative fields they fill."""

from ..models import Activity, Approach, Initiative, TargetGroup

# (column header, Initiative field). "naam" and "gemeente" are required.
COLUMNS = [
    ("naam", "name"),
    ("slug", "slug"),
    ("type", "initiative_type"),
    ("gemeente", "municipality"),
    ("plaats", "place"),
    ("wijk", "neighbourhood"),
    ("postcode", "postcode_area"),
    ("samenvatting", "summary"),
    ("beschrijving", "description"),
    ("rechtsvorm", "legal_form"),
    ("status", "status"),
    ("opgericht", "founded_year"),
    ("vrijwilligers", "volunteers_count"),
    ("website", "website"),
    ("contactpersoon", "contact_name"),
    ("contact_email", "contact_email"),
    ("contact_telefoon", "contact_phone"),
    ("contact_openbaar", "contact_consent"),
    ("activiteiten", "activities"),
    ("doelgroepen", "target_groups"),
    ("aanpak", "approaches"),
]
REQUIRED = {"naam", "gemeente"}
# Columns an export adds for people; an import ignores them.
EXPORT_ONLY = ["provincie", "url"]
FIELD_OF = dict(COLUMNS)
TERM_FIELDS = {"activities": Activity, "target_groups": TargetGroup, "approaches": Approach}
# Free text, checked for control characters; how long each may be comes from the model.
TEXT_FIELDS = {
    "name",
    "place",
    "neighbourhood",
    "summary",
    "description",
    "contact_name",
    "contact_phone",
}
# The description column has no limit of its own: the submission form's.
DESCRIPTION_MAX = 5000
YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
NO = {"nee", "n", "no", "0", "false", "onwaar", ""}


def max_length(field_name: str) -> int | None:
    """How many characters the catalogue stores for this field."""
    if field_name == "description":
        return DESCRIPTION_MAX
    return Initiative._meta.get_field(field_name).max_length
