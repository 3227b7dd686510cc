"""Softcopy requests: rate limit, approve/decline with notification, tokenised expiring link, isolation."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from terpadu.library.models import DigitalFile, DownloadRecord, SoftcopyRequest
from terpadu.library.services import REQUEST_MAX_PENDING
from tests.conftest import api_as, make_user

from .conftest import captured_on_commit


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def on_request(uploaded):
    DigitalFile.objects.filter(pk=uploaded.pk).update(access="on_request")
    return uploaded


def ask(user, pub, purpose="Untuk skripsi tentang kemiskinan di Majene"):
    with captured_on_commit():
        return api_as(user).post(
            "/api/v1/softcopy-requests/", {"publication": pub.pk, "purpose": purpose}, format="json"
        )


def test_request_approve_link_download(on_request, publication_a, public_user, librarian_a, client):
    response = ask(public_user, publication_a)
    assert response.status_code == 201, response.json()
    req_id = response.json()["id"]
    assert mail.outbox[-1].to == ["warga@example.com"]
    with captured_on_commit():
        approved = api_as(librarian_a).post(f"/api/v1/softcopy-requests/{req_id}/approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    message = mail.outbox[-1]
    assert "disetujui" in message.subject
    link = re.search(r"http://\S+/pustaka/permintaan/t/(\S+)/", message.body)
    assert link
    assert message.attachments  # small file: attached as well
    client.force_login(public_user)
    response = client.get(reverse("library:request-token", args=[link.group(1)]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    record = DownloadRecord.objects.get(code=response["X-Download-Code"])
    assert record.softcopy_request_id == req_id
    # And from the portal.
    assert client.get(reverse("library:request-download", args=[req_id])).status_code == 200


def test_link_of_someone_else_or_expired_refused(on_request, publication_a, public_user, librarian_a, client):
    req_id = ask(public_user, publication_a).json()["id"]
    with captured_on_commit():
        api_as(librarian_a).post(f"/api/v1/softcopy-requests/{req_id}/approve/")
    token = re.search(r"/pustaka/permintaan/t/(\S+)/", mail.outbox[-1].body).group(1)
    downloads = DownloadRecord.objects.count()
    other = make_user("lain@example.com", "Orang Lain")
    client.force_login(other)
    assert client.get(reverse("library:request-token", args=[token])).status_code == 403
    assert client.get(reverse("library:request-download", args=[req_id])).status_code == 404
    assert api_as(other).get(f"/api/v1/softcopy-requests/{req_id}/download/").status_code == 404
    SoftcopyRequest.objects.filter(pk=req_id).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(public_user)
    expired = client.get(reverse("library:request-token", args=[token]))
    assert expired.status_code == 403
    assert b"expired" in expired.content or b"kedaluwarsa" in expired.content
    assert api_as(public_user).get(f"/api/v1/softcopy-requests/{req_id}/download/").status_code == 403
    assert client.get(reverse("library:request-token", args=["not-a-token"])).status_code == 403
    assert DownloadRecord.objects.count() == downloads


def test_decline_needs_reason_and_notifies(on_request, publication_a, public_user, librarian_a):
    req_id = ask(public_user, publication_a).json()["id"]
    assert (
        api_as(librarian_a).post(f"/api/v1/softcopy-requests/{req_id}/decline/", {"reason": ""}).status_code
        == 400
    )
    assert SoftcopyRequest.objects.get(pk=req_id).status == "pending"
    with captured_on_commit():
        response = api_as(librarian_a).post(
            f"/api/v1/softcopy-requests/{req_id}/decline/",
            {"reason": "Publikasi masih embargo"},
            format="json",
        )
    assert response.status_code == 200
    assert "ditolak" in mail.outbox[-1].subject
    assert "embargo" in mail.outbox[-1].body
    # Answered once only.
    assert api_as(librarian_a).post(f"/api/v1/softcopy-requests/{req_id}/approve/").status_code == 400


def test_rate_limited(on_request, publication_a, public_user, unit_a):
    from terpadu.library.services import digital_file_upload, publication_save
    from tests.lib.pdf_factory import make_pdf

    assert ask(public_user, publication_a).status_code == 201
    duplicate = ask(public_user, publication_a)
    assert duplicate.status_code == 400
    others = []
    for n in range(REQUEST_MAX_PENDING):
        pub = publication_save(actor=None, unit=unit_a, data={"title": f"Statistik {n}", "year": 2023})
        digital_file_upload(
            actor=None, publication=pub, upload=make_pdf([{"text": "x"}]), access="on_request"
        )
        others.append(pub)
    results = [ask(public_user, pub).status_code for pub in others]
    assert results == [201] * (REQUEST_MAX_PENDING - 1) + [400]
    assert SoftcopyRequest.objects.count() == REQUEST_MAX_PENDING
    assert ask(public_user, others[0], purpose="x").status_code == 400  # purpose too short


def test_unit_b_gets_404_on_unit_a_requests(on_request, publication_a, public_user, staff_b):
    req_id = ask(public_user, publication_a).json()["id"]
    client = api_as(staff_b)
    assert client.post(f"/api/v1/softcopy-requests/{req_id}/approve/").status_code == 404
    assert (
        client.post(f"/api/v1/softcopy-requests/{req_id}/decline/", {"reason": "bukan urusan"}).status_code
        == 404
    )
    assert client.get("/api/v1/softcopy-requests/?unit=7601").status_code == 404
    req = SoftcopyRequest.objects.get(pk=req_id)
    assert req.status == "pending"
    assert req.decided_by is None


def test_staff_pages_404_for_unit_b(on_request, publication_a, public_user, staff_b, client):
    req_id = ask(public_user, publication_a).json()["id"]
    client.force_login(staff_b)
    assert client.get(reverse("library:desk", args=["7601"])).status_code == 404
    assert client.get(reverse("library:trace", args=["7601"])).status_code == 404
    assert client.post(reverse("library:request-decide", args=["7601", req_id, "approve"])).status_code == 404
    # Through their own unit's desk too: the request is not theirs.
    assert client.post(reverse("library:request-decide", args=["8200", req_id, "approve"])).status_code == 404
    assert SoftcopyRequest.objects.get(pk=req_id).status == "pending"
