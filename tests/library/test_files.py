"""Upload, validation, background processing, watermarked download, trace, reader, private storage."""

import hashlib
import io
import re

import pikepdf
import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from terpadu.library.models import DigitalFile, DownloadRecord, SearchDocument
from terpadu.library.search import publication_search
from terpadu.library.storage import private_storage
from tests.conftest import api_as
from tests.lib.pdf_factory import encrypt_pdf, make_empty_pdf, make_pdf

from .conftest import captured_on_commit


def page_texts(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def test_upload_processes_pages_cover_and_index(uploaded, publication_a):
    assert uploaded.page_count == 6
    assert uploaded.cover
    assert SearchDocument.objects.filter(publication=publication_a, page__gt=0).count() == 6
    hit = publication_search(query="kecamatan").hits[0]
    assert hit.publication == publication_a
    assert [p.page for p in hit.page_hits] == [2]


def test_files_are_private(uploaded):
    path = uploaded.file.path
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError, match="private"):
        private_storage.url(uploaded.file.name)


def test_download_is_watermarked_on_every_page(uploaded, publication_a, public_user, sample_pdf):
    response = api_as(public_user).get(f"/api/v1/publications/{publication_a.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    code = response["X-Download-Code"]
    data = response.content
    assert data != sample_pdf
    texts = page_texts(data)
    original = page_texts(sample_pdf)
    assert len(texts) == len(original) == 6  # page count unchanged
    for before, after in zip(original, texts, strict=True):
        assert before.strip().split("\n")[0] in after  # the original text is still extractable
        assert code in after
        assert "Diunduh dari PST BPS Kabupaten Majene oleh Siti Warga (warga@example.com)" in " ".join(
            after.split()
        )
        assert "WITA" in after
    with pikepdf.open(io.BytesIO(data)) as pdf, pikepdf.open(io.BytesIO(sample_pdf)) as orig:
        assert str(pdf.docinfo["/PSTWatermarkCode"]) == code
        with pdf.open_metadata() as meta:
            assert meta["pst:Code"] == code
        for p, o in zip(pdf.pages, orig.pages, strict=True):
            assert list(p.mediabox) == list(o.mediabox)
            assert p.obj.get("/Rotate", 0) == o.obj.get("/Rotate", 0)
            assert list(p.cropbox) == list(o.cropbox)
        assert len(pdf.open_outline().root) == 1
        assert any(a.get("/Subtype") == "/Link" for a in pdf.pages[0].get("/Annots", []))
    record = DownloadRecord.objects.get(code=code)
    assert record.user == public_user
    assert record.publication == publication_a


def test_each_download_gets_its_own_code(uploaded, publication_a, public_user):
    client = api_as(public_user)
    codes = {
        client.get(f"/api/v1/publications/{publication_a.pk}/download/")["X-Download-Code"] for _ in range(3)
    }
    assert len(codes) == 3
    assert all(re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", c) for c in codes)


def test_download_refused_by_access_level(uploaded, publication_a, public_user):
    anonymous = api_as(None)
    assert anonymous.get(f"/api/v1/publications/{publication_a.pk}/download/").status_code == 403
    for access, words in (("read_online", "read online"), ("on_request", "request")):
        DigitalFile.objects.filter(pk=uploaded.pk).update(access=access)
        response = api_as(public_user).get(
            f"/api/v1/publications/{publication_a.pk}/download/", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 403
        assert words in response.json()["detail"]
    assert not DownloadRecord.objects.exists()


def test_original_never_served(uploaded, publication_a, public_user, client, sample_pdf):
    original_hash = hashlib.sha256(sample_pdf).hexdigest()
    assert uploaded.sha256 == original_hash
    client.force_login(public_user)
    urls = [
        reverse("library:download", args=[publication_a.pk]),
        reverse("library:download", args=[publication_a.pk]) + "?inline=1",
        reverse("library:cover", args=[publication_a.pk]),
        reverse("library:reader", args=[publication_a.pk]),
        f"/api/v1/publications/{publication_a.pk}/download/",
        f"/api/v1/publications/{publication_a.pk}/",
        settings.MEDIA_URL + uploaded.file.name,
        "/media/" + str(uploaded.file.path),
    ]
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert hashlib.sha256(body).hexdigest() != original_hash, url
        assert sample_pdf not in body, url


def test_read_online_page_images_carry_the_watermark(uploaded, publication_a, public_user, client):
    DigitalFile.objects.filter(pk=uploaded.pk).update(access="read_online")
    client.force_login(public_user)
    page = client.get(reverse("library:reader", args=[publication_a.pk]))
    assert page.status_code == 200
    assert b".pdf" not in page.content  # no PDF link on the read-online-only reader
    record = DownloadRecord.objects.get(kind="read_online")
    image = client.get(reverse("library:reader-page", args=[publication_a.pk, 3]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    # Reading again the same day keeps the same code.
    client.get(reverse("library:reader-page", args=[publication_a.pk, 4]))
    assert DownloadRecord.objects.filter(kind="read_online").count() == 1
    assert record.code
    assert client.get(reverse("library:download", args=[publication_a.pk])).status_code == 302
    assert client.get(reverse("library:reader-page", args=[publication_a.pk, 99])).status_code == 404


def _broken_xref():
    data = make_pdf([{"text": "x"}])
    return re.sub(rb"startxref\s+\d+", b"startxref\n123", data)


@pytest.mark.parametrize(
    ("kind", "make", "message"),
    [
        ("not a pdf", lambda: b"PK\x03\x04 this is a zip", "not a PDF"),
        ("broken xref", _broken_xref, "damaged"),
        ("user password", lambda: encrypt_pdf(make_pdf([{"text": "x"}]), user="rahasia"), "password"),
        ("zero pages", make_empty_pdf, "no pages"),
        ("too large", lambda: make_pdf([{"text": "x"}] * 3), "limit"),
    ],
)
def test_bad_files_rejected_and_nothing_stored(
    kind, make, message, publication_a, librarian_a, settings, tmp_path
):
    if kind == "too large":
        settings.LIBRARY_MAX_UPLOAD_BYTES = 500
    data = make()
    upload = SimpleUploadedFile("bad.pdf", data, content_type="application/pdf")
    response = api_as(librarian_a).post(
        f"/api/v1/publications/{publication_a.pk}/files/",
        {"file": upload},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not DigitalFile.objects.exists()
    private = tmp_path / "private"
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))


def test_upload_through_api(publication_a, librarian_a, sample_pdf):
    upload = SimpleUploadedFile("profil.pdf", sample_pdf, content_type="application/pdf")
    with captured_on_commit():
        response = api_as(librarian_a).post(
            f"/api/v1/publications/{publication_a.pk}/files/",
            {"file": upload, "access": "read_online"},
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    assert response.json()["access"] == "read_online"
    assert DigitalFile.objects.get().status == "ready"


def test_trace_code_and_leaked_pdf(uploaded, publication_a, public_user, librarian_a, client):
    response = api_as(public_user).get(f"/api/v1/publications/{publication_a.pk}/download/")
    code = response["X-Download-Code"]
    traced = api_as(librarian_a).get(f"/api/v1/downloads/{code}/")
    assert traced.status_code == 200
    assert traced.json()["user"] == {"email": "warga@example.com", "name": "Siti Warga"}
    assert traced.json()["unit"] == "7601"
    assert traced.json()["publication"]["id"] == publication_a.pk
    # A leaked copy with its metadata stripped is still traced from the stamped text.
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        del pdf.docinfo["/PSTWatermarkCode"]
        del pdf.docinfo["/PSTWatermark"]
        del pdf.Root["/Metadata"]
        out = io.BytesIO()
        pdf.save(out)
    client.force_login(librarian_a)
    page = client.post(
        reverse("library:trace", args=["7601"]),
        {"file": SimpleUploadedFile("bocor.pdf", out.getvalue(), content_type="application/pdf")},
    )
    assert page.status_code == 200
    assert code.encode() in page.content
    assert b"warga@example.com" in page.content


def test_unit_b_cannot_trace_or_upload(uploaded, publication_a, public_user, staff_b, sample_pdf):
    code = api_as(public_user).get(f"/api/v1/publications/{publication_a.pk}/download/")["X-Download-Code"]
    client = api_as(staff_b)
    assert client.get(f"/api/v1/downloads/{code}/").status_code == 404
    assert client.get("/api/v1/units/7601/downloads/").status_code == 404
    upload = SimpleUploadedFile("x.pdf", sample_pdf, content_type="application/pdf")
    assert client.post(f"/api/v1/publications/{publication_a.pk}/files/", {"file": upload}).status_code == 404
    before = DigitalFile.objects.get()
    assert before.sha256 == uploaded.sha256


def test_staff_page_shows_processing_progress(publication_a, librarian_a, staff_b, sample_pdf, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from .conftest import captured_on_commit

    client.force_login(librarian_a)
    page_url = reverse("library:file-upload", args=["7601", publication_a.pk])
    status_url = reverse("library:file-status", args=["7601", publication_a.pk])
    # Uploaded but not processed yet (the task runs after commit): the page polls the status.
    with captured_on_commit():
        client.post(page_url, {"file": SimpleUploadedFile("profil.pdf", sample_pdf), "access": "read_online"})
        page = client.get(page_url).content.decode()
        assert f'hx-get="{status_url}"' in page
        assert 'value="0"' in page
        assert client.get(status_url).status_code == 200  # still waiting: keep polling
    done = client.get(status_url)
    assert done.status_code == 286  # processed: htmx stops polling
    assert 'value="100"' in done.content.decode()
    desk = client.get(reverse("library:desk", args=["7601"])).content.decode()
    assert page_url in desk
    client.force_login(staff_b)
    assert client.get(status_url).status_code == 404
