"""Attachments: allowed types whose content matches their name, within size and count limits;
stored privately and downloadable only by the consultation's user and its unit's staff."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from terpadu.consultation import services
from terpadu.consultation.models import Attachment, Consultation, Message
from terpadu.consultation.storage import private_root
from tests.conftest import api_as, make_user

from .conftest import open_consultation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Penduduk"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files():
    root = private_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_allowed_files_are_kept_with_name_type_size_and_hash(unit_a, public_user):
    consultation = open_consultation(unit_a, public_user)
    message = services.message_post(
        consultation=consultation,
        actor=public_user,
        body="Tabelnya terlampir",
        files=[
            upload("tabel.xlsx", xlsx_bytes()),
            upload("surat.pdf", PDF),
            upload("grafik.png", PNG),
            ContentFile(b"tahun;jumlah\n2025;10\n", name="data.csv"),
        ],
    )
    got = {a.original_name: a for a in message.attachments.all()}
    assert set(got) == {"tabel.xlsx", "surat.pdf", "grafik.png", "data.csv"}
    assert got["surat.pdf"].content_type == "application/pdf"
    assert got["surat.pdf"].size == len(PDF)
    import hashlib

    assert got["surat.pdf"].sha256 == hashlib.sha256(PDF).hexdigest()
    # Kept outside MEDIA_ROOT under a random name, with no URL.
    assert len(stored_files()) == 4
    assert all("surat" not in p.name for p in stored_files())
    with pytest.raises(ValueError, match="private"):
        got["surat.pdf"].file.url  # noqa: B018


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("setup.exe", EXE, "cannot be attached"),
        ("laporan.pdf", EXE, "cannot be attached"),  # an executable renamed
        ("tabel.xlsx", b"PK\x03\x04" + b"\x00" * 40, "cannot be attached"),  # not a workbook
        ("data.csv", EXE, "cannot be attached"),
        ("skrip.sh", b"#!/bin/sh\nrm -rf /\n", "cannot be attached"),
        ("foto.png", PDF, "cannot be attached"),
        ("kosong.pdf", b"", "is empty"),
    ],
)
def test_refused_files_store_nothing(unit_a, public_user, name, data, says):
    consultation = open_consultation(unit_a, public_user)
    before = (Message.objects.count(), Attachment.objects.count())
    with pytest.raises(ValidationError) as caught:
        services.message_post(
            consultation=consultation,
            actor=public_user,
            body="lihat lampiran",
            files=[upload("ok.pdf", PDF), upload(name, data)],
        )
    assert says in " ".join(caught.value.messages)
    assert name in " ".join(caught.value.messages)
    assert (Message.objects.count(), Attachment.objects.count()) == before
    assert stored_files() == []


def test_size_and_count_limits(settings, unit_a, public_user):
    settings.CONSULTATION_ATTACHMENT_MAX_BYTES = 1000
    settings.CONSULTATION_ATTACHMENT_MAX_FILES = 2
    consultation = open_consultation(unit_a, public_user)
    with pytest.raises(ValidationError, match="too large"):
        services.message_post(
            consultation=consultation,
            actor=public_user,
            body="x",
            files=[upload("big.pdf", PDF + b"0" * 1000)],
        )
    with pytest.raises(ValidationError, match="At most 2 files"):
        services.message_post(
            consultation=consultation,
            actor=public_user,
            body="x",
            files=[upload(f"{i}.pdf", PDF) for i in range(3)],
        )
    assert consultation.messages.count() == 1
    assert stored_files() == []


def test_a_message_may_be_only_a_file_but_not_nothing(unit_a, public_user):
    consultation = open_consultation(unit_a, public_user)
    message = services.message_post(
        consultation=consultation, actor=public_user, body="", files=[upload("a.pdf", PDF)]
    )
    assert message.attachments.count() == 1
    with pytest.raises(ValidationError, match="empty"):
        services.message_post(consultation=consultation, actor=public_user, body="  ", files=[])


def test_new_consultation_form_with_attachment_and_refusal(client, unit_a, public_user):
    client.force_login(public_user)
    response = client.post(
        "/konsultasi/baru/",
        {
            "unit": "7601",
            "topic": "IPM",
            "description": "IPM 2025?",
            "attachments": [upload("virus.exe", EXE)],
        },
    )
    assert response.status_code == 200
    assert "virus.exe" in response.content.decode()
    assert Consultation.objects.count() == 0
    assert stored_files() == []

    response = client.post(
        "/konsultasi/baru/",
        {
            "unit": "7601",
            "topic": "IPM",
            "description": "IPM 2025?",
            "attachments": [upload("surat.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    attachment = Attachment.objects.get()
    assert attachment.message.consultation == consultation
    page = client.get(f"/konsultasi/{consultation.pk}/").content.decode()
    assert "surat.pdf" in page


def test_chat_page_posts_files_and_answers_json_for_the_live_page(client, unit_a, public_user):
    consultation = open_consultation(unit_a, public_user)
    client.force_login(public_user)
    response = client.post(
        f"/konsultasi/{consultation.pk}/",
        {"body": "", "attachments": [upload("grafik.png", PNG)]},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    assert response.json()["message"]["attachments"][0]["name"] == "grafik.png"
    response = client.post(
        f"/konsultasi/{consultation.pk}/",
        {"body": "ini", "attachments": [upload("grafik.png", EXE)]},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "grafik.png" in response.json()["errors"][0]
    assert consultation.messages.count() == 2


def test_download_only_for_the_user_and_staff_of_the_unit(client, unit_a, public_user, consultant_a, staff_b):
    consultation = open_consultation(unit_a, public_user)
    message = services.message_post(
        consultation=consultation, actor=public_user, body="lampiran", files=[upload("surat.pdf", PDF)]
    )
    note = services.message_post(
        consultation=consultation,
        actor=consultant_a,
        body="catatan",
        internal=True,
        files=[upload("internal.pdf", PDF)],
    )
    public, internal = message.attachments.get(), note.attachments.get()
    url = f"/konsultasi/{consultation.pk}/lampiran/{public.pk}/"
    internal_url = f"/konsultasi/{consultation.pk}/lampiran/{internal.pk}/"

    client.force_login(public_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "surat.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert client.get(internal_url).status_code == 404  # a staff note's file stays with staff

    client.force_login(consultant_a)
    assert client.get(url).status_code == 200
    assert client.get(internal_url).status_code == 200

    for who in (staff_b, make_user("lain@example.com", "Lain")):
        client.force_login(who)
        assert client.get(url).status_code == 404
    # Another consultation's id with this attachment: still 404.
    other = open_consultation(unit_a, public_user)
    client.force_login(public_user)
    assert client.get(f"/konsultasi/{other.pk}/lampiran/{public.pk}/").status_code == 404


def test_api_multipart_message_and_download(unit_a, public_user, staff_b):
    consultation = open_consultation(unit_a, public_user)
    client = api_as(public_user)
    response = client.post(
        f"/api/v1/consultations/{consultation.pk}/messages/",
        {"body": "data", "attachments": [upload("tabel.xlsx", xlsx_bytes())]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    attachment = response.json()["attachments"][0]
    assert attachment["name"] == "tabel.xlsx"
    download = client.get(attachment["api_url"])
    assert download.status_code == 200
    assert api_as(staff_b).get(attachment["api_url"]).status_code == 404

    refused = client.post(
        f"/api/v1/consultations/{consultation.pk}/messages/",
        {"body": "data", "attachments": [upload("tabel.xlsx", EXE)]},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "tabel.xlsx" in str(refused.json()["attachments"])
    assert consultation.messages.count() == 2


def test_api_open_with_attachment(unit_a, public_user):
    response = api_as(public_user).post(
        "/api/v1/consultations/",
        {
            "unit": "7601",
            "topic": "Data",
            "description": "Lihat surat",
            "attachments": [upload("s.pdf", PDF)],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert Attachment.objects.get().message.consultation_id == response.json()["id"]
