"""Numbering, call order, transitions and the 5- and 10-minute clocks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from terpadu.frontdesk import services
from terpadu.frontdesk.models import Ticket, TicketEvent
from terpadu.frontdesk.services import InvalidTransition
from tests.frontdesk.conftest import make_visit, set_up_front_office

UTC = dt.UTC


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


def test_numbers_are_prefixed_and_sequential(unit_a, office_a):
    first = services.ticket_issue(unit=unit_a, service="library")
    second = services.ticket_issue(unit=unit_a, service="library")
    other = services.ticket_issue(unit=unit_a, service="consultation")
    assert [first.number, second.number, other.number] == ["A001", "A002", "B001"]
    assert first.events.get().kind == TicketEvent.Kind.ISSUED


def test_daily_reset_follows_the_units_zone(unit_b, national):
    """A WIT unit starts a new day two hours before a WIB one."""
    set_up_front_office(unit_b)
    set_up_front_office(national)

    def issue(unit, moment):
        return services.ticket_issue(unit=unit, service="library", now=moment)

    # 14:00 UTC: 23:00 WIT and 21:00 WIB, both 1 May.
    assert issue(unit_b, at(2024, 5, 1, 14, 0)).number == "A001"
    assert issue(national, at(2024, 5, 1, 14, 0)).number == "A001"
    # 15:30 UTC: 00:30 WIT on 2 May (new day), 22:30 WIB still 1 May.
    wit = issue(unit_b, at(2024, 5, 1, 15, 30))
    wib = issue(national, at(2024, 5, 1, 15, 30))
    assert (wit.number, wit.local_day) == ("A001", dt.date(2024, 5, 2))
    assert (wib.number, wib.local_day) == ("A002", dt.date(2024, 5, 1))
    # 17:30 UTC: 00:30 WIB on 2 May: now Jakarta resets too.
    assert issue(national, at(2024, 5, 1, 17, 30)).number == "A001"
    assert issue(unit_b, at(2024, 5, 1, 17, 30)).number == "A002"


def test_call_next_orders_appointments_first_then_oldest(unit_a, office_a):
    counter = office_a["counter1"]
    t1 = services.ticket_issue(unit=unit_a, service="library", now=at(2024, 5, 1, 1, 0))
    t2 = services.ticket_issue(unit=unit_a, service="consultation", now=at(2024, 5, 1, 1, 1))
    appt = services.ticket_issue(
        unit=unit_a, service="library", is_appointment=True, now=at(2024, 5, 1, 1, 2)
    )
    called = [services.ticket_call_next(counter=counter, now=at(2024, 5, 1, 1, 5)) for _ in range(3)]
    assert [t.pk for t in called] == [appt.pk, t1.pk, t2.pk]
    assert services.ticket_call_next(counter=counter) is None


def test_counter_only_calls_its_services(unit_a, office_a):
    services.ticket_issue(unit=unit_a, service="library")
    assert services.ticket_call_next(counter=office_a["counter2"]) is None


def test_full_cycle_records_events(unit_a, office_a, frontliner_a):
    ticket = services.ticket_issue(unit=unit_a, service="library")
    counter = office_a["counter1"]
    services.ticket_call_next(counter=counter, actor=frontliner_a)
    services.ticket_recall(ticket=ticket, actor=frontliner_a)
    services.ticket_start(ticket=ticket, actor=frontliner_a)
    services.ticket_finish(ticket=ticket, actor=frontliner_a)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.FINISHED
    kinds = list(ticket.events.values_list("kind", "counter__name", "actor__email"))
    assert [k for k, *_ in kinds] == ["issued", "called", "recalled", "started", "finished"]
    assert kinds[1][1:] == ("Loket 1", "front.a@bps.go.id")


def test_recall_limit_then_no_show(unit_a, office_a, settings):
    settings.FRONTDESK_MAX_RECALLS = 2
    ticket = services.ticket_issue(unit=unit_a, service="library")
    services.ticket_call_next(counter=office_a["counter1"])
    services.ticket_recall(ticket=ticket)
    services.ticket_recall(ticket=ticket)
    with pytest.raises(InvalidTransition, match="no-show"):
        services.ticket_recall(ticket=ticket)
    services.ticket_no_show(ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NO_SHOW


def test_finished_ticket_called_again_is_refused_and_unchanged(unit_a, office_a):
    ticket = services.ticket_issue(unit=unit_a, service="library")
    services.ticket_call_next(counter=office_a["counter1"])
    services.ticket_finish(ticket=ticket)
    before = ticket.events.count()
    for action in (
        services.ticket_recall,
        services.ticket_start,
        services.ticket_finish,
        services.ticket_cancel,
    ):
        with pytest.raises(InvalidTransition, match="A001"):
            action(ticket=ticket)
    with pytest.raises(InvalidTransition, match="not waiting"):
        services.ticket_call(ticket=ticket, counter=office_a["counter1"], reason="priority")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.FINISHED
    assert ticket.events.count() == before


def test_call_specific_ticket_needs_a_reason(unit_a, office_a):
    services.ticket_issue(unit=unit_a, service="library")
    second = services.ticket_issue(unit=unit_a, service="library")
    with pytest.raises(ValidationError, match="why"):
        services.ticket_call(ticket=second, counter=office_a["counter1"], reason=" ")
    called = services.ticket_call(ticket=second, counter=office_a["counter1"], reason="elderly visitor")
    assert called.status == Ticket.Status.CALLED
    assert called.events.last().note == "elderly visitor"


def test_transfer_keeps_number_and_issue_time(unit_a, office_a):
    ticket = services.ticket_issue(unit=unit_a, service="library", now=at(2024, 5, 1, 1, 0))
    services.ticket_issue(unit=unit_a, service="consultation", now=at(2024, 5, 1, 1, 3))
    services.ticket_call_next(counter=office_a["counter1"], now=at(2024, 5, 1, 1, 4))
    services.ticket_transfer(ticket=ticket, service="consultation", counter=office_a["counter2"])
    ticket.refresh_from_db()
    assert (ticket.number, ticket.service.kind, ticket.status) == ("A001", "consultation", "waiting")
    assert ticket.issued_at == at(2024, 5, 1, 1, 0)
    # Its original issue time puts it ahead of B001 at the counter it was sent to.
    assert services.ticket_call_next(counter=office_a["counter2"]).pk == ticket.pk
    # A new library ticket still gets the next library number.
    assert services.ticket_issue(unit=unit_a, service="library", now=at(2024, 5, 1, 1, 9)).number == "A002"


def test_unknown_service_is_refused(unit_a, office_a):
    with pytest.raises(ValidationError, match="Unknown service"):
        services.ticket_issue(unit=unit_a, service="karaoke")
    assert not Ticket.objects.exists()


def test_visit_of_another_unit_is_refused(unit_a, office_a, unit_b, office_b):
    visit_b = make_visit(unit_b)
    with pytest.raises(ValidationError, match="guest book"):
        services.ticket_issue(unit=unit_a, service="library", visit=visit_b)
    assert not Ticket.objects.exists()


# --- the clocks -------------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "met"), [(299, True), (300, True), (301, False)])
def test_library_clock_runs_from_guest_book_entry(unit_a, office_a, seconds, met):
    entry = at(2024, 5, 1, 1, 0, 0)
    visit = make_visit(unit_a, now=entry)
    services.ticket_issue(unit=unit_a, service="library", visit=visit, now=entry + dt.timedelta(seconds=40))
    ticket = services.ticket_call_next(
        counter=office_a["counter1"], now=entry + dt.timedelta(seconds=seconds)
    )
    assert ticket.clock_started_at == entry
    assert ticket.standard_minutes == 5
    assert ticket.wait_seconds == seconds
    assert ticket.met_standard is met


def test_library_clock_edges_4_59_met_5_01_missed(unit_a, office_a):
    entry = at(2024, 5, 1, 1, 0, 0)
    visit1 = make_visit(unit_a, now=entry)
    visit2 = make_visit(unit_a, now=entry, email="b@example.com")
    t1 = services.ticket_issue(unit=unit_a, service="library", visit=visit1, now=entry)
    t2 = services.ticket_issue(unit=unit_a, service="library", visit=visit2, now=entry)
    services.ticket_call_next(counter=office_a["counter1"], now=entry + dt.timedelta(minutes=4, seconds=59))
    services.ticket_finish(ticket=t1, now=entry + dt.timedelta(minutes=5))
    services.ticket_call_next(counter=office_a["counter1"], now=entry + dt.timedelta(minutes=5, seconds=1))
    services.ticket_finish(ticket=t2, now=entry + dt.timedelta(minutes=9))
    t1.refresh_from_db()
    t2.refresh_from_db()
    assert (t1.status, t1.met_standard) == ("finished", True)
    assert (t2.status, t2.met_standard) == ("finished", False)


def test_clock_minutes_come_from_the_published_standard(unit_a, office_a):
    from terpadu.units.models import CompletionTime

    CompletionTime.objects.filter(standard__unit=unit_a, standard__service="library").update(amount=3)
    entry = at(2024, 5, 1, 1, 0, 0)
    visit = make_visit(unit_a, now=entry)
    services.ticket_issue(unit=unit_a, service="library", visit=visit, now=entry)
    ticket = services.ticket_call_next(counter=office_a["counter1"], now=entry + dt.timedelta(minutes=4))
    assert (ticket.standard_minutes, ticket.met_standard) == (3, False)


def test_no_published_standard_means_not_measured(unit_a, office_a):
    from terpadu.units.models import ServiceStandard

    ServiceStandard.objects.filter(unit=unit_a, service="library").update(status="draft")
    services.ticket_issue(unit=unit_a, service="library")
    ticket = services.ticket_call_next(counter=office_a["counter1"])
    assert (ticket.standard_minutes, ticket.met_standard) == (None, None)


@pytest.mark.parametrize(("seconds", "met"), [(599, True), (601, False)])
def test_consultation_clock_runs_from_previous_ticket_finished(unit_a, office_a, seconds, met):
    counter = office_a["counter2"]
    t0 = at(2024, 5, 1, 1, 0, 0)
    first = services.ticket_issue(unit=unit_a, service="consultation", now=t0)
    waiting = services.ticket_issue(unit=unit_a, service="consultation", now=t0 + dt.timedelta(minutes=1))
    services.ticket_call_next(counter=counter, now=t0 + dt.timedelta(minutes=2))
    finished = t0 + dt.timedelta(minutes=30)
    services.ticket_finish(ticket=first, now=finished)
    called = services.ticket_call_next(counter=counter, now=finished + dt.timedelta(seconds=seconds))
    assert called.pk == waiting.pk
    assert called.clock_started_at == finished
    assert called.met_standard is met


def test_consultation_clock_starts_at_issue_when_the_counter_was_idle(unit_a, office_a):
    counter = office_a["counter2"]
    t0 = at(2024, 5, 1, 1, 0, 0)
    first = services.ticket_issue(unit=unit_a, service="consultation", now=t0)
    services.ticket_call_next(counter=counter, now=t0)
    services.ticket_finish(ticket=first, now=t0 + dt.timedelta(minutes=5))
    late = services.ticket_issue(unit=unit_a, service="consultation", now=t0 + dt.timedelta(minutes=40))
    called = services.ticket_call_next(counter=counter, now=t0 + dt.timedelta(minutes=48))
    assert called.pk == late.pk
    assert called.clock_started_at == late.issued_at
    assert (called.wait_seconds, called.met_standard) == (480, True)


def test_first_ticket_of_the_day_clock_starts_at_issue(unit_a, office_a):
    t0 = at(2024, 5, 1, 0, 30, 0)
    services.ticket_issue(unit=unit_a, service="consultation", now=t0)
    called = services.ticket_call_next(counter=office_a["counter2"], now=t0 + dt.timedelta(minutes=11))
    assert called.clock_started_at == t0
    assert called.met_standard is False


def test_a_standard_edited_between_calls_applies_to_the_next_call(unit_a, office_a):
    from terpadu.units.models import CompletionTime

    entry = at(2024, 5, 1, 1, 0, 0)
    for _ in range(2):
        services.ticket_issue(unit=unit_a, service="library", visit=make_visit(unit_a, now=entry), now=entry)
    first = services.ticket_call_next(counter=office_a["counter1"], now=entry + dt.timedelta(minutes=4))
    assert (first.standard_minutes, first.met_standard) == (5, True)
    row = CompletionTime.objects.get(standard__unit=unit_a, standard__service="library")
    row.amount = 3
    row.save()
    second = services.ticket_call_next(counter=office_a["counter1"], now=entry + dt.timedelta(minutes=4))
    assert (second.standard_minutes, second.met_standard) == (3, False)


def test_a_deactivated_service_issues_no_more_tickets_even_right_after_one_was_issued(unit_a, office_a):
    from terpadu.frontdesk.models import QueueService

    services.ticket_issue(unit=unit_a, service="library")
    QueueService.objects.filter(pk=office_a["library"].pk).update(active=False)  # no save signal
    with pytest.raises(ValidationError):
        services.ticket_issue(unit=unit_a, service="library")
    assert Ticket.objects.filter(unit=unit_a).count() == 1


def test_finishing_through_an_old_copy_reads_the_ticket_as_it_is_now(unit_a, office_a):
    ticket = services.ticket_issue(unit=unit_a, service="consultation")
    called = services.ticket_call_next(counter=office_a["counter2"])
    services.ticket_transfer(ticket=called, counter=office_a["counter1"])
    again = services.ticket_call_next(counter=office_a["counter1"])
    finished = services.ticket_finish(ticket=ticket)  # the copy from the kiosk, before any call
    assert (finished.status, finished.counter_id) == ("finished", again.counter_id)
    assert finished.events.filter(kind="finished").get().counter_id == office_a["counter1"].pk
    with pytest.raises(InvalidTransition):
        services.ticket_finish(ticket=called)
