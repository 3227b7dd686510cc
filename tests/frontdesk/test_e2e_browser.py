"""End to end in headless Chromium: kiosk guest book → ticket → counter calls it → the board shows it.

Served by uvicorn (HTTP and WebSockets) in a thread on a free port, against the test database.
"""

import pytest
from django.test import Client

from terpadu.frontdesk.models import Ticket, Visit
from tests.browser import CHROMIUM_ARGS
from tests.frontdesk.conftest import NIK_WOMAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kiosk_ticket_counter_board(asgi_server, chromium_path, unit_a, office_a, frontliner_a, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    counter = office_a["counter1"]
    client = Client()
    client.force_login(frontliner_a)
    session = client.cookies["sessionid"].value
    # Playwright's sync API runs an event loop in this thread; the ORM calls below are plain sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            board_page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            board_page.goto(f"{asgi_server}/unit/7601/antrian/layar/")
            expect(board_page.locator("body")).to_have_attribute("data-connected", "1", timeout=10000)

            staff = browser.new_context()
            staff.add_cookies([{"name": "sessionid", "value": session, "url": asgi_server}])
            kiosk = staff.new_page()
            kiosk.goto(f"{asgi_server}/unit/7601/buku-tamu/")
            kiosk.fill("#id_name", "Siti Aminah")
            kiosk.fill("#id_email", "siti@example.com")
            kiosk.fill("#id_phone", "081234567890")
            kiosk.select_option("#id_id_type", "ktp")
            kiosk.fill("#id_id_number", NIK_WOMAN)
            kiosk.fill("#id_institution", "Universitas Sulawesi Barat")
            kiosk.check("input[name=services][value=library]")
            kiosk.check("#id_consent")
            kiosk.click(".kiosk-submit")
            expect(kiosk.locator("[data-ticket-number]")).to_have_text("A001", timeout=10000)

            desk = staff.new_page()
            desk.goto(f"{asgi_server}/unit/7601/loket/{counter.id}/")
            desk.click("[data-action=call-next]")
            expect(desk.locator("[data-current-number]")).to_have_text("A001", timeout=10000)

            expect(board_page.locator("#board-current-number")).to_have_text("A001", timeout=10000)
            expect(board_page.locator("#board-current-counter")).to_have_text("Loket 1")
            expect(board_page.locator("body")).to_have_attribute(
                "data-announced", "Nomor antrian A nol nol satu, silakan ke loket satu", timeout=15000
            )

            # The board catches up after losing its connection: reload while another call happens.
            board_page.reload()
            expect(board_page.locator("#board-current-number")).to_have_text("A001", timeout=10000)
        finally:
            browser.close()

    ticket = Ticket.objects.get()
    assert ticket.status == "called"
    assert ticket.visit == Visit.objects.get()
    assert ticket.met_standard is True
