"""B1 Dutch, measured: the texts residents read score well on Flesch–Douma.

What is measured is our own writing: the Dutch of every string the residents' templates
translate (not what organisers type about their meetings). Per page group the
Flesch–Douma reading ease (textstat, Dutch) must reach FLOOR_PER_PAGE, all of it together
FLOOR_OVERALL, and no sentence may be longer than LONGEST words. Around 60–70 is "fairly
easy" on this scale; our domain words (bijeenkomst, initiatief, zorgcoöperatie) cost
points that no rewording can win back, hence the lower floor per page.
"""

import re

import pytest
import textstat
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation

FLOOR_PER_PAGE = 45
FLOOR_OVERALL = 65
LONGEST = 20

PAGES = {
    "event page": [
        "events/event_detail.html",
        "events/_registration_fields.html",
        "events/_questions.html",
        "events/_follow_form.html",
        "events/_share.html",
        "includes/_event_places.html",
    ],
    "ticket": ["events/registration_detail.html", "events/registration_check_email.html"],
    "change, cancel, erase": [
        "events/registration_change.html",
        "events/registration_confirm.html",
    ],
    "privacy": ["pages/privacy.html"],
    "accessibility": ["pages/accessibility.html"],
    "live": [
        "events/live/live_participant.html",
        "events/live/_participant_poll.html",
        "events/live/_participant_questions.html",
        "events/live/_participant_open.html",
        "events/live/live_join.html",
    ],
    "report": [
        "events/report/report_detail.html",
        "events/report/_agreements.html",
        "events/report/report_opt_out.html",
    ],
    "catalogue": [
        "initiatives/initiative_list.html",
        "initiatives/initiative_detail.html",
        "initiatives/initiative_submit.html",
    ],
    "home": ["home.html", "events/event_list.html"],
}


def _msgids(template_name: str) -> list[str]:
    nodelist = engines["django"].engine.get_template(template_name).nodelist
    found = [
        node.filter_expression.var.literal
        for node in nodelist.get_nodes_by_type(TranslateNode)
        if isinstance(getattr(node.filter_expression.var, "literal", None), str)
    ]
    found += [
        node.render_token_list(node.singular)[0]
        for node in nodelist.get_nodes_by_type(BlockTranslateNode)
    ]
    return found


def _dutch(template_names: list[str]) -> list[str]:
    """Each string as a resident reads it in Dutch: a placeholder becomes a name, tags go."""
    sentences = []
    with translation.override("nl"):
        for name in template_names:
            for msgid in _msgids(name):
                text = translation.gettext(msgid)
                text = re.sub(r"%\(\w+\)[sd]", "Ans", text)
                text = re.sub(r"<[^>]+>", " ", text).strip()
                if text:
                    sentences.append(text if text[-1] in ".!?:" else text + ".")
    return sentences


def _score(texts: list[str]) -> float:
    textstat.set_lang("nl")
    return textstat.flesch_reading_ease(" ".join(texts))


def _long_sentences(texts: list[str]) -> list[str]:
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(texts))
    return [s for s in sentences if len(s.split()) > LONGEST]


@pytest.mark.parametrize("page", PAGES)
def test_each_residents_page_reads_at_b1(page):
    texts = _dutch(PAGES[page])
    assert len(texts) >= 3, f"{page}: found too little text to measure"
    assert _score(texts) >= FLOOR_PER_PAGE, f"{page}: Flesch–Douma {_score(texts):.1f}"
    assert not _long_sentences(texts), f"{page}: sentences over {LONGEST} words"


def test_all_residents_text_together_reads_fairly_easily():
    texts = [text for names in PAGES.values() for text in _dutch(names)]
    assert _score(texts) >= FLOOR_OVERALL, f"Flesch–Douma {_score(texts):.1f}"


def test_the_measure_tells_hard_dutch_from_easy_dutch():
    easy = ["Kom naar de bijeenkomst.", "We praten samen.", "Je bent welkom."]
    hard = [
        "Overeenkomstig de toepasselijke privacywetgeving verwerken wij uw persoonsgegevens "
        "uitsluitend ten behoeve van de organisatorische afhandeling van evenementen."
    ]
    assert _score(easy) >= 80 > FLOOR_PER_PAGE > _score(hard)
    assert _long_sentences(["een " * 21 + "zin."])
