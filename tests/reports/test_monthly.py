"""The monthly summary: over real SMTP to each unit's heads, once per unit and month."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from terpadu.reports.models import MonthlyReport
from tests.accounts.conftest import body_of, smtp_inbox  # noqa: F401 - the fixture
from tests.reports.conftest import at, served_ticket, survey_response

pytestmark = pytest.mark.django_db

MON = dt.date(2025, 3, 3)


@pytest.fixture
def march_a(unit_a, office_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        served_ticket(unit_a, office_a, day=MON, arrive=9, wait_min=3, serve_min=10)
        served_ticket(unit_a, office_a, day=MON, arrive=10, wait_min=7, serve_min=20)
        survey_response(unit_a, when=at(MON, 11), answers=[4] * 9)


def test_monthly_report_reaches_unit_and_province_heads_once(
    smtp_inbox,  # noqa: F811
    admin_a,
    province_admin_a,
    staff_b,
    march_a,
    capsys,
):
    call_command("send_monthly_reports", "--month", "2025-03")
    assert "Sent 3 monthly reports." in capsys.readouterr().out

    majene = smtp_inbox.last_to(admin_a.email)
    text = body_of(majene)
    assert "Maret 2025" in majene["Subject"]
    assert "BPS Kabupaten Majene" in majene["Subject"]
    lines = text.splitlines()
    # Indonesian numbers: tickets 2, waits 3 and 7 minutes average 5,0; 50,0 % within 5 minutes.
    assert any(line.startswith("- ") and line.endswith(": 5,0") for line in lines)
    assert any(line.startswith("- ") and line.endswith(": 50,0 %") for line in lines)
    assert "/laporan/7601/?from=2025-03-01&to=2025-03-31" in text
    html = majene.get_body(preferencelist=("html",)).get_content()
    assert "<table" in html

    # The province head gets the province's units side by side.
    province = body_of(smtp_inbox.last_to(province_admin_a.email))
    assert "BPS Kabupaten Majene:" in province
    assert "/laporan/7600/" in province
    # Unit B had nothing but still hears about its month; it never sees unit A's figures.
    other = body_of(smtp_inbox.last_to(staff_b.email))
    assert "Majene" not in other

    count = len(smtp_inbox.messages)
    call_command("send_monthly_reports", "--month", "2025-03")
    assert len(smtp_inbox.messages) == count
    assert MonthlyReport.objects.filter(sent_at__isnull=False).count() == 3


def test_a_failed_send_is_retried_on_the_next_run(settings, admin_a, march_a, smtp_inbox):  # noqa: F811
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    call_command("send_monthly_reports", "--month", "2025-03")
    assert not MonthlyReport.objects.exists()
    settings.EMAIL_PORT = port
    call_command("send_monthly_reports", "--month", "2025-03")
    assert len(smtp_inbox.to(admin_a.email)) == 1
    assert MonthlyReport.objects.get().sent_at is not None


def test_bad_month_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("send_monthly_reports", "--month", "March")
    assert not MonthlyReport.objects.exists()


def test_beat_task_sends_last_months_report(smtp_inbox, admin_a, march_a, monkeypatch):  # noqa: F811
    from django.utils import timezone

    from terpadu.reports import tasks

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 4, 1, 1, 0, tzinfo=dt.UTC))
    assert tasks.send_monthly_reports.delay().get() == 1
    assert "Maret 2025" in smtp_inbox.last_to(admin_a.email)["Subject"]
