"""Queue throughput on PostgreSQL: 8 kiosk threads issue, 6 counter threads call → start → finish.

Prints full ticket cycles per second (goal ≥ 200 on a 2-core machine) and, as a check,
duplicate numbers, lost tickets and tickets called twice (all must be 0). The baseline is the
same thread layout doing the same rows with plain ORM writes (no locks, events or broadcasts),
so the ratio shows what the queue's guarantees cost. A third pass runs the queue with the upper
apps' receivers disconnected (reports' post_save day marks, feedback's ticket_finished survey
invitation), so their share of the time shows; every pass counts its SQL statements per cycle.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter as Tally

from bench._frontdesk import bench_office, configure, skip

TICKETS = 1600  # 800 per service: under the 999-a-day limit of a 3-digit number
KIOSKS = 8
COUNTERS = 6


class _Statements:
    """Counts the SQL statements of every thread (connection.execute_wrapper is per connection)."""

    def __init__(self) -> None:
        self.n = 0
        self._lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        with self._lock:
            self.n += 1
        return execute(sql, params, many, context)


@contextlib.contextmanager
def _without_upper_receivers():
    """Disconnect the reports and feedback receivers of the queue's rows and signals, then restore."""
    from django.apps import apps
    from django.db.models.signals import post_save

    from terpadu.feedback import receivers as feedback
    from terpadu.frontdesk import signals
    from terpadu.reports import receivers as reports

    connections = [(signals.ticket_finished, feedback.on_ticket_finished, None, "feedback.ticket_finished")]
    for label in ("frontdesk.Ticket", "frontdesk.TicketEvent"):
        model = apps.get_model(label)
        connections.append((post_save, reports._changed, model, f"reports-{model._meta.label_lower}-save"))
    for signal, _receiver, sender, uid in connections:
        signal.disconnect(sender=sender, dispatch_uid=uid)
    try:
        yield
    finally:
        for signal, receiver, sender, uid in connections:
            signal.connect(receiver, sender=sender, dispatch_uid=uid)


def _run(issue, call_next, start, finish, statements=None) -> tuple[float, list[str]]:
    from django.db import connection

    def counted(func):
        def wrapped(*args):
            if statements is None:
                return func(*args)
            with connection.execute_wrapper(statements):
                return func(*args)

        return wrapped

    issue, call_next, start, finish = map(counted, (issue, call_next, start, finish))

    numbers: list[str] = []
    lock = threading.Lock()
    issued_all = threading.Event()
    per_kiosk = TICKETS // KIOSKS

    def kiosk(k: int) -> None:
        try:
            for i in range(per_kiosk):
                number = issue("library" if (i + k) % 2 else "consultation")
                with lock:
                    numbers.append(number)
        finally:
            connection.close()

    finished = Tally()

    def desk(index: int) -> None:
        try:
            while True:
                ticket = call_next(index)
                if ticket is None:
                    if issued_all.is_set():
                        ticket = call_next(index)
                        if ticket is None:
                            return
                    else:
                        time.sleep(0.002)
                        continue
                start(ticket)
                finish(ticket)
                with lock:
                    finished[index] += 1
        finally:
            connection.close()

    kiosks = [threading.Thread(target=kiosk, args=(k,)) for k in range(KIOSKS)]
    desks = [threading.Thread(target=desk, args=(d,)) for d in range(COUNTERS)]
    began = time.perf_counter()
    for thread in kiosks + desks:
        thread.start()
    for thread in kiosks:
        thread.join()
    issued_all.set()
    for thread in desks:
        thread.join()
    elapsed = time.perf_counter() - began
    return elapsed, numbers


def main() -> None:
    reason = configure()
    if reason:
        skip("bench.queue", reason)
        return
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from terpadu.frontdesk import services
    from terpadu.frontdesk.models import Ticket, TicketEvent

    # Baseline: the same rows written plainly, without locking, numbering rows, events or broadcasts.
    unit, desks = bench_office(COUNTERS)
    svc = {s.kind: s for s in unit.queue_services.all()}
    seq = Tally()
    seq_lock = threading.Lock()

    def plain_issue(kind):
        with seq_lock:
            seq[kind] += 1
            n = seq[kind]
        now = timezone.now()
        ticket = Ticket.objects.create(
            unit=unit, service=svc[kind], numbering_service=svc[kind], local_day=now.date(), sequence=n,
            number=f"{svc[kind].prefix}{n:03d}", issued_at=now,
        )  # fmt: skip
        return ticket.number

    def plain_call(index):
        ticket = Ticket.objects.filter(unit=unit, status="waiting").order_by("id").first()
        if ticket is None:
            return None
        if not Ticket.objects.filter(pk=ticket.pk, status="waiting").update(
            status="called", counter=desks[index]
        ):
            return plain_call(index)
        return ticket

    def plain_set(status):
        return lambda t: Ticket.objects.filter(pk=t.pk).update(status=status, finished_at=timezone.now())

    base_elapsed, _ = _run(plain_issue, plain_call, plain_set("serving"), plain_set("finished"))
    base_rate = TICKETS / base_elapsed

    def queue_pass(statements: _Statements) -> tuple[float, list[str]]:
        unit, desks = bench_office(COUNTERS)
        return unit, *_run(
            lambda kind: services.ticket_issue(unit=unit, service=kind).number,
            lambda index: services.ticket_call_next(counter=desks[index]),
            lambda ticket: services.ticket_start(ticket=ticket),
            lambda ticket: services.ticket_finish(ticket=ticket),
            statements,
        )

    bare_statements = _Statements()
    with _without_upper_receivers():
        _unit, bare_elapsed, _ = queue_pass(bare_statements)
    bare_rate = TICKETS / bare_elapsed

    statements = _Statements()
    unit, elapsed, numbers = queue_pass(statements)
    rate = TICKETS / elapsed
    duplicates = len(numbers) - len(set(numbers))
    db_duplicates = (
        Ticket.objects.filter(unit=unit).values("numbering_service", "local_day", "sequence")
        .annotate(n=Count("id")).filter(n__gt=1).count()
    )  # fmt: skip
    lost = TICKETS - Ticket.objects.filter(unit=unit, status="finished").count()
    double_called = (
        TicketEvent.objects.filter(ticket__unit=unit, kind="called").values("ticket")
        .annotate(n=Count("id")).filter(n__gt=1).count()
    )  # fmt: skip
    connection.close()
    print(
        f"bench.queue: {TICKETS} tickets, {KIOSKS} kiosk + {COUNTERS} counter threads on PostgreSQL: "
        f"{rate:.0f} cycles/s ({elapsed:.2f} s); baseline plain writes {base_rate:.0f} cycles/s; "
        f"ratio {rate / base_rate:.2f}x; {statements.n / TICKETS:.1f} SQL statements per cycle"
    )
    print(
        f"bench.queue: without the reports/feedback receivers: {bare_rate:.0f} cycles/s "
        f"({bare_statements.n / TICKETS:.1f} statements per cycle); the receivers cost "
        f"{1 - rate / bare_rate:.0%} of the throughput"
    )
    print(
        f"bench.queue: duplicates={duplicates + db_duplicates} lost={lost} double_called={double_called} "
        f"(goal >= 200 cycles/s: {'met' if rate >= 200 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
