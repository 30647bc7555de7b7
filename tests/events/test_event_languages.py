"""A meeting's title and summary in the visitor's language, Dutch otherwise, marked."""

import pytest

from events.models import Event


@pytest.fixture
def translated(make_event):
    return make_event(
        title="Buurtgesprek",
        summary="Samen praten over zorg.",
        title_tr="Mahalle sohbeti",
        summary_tr="Bakım hakkında birlikte konuşalım.",
        title_ar="حديث الحي",
    )


def _page(client, event, language):
    client.cookies["django_language"] = language
    return client.get(event.get_absolute_url()).content.decode()


def test_in_language_falls_back_to_dutch(translated):
    assert translated.in_language("title", "tr") == ("Mahalle sohbeti", "tr")
    assert translated.in_language("summary", "ar") == ("Samen praten over zorg.", "nl")
    assert translated.in_language("title", "en") == ("Buurtgesprek", "nl")
    assert translated.in_language("title", "nl") == ("Buurtgesprek", "nl")
    assert translated.in_language("title", "de") == ("Buurtgesprek", "nl")


def test_the_page_shows_the_visitors_language_where_given(client, translated):
    html = _page(client, translated, "tr")
    assert "<h1>Mahalle sohbeti</h1>" in html
    assert "Bakım hakkında birlikte konuşalım." in html
    assert "Buurtgesprek</h1>" not in html


def test_dutch_shown_to_another_language_is_marked_as_dutch(client, translated):
    html = _page(client, translated, "ar")
    assert "<h1>حديث الحي</h1>" in html
    assert '<p class="lead" lang="nl">Samen praten over zorg.</p>' in html
    html = _page(client, translated, "en")
    assert '<h1 lang="nl">Buurtgesprek</h1>' in html


def test_the_event_list_uses_the_visitors_language(client, translated):
    client.cookies["django_language"] = "tr"
    html = client.get("/evenementen/").content.decode()
    assert "Mahalle sohbeti" in html


def test_organisers_give_the_translations_in_the_event_form(client, organiser, event):
    from events.forms import EventForm

    form = EventForm(instance=event)
    for name in ("title_en", "summary_en", "title_tr", "summary_tr", "title_ar", "summary_ar"):
        assert name in form.fields
    assert form.fields["title_ar"].widget.attrs["dir"] == "rtl"
    assert Event._meta.get_field("title_tr").max_length == 200
