"""Consultation fixtures: each unit's published consultation standard (3 working days online)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from terpadu.consultation import services
from terpadu.units.models import CompletionTime, Mode, ServiceKind, ServiceStandard

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")


def publish_consultation_standard(unit, *, working_days=3):
    standard = ServiceStandard.objects.create(
        unit=unit,
        service=ServiceKind.CONSULTATION,
        title=f"Konsultasi {unit.code}",
        effective_from=dt.date(2024, 1, 1),
        status=ServiceStandard.Status.PUBLISHED,
        completion_time_summary="10 Menit",
    )
    CompletionTime.objects.create(
        standard=standard,
        mode=Mode.WALK_IN,
        amount=10,
        unit=CompletionTime.TimeUnit.MINUTES,
        clock_start=CompletionTime.ClockStart.PREVIOUS_TICKET_FINISHED,
        wording="maksimal 10 (sepuluh) menit",
    )
    CompletionTime.objects.create(
        standard=standard,
        mode=Mode.ONLINE,
        amount=working_days,
        unit=CompletionTime.TimeUnit.WORKING_DAYS,
        clock_start=CompletionTime.ClockStart.REQUEST_CLEAR_AND_COMPLETE,
        wording=f"maksimal {working_days} hari kerja setelah permintaan jelas dan persyaratan lengkap",
    )
    return standard


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.CONSULTATION_PRIVATE_ROOT = tmp_path / "consultation-private"


@pytest.fixture
def standard_a(unit_a):
    return publish_consultation_standard(unit_a)


@pytest.fixture
def standard_b(unit_b):
    return publish_consultation_standard(unit_b)


def local(zone, *args):
    return dt.datetime(*args, tzinfo=zone)


def open_consultation(
    unit, user, *, now=None, topic="Data kemiskinan", description="Saya butuh data kemiskinan."
):
    return services.consultation_open(user=user, unit=unit, topic=topic, description=description, now=now)


@pytest.fixture
def consultation_a(unit_a, standard_a, public_user):
    return open_consultation(unit_a, public_user, now=local(WITA, 2026, 3, 16, 9, 0))
