"""End to end in headless Chromium: a frontliner finishes a ticket at the counter, the visitor fills
the survey offered on the live ticket page, and the unit head's dashboard shows the new response.

Served by uvicorn (HTTP and WebSockets) in a thread on a free port, against the test database;
the rollups follow through the real after-commit path (eager Celery), as in production.
"""

import re

import pytest
from django.test import Client

from terpadu.feedback.models import SurveyResponse
from terpadu.frontdesk import services as frontdesk
from terpadu.reports.models import DailyFigure
from tests.browser import CHROMIUM_ARGS
from tests.frontdesk.conftest import make_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}


def test_finish_ticket_fill_survey_dashboard_shows_it(
    asgi_server, chromium_path, unit_a, office_a, frontliner_a, admin_a, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    visit = make_visit(unit_a)
    ticket = frontdesk.ticket_issue(unit=unit_a, service="library", visit=visit)
    counter = office_a["counter1"]
    frontdesk.counter_sign_in(counter=counter, actor=frontliner_a)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            errors = []

            # Before anyone answers: the unit head's dashboard shows no response.
            head = browser.new_context(locale="id-ID")
            head.add_cookies([session_cookie(admin_a, asgi_server)])
            dashboard = head.new_page()
            dashboard.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            dashboard.goto(f"{asgi_server}/laporan/")
            expect(dashboard).to_have_url(re.compile(r"/laporan/7601/"))
            ikm_total = dashboard.locator("#table-ikm tr.report-total td").first
            expect(ikm_total).to_have_text("0")

            # The frontliner calls and finishes the ticket at the counter.
            desk = browser.new_context(locale="id-ID")
            desk.add_cookies([session_cookie(frontliner_a, asgi_server)])
            counter_page = desk.new_page()
            counter_page.goto(f"{asgi_server}/unit/7601/loket/{counter.id}/")
            counter_page.click("[data-action=call-next]")
            expect(counter_page.locator("[data-current-number]")).to_have_text("A001", timeout=10000)
            counter_page.click("[data-action=finish]")
            expect(counter_page.locator("[data-current-number]")).to_have_count(0, timeout=10000)

            # The visitor's live ticket page now offers the survey; they fill it in.
            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, locale="id-ID"
            )
            survey = phone.new_page()
            survey.goto(f"{asgi_server}/antrian/{ticket.public_code}/")
            survey.click("#rate-service", timeout=15000)
            survey.wait_for_selector(".survey-form")
            for element in range(1, 10):
                survey.click(f"label[for=u{element}-4]")
            survey.click("label[for=u3-3]")  # completion time: fast, not very fast
            survey.click("#survey-submit")
            survey.wait_for_selector("#survey-thanks")

            # The dashboard shows it: one response, IKM (8 × 4 + 3) / 9 × 25 = 97,22, grade A.
            dashboard.reload()
            expect(ikm_total).to_have_text("1")
            row = dashboard.locator("#table-ikm tr.report-total td")
            expect(row.nth(2)).to_have_text("97,22")
            expect(row.nth(3)).to_contain_text("A")
            # The queue figures moved too: one ticket, finished at counter 1.
            expect(dashboard.locator("#table-queue tr.report-total td").first).to_have_text("1")

            # And the figure leads to the response behind it.
            ikm_total.locator("a").click()
            expect(dashboard.locator("#drilldown tbody tr")).to_have_count(1)
            expect(dashboard.locator("#drilldown tbody")).to_contain_text("4")
            assert not [e for e in errors if "Content Security Policy" in e]
        finally:
            browser.close()

    response = SurveyResponse.objects.get()
    assert response.unit == unit_a
    assert response.staff == frontliner_a
    assert DailyFigure.objects.get(metric="surveys.responses", dimension="all").value == 1
