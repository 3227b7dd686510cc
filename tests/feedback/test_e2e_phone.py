"""On a phone (390×844, headless Chromium): the finished ticket's page offers the survey, the visitor
fills all nine elements and a staff rating, and a second visit to the link says it was used."""

import os

import pytest

from terpadu.feedback.models import SurveyResponse
from terpadu.frontdesk import services as frontdesk
from tests.browser import CHROMIUM_ARGS
from tests.frontdesk.conftest import set_up_front_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_fill_the_survey_on_a_phone(browser, live_server, unit_a, frontliner_a):
    office = set_up_front_office(unit_a)
    ticket = frontdesk.ticket_issue(unit=unit_a, service=office["library"])
    frontdesk.counter_sign_in(counter=office["counter1"], actor=frontliner_a)
    frontdesk.ticket_finish(
        ticket=frontdesk.ticket_call_next(counter=office["counter1"], actor=frontliner_a), actor=frontliner_a
    )

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/antrian/{ticket.public_code}/")
    page.click("#rate-service")
    page.wait_for_selector(".survey-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    for element, value in zip(range(1, 10), (4, 4, 3, 4, 3, 4, 4, 3, 3), strict=True):
        page.click(f"label[for=u{element}-{value}]")
    page.click("label[for=staff-rating-5]")
    page.click("label[for=asked_for_money-no]")
    page.fill("#comment", "Pelayanan cepat, ruang baca nyaman.")
    page.click("#survey-submit")
    page.wait_for_selector("#survey-thanks")

    response = SurveyResponse.objects.get()
    assert response.answers == {
        "u1": 4,
        "u2": 4,
        "u3": 3,
        "u4": 4,
        "u5": 3,
        "u6": 4,
        "u7": 4,
        "u8": 3,
        "u9": 3,
    }
    assert response.staff == frontliner_a
    assert response.staff_rating == 5
    assert response.asked_for_money is False

    page.go_back()
    page.reload()
    assert page.locator("#survey-closed").get_attribute("data-reason") == "used"
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()
