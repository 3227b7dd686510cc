"""End to end in headless Chromium: the user types a question → sees a knowledge article → opens a
consultation → a consultant answers from another browser context → the user sees it live.

Served by uvicorn (HTTP and WebSockets) in a thread on a free port, against the test database.
"""

import pytest
from django.test import Client

from terpadu.consultation import services
from terpadu.consultation.models import Consultation, Message
from tests.browser import CHROMIUM_ARGS

from .conftest import publish_consultation_standard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_question_article_consultation_live_answer(
    asgi_server, chromium_path, unit_a, public_user, consultant_a, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    publish_consultation_standard(unit_a)
    article = services.article_save(
        actor=consultant_a,
        unit=unit_a,
        question="Bagaimana mendapatkan data kemiskinan Majene?",
        answer_html="<p>Unduh tabel garis kemiskinan di situs BPS Majene.</p>",
        subjects=["Kemiskinan"],
        published=True,
    )
    user_session, staff_session = _session(public_user), _session(consultant_a)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            user_context = browser.new_context()
            user_context.add_cookies([{"name": "sessionid", "value": user_session, "url": asgi_server}])
            user = user_context.new_page()
            user.goto(f"{asgi_server}/konsultasi/baru/")
            user.select_option("#id_unit", "7601")
            user.locator("#id_topic").press_sequentially("angka kemiskinan", delay=20)
            expect(user.locator("#suggestions")).to_contain_text(article.question, timeout=10000)

            # Not answered by the article: go on and open a consultation.
            user.fill("#id_description", "Saya perlu angka kemiskinan per kecamatan tahun 2025.")
            user.click("#consultation-form button[type=submit]")
            expect(user.locator("#chat")).to_have_attribute("data-connected", "1", timeout=10000)
            consultation = Consultation.objects.get()
            assert user.url.endswith(f"/konsultasi/{consultation.pk}/")
            expect(user.locator("#chat")).to_contain_text("per kecamatan")

            staff_context = browser.new_context()
            staff_context.add_cookies([{"name": "sessionid", "value": staff_session, "url": asgi_server}])
            staff = staff_context.new_page()
            staff.goto(f"{asgi_server}/konsultasi/{consultation.pk}/")
            expect(staff.locator("#chat")).to_have_attribute("data-connected", "1", timeout=10000)
            staff.locator("#id_body").press_sequentially("Data per kecamatan", delay=10)
            # The user sees the consultant typing, then the answer arrives without a reload.
            expect(user.locator("#chat-typing")).to_contain_text("Konsultan Majene", timeout=10000)
            staff.locator("#id_body").fill("Data per kecamatan ada di publikasi Kecamatan Dalam Angka 2025.")
            staff.click("#chat-form button[type=submit]")
            expect(user.locator(".chat-staff .chat-body")).to_contain_text(
                "Kecamatan Dalam Angka 2025", timeout=10000
            )
            # The answer shows once, even though the page also caught up when it connected.
            expect(user.locator(".chat-staff")).to_have_count(1)
            # The user has read it: the consultant's page shows the read tick.
            expect(staff.locator(".chat-staff .chat-read")).to_have_count(1, timeout=10000)
        finally:
            browser.close()

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ANSWERED
    assert list(consultation.messages.values_list("author_kind", flat=True)) == [
        Message.Author.USER,
        Message.Author.STAFF,
    ]
