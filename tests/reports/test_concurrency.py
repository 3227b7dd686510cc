"""Many writers and refreshes of one day at once: no refresh fails, and the day ends equal to raw.

Without the day's lock two refreshes would both delete and re-insert its figures, and the second
insert would break the one-row-per-figure constraint (or leave stale figures). Runs on SQLite
(IMMEDIATE transactions serialise writers) and on PostgreSQL (the RollupDay row lock).
"""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from terpadu.reports import rollups
from terpadu.reports.selectors import raw_figures_for, rollup_figures
from tests.reports.conftest import at, survey_response

pytestmark = pytest.mark.django_db(transaction=True)
DAY = dt.date(2025, 3, 3)


def test_concurrent_refreshes_of_one_day_while_responses_arrive(unit_a):
    def work(i):
        try:
            if i % 2:
                survey_response(unit_a, when=at(DAY, 9, i % 60), answers=[1 + i % 4] * 9)
            return rollups.refresh_day(unit=unit_a, day=DAY)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(work, range(40)))
    rollups.refresh_day(unit=unit_a, day=DAY)  # the last response may have landed after the last refresh

    rolled = rollup_figures([unit_a], DAY, DAY, "day")
    assert rolled.total("surveys.responses") == 20
    assert rolled.totals == raw_figures_for([unit_a], DAY, DAY, "day").totals
