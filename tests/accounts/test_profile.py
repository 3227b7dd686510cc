"""The profile page: edit, download my data (with other apps' shares), delete my account."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from rest_framework.authtoken.models import Token

from terpadu.accounts import personal_data, services
from terpadu.accounts.models import Consent, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def warga_client(client, public_user):
    client.force_login(public_user)
    return client


def test_profile_needs_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_profile_shows_and_saves_the_profile(warga_client, public_user):
    page = warga_client.get(reverse("profile")).content.decode()
    assert "warga@example.com" in page
    assert "Universitas Khairun" in page

    response = warga_client.post(
        reverse("profile"),
        {
            "name": "Siti Warga Ternate",
            "phone": "0813 9999 0000",
            "institution": "",
            "occupation": "Peneliti",
        },
        follow=True,
    )
    assert "Profil Anda telah disimpan." in response.content.decode()
    public_user.refresh_from_db()
    assert (public_user.name, public_user.phone, public_user.institution, public_user.occupation) == (
        "Siti Warga Ternate",
        "+6281399990000",
        "",
        "Peneliti",
    )


def test_profile_refuses_a_bad_phone_and_keeps_the_old_one(warga_client, public_user):
    response = warga_client.post(
        reverse("profile"),
        {"name": "Siti", "phone": "telepon saya", "institution": "", "occupation": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Enter a WhatsApp number of 9 to 15 digits" in response.content.decode()
    public_user.refresh_from_db()
    assert (public_user.name, public_user.phone) == ("Siti Warga", "081234567890")


def test_download_my_data_is_a_json_file_with_profile_consents_and_registered_shares(
    warga_client, public_user
):
    Consent.objects.create(user=public_user, text_version="2026.1", text="Saya setuju.", language="id")

    @personal_data.register_exporter("test_visits")
    def export_visits(user):
        return [{"unit": "7601", "visitor": user.email}]

    try:
        response = warga_client.get(reverse("profile-export"))
    finally:
        personal_data.unregister(export_visits)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["format"] == services.EXPORT_FORMAT
    assert data["profile"]["email"] == "warga@example.com"
    assert data["profile"]["institution"] == "Universitas Khairun"
    assert data["email_addresses"] == [{"email": "warga@example.com", "verified": True, "primary": True}]
    assert [(c["text_version"], c["text"], c["language"]) for c in data["consents"]] == [
        ("2026.1", "Saya setuju.", "id")
    ]
    assert data["test_visits"] == [{"unit": "7601", "visitor": "warga@example.com"}]


def test_registry_refuses_reserved_and_duplicate_keys():
    with pytest.raises(ValueError, match="reserved"):
        personal_data.register_exporter("profile")(lambda user: {})

    def first(user):
        return {}

    personal_data.register_exporter("test_dup")(first)
    try:
        with pytest.raises(ValueError, match="already registered"):
            personal_data.register_exporter("test_dup")(lambda user: {})
    finally:
        personal_data.unregister(first)


def test_delete_account_with_wrong_password_changes_nothing(warga_client, public_user):
    response = warga_client.post(reverse("profile-delete"), {"password": "bukan-ini"})
    assert response.status_code == 200
    assert "Kata sandi tidak benar." in response.content.decode()
    assert User.objects.filter(pk=public_user.pk).exists()


def test_delete_account_removes_the_person_and_their_data_and_logs_out(warga_client, public_user):
    Consent.objects.create(user=public_user, text_version="2026.1", text="Saya setuju.", language="id")
    Token.objects.create(user=public_user)
    erased = []

    @personal_data.register_eraser
    def erase_visits(user):
        erased.append(user.email)

    try:
        assert warga_client.get(reverse("profile-delete")).status_code == 200
        response = warga_client.post(reverse("profile-delete"), {"password": "Rahasia-123!"}, follow=True)
    finally:
        personal_data.unregister(erase_visits)
    assert "Akun dan data pribadi Anda telah dihapus." in response.content.decode()
    assert erased == ["warga@example.com"]
    assert not User.objects.filter(email="warga@example.com").exists()
    assert not Consent.objects.exists()
    assert not EmailAddress.objects.filter(email="warga@example.com").exists()
    assert not Token.objects.exists()
    assert "_auth_user_id" not in warga_client.session
    login = warga_client.post(
        reverse("account_login"), {"login": "warga@example.com", "password": "Rahasia-123!"}
    )
    assert login.status_code == 200
    assert "_auth_user_id" not in warga_client.session


def test_staff_cannot_delete_their_own_account_here(client, frontliner_a):
    client.force_login(frontliner_a)
    response = client.post(reverse("profile-delete"), {"password": "Rahasia-123!"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "ask an administrator" in response.content.decode()
    assert User.objects.filter(pk=frontliner_a.pk).exists()
