"""Front-office fixtures: each unit's queue services, counters, lockers and published standards."""

import datetime as dt

import pytest

from terpadu.frontdesk import services
from terpadu.frontdesk.models import Counter, Locker, QueueService
from terpadu.units.models import CompletionTime, Mode, ServiceKind, ServiceStandard

NIK_WOMAN = "7601014501900001"  # Majene, born 5 January 1990, female (45 = 5 + 40)


def publish_walk_in_standard(unit, service, minutes, clock_start):
    standard = ServiceStandard.objects.create(
        unit=unit,
        service=service,
        title=f"{service} {unit.code}",
        effective_from=dt.date(2024, 1, 1),
        status=ServiceStandard.Status.PUBLISHED,
        completion_time_summary=f"{minutes} Menit",
    )
    CompletionTime.objects.create(
        standard=standard,
        mode=Mode.WALK_IN,
        amount=minutes,
        unit=CompletionTime.TimeUnit.MINUTES,
        clock_start=clock_start,
        wording=f"Pengguna layanan akan dilayani maksimal {minutes} menit",
    )
    return standard


def set_up_front_office(unit, *, lockers=3):
    library = QueueService.objects.create(
        unit=unit, kind=ServiceKind.LIBRARY, name="Perpustakaan", prefix="A"
    )
    consultation = QueueService.objects.create(
        unit=unit, kind=ServiceKind.CONSULTATION, name="Konsultasi", prefix="B", order=1
    )
    counter1 = Counter.objects.create(unit=unit, number=1, name="Loket 1")
    counter1.services.set([library, consultation])
    counter2 = Counter.objects.create(unit=unit, number=2, name="Loket 2")
    counter2.services.set([consultation])
    for n in range(1, lockers + 1):
        Locker.objects.create(unit=unit, number=str(n))
    publish_walk_in_standard(unit, ServiceKind.LIBRARY, 5, CompletionTime.ClockStart.GUEST_BOOK_ENTRY)
    publish_walk_in_standard(
        unit, ServiceKind.CONSULTATION, 10, CompletionTime.ClockStart.PREVIOUS_TICKET_FINISHED
    )
    return {"library": library, "consultation": consultation, "counter1": counter1, "counter2": counter2}


@pytest.fixture
def office_a(unit_a):
    return set_up_front_office(unit_a)


@pytest.fixture
def office_b(unit_b):
    return set_up_front_office(unit_b)


def visit_data(**overrides):
    data = {
        "name": "Siti Aminah",
        "id_type": "ktp",
        "id_number": NIK_WOMAN,
        "email": "siti@example.com",
        "phone": "081234567890",
        "institution": "Universitas Sulawesi Barat",
        "institution_kind": "university",
        "purpose": "Data kemiskinan",
        "services": ["library"],
        "consent": True,
    }
    data.update(overrides)
    return data


def make_visit(unit, **overrides):
    now = overrides.pop("now", None)
    return services.visit_create(unit=unit, now=now, **visit_data(**overrides))


@pytest.fixture
def visit_a(unit_a, office_a):
    return make_visit(unit_a)
