"""Daily rollups: refreshed after each commit that changes a raw row, equal to the raw figures."""

import datetime as dt

import pytest
from django.core.management import call_command

from terpadu.library.models import PrintCopy
from terpadu.reports import rollups
from terpadu.reports.models import DailyFigure, RollupDay
from terpadu.reports.selectors import raw_figures_for, rollup_figures
from tests.reports.conftest import (
    at,
    consultation,
    deflection,
    library_use,
    retrieval,
    served_ticket,
    survey_response,
)

pytestmark = pytest.mark.django_db

MON = dt.date(2025, 3, 3)
TUE = dt.date(2025, 3, 4)
APRIL = dt.date(2025, 4, 1)
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def assert_rollups_equal_raw(units):
    for group in ("day", "week", "month"):
        rolled = rollup_figures(units, *YEAR, group=group)
        raw = raw_figures_for(units, *YEAR, group=group)
        assert rolled.totals == raw.totals
        assert rolled.periods == raw.periods
        assert rolled.units == raw.units


def test_rollups_follow_new_events_and_equal_raw(
    unit_a, office_a, django_capture_on_commit_callbacks, librarian_a
):
    with django_capture_on_commit_callbacks(execute=True):
        served_ticket(unit_a, office_a, day=MON, arrive=9, wait_min=3, serve_min=10)
        served_ticket(unit_a, office_a, day=MON, arrive=10, wait_min=7, serve_min=20)
        survey_response(unit_a, when=at(MON, 11), answers=[4, 4, 3, 4, 4, 4, 4, 3, 4], staff_rating=5)

    figures = rollup_figures([unit_a], *YEAR)
    assert figures.total("visits.visits") == 2
    assert figures.total("visits.visits", "institution_kind", "university") == 2
    assert figures.total("tickets.tickets") == 2
    assert figures.total("tickets.wait_us") == 10 * 60 * 10**6
    assert figures.total("tickets.service_us") == 30 * 60 * 10**6
    # Library standard: 5 minutes from the guest-book entry; 3 min met it, 7 min did not.
    assert figures.total("tickets.measured", "standard", "5") == 2
    assert figures.total("tickets.met", "standard", "5") == 1
    assert figures.total("surveys.responses") == 1
    assert figures.total("surveys.u3_sum") == 3
    assert_rollups_equal_raw([unit_a])

    # New events arrive the next day and in April: the rollups follow, and still equal raw.
    with django_capture_on_commit_callbacks(execute=True):
        served_ticket(unit_a, office_a, day=TUE, arrive=9, wait_min=2, serve_min=5)
        survey_response(unit_a, when=at(APRIL, 9), answers=[2, 2, 2, 2, 2, 2, 2, 2, 2])
        consultation(unit_a, opened=at(TUE, 8), reply_after_hours=5, standard_met=True, channel="whatsapp")
        consultation(unit_a, opened=at(TUE, 9), close_reason="no_response", standard_met=False)
        publication = library_use(unit_a, when=at(TUE, 10), reads=3, downloads=1, reading_room=2)
        copy = PrintCopy.objects.create(
            publication=publication, unit=unit_a, barcode="7601-9", location="storage"
        )
        retrieval(unit_a, publication, copy, when=at(TUE, 10), fetch_min=4)
        deflection(unit_a, when=at(TUE, 12))

    figures = rollup_figures([unit_a], *YEAR, group="month")
    assert figures.total("tickets.tickets") == 3
    assert figures.in_period(dt.date(2025, 4, 1), "surveys.responses") == 1
    assert figures.in_period(dt.date(2025, 3, 1), "surveys.responses") == 1
    assert figures.total("consultations.consultations") == 2
    assert figures.total("consultations.consultations", "channel", "whatsapp") == 1
    # The internal note is not a response; the public reply came 5 hours later.
    assert figures.total("consultations.first_response_us") == 5 * 3600 * 10**6
    assert figures.total("consultations.auto_closed") == 1
    assert figures.total("usage.reads") == 3
    assert figures.total("usage.reads", "publication", str(publication.pk)) == 3
    assert figures.total("reading.reading_room") == 2
    assert figures.total("retrievals.fetch_us") == 4 * 60 * 10**6
    assert figures.total("deflections.deflections") == 1
    assert_rollups_equal_raw([unit_a])


