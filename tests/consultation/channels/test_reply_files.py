"""Files a consultant attaches to a public reply reach the user on their channel: attached to the
email (over real SMTP; a link instead when too large), and on WhatsApp uploaded to the Graph API's
media endpoint then sent as a document or image message (also after the 24-hour window reopens)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from terpadu.consultation import services as consultation_services
from terpadu.consultation.channels.models import ChannelMessage, Contact
from terpadu.consultation.models import Consultation

from .conftest import PHONE_NUMBER_ID, body_of, inbound_payload, post_webhook, text_message

pytestmark = pytest.mark.django_db

SENDER = "6285298765432"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def files():
    return [
        SimpleUploadedFile("Tabel 3.1.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("grafik.png", PNG, content_type="image/png"),
    ]


def reply_with_files(consultation, consultant, callbacks, *, body="Terlampir tabelnya.", internal=False):
    with callbacks(execute=True):
        return consultation_services.message_post(
            consultation=consultation, actor=consultant, body=body, files=files(), internal=internal
        )


@pytest.fixture
def web_consultation(mail_settings, unit_a, public_user):
    return consultation_services.consultation_open(
        user=public_user, unit=unit_a, topic="Data kemiskinan", description="Saya butuh data kemiskinan."
    )


# --- email ------------------------------------------------------------------------------------------


def test_reply_files_are_attached_to_the_email(
    smtp_inbox, web_consultation, consultant_a, public_user, django_capture_on_commit_callbacks
):
    reply_with_files(web_consultation, consultant_a, django_capture_on_commit_callbacks)

    mail = smtp_inbox.last_to(public_user.email)
    assert mail["Subject"].startswith(f"[{web_consultation.number}] ")
    attached = {part.get_filename(): part for part in mail.iter_attachments()}
    assert set(attached) == {"Tabel 3.1.pdf", "grafik.png"}
    assert attached["Tabel 3.1.pdf"].get_content_type() == "application/pdf"
    assert attached["Tabel 3.1.pdf"].get_content() == PDF
    assert attached["grafik.png"].get_content() == PNG
    text = body_of(mail)
    assert "Terlampir tabelnya." in text
    assert "Tabel 3.1.pdf, grafik.png" in text
    assert ChannelMessage.objects.get(direction="out").status == "sent"


def test_files_over_the_email_limit_are_a_link_to_the_consultation_page(
    settings, smtp_inbox, web_consultation, consultant_a, public_user, django_capture_on_commit_callbacks
):
    settings.CONSULTATION_EMAIL_ATTACHMENTS_MAX_BYTES = len(PDF)  # both files together are larger
    reply_with_files(web_consultation, consultant_a, django_capture_on_commit_callbacks)

    mail = smtp_inbox.last_to(public_user.email)
    assert list(mail.iter_attachments()) == []
    text = body_of(mail)
    assert f"{settings.SITE_URL}/konsultasi/{web_consultation.pk}/" in text
    assert "Tabel 3.1.pdf, grafik.png" in text


def test_internal_note_files_never_reach_the_user(
    smtp_inbox, web_consultation, consultant_a, public_user, django_capture_on_commit_callbacks
):
    reply_with_files(web_consultation, consultant_a, django_capture_on_commit_callbacks, internal=True)
    assert smtp_inbox.to(public_user.email) == []


# --- WhatsApp ---------------------------------------------------------------------------------------


def whatsapp_consultation(client) -> Consultation:
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk Majene")))
    return Consultation.objects.get(channel=Consultation.Channel.WHATSAPP)


def test_reply_files_are_uploaded_and_sent_as_document_and_image(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    consultation = whatsapp_consultation(client)
    reply_with_files(consultation, consultant_a, django_capture_on_commit_callbacks)

    pdf_upload, png_upload = whatsapp_on.uploads()
    assert pdf_upload["path"] == f"/v21.0/{PHONE_NUMBER_ID}/media"
    assert pdf_upload["auth"] == "Bearer test-token"
    assert pdf_upload["form"] == {"messaging_product": "whatsapp", "type": "application/pdf"}
    assert pdf_upload["file"] == {"filename": "Tabel 3.1.pdf", "content_type": "application/pdf", "data": PDF}
    assert png_upload["file"]["data"] == PNG
    assert png_upload["form"]["type"] == "image/png"

    text, document, image = (r["json"] for r in whatsapp_on.sent())
    assert text["type"] == "text"
    assert "Terlampir tabelnya." in text["text"]["body"]
    assert document["to"] == SENDER
    assert document["type"] == "document"
    assert document["document"] == {"id": pdf_upload["media_id"], "filename": "Tabel 3.1.pdf"}
    assert image["type"] == "image"
    assert image["image"] == {"id": png_upload["media_id"]}

    records = ChannelMessage.objects.filter(direction="out").order_by("id")
    assert [(r.attachment.original_name if r.attachment else "", r.status) for r in records] == [
        ("", "sent"),
        ("Tabel 3.1.pdf", "sent"),
        ("grafik.png", "sent"),
    ]


def test_failed_upload_is_retried_then_the_document_goes(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    consultation = whatsapp_consultation(client)
    whatsapp_on.fail_next_upload(503)
    reply_with_files(consultation, consultant_a, django_capture_on_commit_callbacks)
    assert [u["file"]["filename"] for u in whatsapp_on.uploads()] == ["Tabel 3.1.pdf"] * 2 + ["grafik.png"]
    assert [r["json"]["type"] for r in whatsapp_on.sent()] == ["text", "document", "image"]
    assert not ChannelMessage.objects.filter(direction="out").exclude(status="sent").exists()


def test_refused_upload_is_not_retried_and_the_reason_is_kept(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    consultation = whatsapp_consultation(client)
    whatsapp_on.fail_next_upload(400, code=131053, message="Media upload error")
    reply_with_files(consultation, consultant_a, django_capture_on_commit_callbacks)
    assert [r["json"]["type"] for r in whatsapp_on.sent()] == ["text", "image"]
    failed = ChannelMessage.objects.get(status="failed")
    assert failed.attachment.original_name == "Tabel 3.1.pdf"
    assert "Media upload error" in failed.error


def test_files_wait_with_the_text_for_the_24_hour_window(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    consultation = whatsapp_consultation(client)
    Contact.objects.update(last_inbound_at=timezone.now() - dt.timedelta(hours=25))
    reply_with_files(consultation, consultant_a, django_capture_on_commit_callbacks)
    [template] = whatsapp_on.sent()
    assert template["json"]["type"] == "template"
    assert whatsapp_on.uploads() == []
    assert ChannelMessage.objects.filter(status="waiting_window").count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, inbound_payload(text_message("wamid.2", "Baik, silakan")))
    assert [r["json"]["type"] for r in whatsapp_on.sent()[1:]] == ["text", "document", "image"]
    assert len(whatsapp_on.uploads()) == 2
    assert not ChannelMessage.objects.filter(status="waiting_window").exists()
