"""The translation catalogues are complete, and the committed .mo files match them."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _translations(entries):
    result = {}
    for entry in entries:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
        result[key] = (
            tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        )
    return result


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {language}: {untranslated[:5]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_matches_po(language, tmp_path):
    """Compile the .po here and compare with the committed .mo, entry by entry."""
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    polib.pofile(str(po_path)).save_as_mofile(str(compiled))
    committed = polib.mofile(str(po_path.with_suffix(".mo")))
    assert _translations(committed) == _translations(polib.mofile(str(compiled))), (
        f"locale/{language}/LC_MESSAGES/django.mo is stale: run `make messages`"
    )


def test_dutch_is_the_default(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="nl" dir="ltr">' in response.text
    assert "Komende bijeenkomsten" in response.text


def test_english_by_language_switch_and_remembered(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/evenementen/"})
    assert response.status_code == 302
    assert response["Location"] == "/evenementen/"
    page = client.get("/")
    assert '<html lang="en" dir="ltr">' in page.text
    assert "Upcoming meetings" in page.text
    assert "Komende bijeenkomsten" not in page.text
    # The switch offers the other language on every page.
    assert 'value="nl"' in page.text


def test_browser_language_does_not_override_dutch(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nl" dir="ltr">' in page.text


def test_english_catalogue_translates_every_string_to_itself():
    """English is the source language: a fuzzy match left behind shows another sentence."""
    catalogue = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    wrong = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and (
            entry.msgstr_plural != {0: entry.msgid, 1: entry.msgid_plural}
            if entry.msgid_plural
            else entry.msgstr != entry.msgid
        )
    ]
    assert not wrong, wrong[:5]


def test_dutch_translations_keep_their_placeholders():
    import re

    catalogue = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    broken = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        names = set(re.findall(r"%\(\w+\)s", entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            # A singular may leave out the number ("one place left" → "nog één plek").
            if not set(re.findall(r"%\(\w+\)s", translation)) <= names:
                broken.append(entry.msgid)
            if not entry.msgid_plural and set(re.findall(r"%\(\w+\)s", translation)) != names:
                broken.append(entry.msgid)
    assert not broken, broken[:5]
