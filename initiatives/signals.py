"""What the catalogue tells other apps, so that it never has to import them."""

from django.dispatch import Signal

# Sent inside the merge's transaction, before the duplicate is archived, with the keyword
# arguments `source` (the duplicate) and `target` (the entry that stays).
initiative_merged = Signal()
