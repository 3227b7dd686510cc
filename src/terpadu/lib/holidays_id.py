"""Indonesian national holidays and cuti bersama from the `holidays` package; pure Python.

The package's `government` category carries the joint leave days (cuti bersama) of the yearly
SKB of three ministers, which civil servants, and so every BPS office, take off. Far-future
Islamic dates are astronomical estimates and a decree may still move a day: admins correct
any difference with a CalendarOverride rather than a code change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import holidays

__all__ = ["HOLIDAY_CATEGORIES", "indonesian_holidays"]

HOLIDAY_CATEGORIES = ("public", "government")


@lru_cache(maxsize=64)
def _holidays_of_year(year: int, language: str) -> tuple[tuple[date, str], ...]:
    # Cached per year: the package recomputes lunar calendars on every call, and years are few.
    found = holidays.country_holidays("ID", years=year, categories=HOLIDAY_CATEGORIES, language=language)
    return tuple(sorted(found.items()))


def indonesian_holidays(years: int | Iterable[int], *, language: str = "id") -> dict[date, str]:
    """Date → name of every national holiday and cuti bersama day in `years`.

    Names are in Bahasa Indonesia by default (what a visitor reads); pass language="en_US"
    for English. A day carrying two holidays has both names joined by "; ".
    """
    wanted = {years} if isinstance(years, int) else set(years)
    result: dict[date, str] = {}
    for year in sorted(wanted):
        result.update(_holidays_of_year(year, language))
    return result
