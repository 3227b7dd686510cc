"""Email: notifications over real SMTP (number in the subject, Message-ID threading, Reply-To naming
the consultation), replies through `terpadu inbound_email` and the IMAP poller against a loopback
IMAP server: threading, trimming, attachments, holding mail from other addresses."""

import io
import sys
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from terpadu.consultation import services as consultation_services
from terpadu.consultation.channels import mail as channel_mail
from terpadu.consultation.channels.models import ChannelMessage, HeldEmail
from terpadu.consultation.models import Consultation, ConsultationEvent, Message

from .imap_server import ImapServer, Mailbox

pytestmark = pytest.mark.django_db

PST = "pst@pst.example.id"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def build_mail(
    *,
    sender: str,
    subject: str,
    body: str,
    to: str = PST,
    in_reply_to: str = "",
    references: str = "",
    attachments: list[tuple[str, bytes, str]] = (),
    message_id: str | None = None,
    headers: dict | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, data, mime in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def inbound_email(raw: bytes, monkeypatch) -> tuple[int, str, str]:
    """`terpadu inbound_email` with `raw` on stdin: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("inbound_email", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def web_consultation(mail_settings, unit_a, public_user):
    return consultation_services.consultation_open(
        user=public_user, unit=unit_a, topic="Data kemiskinan", description="Saya butuh data kemiskinan 2025."
    )


def answer(consultation, consultant, body, callbacks):
    with callbacks(execute=True):
        consultation_services.message_post(consultation=consultation, actor=consultant, body=body)


# --- out --------------------------------------------------------------------------------------------


def test_notifications_carry_the_number_a_reply_address_and_thread(
    smtp_inbox, web_consultation, consultant_a, public_user, django_capture_on_commit_callbacks
):
    number = web_consultation.number
    answer(web_consultation, consultant_a, "Datanya ada di tabel 3.1.", django_capture_on_commit_callbacks)
    answer(web_consultation, consultant_a, "Tambahan: tabel 3.2 juga.", django_capture_on_commit_callbacks)

    first, second = smtp_inbox.to(public_user.email)
    assert first["Subject"].startswith(f"[{number}] ")
    assert first["Reply-To"] == f"pst+{number}@pst.example.id"
    assert "tabel 3.1" in first.get_body().get_content()
    stored = list(
        ChannelMessage.objects.filter(consultation=web_consultation, direction="out").values_list(
            "external_id", "status"
        )
    )
    assert stored == [(first["Message-ID"].strip("<>"), "sent"), (second["Message-ID"].strip("<>"), "sent")]
    assert second["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in second["References"]


# --- in ---------------------------------------------------------------------------------------------


def test_reply_threaded_by_in_reply_to_is_appended_without_quotes_or_signature(
    smtp_inbox, web_consultation, consultant_a, public_user, monkeypatch, django_capture_on_commit_callbacks
):
    answer(web_consultation, consultant_a, "Datanya ada di tabel 3.1.", django_capture_on_commit_callbacks)
    sent = smtp_inbox.last_to(public_user.email)
    reply = build_mail(
        sender=f"Siti Warga <{public_user.email}>",
        subject="Re: pertanyaan saya",  # no number: only In-Reply-To can match
        in_reply_to=sent["Message-ID"],
        references=sent["Message-ID"],
        body=(
            "Terima kasih, apakah ada data per kecamatan?\n\n"
            "Pada tanggal Sen, 16 Mar 2026 10.00, PST BPS <pst@pst.example.id>\nmenulis:\n"
            "> Datanya ada di tabel 3.1.\n>\n\n"
            "-- \nSiti Warga\nUniversitas Khairun\n"
        ),
    )
    code, out, _err = inbound_email(reply, monkeypatch)
    assert code == 0
    assert out.strip() == f"appended {web_consultation.number}"

    message = web_consultation.messages.last()
    assert message.author_kind == Message.Author.USER
    assert message.author == public_user
    assert "per kecamatan" in message.body
    assert "tabel 3.1" not in message.body
    assert "Universitas Khairun" not in message.body
    web_consultation.refresh_from_db()
    assert web_consultation.status == Consultation.Status.CLEAR
    assert web_consultation.awaiting_user_since is None
    assert web_consultation.events.last().kind == ConsultationEvent.Kind.USER_REPLIED


def test_reply_matched_by_the_number_in_the_subject(web_consultation, public_user, monkeypatch):
    raw = build_mail(
        sender=public_user.email,
        subject=f"Re: [{web_consultation.number}] Balasan baru",
        body="Data tahun 2024 saja.",
    )
    assert inbound_email(raw, monkeypatch)[0] == 0
    assert "Data tahun 2024 saja." in web_consultation.messages.last().body


def test_reply_matched_by_the_reply_address(web_consultation, public_user, monkeypatch):
    raw = build_mail(
        sender=public_user.email,
        to=f"pst+{web_consultation.number}@pst.example.id",
        subject="pertanyaan lanjutan",
        body="Apakah ada versi Excel?",
    )
    assert inbound_email(raw, monkeypatch)[0] == 0
    assert "versi Excel" in web_consultation.messages.last().body


def test_same_message_id_twice_is_stored_once(web_consultation, public_user, monkeypatch):
    raw = build_mail(
        sender=public_user.email,
        subject=f"[{web_consultation.number}]",
        body="Satu kali saja.",
        message_id="<x1@a>",
    )
    assert inbound_email(raw, monkeypatch)[1].startswith("appended")
    assert inbound_email(raw, monkeypatch)[1].startswith("duplicate")
    assert web_consultation.messages.filter(body__contains="Satu kali saja.").count() == 1


def test_pdf_attachment_kept_and_an_executable_noted_not_kept(web_consultation, public_user, monkeypatch):
    raw = build_mail(
        sender=public_user.email,
        subject=f"[{web_consultation.number}] lampiran",
        body="Ini surat pengantar saya.",
        attachments=[
            ("surat.pdf", PDF, "application/pdf"),
            ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream"),
        ],
    )
    assert inbound_email(raw, monkeypatch)[0] == 0
    message = web_consultation.messages.last()
    [attachment] = message.attachments.all()
    assert attachment.original_name == "surat.pdf"
    assert attachment.file.read() == PDF
    assert "setup.exe" in message.body


def test_reply_from_another_address_is_held_until_a_consultant_accepts(
    client, web_consultation, public_user, consultant_a, staff_b, monkeypatch
):
    before = web_consultation.messages.count()
    raw = build_mail(
        sender="Orang Lain <orang.lain@example.org>",
        subject=f"Re: [{web_consultation.number}] Balasan baru",
        body="Saya rekan Siti, tolong kirim juga ke saya.",
    )
    assert inbound_email(raw, monkeypatch)[1].startswith("held")
    assert web_consultation.messages.count() == before
    held = HeldEmail.objects.get()
    assert held.reason == HeldEmail.Reason.UNKNOWN_SENDER
    assert held.consultation == web_consultation

    client.force_login(staff_b)
    assert client.get("/konsultasi/email-ditahan/").content.count(b"orang.lain@example.org") == 0
    assert client.post(f"/konsultasi/email-ditahan/{held.pk}/accept/").status_code == 404
    held.refresh_from_db()
    assert held.status == HeldEmail.Status.HELD
    assert web_consultation.messages.count() == before

    client.force_login(consultant_a)
    page = client.get("/konsultasi/email-ditahan/")
    assert b"orang.lain@example.org" in page.content
    response = client.post(f"/konsultasi/email-ditahan/{held.pk}/accept/")
    assert response.status_code == 302
    assert response["Location"] == f"/konsultasi/{web_consultation.pk}/"
    appended = web_consultation.messages.last()
    assert "rekan Siti" in appended.body
    assert appended.author_kind == Message.Author.USER
    held.refresh_from_db()
    assert held.status == HeldEmail.Status.ACCEPTED
    assert held.decided_by == consultant_a


def test_rejected_held_email_adds_nothing(client, web_consultation, consultant_a, monkeypatch):
    raw = build_mail(sender="spam@example.net", subject=f"[{web_consultation.number}] promo", body="Beli!")
    inbound_email(raw, monkeypatch)
    held = HeldEmail.objects.get()
    before = web_consultation.messages.count()
    client.force_login(consultant_a)
    client.post(f"/konsultasi/email-ditahan/{held.pk}/reject/")
    held.refresh_from_db()
    assert held.status == HeldEmail.Status.REJECTED
    assert web_consultation.messages.count() == before
    assert client.post(f"/konsultasi/email-ditahan/{held.pk}/accept/").status_code == 302
    assert web_consultation.messages.count() == before


def test_new_email_from_an_account_opens_an_email_consultation(
    mail_settings, unit_a, public_user, monkeypatch
):
    raw = build_mail(sender=public_user.email, subject="Data nilai tukar petani", body="Mohon data NTP 2025.")
    code, out, _err = inbound_email(raw, monkeypatch)
    assert code == 0
    consultation = Consultation.objects.get()
    assert out.strip() == f"opened {consultation.number}"
    assert consultation.channel == Consultation.Channel.EMAIL
    assert consultation.user == public_user
    assert consultation.unit == unit_a
    assert consultation.topic == "Data nilai tukar petani"


def test_new_email_from_a_stranger_is_held_and_accepting_opens_a_consultation_that_answers_by_email(
    client, mail_settings, unit_a, consultant_a, monkeypatch, django_capture_on_commit_callbacks
):
    raw = build_mail(sender="Dosen <dosen@kampus.ac.id>", subject="Data IPM Majene", body="Untuk penelitian.")
    assert inbound_email(raw, monkeypatch)[1].startswith("held")
    assert not Consultation.objects.exists()
    held = HeldEmail.objects.get()
    assert held.reason == HeldEmail.Reason.NO_MATCH

    client.force_login(consultant_a)
    client.post(f"/konsultasi/email-ditahan/{held.pk}/accept/")
    consultation = Consultation.objects.get()
    assert consultation.user is None
    assert consultation.channel == Consultation.Channel.EMAIL
    assert consultation.topic == "Data IPM Majene"

    answer(consultation, consultant_a, "IPM ada di publikasi IPM 2025.", django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["dosen@kampus.ac.id"]
    assert mail.outbox[-1].subject.startswith(f"[{consultation.number}]")
    reply = build_mail(sender="dosen@kampus.ac.id", subject=mail.outbox[-1].subject, body="Terima kasih!")
    assert inbound_email(reply, monkeypatch)[1].startswith("appended")


def test_auto_reply_is_ignored(web_consultation, public_user, monkeypatch):
    raw = build_mail(
        sender=public_user.email,
        subject=f"Out of office: [{web_consultation.number}]",
        body="Saya sedang cuti.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    before = web_consultation.messages.count()
    assert inbound_email(raw, monkeypatch) == (0, "ignored -\n", "")
    assert web_consultation.messages.count() == before


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"this is not an email at all\n", "not an RFC 822 message"),
        (b"From: nobody\nSubject: hi\n\nbody\n", "no sender"),
    ],
)
def test_bad_input_exits_with_a_message_and_stores_nothing(mail_settings, monkeypatch, raw, reason):
    code, _out, err = inbound_email(raw, monkeypatch)
    assert code == 65
    assert reason in err
    assert not ChannelMessage.objects.exists()
    assert not HeldEmail.objects.exists()


def test_nobody_to_deliver_to_exits_67(settings, monkeypatch, db):
    settings.CONSULTATION_CHANNEL_UNIT = ""
    code, _out, err = inbound_email(
        build_mail(sender="a@example.com", subject="hai", body="halo"), monkeypatch
    )
    assert code == 67
    assert "CONSULTATION_CHANNEL_UNIT" in err


def test_quoted_history_variants_are_trimmed():
    english = "Yes, 2024 please.\n\nOn Mon, 16 Mar 2026 at 10:00, PST BPS <pst@x.id> wrote:\n> old text\n"
    assert channel_mail.trim_quoted(english) == "Yes, 2024 please."
    inline = "Answer below.\n> quoted line\nMy own line.\n"
    assert channel_mail.trim_quoted(inline) == "Answer below.\nMy own line."
    outlook = "Baik.\n\n-----Original Message-----\nFrom: PST\nSent: Monday\n"
    assert channel_mail.trim_quoted(outlook) == "Baik."
    html = "<div>Baik, terima kasih.</div><blockquote>Datanya di tabel 3.1</blockquote>"
    assert channel_mail.html_to_text(html).strip() == "Baik, terima kasih."


# --- IMAP -------------------------------------------------------------------------------------------


def test_imap_poller_appends_replies_and_marks_them_seen(
    smtp_inbox, web_consultation, consultant_a, public_user, django_capture_on_commit_callbacks
):
    answer(web_consultation, consultant_a, "Datanya ada di tabel 3.1.", django_capture_on_commit_callbacks)
    sent = smtp_inbox.last_to(public_user.email)
    box = Mailbox("pst@pst.example.id", "sandi rahasia")
    box.deliver(
        build_mail(
            sender=public_user.email,
            to=sent["Reply-To"],
            subject=f"Re: {sent['Subject']}",
            in_reply_to=sent["Message-ID"],
            body="Baik, saya unduh.\n\nOn Mon, 16 Mar 2026, PST wrote:\n> Datanya ada di tabel 3.1.\n",
        )
    )
    box.deliver(b"garbage without headers")
    with ImapServer(box) as server:
        url = f"imap://pst%40pst.example.id:sandi%20rahasia@127.0.0.1:{server.port}/INBOX"
        out = io.StringIO()
        call_command("poll_imap", url=url, stdout=out)
        assert out.getvalue().startswith("2 processed (appended 1); 1 refused")
        assert box.seen() == [1, 2]

        again = io.StringIO()
        call_command("poll_imap", url=url, stdout=again)
        assert again.getvalue().startswith("0 processed (nothing new)")
    last = web_consultation.messages.last()
    assert "saya unduh" in last.body
    assert "tabel 3.1" not in last.body
    assert "UID STORE" in box.commands


def test_imap_wrong_password_is_a_clear_error(db):
    box = Mailbox("pst", "benar")
    with ImapServer(box) as server, pytest.raises(CommandError, match="poll_imap"):
        call_command("poll_imap", url=f"imap://pst:salah@127.0.0.1:{server.port}/INBOX")


def test_inbox_tells_the_units_consultants_that_emails_are_held(
    rf, web_consultation, consultant_a, staff_b, monkeypatch
):
    from terpadu.core import slots

    inbound_email(
        build_mail(sender="x@example.net", subject=f"[{web_consultation.number}]", body="Hai"), monkeypatch
    )
    request = rf.get("/konsultasi/")
    request.user = consultant_a
    assert "/konsultasi/email-ditahan/" in slots.render("consultation.inbox", request, None)
    request.user = staff_b
    assert slots.render("consultation.inbox", request, None) == ""


def test_held_email_shows_on_the_inbox_page_of_the_units_consultants_only(
    client, web_consultation, consultant_a, staff_b, monkeypatch
):
    client.force_login(consultant_a)
    assert 'id="held-notice"' not in client.get("/konsultasi/kotak-masuk/").content.decode()
    inbound_email(
        build_mail(sender="x@example.net", subject=f"[{web_consultation.number}]", body="Hai"), monkeypatch
    )
    page = client.get("/konsultasi/kotak-masuk/").content.decode()
    assert 'id="held-notice"' in page
    assert 'href="/konsultasi/email-ditahan/"' in page
    client.force_login(staff_b)
    assert 'id="held-notice"' not in client.get("/konsultasi/kotak-masuk/").content.decode()


def test_mail_from_our_own_address_is_never_a_users_message(web_consultation, monkeypatch):
    raw = build_mail(
        sender=f"pst+{web_consultation.number}@pst.example.id",
        subject=f"[{web_consultation.number}] bounce loop",
        body="Pesan kami sendiri.",
    )
    before = web_consultation.messages.count()
    assert inbound_email(raw, monkeypatch)[1].startswith("ignored")
    assert web_consultation.messages.count() == before
    assert not HeldEmail.objects.exists()
