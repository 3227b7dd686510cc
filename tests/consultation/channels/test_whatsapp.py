"""WhatsApp: the webhook (verify, signature, idempotency), consultations from it, replies through a
loopback Graph API (24-hour window, template, retry) and the closing message as a template."""

import datetime as dt

import pytest
from django.utils import timezone

from terpadu.consultation import services as consultation_services
from terpadu.consultation.channels.models import ChannelMessage, Contact, Thread, WhatsAppNumber
from terpadu.consultation.models import Consultation, ConsultationEvent, Message

from .conftest import (
    PHONE_NUMBER_ID,
    TEMPLATE,
    VERIFY_TOKEN,
    inbound_payload,
    post_webhook,
    sign,
    text_message,
)

pytestmark = pytest.mark.django_db

SENDER = "6285298765432"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def whatsapp_consultation() -> Consultation:
    return Consultation.objects.get(channel=Consultation.Channel.WHATSAPP)


def reply(consultation, consultant, body, callbacks):
    with callbacks(execute=True):
        return consultation_services.message_post(consultation=consultation, actor=consultant, body=body)


# --- the webhook ------------------------------------------------------------------------------------


def test_verify_challenge_echoed_only_with_our_token(client, whatsapp_on):
    ok = client.get(
        "/webhooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200
    assert ok.content == b"1158201444"

    wrong = client.get(
        "/webhooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": "tebakan", "hub.challenge": "1158201444"},
    )
    assert wrong.status_code == 403
    assert b"1158201444" not in wrong.content


def test_unsigned_or_wrongly_signed_delivery_is_refused_and_nothing_stored(client, whatsapp_on):
    payload = inbound_payload(text_message("wamid.A1", "Halo, saya butuh data inflasi"))
    body = post_webhook(client, payload, signature=None)
    assert body.status_code == 403
    assert post_webhook(client, payload, signature=sign(b"another body")).status_code == 403
    assert post_webhook(client, payload, signature=sign(b"x", secret="bukan-rahasia")).status_code == 403
    assert post_webhook(client, payload, signature="sha1=abc").status_code == 403
    assert not Consultation.objects.exists()
    assert not ChannelMessage.objects.exists()
    assert not Contact.objects.exists()


def test_signed_message_opens_a_whatsapp_consultation_for_a_contact(
    client, whatsapp_on, unit_a, django_capture_on_commit_callbacks
):
    payload = inbound_payload(text_message("wamid.A1", "Data inflasi Majene 2025\nPer bulan kalau ada."))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, payload)
    assert response.status_code == 200

    consultation = whatsapp_consultation()
    assert consultation.unit == unit_a
    assert consultation.user is None
    assert consultation.topic == "Data inflasi Majene 2025"
    assert consultation.status == Consultation.Status.OPEN
    assert "Per bulan kalau ada." in consultation.messages.get().body
    thread = Thread.objects.get(consultation=consultation)
    assert thread.contact.address == SENDER
    assert thread.contact.name == "Budi Nelayan"
    assert thread.phone_number_id == PHONE_NUMBER_ID


def test_same_message_id_twice_is_stored_once(client, whatsapp_on):
    payload = inbound_payload(text_message("wamid.DUP", "Apakah ada data PDRB?"))
    assert post_webhook(client, payload).status_code == 200
    assert post_webhook(client, payload).status_code == 200
    assert Message.objects.count() == 1
    assert ChannelMessage.objects.filter(external_id="wamid.DUP").count() == 1


def test_next_message_joins_the_open_consultation_and_html_is_kept_as_text(client, whatsapp_on):
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk 2024")))
    post_webhook(client, inbound_payload(text_message("wamid.2", "<script>alert(1)</script> per kecamatan")))
    consultation = whatsapp_consultation()
    assert Consultation.objects.count() == 1
    second = consultation.messages.last()
    assert "<script>" not in second.body
    assert "&lt;script&gt;" in second.body


def test_message_after_close_opens_a_new_consultation(client, whatsapp_on, consultant_a):
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk 2024")))
    first = whatsapp_consultation()
    consultation_services.consultation_close(consultation=first, actor=consultant_a)
    post_webhook(client, inbound_payload(text_message("wamid.2", "Satu pertanyaan lagi: data nelayan")))
    assert Consultation.objects.count() == 2
    assert Consultation.objects.exclude(pk=first.pk).get().topic == "Satu pertanyaan lagi: data nelayan"


def test_sender_with_an_account_by_that_whatsapp_number_is_its_user(client, whatsapp_on, public_user):
    # public_user registered "081234567890": WhatsApp writes it as 6281234567890.
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data IPM", sender="6281234567890")))
    assert whatsapp_consultation().user == public_user


