"""Compile locale/*/LC_MESSAGES/django.po to .mo with polib (no GNU gettext needed).

The English catalogue is the source language: empty entries are filled with the msgid,
so `make messages` only leaves the Dutch translations to write.
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"
SOURCE_LANGUAGE = "en"


def fill_source_language(catalogue: polib.POFile) -> None:
    """English is the source: every entry translates to itself.

    Always overwrite, never only fill the empty ones: makemessages "fuzzy-matches" new
    strings to old, similar ones, which would otherwise leave another sentence behind.
    """
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None


def main() -> None:
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        catalogue = polib.pofile(str(po_path))
        if po_path.parent.parent.name == SOURCE_LANGUAGE:
            fill_source_language(catalogue)
            catalogue.save()
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        missing = len(catalogue.untranslated_entries()) + len(catalogue.fuzzy_entries())
        print(f"{po_path.relative_to(LOCALE.parent)}: {missing} entries still to translate")


if __name__ == "__main__":
    main()
