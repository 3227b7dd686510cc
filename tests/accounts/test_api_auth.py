"""The auth API: register (same rules and mail as the website), token only once verified, /me."""

import pytest
from allauth.account.models import EmailAddress
from rest_framework.authtoken.models import Token

from terpadu.accounts.models import Consent, User

from .conftest import link_in

pytestmark = pytest.mark.django_db

PASSWORD = "Statistik-Ternate-2026"
REGISTER = {
    "email": "budi@example.com",
    "password": PASSWORD,
    "name": "Budi Santoso",
    "phone": "+62 811 4321 987",
    "consent": True,
    "institution": "Bappeda Maluku Utara",
}


def register(api_client, lang="id", **changes):
    data = {key: value for key, value in {**REGISTER, **changes}.items() if value is not None}
    return api_client.post("/api/v1/auth/register/", data, format="json", HTTP_ACCEPT_LANGUAGE=lang)


def token(api_client, email="budi@example.com", password=PASSWORD, lang="id"):
    return api_client.post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        HTTP_ACCEPT_LANGUAGE=lang,
    )


def test_register_then_verify_then_token_authenticates_me(
    api_client, client, smtp_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(api_client)
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "budi@example.com"
    user = User.objects.get(email="budi@example.com")
    assert user.phone == "+628114321987"
    assert Consent.objects.filter(user=user, language="id").exists()
    assert not EmailAddress.objects.get(user=user).verified

    refused = token(api_client)
    assert refused.status_code == 400
    assert "belum diverifikasi" in refused.json()["detail"]
    assert not Token.objects.filter(user=user).exists()
    refused_en = token(api_client, lang="en")
    assert "has not been verified" in refused_en.json()["detail"]

    link = link_in(smtp_inbox.last_to("budi@example.com"), "/accounts/confirm-email/")
    assert client.post(link).status_code == 302

    granted = token(api_client, email="BUDI@example.com")
    assert granted.status_code == 200
    key = granted.json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = api_client.get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert me.json() == {
        "email": "budi@example.com",
        "email_verified": True,
        "name": "Budi Santoso",
        "phone": "+628114321987",
        "institution": "Bappeda Maluku Utara",
        "occupation": "",
        "date_joined": me.json()["date_joined"],
    }


def test_wrong_password_gets_a_clear_message_and_no_token(api_client, public_user):
    response = token(api_client, email="warga@example.com", password="salah-sekali")
    assert response.status_code == 400
    assert response.json() == {"detail": "Alamat email atau kata sandi tidak benar."}
    en = token(api_client, email="warga@example.com", password="salah-sekali", lang="en")
    assert en.json() == {"detail": "The email address or password is not correct."}
    assert not Token.objects.exists()


def test_me_without_token_is_refused(api_client):
    assert api_client.get("/api/v1/auth/me/").status_code == 401


def test_duplicate_email_is_refused_in_the_callers_language(api_client, public_user, smtp_inbox):
    id_response = register(api_client, email="Warga@Example.com")
    en_response = register(api_client, lang="en", email="warga@example.com")
    assert id_response.status_code == en_response.status_code == 400
    assert id_response.json()["email"] == [
        "Alamat email ini sudah terdaftar. Silakan masuk, atau atur ulang kata sandi jika Anda lupa."
    ]
    assert "already registered" in en_response.json()["email"][0]
    assert User.objects.count() == 1
    assert smtp_inbox.messages == []


@pytest.mark.parametrize(
    ("changes", "field", "message_id", "message_en"),
    [
        (
            {"phone": "12ab"},
            "phone",
            "Masukkan nomor WhatsApp 9 sampai 15 angka",
            "Enter a WhatsApp number of 9 to 15",
        ),
        ({"consent": None}, "consent", "centang kotak persetujuan", "tick the consent box"),
        ({"consent": False}, "consent", "centang kotak persetujuan", "tick the consent box"),
        ({"password": "budi"}, "password", "Kata sandi terlalu pendek", "This password is too short"),
        ({"email": "budi@"}, "email", "alamat email yang valid", "Enter a valid email address"),
        ({"name": ""}, "name", "Bidang ini tidak boleh kosong", "This field may not be blank"),
    ],
)
def test_malformed_registration_gets_field_errors_and_stores_nothing(
    api_client, smtp_inbox, changes, field, message_id, message_en
):
    id_response = register(api_client, **changes)
    en_response = register(api_client, lang="en", **changes)
    assert id_response.status_code == en_response.status_code == 400
    assert message_id in " ".join(id_response.json()[field])
    assert message_en in " ".join(en_response.json()[field])
    assert not User.objects.exists()
    assert not Consent.objects.exists()
    assert smtp_inbox.messages == []


def test_registration_is_throttled(api_client, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "register": "2/hour"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        statuses = [register(api_client, phone="x").status_code for _ in range(3)]
        assert statuses == [400, 400, 429]
        assert "detail" in register(api_client, lang="en", phone="x").json()
    finally:
        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_profile_update_and_export_through_the_api(api_client, public_user):
    from tests.conftest import api_as

    client = api_as(public_user)
    bad = client.patch("/api/v1/auth/me/", {"phone": "telepon"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert "WhatsApp number" in bad.json()["phone"][0]
    ok = client.patch("/api/v1/auth/me/", {"occupation": "Mahasiswa"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["occupation"] == "Mahasiswa"
    export = client.get("/api/v1/auth/me/export/")
    assert export.json()["profile"]["occupation"] == "Mahasiswa"


def test_account_deletion_through_the_api_needs_the_password(api_client, public_user):
    from tests.conftest import api_as

    client = api_as(public_user)
    wrong = client.post("/api/v1/auth/me/delete/", {"password": "bukan"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["password"] == ["Kata sandi tidak benar."]
    assert User.objects.filter(pk=public_user.pk).exists()
    assert (
        client.post("/api/v1/auth/me/delete/", {"password": "Rahasia-123!"}, format="json").status_code == 204
    )
    assert not User.objects.filter(pk=public_user.pk).exists()


def test_schema_documents_the_auth_endpoints(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/auth/me/"):
        assert path in schema["paths"]
    register_body = schema["components"]["schemas"]["RegisterRequest"]
    assert {"email", "password", "name", "phone", "consent"} <= set(register_body["required"])