def test_number_of_another_unit_routes_to_that_unit(client, whatsapp_on, unit_b):
    WhatsAppNumber.objects.create(phone_number_id="200200", unit=unit_b, display_number="0921 3126301")
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data cengkih"), phone_number_id="200200"))
    assert whatsapp_consultation().unit == unit_b


def test_image_is_downloaded_from_the_graph_media_endpoint_and_kept(client, whatsapp_on):
    whatsapp_on.media["MEDIA-77"] = (PNG, "image/png")
    image = {
        "from": SENDER,
        "id": "wamid.IMG",
        "timestamp": "1773626400",
        "type": "image",
        "image": {"id": "MEDIA-77", "mime_type": "image/png", "caption": "Tabel ini maksudnya apa?"},
    }
    assert post_webhook(client, inbound_payload(image)).status_code == 200
    message = whatsapp_consultation().messages.get()
    assert "Tabel ini maksudnya apa?" in message.body
    attachment = message.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.read() == PNG
    assert [r["auth"] for r in whatsapp_on.requests if r["method"] == "GET"] == ["Bearer test-token"] * 2


def test_channel_off_says_so_and_stores_nothing(client, unit_a):
    response = client.get("/webhooks/whatsapp/", {"hub.mode": "subscribe", "hub.verify_token": ""})
    assert response.status_code == 503
    assert "Kanal WhatsApp tidak aktif" in response.content.decode()
    payload = inbound_payload(text_message("wamid.1", "Halo"))
    assert post_webhook(client, payload).status_code == 503
    assert not ChannelMessage.objects.exists()


