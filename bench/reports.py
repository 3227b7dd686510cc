"""Province dashboard from the daily rollups against the same figures from the raw tables.

Generates (once, then reuses) a province with 6 regencies over one year: 1,000,000 guest-book
visits, 750,000 queue tickets with 3,000,000 ticket events and 200,000 survey responses (with
their invitations), bulk inserted; BENCH_SCALE=0.05 for a twentieth. Builds the rollups day by
day through the same `refresh_day` the incremental path uses, then times, in the same run, the
province dashboard's queries (`rollup_figures` and the whole report built from them) against
`raw_figures_for` over the raw tables, prints both times and the ratio, and checks that the
rollups equal the raw computation exactly. Goal: dashboard < 1 s.

Needs PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/terpadu_bench_reports);
skipped with a message otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/terpadu_bench_reports"
PROVINCE = "9800"
REGENCIES = [f"98{n:02d}" for n in range(1, 7)]
ZONE = "Asia/Makassar"
YEAR = 2024
INSTITUTION_KINDS = ["government", "university", "private", "student", "public", "other"]
SERVICES = ["library", "consultation"]


def configure() -> str | None:
    os.environ.setdefault("DATABASE_URL", BENCH_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terpadu.config.settings")
    os.environ.pop("REDIS_URL", None)  # no broker needed: nothing is enqueued here
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return "needs PostgreSQL (DATABASE_URL=postgres://...)"
    try:
        import psycopg

        dbname = url.rsplit("/", 1)[1].split("?")[0]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
                conn.execute(f'CREATE DATABASE "{dbname}"')
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return f"PostgreSQL not reachable ({exc.__class__.__name__})"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return None


def _units():
    from terpadu.units.models import Unit

    national, _ = Unit.objects.get_or_create(
        code="0000", defaults={"kind": "national", "name": "BPS RI", "time_zone": "Asia/Jakarta"}
    )
    province, _ = Unit.objects.get_or_create(
        code=PROVINCE,
        defaults={"kind": "province", "parent": national, "name": "BPS Provinsi Bench", "time_zone": ZONE},
    )
    units = [province]
    for n, code in enumerate(REGENCIES, start=1):
        unit, _ = Unit.objects.get_or_create(
            code=code,
            defaults={
                "kind": "regency",
                "parent": province,
                "name": f"BPS Kabupaten Bench {n}",
                "time_zone": ZONE,
            },
        )
        units.append(unit)
    return units


def _clear(units) -> None:
    from terpadu.feedback.models import SurveyInvitation, SurveyResponse
    from terpadu.frontdesk.models import Counter, DailySequence, QueueService, Ticket, TicketEvent, Visit
    from terpadu.reports.models import DailyFigure, RollupDay

    ids = [u.pk for u in units]
    # Raw deletes: no cascade collection over millions of rows (the bench owns these units).
    for qs in (
        TicketEvent.objects.filter(ticket__unit_id__in=ids),
        Ticket.objects.filter(unit_id__in=ids),
        SurveyResponse.objects.filter(unit_id__in=ids),
        SurveyInvitation.objects.filter(unit_id__in=ids),
        Visit.objects.filter(unit_id__in=ids),
        DailyFigure.objects.filter(unit_id__in=ids),
        RollupDay.objects.filter(unit_id__in=ids),
        DailySequence.objects.filter(service__unit_id__in=ids),
    ):
        qs._raw_delete(qs.db)
    Counter.objects.filter(unit_id__in=ids).delete()
    QueueService.objects.filter(unit_id__in=ids).delete()


def _generate(units, scale: float) -> None:
    from zoneinfo import ZoneInfo

    from terpadu.feedback.models import SurveyInvitation, SurveyResponse
    from terpadu.frontdesk.models import Counter, QueueService, Ticket, TicketEvent, Visit

    rng = random.Random(2024)
    zone = ZoneInfo(ZONE)
    n_visits = int(1_000_000 * scale)
    n_tickets = int(750_000 * scale)  # 4 events each: 3,000,000 events at scale 1
    n_responses = int(200_000 * scale)
    days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=d) for d in range(366 if YEAR % 4 == 0 else 365)]
    services, counters = {}, {}
    for unit in units:
        for prefix, kind in zip("AB", SERVICES, strict=True):
            services[(unit.pk, kind)] = QueueService.objects.create(
                unit=unit, kind=kind, name=kind, prefix=prefix
            )
        counters[unit.pk] = []
        for number in (1, 2):
            counter = Counter.objects.create(unit=unit, number=number, name=f"Loket {number}")
            counter.services.set([services[(unit.pk, k)] for k in SERVICES])
            counters[unit.pk].append(counter)

    def moment(day: dt.date) -> dt.datetime:
        seconds = rng.randrange(8 * 3600, 15 * 3600)
        return dt.datetime.combine(day, dt.time(), tzinfo=zone) + dt.timedelta(seconds=seconds)

    started = time.monotonic()
    consent = dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC)
    visit_rows = []
    for i in range(n_visits):
        unit = units[i % len(units)]
        wanted = [SERVICES[i % 2]] if i % 5 else SERVICES
        visit_rows.append(
            Visit(
                unit=unit,
                created_at=moment(rng.choice(days)),
                name=f"Pengunjung {i}",
                id_type="ktp",
                institution_kind=INSTITUTION_KINDS[i % len(INSTITUTION_KINDS)],
                services=wanted,
                group_size=1 + (i % 7 == 0),
                consent_at=consent,
                consent_version="1",
            )
        )
        if len(visit_rows) == 20_000:
            Visit.objects.bulk_create(visit_rows, batch_size=5000)
            visit_rows = []
    Visit.objects.bulk_create(visit_rows, batch_size=5000)
    print(f"  {n_visits:,} visits in {time.monotonic() - started:.0f}s")

    started = time.monotonic()
    visits = (
        Visit.objects.filter(unit__in=units)
        .order_by("id")
        .values_list("id", "unit_id", "created_at", "services")
    )
    sequences: dict = {}
    tickets, events = [], []
    created_tickets = 0
    for visit_id, unit_id, created, wanted in visits.iterator(chunk_size=20_000):
        if created_tickets >= n_tickets:
            break
        created_tickets += 1
        kind = wanted[0]
        service = services[(unit_id, kind)]
        local_day = created.astimezone(zone).date()
        key = (service.pk, local_day)
        sequences[key] = sequences.get(key, 0) + 1
        issued = created + dt.timedelta(seconds=rng.randrange(0, 120))
        wait = dt.timedelta(seconds=rng.randrange(30, 15 * 60))
        called = issued + wait
        begun = called + dt.timedelta(seconds=rng.randrange(10, 60))
        finished = begun + dt.timedelta(seconds=rng.randrange(120, 1800))
        standard = 5 if kind == "library" else 10
        counter = counters[unit_id][created_tickets % 2]
        tickets.append(
            Ticket(
                unit_id=unit_id,
                service=service,
                numbering_service=service,
                local_day=local_day,
                sequence=sequences[key],
                number=f"{service.prefix}{sequences[key]:03d}",
                public_code=f"b{created_tickets:014d}",
                visit_id=visit_id,
                status="finished",
                counter=counter,
                issued_at=issued,
                first_called_at=called,
                called_at=called,
                started_at=begun,
                finished_at=finished,
                clock_started_at=issued,
                standard_minutes=standard,
                wait_seconds=int(wait.total_seconds()),
                met_standard=wait <= dt.timedelta(minutes=standard),
            )
        )
        if len(tickets) == 10_000:
            _flush_tickets(tickets, events, Ticket, TicketEvent)
            tickets = []
    _flush_tickets(tickets, events, Ticket, TicketEvent)
    print(
        f"  {created_tickets:,} tickets, "
        f"{TicketEvent.objects.filter(ticket__unit__in=units).count():,} events "
        f"in {time.monotonic() - started:.0f}s"
    )

    started = time.monotonic()
    invitations = []
    answers = []
    for i in range(n_responses):
        unit = units[i % len(units)]
        when = moment(rng.choice(days))
        invitations.append(
            SurveyInvitation(
                token_hash=f"bench{i:059d}",
                nonce="bench",
                unit=unit,
                service=SERVICES[i % 2],
                channel="kiosk",
                source_kind="ticket",
                source_id=10**12 + i,
                created_at=when,
                expires_at=when + dt.timedelta(days=7),
                used_at=when,
            )
        )
        answers.append([rng.choice((2, 3, 3, 4, 4, 4)) for _ in range(9)] + [rng.choice((None, 3, 4, 5))])
        if len(invitations) == 10_000:
            _flush_responses(invitations, answers, SurveyInvitation, SurveyResponse)
            invitations, answers = [], []
    _flush_responses(invitations, answers, SurveyInvitation, SurveyResponse)
    print(f"  {n_responses:,} survey responses in {time.monotonic() - started:.0f}s")


def _flush_tickets(tickets, events, Ticket, TicketEvent) -> None:
    if not tickets:
        return
    Ticket.objects.bulk_create(tickets, batch_size=5000)
    for ticket in tickets:
        for kind, at in (
            ("issued", ticket.issued_at),
            ("called", ticket.first_called_at),
            ("started", ticket.started_at),
            ("finished", ticket.finished_at),
        ):
            events.append(
                TicketEvent(
                    ticket_id=ticket.pk,
                    kind=kind,
                    at=at,
                    counter_id=None if kind == "issued" else ticket.counter_id,
                )
            )
    TicketEvent.objects.bulk_create(events, batch_size=10_000)
    events.clear()


def _flush_responses(invitations, answers, SurveyInvitation, SurveyResponse) -> None:
    if not invitations:
        return
    SurveyInvitation.objects.bulk_create(invitations, batch_size=5000)
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                invitation_id=inv.pk,
                unit_id=inv.unit_id,
                service=inv.service,
                channel=inv.channel,
                source_kind=inv.source_kind,
                submitted_at=inv.created_at,
                staff_rating=values[9],
                **{f"u{n}": values[n - 1] for n in range(1, 10)},
            )
            for inv, values in zip(invitations, answers, strict=True)
        ],
        batch_size=5000,
    )


def _timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def run(scale: float) -> None:
    from django.db import connection

    from terpadu.feedback.models import SurveyResponse
    from terpadu.frontdesk.models import TicketEvent, Visit
    from terpadu.reports import rollups, selectors
    from terpadu.reports.models import DailyFigure
    from terpadu.reports.report import build_report

    units = _units()
    n_visits = int(1_000_000 * scale)
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    if Visit.objects.filter(unit__in=units).count() != n_visits:
        print(f"  generating scale {scale:g} (once; reused by later runs)")
        _clear(units)
        _generate(units, scale)
        with connection.cursor() as cursor:
            for table in (
                "frontdesk_visit",
                "frontdesk_ticket",
                "frontdesk_ticketevent",
                "feedback_surveyresponse",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    began = time.monotonic()
    days = rollups.rebuild(units=units, start=start, end=end)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_dailyfigure")
    print(f"  rollups: {days:,} unit-days recomputed in {time.monotonic() - began:.1f}s (rebuild_rollups)")
    one_day = dt.date(YEAR, 3, 5)
    day_time, _rows = _timed(lambda: rollups.refresh_day(unit=units[1], day=one_day), repeat=5)
    print(f"  one unit-day refreshed (the cost of each change, after its commit): {day_time * 1000:.1f} ms")
    print(
        f"  data: {Visit.objects.filter(unit__in=units).count():,} visits, "
        f"{TicketEvent.objects.filter(ticket__unit__in=units).count():,} ticket events, "
        f"{SurveyResponse.objects.filter(unit__in=units).count():,} survey responses, "
        f"{DailyFigure.objects.filter(unit__in=units).count():,} rollup rows"
    )

    province = units[0]
    tree = selectors.subtree(province)

    def dashboard():
        figures = selectors.rollup_figures(tree, start, end, "month")
        return build_report(unit=province, units=tree, start=start, end=end, group="month", figures=figures)

    ok = True
    for label, group, first, last in (
        ("year by month", "month", start, end),
        ("year by week", "week", start, end),
        ("one month by day", "day", dt.date(YEAR, 3, 1), dt.date(YEAR, 3, 31)),
    ):
        rolled_time, rolled = _timed(lambda g=group, a=first, b=last: selectors.rollup_figures(tree, a, b, g))
        raw_time, raw = _timed(
            lambda g=group, a=first, b=last: selectors.raw_figures_for(tree, a, b, g), repeat=1
        )
        equal = rolled.totals == raw.totals and rolled.periods == raw.periods and rolled.units == raw.units
        ok &= equal
        print(
            f"  province dashboard, {label}: rollups {rolled_time * 1000:8.1f} ms   raw tables "
            f"{raw_time * 1000:8.1f} ms   ratio {raw_time / max(rolled_time, 1e-6):6.1f}×   "
            f"rollup == raw: {'yes' if equal else 'NO'}"
        )
    page_time, _report = _timed(dashboard)
    print(
        "  whole province dashboard (figures + tables, year by month): "
        f"{page_time * 1000:.1f} ms (goal < 1000 ms)"
    )
    if not ok:
        print("  MISMATCH between rollups and raw figures")
        sys.exit(1)


def _child() -> None:
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    reason = configure()
    if reason:
        print(f"  skipped: {reason}")
        return
    run(scale)


def main() -> None:
    # A process of its own: `python -m bench` may already have set Django up for another bench.
    subprocess.run([sys.executable, "-m", "bench.reports", "--child"], check=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        _child()
    else:
        main()
