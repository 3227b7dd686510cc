import pytest
from django.core.mail import send_mail


@pytest.mark.django_db
def test_dev_mailbox_shows_mail_written_to_var(client, settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    send_mail("Verifikasi email", "Klik https://pst.example/verify/abc", None, ["warga@example.com"])
    send_mail("Kedua", "Isi kedua", None, ["warga@example.com"])
    page = client.get("/dev/mail/").content.decode()
    assert "Verifikasi email" in page
    assert 'href="https://pst.example/verify/abc"' in page
    assert page.index("Kedua") < page.index("Verifikasi email")


@pytest.mark.django_db
def test_dev_mailbox_is_absent_outside_development(client, settings):
    settings.DEBUG = False
    assert client.get("/dev/mail/").status_code == 404