def test_a_change_in_a_rolled_back_transaction_marks_nothing(
    unit_a, office_a, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                served_ticket(unit_a, office_a, day=MON, arrive=9, wait_min=3, serve_min=10)
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not RollupDay.objects.exists()
    assert not DailyFigure.objects.exists()


def test_day_is_the_units_local_day(unit_a, unit_b, office_a, django_capture_on_commit_callbacks):
    # 23:30 WITA on Monday is Tuesday 00:30 WIT: each unit counts it on its own calendar.
    with django_capture_on_commit_callbacks(execute=True):
        survey_response(unit_a, when=at(MON, 23, 30), answers=[3] * 9)
        survey_response(unit_b, when=at(MON, 23, 30), answers=[3] * 9)
    assert DailyFigure.objects.get(unit=unit_a, metric="surveys.responses", dimension="all").day == MON
    assert DailyFigure.objects.get(unit=unit_b, metric="surveys.responses", dimension="all").day == TUE


def test_refresh_is_idempotent_and_catch_up_recomputes_stale_days(unit_a, office_a, settings):
    # No commit callbacks run here: the days stay marked-but-missing, as after a lost task.
    served_ticket(unit_a, office_a, day=MON, arrive=9, wait_min=3, serve_min=10)
    assert not DailyFigure.objects.exists()
    rollups.mark_days([(unit_a.pk, MON)], enqueue=False)
    assert rollups.stale_days() == [(unit_a.pk, MON)]
    assert rollups.catch_up() == 1
    assert rollups.stale_days() == []
    first = set(DailyFigure.objects.values_list("metric", "dimension", "key", "value"))
    rollups.refresh_day(unit=unit_a, day=MON)
    assert set(DailyFigure.objects.values_list("metric", "dimension", "key", "value")) == first
    assert_rollups_equal_raw([unit_a])


def test_rebuild_rollups_command(unit_a, unit_b, office_a, office_b, capsys):
    served_ticket(unit_a, office_a, day=MON, arrive=9, wait_min=3, serve_min=10)
    served_ticket(unit_b, office_b, day=TUE, arrive=9, wait_min=6, serve_min=10)
    call_command("rebuild_rollups", "--unit", "7601", "--from", "2025-03-01", "--to", "2025-03-31")
    assert "31 days" in capsys.readouterr().out
    assert set(DailyFigure.objects.values_list("unit__code", flat=True)) == {"7601"}
    call_command("rebuild_rollups", "--from", "2025-03-01", "--to", "2025-03-31")
    assert_rollups_equal_raw([unit_a, unit_b])


def test_rebuild_rollups_refuses_bad_input(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rebuild_rollups", "--from", "March")
    with pytest.raises(CommandError, match="No unit"):
        call_command("rebuild_rollups", "--unit", "9999", "--from", "2025-03-01", "--to", "2025-03-02")
    assert not DailyFigure.objects.exists()


def test_demo_load_recomputes_the_demo_period(unit_a, office_a):
    import io

    from django.utils import timezone

    from terpadu.reports import demo

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    served_ticket(unit_a, office_a, day=yesterday, arrive=9, wait_min=3, serve_min=10)
    assert not DailyFigure.objects.exists()  # no commit hook ran, as for back-dated demo rows
    out = io.StringIO()
    demo.load(out)
    assert "unit-days recomputed" in out.getvalue()
    figures = rollup_figures([unit_a], yesterday, yesterday)
    assert figures.total("tickets.tickets") == 1
    assert figures.total("visits.visits") == 1


def test_a_burst_of_changes_to_one_day_is_recomputed_once(unit_a, office_a):
    served_ticket(unit_a, office_a, day=MON, arrive=9, wait_min=3, serve_min=10)
    key = (unit_a.pk, MON)
    rollups.mark_days([key], enqueue=False)
    assert rollups.refresh_days([key]) > 0
    # Tasks queued by the same burst find the day covered by the refresh that began after it.
    assert rollups.refresh_days([key]) == 0
    served_ticket(unit_a, office_a, day=MON, arrive=10, wait_min=7, serve_min=20)
    rollups.mark_days([key], enqueue=False)
    assert rollups.refresh_days([key]) > 0
    assert rollup_figures([unit_a], MON, MON).total("tickets.tickets") == 2
