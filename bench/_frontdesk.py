"""Shared set-up of the front-office benchmarks: PostgreSQL + Redis, a bench unit, its counters."""

from __future__ import annotations

import os
import sys

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/terpadu_bench"
BENCH_REDIS_URL = "redis://127.0.0.1:6379/6"
BENCH_UNIT = "9971"


def configure() -> str | None:
    """Point Django at the bench PostgreSQL and Redis; returns a reason to skip, or None."""
    os.environ.setdefault("DATABASE_URL", BENCH_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", BENCH_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terpadu.config.settings")
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return "needs PostgreSQL (DATABASE_URL=postgres://...)"
    try:
        import psycopg

        dbname = url.rsplit("/", 1)[1].split("?")[0]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{dbname}"')
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return f"PostgreSQL not reachable ({exc.__class__.__name__})"
    try:
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis not reachable ({exc.__class__.__name__})"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return None


def bench_office(counters: int = 6):
    """A clean bench unit: two queued services, `counters` counters serving both, a published clock."""
    import datetime as dt

    from terpadu.frontdesk.models import Counter, DailySequence, QueueService, Ticket, TicketEvent, Visit
    from terpadu.units.models import CompletionTime, Mode, ServiceStandard, Unit

    unit, _ = Unit.objects.get_or_create(
        code=BENCH_UNIT,
        defaults={
            "kind": Unit.Kind.NATIONAL,
            "name": "BPS Bench",
            "time_zone": "Asia/Jayapura",
            "path": "9971/",
        },
    )
    TicketEvent.objects.filter(ticket__unit=unit).delete()
    Ticket.objects.filter(unit=unit).delete()
    Visit.objects.filter(unit=unit).delete()
    DailySequence.objects.filter(service__unit=unit).delete()
    library, _ = QueueService.objects.get_or_create(
        unit=unit, kind="library", defaults={"name": "Perpustakaan", "prefix": "A"}
    )
    consultation, _ = QueueService.objects.get_or_create(
        unit=unit, kind="consultation", defaults={"name": "Konsultasi", "prefix": "B"}
    )
    Counter.objects.filter(unit=unit).delete()
    desks = []
    for n in range(1, counters + 1):
        desk = Counter.objects.create(unit=unit, number=n, name=f"Loket {n}")
        desk.services.set([library, consultation])
        desks.append(desk)
    for kind, minutes, start in (
        ("library", 5, CompletionTime.ClockStart.GUEST_BOOK_ENTRY),
        ("consultation", 10, CompletionTime.ClockStart.PREVIOUS_TICKET_FINISHED),
    ):
        if not ServiceStandard.objects.filter(unit=unit, service=kind, status="published").exists():
            standard = ServiceStandard.objects.create(
                unit=unit, service=kind, title=kind, effective_from=dt.date(2024, 1, 1), status="published"
            )
            CompletionTime.objects.create(
                standard=standard,
                mode=Mode.WALK_IN,
                amount=minutes,
                unit="minutes",
                clock_start=start,
                wording="-",
            )
    return unit, desks


def skip(name: str, reason: str) -> None:
    print(f"{name}: skipped: {reason}", file=sys.stderr)
    print(f"{name}: skipped ({reason})")
