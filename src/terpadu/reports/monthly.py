"""The monthly summary mailed to each unit's heads (its unit admins): the unit's own figures for a
regency, the whole subtree for a province or the nation, sent once per unit and month."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from terpadu.reports import selectors
from terpadu.reports.models import MonthlyReport
from terpadu.reports.report import build_report
from terpadu.units.models import StaffRole, Unit

log = logging.getLogger(__name__)
# A run that died between claiming a unit's month and sending leaves an unsent claim: retried after this.
STALE_CLAIM = dt.timedelta(hours=1)


def parse_month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date().replace(day=1)  # noqa: DTZ007 - a calendar month
    except ValueError as exc:
        raise ValueError(_("Give the month as YYYY-MM, e.g. 2025-03.")) from exc


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def recipients_for(unit: Unit) -> list[str]:
    return sorted(
        set(
            StaffRole.objects.filter(
                unit=unit, role=StaffRole.Role.UNIT_ADMIN, active=True, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def render_summary(unit: Unit, month: dt.date) -> tuple[str, str, str]:
    """(subject, text, html) of the unit's summary for `month`, in the users' language (Indonesian)."""
    units = selectors.subtree(unit)
    end = month_end(month)
    data = selectors.rollup_figures(units, month, end, "month")
    report = build_report(unit=unit, units=units, start=month, end=end, group="month", figures=data)
    side_by_side = next((s.tables[0] for s in report.sections if s.slug == "units"), None)
    query = urlencode({"from": month.isoformat(), "to": end.isoformat(), "group": "day"})
    context = {
        "unit": unit,
        "report": report,
        "month_label": formats.date_format(month, "F Y"),
        "dashboard_url": f"{settings.SITE_URL}{reverse('reports:dashboard', args=[unit.code])}?{query}",
        "side_by_side": side_by_side,
        "side_by_side_lines": [
            f"{label.text}: "
            + "; ".join(
                f"{column} {cell.text}" for column, cell in zip(side_by_side.columns, cells, strict=True)
            )
            for label, cells in (side_by_side.rows if side_by_side else [])
        ],
        "site_url": settings.SITE_URL,
    }
    subject = _("Monthly service report %(month)s: %(unit)s") % {
        "month": context["month_label"],
        "unit": unit.name,
    }
    text = render_to_string("reports/email/monthly.txt", context)
    html = render_to_string("reports/email/monthly.html", context)
    return subject, text, html


def send_monthly_report(
    *, unit: Unit, month: dt.date, now: dt.datetime | None = None
) -> MonthlyReport | None:
    """Send `unit`'s summary of `month` to its admins unless it was sent already; None when skipped.

    The (unit, month) row is claimed first, in its own transaction, so two runs at once send once.
    """
    now = now or timezone.now()
    recipients = recipients_for(unit)
    if not recipients:
        return None
    MonthlyReport.objects.filter(
        unit=unit, month=month, sent_at__isnull=True, created_at__lt=now - STALE_CLAIM
    ).delete()
    try:
        with transaction.atomic():
            record = MonthlyReport.objects.create(unit=unit, month=month, recipients=recipients)
    except IntegrityError:
        return None  # sent (or being sent) already
    try:
        with override(settings.LANGUAGE_CODE):
            subject, text, html = render_summary(unit, month)
        message = EmailMultiAlternatives(subject, text, None, recipients)
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:
        record.delete()  # not sent: the next run tries again
        raise
    record.sent_at = timezone.now()
    record.save(update_fields=["sent_at"])
    return record


def send_monthly_reports(
    *, month: dt.date | None = None, now: dt.datetime | None = None
) -> list[MonthlyReport]:
    """Every active unit with an admin gets its summary of `month` (default: last month)."""
    now = now or timezone.now()
    month = month or previous_month(timezone.localdate(now))
    sent = []
    units = Unit.objects.filter(
        is_active=True, staff_roles__role=StaffRole.Role.UNIT_ADMIN, staff_roles__active=True
    ).distinct()
    for unit in units.order_by("path"):
        try:
            record = send_monthly_report(unit=unit, month=month, now=now)
        except Exception:  # one unit's mail server trouble must not stop the others
            log.exception("monthly report of %s for %s not sent", unit.code, month)
            continue
        if record is not None:
            sent.append(record)
    return sent
