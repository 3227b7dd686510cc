"""Front-office demo data for `terpadu demo`: counters, lockers, queue services, past visits.

Idempotent: services, counters and lockers are keyed by (unit, kind/number); the past days'
visits and tickets are only made for a unit that has no visit yet. They go through the real
services, with past times, so the clocks and the reports have something to show.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from terpadu.frontdesk import services
from terpadu.frontdesk.models import Counter, Locker, QueueService, Visit
from terpadu.units.models import ServiceKind, ServiceStandard, Unit

NAMES = [
    "Andi Baso", "Nurhayati", "Muh. Arsyad", "Sitti Rahmah", "Fadli Anwar", "Rini Lestari", "Yusuf Hamzah",
    "Dewi Kartika", "Ahmad Fauzi", "Wahyuni", "Ilham Saputra", "Ratna Sari",
]  # fmt: skip
INSTITUTIONS = [
    ("Universitas Sulawesi Barat", "university"), ("Bappeda", "government"), ("SMA Negeri 1", "student"),
    ("CV Maju Jaya", "private"), ("", "public"),
]  # fmt: skip
PURPOSES = ["Data kemiskinan", "Publikasi Daerah Dalam Angka", "Data inflasi", "Tugas akhir", "Data penduduk"]


def _demo_nik(unit: Unit, rng: random.Random) -> str:
    region = (unit.kemendagri_code or "7601").replace(".", "")[:4].ljust(4, "1")
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    return f"{region}01{day:02d}{rng.randint(1, 12):02d}{rng.randint(70, 99):02d}{rng.randint(1, 9999):04d}"


def _office(unit: Unit) -> tuple[list[QueueService], list[Counter]]:
    library, _ = QueueService.objects.get_or_create(
        unit=unit, kind=ServiceKind.LIBRARY, defaults={"name": "Perpustakaan", "prefix": "A", "order": 0}
    )
    consultation, _ = QueueService.objects.get_or_create(
        unit=unit,
        kind=ServiceKind.CONSULTATION,
        defaults={"name": "Konsultasi Statistik", "prefix": "B", "order": 1},
    )
    other, _ = QueueService.objects.get_or_create(
        unit=unit, kind="other", defaults={"name": "Layanan PST lainnya", "prefix": "C", "order": 2}
    )
    counters = []
    for number, served in ((1, [library, other]), (2, [consultation]), (3, [library, consultation, other])):
        counter, created = Counter.objects.get_or_create(
            unit=unit, number=number, defaults={"name": f"Loket {number}"}
        )
        if created:
            counter.services.set(served)
        counters.append(counter)
    if unit.lockers_enabled:
        for number in range(1, 13):
            Locker.objects.get_or_create(
                unit=unit, number=str(number), defaults={"size": "large" if number > 10 else "medium"}
            )
    return [library, consultation, other], counters


def _past_days(unit: Unit, counters: list[Counter], rng: random.Random) -> int:
    visits = 0
    today = timezone.now().astimezone(unit.zone).date()
    for back in range(5, 0, -1):
        day = today - dt.timedelta(days=back)
        if day.weekday() >= 5:
            continue
        moment = dt.datetime.combine(day, dt.time(8, 15), tzinfo=unit.zone)
        for _ in range(rng.randint(3, 6)):
            moment += dt.timedelta(minutes=rng.randint(5, 40))
            institution, kind = rng.choice(INSTITUTIONS)
            wanted = rng.choice([["library"], ["consultation"], ["library", "consultation"]])
            visit = services.visit_create(
                unit=unit, name=rng.choice(NAMES), id_type="ktp", id_number=_demo_nik(unit, rng),
                email=f"tamu{rng.randint(1, 999)}@example.com", phone=f"08{rng.randint(10**9, 10**10 - 1)}",
                institution=institution, institution_kind=kind, purpose=rng.choice(PURPOSES), services=wanted,
                consent=True, source=Visit.Source.KIOSK, now=moment,
            )  # fmt: skip
            visits += 1
            at = moment
            for kind_wanted in wanted:
                at += dt.timedelta(seconds=30)
                ticket = services.ticket_issue(unit=unit, service=kind_wanted, visit=visit, now=at)
                counter = counters[1] if kind_wanted == "consultation" else counters[0]
                at += dt.timedelta(minutes=rng.randint(1, 8))
                services.ticket_call(ticket=ticket, counter=counter, reason="demo", now=at)
                services.ticket_start(ticket=ticket, now=at + dt.timedelta(minutes=1))
                at += dt.timedelta(minutes=rng.randint(5, 25))
                services.ticket_finish(ticket=ticket, now=at)
            services.visit_checkout(visit=visit, now=at + dt.timedelta(minutes=5))
            moment = at
    return visits


def load(stdout) -> None:
    units = Unit.objects.filter(
        is_active=True,
        standards__status=ServiceStandard.Status.PUBLISHED,
        standards__service__in=[ServiceKind.LIBRARY, ServiceKind.CONSULTATION],
    ).distinct()
    made = 0
    for unit in units:
        _services, counters = _office(unit)
        if not Visit.objects.filter(unit=unit).exists():
            made += _past_days(unit, counters, random.Random(unit.code))  # noqa: S311 - demo data
    stdout.write(
        f"Front office: counters, lockers and queue services for {units.count()} units; "
        f"{made} past visits created."
    )
