"""End to end in headless Chromium: search → open → read online → download (watermarked)."""

import os

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from terpadu.library import services
from terpadu.library.models import DigitalFile, DownloadRecord
from tests.browser import CHROMIUM_ARGS
from tests.lib.pdf_factory import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls below are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_search_open_read_download(browser, live_server, publication_a, public_user, librarian_a, tmp_path):
    pdf = make_pdf(
        [
            {"text": ["Bab 1", "Angka kemiskinan Kabupaten Majene"]},
            {"text": "Tabel penduduk miskin", "table": (8, 4)},
        ]
    )
    services.digital_file_upload(
        actor=librarian_a,
        publication=publication_a,
        upload=SimpleUploadedFile("p.pdf", pdf),
        access="public_download",
    )
    # transaction=True: on_commit ran, the eager task processed the file.
    assert DigitalFile.objects.get().status == "ready"

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", public_user.email)
    page.fill("input[name=password]", "Rahasia-123!")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/pustaka/")
    page.fill("#library-q", "miskin")
    page.press("#library-q", "Enter")
    page.wait_for_selector(".library-hit")
    assert "Profil" in page.inner_text(".library-hit h2")
    assert page.locator(".library-hit mark").count() >= 1
    page.click(".library-hit h2 a")
    page.wait_for_selector("#read-online")
    assert "Profil Kemiskinan" in page.inner_text("h1")

    page.click("#read-online")
    page.wait_for_selector("#reader-frame")
    frame_src = page.get_attribute("#reader-frame", "src")
    assert frame_src.endswith("/unduh/?inline=1")
    response = page.request.get(live_server.url + frame_src)
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-download-code"]

    page.go_back()
    page.wait_for_selector("#download")
    with page.expect_download() as info:
        page.click("#download")
    path = tmp_path / "unduhan.pdf"
    info.value.save_as(path)
    with pikepdf.open(path) as downloaded:
        code = str(downloaded.docinfo["/PSTWatermarkCode"])
        assert len(downloaded.pages) == 2
    assert DownloadRecord.objects.filter(code=code, user=public_user).exists()
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()


def test_read_online_only_renders_page_images(browser, live_server, publication_a, public_user, librarian_a):
    pdf = make_pdf([{"text": "Halaman satu"}, {"text": "Halaman dua"}, {"text": "Halaman tiga"}])
    services.digital_file_upload(
        actor=librarian_a,
        publication=publication_a,
        upload=SimpleUploadedFile("p.pdf", pdf),
        access="read_online",
    )
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", public_user.email)
    page.fill("input[name=password]", "Rahasia-123!")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/pustaka/{publication_a.pk}/")
    assert page.locator("#download").count() == 0
    page.click("#read-online")
    page.wait_for_selector("#reader-pages img")
    first = page.locator("#reader-pages img").first
    first.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('#reader-pages img').naturalWidth > 0")
    assert page.locator("#reader-pages img").count() == 3
    code = page.inner_text("#reader-code")
    assert DownloadRecord.objects.get(kind="read_online").code == code
    context.close()
