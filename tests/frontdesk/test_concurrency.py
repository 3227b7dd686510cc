"""Many kiosks and counters at once: no duplicate number, no ticket called twice, no locker twice.

These run on SQLite (IMMEDIATE transactions serialise writers) and on PostgreSQL (row locks,
SKIP LOCKED); the SKIP LOCKED behaviour itself is PostgreSQL-only.
"""

import threading
from collections import Counter as Tally
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection, transaction

from terpadu.frontdesk import services
from terpadu.frontdesk.models import LockerDeposit, Ticket, TicketEvent
from tests.frontdesk.conftest import make_visit

pytestmark = pytest.mark.django_db(transaction=True)
postgres_only = pytest.mark.skipif(
    not settings.IS_POSTGRES, reason="SKIP LOCKED is PostgreSQL's; SQLite serialises writers instead"
)


def in_threads(workers, fn, *args_list):
    def run(args):
        try:
            return fn(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, args_list))


def test_concurrent_kiosks_never_duplicate_or_skip_a_number(unit_a, office_a):
    def issue(i):
        return services.ticket_issue(unit=unit_a, service="library" if i % 2 else "consultation").number

    numbers = in_threads(8, issue, *[(i,) for i in range(120)])
    assert len(set(numbers)) == 120
    assert sorted(n for n in numbers if n.startswith("A")) == [f"A{i:03d}" for i in range(1, 61)]
    assert sorted(n for n in numbers if n.startswith("B")) == [f"B{i:03d}" for i in range(1, 61)]


def test_concurrent_counters_never_call_a_ticket_twice(unit_a, office_a):
    from terpadu.frontdesk.models import Counter

    for _ in range(60):
        services.ticket_issue(unit=unit_a, service="consultation")
    counters = [office_a["counter2"]]
    for n in range(3, 8):
        counter = Counter.objects.create(unit=unit_a, number=n, name=f"Loket {n}")
        counter.services.set([office_a["consultation"]])
        counters.append(counter)

    def drain(counter):
        called = []
        while (ticket := services.ticket_call_next(counter=counter)) is not None:
            called.append(ticket.pk)
            services.ticket_finish(ticket=ticket)
        return called

    results = in_threads(6, drain, *[(c,) for c in counters])
    every = [pk for result in results for pk in result]
    assert len(every) == 60
    assert len(set(every)) == 60
    assert Ticket.objects.filter(status="finished").count() == 60
    calls = Tally(TicketEvent.objects.filter(kind="called").values_list("ticket_id", flat=True))
    assert set(calls.values()) == {1}


def test_concurrent_deposits_never_share_a_locker(unit_a, office_a):
    visits = [make_visit(unit_a, email=f"v{i}@example.com") for i in range(8)]

    def deposit(visit):
        try:
            return services.locker_deposit(
                unit=unit_a, visit=visit, id_type="sim", id_number=f"1234567890{visit.pk:02d}"
            ).locker.number
        except services.InvalidTransition:
            return None

    lockers = in_threads(8, deposit, *[(v,) for v in visits])
    given = [n for n in lockers if n]
    assert sorted(given) == ["1", "2", "3"]
    assert LockerDeposit.objects.filter(returned_at__isnull=True).count() == 3


@postgres_only
def test_call_next_skips_a_ticket_another_counter_has_locked(unit_a, office_a):
    first = services.ticket_issue(unit=unit_a, service="consultation")
    second = services.ticket_issue(unit=unit_a, service="consultation")
    locked = threading.Event()
    release = threading.Event()

    def hold_first():
        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(5)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first)
    holder.start()
    assert locked.wait(5)
    try:
        called = services.ticket_call_next(counter=office_a["counter2"])
        assert called.pk == second.pk  # did not wait for the lock, took the next one
    finally:
        release.set()
        holder.join()
