"""Registration on the website: allauth's pages with our form, verification by a mailed link."""

import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from terpadu.accounts.consent import CONSENT_TEXT_VERSION
from terpadu.accounts.models import Consent, User

from .conftest import link_in

PASSWORD = "Statistik-Majene-2026"
SIGNUP = {
    "name": "Rina Peneliti",
    "email": "Rina@Example.com",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "phone": "0812-3456-7890",
    "institution": "Universitas Sulawesi Barat",
    "occupation": "Dosen",
    "consent": "on",
}

pytestmark = pytest.mark.django_db


def signup(client, lang="id", **changes):
    data = {**SIGNUP, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(reverse("account_signup"), data, HTTP_ACCEPT_LANGUAGE=lang)


def logged_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_signup_page_shows_every_field_and_the_consent_text_in_indonesian(client):
    page = client.get(reverse("account_signup")).content.decode()
    for name in ("name", "email", "password1", "password2", "phone", "institution", "occupation", "consent"):
        assert f'name="{name}"' in page
    assert "Undang-Undang Nomor 27 Tahun 2022" in page
    assert "Pelindungan Data Pribadi" in page


def test_signup_page_shows_the_consent_text_in_english_on_request(client):
    page = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Law No. 27 of 2022 on Personal Data Protection" in page


def test_register_then_verify_by_mailed_link_then_log_in(client, smtp_inbox):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_as(client) is None

    user = User.objects.get(email="rina@example.com")
    assert (user.name, user.phone, user.institution, user.occupation) == (
        "Rina Peneliti",
        "+6281234567890",
        "Universitas Sulawesi Barat",
        "Dosen",
    )
    consent = Consent.objects.get(user=user)
    assert consent.text_version == CONSENT_TEXT_VERSION
    assert consent.language == "id"
    assert "Undang-Undang Nomor 27 Tahun 2022" in consent.text
    assert consent.ip_address == "127.0.0.1"
    assert not EmailAddress.objects.get(user=user).verified

    mail = smtp_inbox.last_to("rina@example.com")
    assert "[PST BPS]" in mail["Subject"]
    link = link_in(mail, "/accounts/confirm-email/")
    page = client.get(link)
    assert page.status_code == 200
    assert "rina@example.com" in page.content.decode()
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    login = client.post(reverse("account_login"), {"login": "rina@example.com", "password": PASSWORD})
    assert login.status_code == 302
    assert logged_in_as(client) == str(user.pk)
    assert client.get(reverse("profile")).status_code == 200


def test_login_before_verifying_is_refused_with_a_clear_message(client, smtp_inbox):
    signup(client)
    first_mails = len(smtp_inbox.to("rina@example.com"))
    cache_clear_for_resend()

    response = client.post(
        reverse("account_login"), {"login": "rina@example.com", "password": PASSWORD}, follow=True
    )
    assert logged_in_as(client) is None
    page = response.content.decode()
    assert "belum diverifikasi" in page
    # The refused login sends a fresh link, so an expired one is no dead end.
    assert len(smtp_inbox.to("rina@example.com")) == first_mails + 1


def test_login_refusal_message_in_english(client, smtp_inbox):
    signup(client, lang="en")
    response = client.post(
        reverse("account_login"),
        {"login": "rina@example.com", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert logged_in_as(client) is None
    assert "your email address has not been verified" in response.content.decode()


def cache_clear_for_resend():
    # allauth sends at most one verification mail per address every few minutes.
    from django.core.cache import cache

    cache.clear()


def test_expired_verification_link_says_so_and_verifies_nothing(client, smtp_inbox):
    signup(client)
    link = link_in(smtp_inbox.last_to("rina@example.com"), "/accounts/confirm-email/")
    four_days_later = time.time() + 4 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=four_days_later):
        page_id = client.get(link).content.decode()
        page_en = client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        client.post(link)
    assert "kedaluwarsa" in page_id
    assert "expired" in page_en
    assert not EmailAddress.objects.get(email="rina@example.com").verified


def test_duplicate_email_is_refused_clearly_and_creates_nothing(client, smtp_inbox, public_user):
    before = (User.objects.count(), Consent.objects.count(), EmailAddress.objects.count())
    page_id = signup(client, email="WARGA@example.com").content.decode()
    page_en = signup(client, lang="en", email="warga@example.com").content.decode()
    assert "Alamat email ini sudah terdaftar" in page_id
    assert "This email address is already registered" in page_en
    assert (User.objects.count(), Consent.objects.count(), EmailAddress.objects.count()) == before
    assert smtp_inbox.messages == []


@pytest.mark.parametrize(
    ("changes", "message_id", "message_en"),
    [
        (
            {"phone": "nomor saya"},
            "Masukkan nomor WhatsApp 9 sampai 15 angka",
            "Enter a WhatsApp number of 9 to 15",
        ),
        ({"phone": ""}, "Masukkan nomor WhatsApp Anda", "Enter your WhatsApp number"),
        ({"consent": None}, "centang kotak persetujuan", "tick the consent box"),
        (
            {"password1": "12345678", "password2": "12345678"},
            "Kata sandi ini terlalu umum",
            "This password is too common",
        ),
        (
            {"password2": "Lain-sekali-2026"},
            "Anda harus mengetikkan kata sandi yang sama",
            "You must type the same password",
        ),
        ({"email": "rina-at-example"}, "alamat email yang valid", "Enter a valid email address"),
        ({"name": "   "}, "Masukkan nama lengkap Anda", "Enter your full name"),
    ],
)
def test_malformed_registration_is_refused_in_the_callers_language(
    client, smtp_inbox, changes, message_id, message_en
):
    page_id = signup(client, **changes)
    page_en = signup(client, lang="en", **changes)
    assert page_id.status_code == page_en.status_code == 200
    assert message_id in page_id.content.decode()
    assert message_en in page_en.content.decode()
    assert not User.objects.exists()
    assert not Consent.objects.exists()
    assert smtp_inbox.messages == []


def test_password_reset_by_mailed_link(client, smtp_inbox, public_user):
    response = client.post(reverse("account_reset_password"), {"email": "warga@example.com"})
    assert response.status_code == 302
    link = link_in(smtp_inbox.last_to("warga@example.com"), "/accounts/password/reset/key/")
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new_password = "Kopi-Ternate-Pagi-77"
    done = client.post(action, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    public_user.refresh_from_db()
    assert public_user.check_password(new_password)

    client.post(reverse("account_login"), {"login": "warga@example.com", "password": new_password})
    assert logged_in_as(client) == str(public_user.pk)
