import io

from terpadu.frontdesk import demo
from terpadu.frontdesk.models import Counter, Locker, Ticket, Visit
from terpadu.units.models import CompletionTime
from tests.frontdesk.conftest import publish_walk_in_standard


def test_demo_load_is_idempotent_and_measures_the_past_days(unit_a):
    publish_walk_in_standard(unit_a, "library", 5, CompletionTime.ClockStart.GUEST_BOOK_ENTRY)
    publish_walk_in_standard(unit_a, "consultation", 10, CompletionTime.ClockStart.PREVIOUS_TICKET_FINISHED)
    demo.load(io.StringIO())

    def tally():
        return Counter.objects.count(), Locker.objects.count(), Visit.objects.count(), Ticket.objects.count()

    counts = tally()
    assert counts[0] == 3
    assert counts[2] > 0
    assert Ticket.objects.filter(status="finished", met_standard__isnull=False).count() == counts[3]
    assert not Visit.objects.filter(checked_out_at__isnull=True).exists()
    demo.load(io.StringIO())
    assert (
        Counter.objects.count(),
        Locker.objects.count(),
        Visit.objects.count(),
        Ticket.objects.count(),
    ) == counts