def test_consultant_page_says_when_the_channel_is_off(client, whatsapp_on, consultant_a, settings):
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk")))
    consultation = whatsapp_consultation()
    client.force_login(consultant_a)
    page = client.get(f"/konsultasi/{consultation.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"Replies go straight to WhatsApp" in page.content
    settings.WHATSAPP_TOKEN = ""
    page = client.get(f"/konsultasi/{consultation.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"The WhatsApp channel is off." in page.content


# --- replies through the Graph API ------------------------------------------------------------------


def test_reply_within_24_hours_goes_as_text_and_statuses_update_it(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk Majene")))
    consultation = whatsapp_consultation()
    reply(
        consultation,
        consultant_a,
        "Ada di <b>Majene Dalam Angka</b> tabel 3.1 &amp; 3.2",
        django_capture_on_commit_callbacks,
    )

    [sent] = whatsapp_on.sent()
    assert sent["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert sent["auth"] == "Bearer test-token"
    assert sent["json"]["to"] == SENDER
    assert sent["json"]["type"] == "text"
    assert "Majene Dalam Angka tabel 3.1 & 3.2" in sent["json"]["text"]["body"]
    assert consultation.number in sent["json"]["text"]["body"]
    record = ChannelMessage.objects.get(direction="out")
    assert record.status == "sent"
    assert record.external_id.startswith("wamid.")

    statuses = [
        {"id": record.external_id, "status": "read", "timestamp": "1773626500", "recipient_id": SENDER},
        {"id": record.external_id, "status": "delivered", "timestamp": "1773626450", "recipient_id": SENDER},
    ]
    assert post_webhook(client, inbound_payload(statuses=statuses)).status_code == 200
    record.refresh_from_db()
    assert record.status == "read"  # a late "delivered" does not undo "read"


def test_reply_after_24_hours_sends_the_template_and_the_text_when_the_user_writes(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk Majene")))
    consultation = whatsapp_consultation()
    Contact.objects.update(last_inbound_at=timezone.now() - dt.timedelta(hours=24, minutes=1))

    reply(consultation, consultant_a, "Datanya ada di tabel 3.1.", django_capture_on_commit_callbacks)
    reply(consultation, consultant_a, "Dan juga tabel 3.2.", django_capture_on_commit_callbacks)
    [template] = whatsapp_on.sent()  # one invitation, however many replies wait
    assert template["json"]["type"] == "template"
    assert template["json"]["template"]["name"] == TEMPLATE
    assert template["json"]["template"]["language"] == {"code": "id"}
    assert template["json"]["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": consultation.number}
    ]
    assert ChannelMessage.objects.filter(status="waiting_window").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, inbound_payload(text_message("wamid.2", "Baik, silakan")))
    texts = [r["json"]["text"]["body"] for r in whatsapp_on.sent()[1:]]
    assert len(texts) == 2
    assert "tabel 3.1" in texts[0]
    assert "tabel 3.2" in texts[1]
    assert not ChannelMessage.objects.filter(status="waiting_window").exists()


def test_server_error_is_retried_until_sent(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk Majene")))
    whatsapp_on.fail_next(503)
    whatsapp_on.fail_next(500)
    reply(
        whatsapp_consultation(), consultant_a, "Datanya ada di tabel 3.1.", django_capture_on_commit_callbacks
    )
    assert len(whatsapp_on.sent()) == 3
    assert ChannelMessage.objects.get(direction="out").status == "sent"


def test_refused_message_is_not_retried_and_the_reason_is_kept(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk Majene")))
    whatsapp_on.fail_next(400, code=131026, message="Message undeliverable")
    reply(
        whatsapp_consultation(), consultant_a, "Datanya ada di tabel 3.1.", django_capture_on_commit_callbacks
    )
    assert len(whatsapp_on.sent()) == 1
    record = ChannelMessage.objects.get(direction="out")
    assert record.status == "failed"
    assert "Message undeliverable" in record.error


def test_seven_day_close_reaches_whatsapp_as_the_template(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk Majene")))
    consultation = whatsapp_consultation()
    answered_at = timezone.now() - dt.timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        consultation_services.message_post(
            consultation=consultation, actor=consultant_a, body="Tabel 3.1.", now=answered_at
        )
    Contact.objects.update(last_inbound_at=answered_at - dt.timedelta(hours=1))
    sent_before = len(whatsapp_on.sent())

    with django_capture_on_commit_callbacks(execute=True):
        closed = consultation_services.consultations_close_idle()
    assert [c.pk for c in closed] == [consultation.pk]
    closing = whatsapp_on.sent()[sent_before:]
    assert [r["json"]["type"] for r in closing] == ["template"]
    assert closing[0]["json"]["template"]["name"] == TEMPLATE
    consultation.refresh_from_db()
    assert consultation.close_reason == Consultation.CloseReason.NO_RESPONSE
    # The closing text (and any later notice, e.g. the survey) waits for the user's next message.
    waiting = ChannelMessage.objects.filter(status="waiting_window", consultation=consultation)
    assert any(consultation.messages.last().body in w.text for w in waiting)


def test_whatsapp_reply_resumes_the_clock_like_a_web_message(
    client, whatsapp_on, consultant_a, django_capture_on_commit_callbacks
):
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk Majene")))
    consultation = whatsapp_consultation()
    consultation_services.consultation_mark_clear(consultation=consultation, actor=consultant_a)
    consultation_services.consultation_request_clarification(
        consultation=consultation, actor=consultant_a, body="Tahun berapa?"
    )
    consultation.refresh_from_db()
    assert consultation.paused_at is not None
    post_webhook(client, inbound_payload(text_message("wamid.2", "Tahun 2024")))
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLEAR
    assert consultation.paused_at is None
    kinds = list(consultation.events.values_list("kind", flat=True))
    assert kinds[-2:] == [ConsultationEvent.Kind.USER_REPLIED, ConsultationEvent.Kind.CLOCK_RESUMED]


def test_contact_becomes_the_account_holder_once_they_register(client, whatsapp_on):
    from tests.conftest import make_user

    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk", sender="6281355550001")))
    consultation = whatsapp_consultation()
    assert consultation.user is None
    user = make_user("nelayan@example.com", "Budi Nelayan", phone="0813-5555-0001")
    post_webhook(client, inbound_payload(text_message("wamid.2", "Sudah daftar", sender="6281355550001")))
    consultation.refresh_from_db()
    assert consultation.user == user
    assert Contact.objects.get().user == user


def test_number_claimed_by_two_accounts_links_neither(client, whatsapp_on):
    from tests.conftest import make_user

    make_user("a@example.com", "A", phone="081355550001")
    make_user("b@example.com", "B", phone="+62 813 5555 0001")
    post_webhook(client, inbound_payload(text_message("wamid.1", "Data penduduk", sender="6281355550001")))
    assert whatsapp_consultation().user is None


def test_unreadable_message_is_skipped_and_the_rest_of_the_delivery_kept(client, whatsapp_on):
    payload = inbound_payload(
        {"from": "not-a-number", "id": "wamid.BAD", "type": "text", "text": {"body": "?"}},
        text_message("wamid.GOOD", "Data penduduk"),
    )
    assert post_webhook(client, payload).status_code == 200
    assert list(ChannelMessage.objects.values_list("external_id", flat=True)) == ["wamid.GOOD"]


def test_contact_in_the_data_export_and_erased_with_the_account(client, whatsapp_on, public_user):
    from terpadu.accounts import services as account_services

    post_webhook(client, inbound_payload(text_message("wamid.1", "Data IPM", sender="6281234567890")))
    exported = account_services.user_export_data(user=public_user)["channel_contacts"]
    assert exported[0]["address"] == "6281234567890"
    assert exported[0]["consultations"] == [whatsapp_consultation().number]

    from terpadu.consultation.channels.personal_data import erase_contacts

    erase_contacts(public_user)
    contact = Contact.objects.get()
    assert contact.address.startswith("erased-")
    assert contact.name == ""
    assert contact.user is None
