"""A question shown "only if" an earlier answer was chosen: in the browser and without
JavaScript (the server decides), and its answer in the organiser's Excel export."""

import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook
from playwright.sync_api import expect

from events.models import Answer, Question, QuestionChoice, Registration
from organisations.models import Membership, Role

from .conftest import PHONE, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lunch(make_event):
    event = make_event(title="Buurtlunch", capacity=30)
    eats = Question.objects.create(event=event, position=1, label="Eet je mee?", kind="one_choice")
    yes = QuestionChoice.objects.create(question=eats, position=1, label="Ja, ik eet mee")
    QuestionChoice.objects.create(question=eats, position=2, label="Nee")
    diet = Question.objects.create(
        event=event,
        position=2,
        label="Wat eet je niet?",
        kind="short_text",
        required=True,
        show_if=yes,
    )
    return {"event": event, "eats": eats, "yes": yes, "diet": diet}


def test_the_diet_question_appears_only_after_yes_on_a_phone(site, browser, lunch):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="nl-NL")
    page = context.new_page()
    page.goto(site + lunch["event"].get_absolute_url())
    diet = page.locator(f"#q-{lunch['diet'].pk}")
    expect(diet).to_be_hidden()
    page.get_by_label("Ja, ik eet mee").check()
    expect(diet).to_be_visible()
    screenshot(page, "question-shown-if-phone")
    page.get_by_label("Nee", exact=True).check()
    expect(diet).to_be_hidden()
    page.get_by_label("Ja, ik eet mee").check()
    page.get_by_label("Wat eet je niet?").fill("geen varkensvlees")
    page.locator("#id_name").fill("Fatima El Amrani")
    page.locator("#id_email").fill("fatima@example.org")
    page.locator("form.registration-form button[type=submit]").click()
    page.wait_for_url("**/aanmelding/**")
    context.close()
    answer = Answer.objects.get(question=lunch["diet"])
    assert answer.text == "geen varkensvlees"

    # The organiser's Excel export has a column for the question.
    organiser = User.objects.create_user("lunch-organisator", password="pw-lunch-123")
    Membership.objects.create(
        organisation=lunch["event"].organisation, user=organiser, role=Role.ORGANISER
    )
    client = Client()
    client.force_login(organiser)
    export = client.get(f"/organisatie/evenementen/{lunch['event'].slug}/deelnemers/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Wat eet je niet?") + 1
    assert sheet.cell(row=2, column=column).value == "geen varkensvlees"


def test_without_javascript_the_server_decides(site, browser, lunch):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(site + lunch["event"].get_absolute_url())
    diet = page.locator(f"#q-{lunch['diet'].pk}")
    expect(diet).to_be_visible()  # shown, with a note saying when to answer it
    expect(diet).to_contain_text("Alleen als je hierboven")

    # "Yes" without the required diet answer: the form comes back with the error.
    page.get_by_label("Ja, ik eet mee").check()
    page.locator("#id_name").fill("Kees Jansen")
    page.locator("#id_email").fill("kees@example.org")
    page.locator("form.registration-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_text("Geef een antwoord op deze vraag.").first).to_be_visible()
    assert not Registration.objects.exists()

    # "No", with something typed in the diet box anyway: signed up, the answer not kept.
    page.get_by_label("Nee", exact=True).check()
    page.get_by_label("Wat eet je niet?").fill("typt toch iets")
    page.locator("form.registration-form button[type=submit]").click()
    page.wait_for_url("**/aanmelding/**")
    context.close()
    assert Registration.objects.count() == 1
    assert not Answer.objects.filter(question=lunch["diet"]).exists()
