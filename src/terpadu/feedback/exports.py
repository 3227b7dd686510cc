"""The IKM report (page and WeasyPrint PDF from one context), the raw responses as XLSX, and small
helpers the staff pages share."""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.parse

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from terpadu.units.models import Unit

from . import ikm, selectors, skm
from .models import SURVEY_SERVICE_KINDS, Complaint

PDF_STYLESHEETS = ("terpadu/pdf.css", "feedback/ikm_pdf.css")
SERVICE_LABELS = dict(SURVEY_SERVICE_KINDS)


def _no_remote_fetch(url: str, *args, **kwargs):
    # The report is self-contained; WeasyPrint must never reach the network or the disk.
    raise ValueError(f"PDF rendering does not fetch {url}")


def distribution(queryset, code: str) -> list[int]:
    """How many answered 1, 2, 3 and 4 on element `code`."""
    counts = dict(queryset.values_list(code).annotate(n=Count("id")).order_by())
    return [counts.get(value, 0) for value in (1, 2, 3, 4)]


def element_rows(result: ikm.IkmResult, queryset=None) -> list[dict]:
    """One row per element: NRR, weighted NRR, the grade it would have alone, a bar width."""
    shown = result.nrr_display()
    rows = []
    for element in skm.ELEMENTS:
        value = result.nrr.get(element.code)
        row = {"element": element, "nrr": shown.get(element.code), "weighted": None, "grade": None, "bar": 0}
        if value is not None:
            row["weighted"] = ikm._exact_decimal(value * ikm.WEIGHT, 3)
            row["grade"] = ikm.grade(value * ikm.SCORE_FACTOR)[0]
            row["bar"] = float(value / 4 * 100)
        if queryset is not None:
            row["distribution"] = distribution(queryset, element.code)
        rows.append(row)
    return rows


def trend_chart(trend) -> dict:
    """Bars of the converted score per period, laid out for an inline SVG (no script, no style)."""
    width, height, gap = 480, 160, 12
    count = max(len(trend), 1)
    bar = (width - gap * (count + 1)) / count
    bars = []
    for index, (period, result) in enumerate(trend):
        score = float(result.score_display) if result.score is not None else 0.0
        bar_height = (height - 30) * score / 100
        bars.append(
            {
                "x": gap + index * (bar + gap),
                "y": height - 20 - bar_height,
                "width": bar,
                "height": bar_height,
                "label": f"{period.start:%m/%Y}",
                "score": result.score_display,
                "grade": result.grade,
                "text_x": gap + index * (bar + gap) + bar / 2,
                "text_y": max(height - 24 - bar_height, 12),
            }
        )
    return {"width": width, "height": height, "bars": bars, "axis_y": height - 20}


def ikm_report_context(*, unit: Unit, period: selectors.Period, service: str = "") -> dict:
    queryset = selectors.responses(unit=unit, period=period, service=service or None)
    result = selectors.ikm_for(unit=unit, period=period, service=service or None)
    trend = selectors.ikm_trend(unit=unit, period=period, service=service or None)
    rows = element_rows(result, queryset)
    weakest = sorted(rows, key=lambda r: r["nrr"] if r["nrr"] is not None else 99)[:3]
    channels = queryset.values_list("channel").annotate(n=Count("id")).order_by("-n")
    from .models import SurveyChannel

    channel_labels = dict(SurveyChannel.choices)
    return {
        "unit": unit,
        "period": period,
        "service": service,
        "service_label": SERVICE_LABELS.get(service, _("All services")) if service else _("All services"),
        "result": result,
        "rows": rows,
        "by_service": selectors.ikm_by_service(unit=unit, period=period),
        "trend": trend,
        "chart": trend_chart(trend),
        "weakest": weakest if result.responses else [],
        "staff_ratings": selectors.staff_ratings(queryset),
        "integrity": selectors.integrity_summary(queryset),
        "channels": [(channel_labels.get(c, c), n) for c, n in channels],
        "comments": list(queryset.exclude(comment="").values_list("comment", flat=True)[:10]),
        "follow_up": selectors.follow_up(unit=unit, period=period, service=service),
        "grades": ikm.GRADES,
        "generated_at": unit.local(timezone.now()),
    }


def ikm_report_pdf(request, *, unit: Unit, period: selectors.Period, service: str = "") -> bytes:
    from weasyprint import CSS, HTML

    context = ikm_report_context(unit=unit, period=period, service=service)
    html = render_to_string("feedback/ikm_pdf.html", context, request=request)
    stylesheets = [CSS(filename=path) for path in map(finders.find, PDF_STYLESHEETS) if path]
    return HTML(string=html, url_fetcher=_no_remote_fetch).write_pdf(stylesheets=stylesheets)


def _text(value) -> str:
    return "" if value is None else str(value)


def responses_xlsx(*, unit: Unit, period: selectors.Period, service: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    integrity = [field for field, _question in skm.INTEGRITY_QUESTIONS]
    header = [
        _("Submitted at (%(zone)s)") % {"zone": unit.zone_abbreviation},
        _("Service"),
        _("Channel"),
        _("Service event"),
        _("Staff member"),
        *[f"{element.label} {element.title}" for element in skm.ELEMENTS],
        _("Staff rating"),
        _("Gender"),
        _("Age group"),
        _("Education"),
        _("Occupation"),
        *[str(question) for _field, question in skm.INTEGRITY_QUESTIONS],
        _("Comment"),
    ]
    sheet.append(header)
    yes, no = _("Yes"), _("No")
    queryset = (
        selectors.responses(unit=unit, period=period, service=service or None)
        .select_related("staff")
        .order_by("submitted_at", "id")
    )
    for response in queryset.iterator(chunk_size=2000):
        comment = WriteOnlyCell(sheet, value=response.comment)
        # Text typed by the public must never become a formula in the admin's spreadsheet.
        comment.data_type = "s"
        sheet.append(
            [
                unit.local(response.submitted_at).replace(tzinfo=None),
                _text(response.get_service_display()),
                _text(response.get_channel_display()),
                _text(response.get_source_kind_display()),
                response.staff.get_full_name() if response.staff_id else "",
                *[getattr(response, code) for code in skm.ELEMENT_CODES],
                response.staff_rating,
                _text(response.get_gender_display()) if response.gender else "",
                _text(response.get_age_group_display()) if response.age_group else "",
                _text(response.get_education_display()) if response.education else "",
                _text(response.get_occupation_display()) if response.occupation else "",
                *[
                    "" if getattr(response, field) is None else (yes if getattr(response, field) else no)
                    for field in integrity
                ],
                comment,
            ]
        )
    summary = workbook.create_sheet(_("IKM"))
    result = selectors.ikm_for(unit=unit, period=period, service=service or None)
    summary.append([_("Unit"), f"{unit.code} {unit.name}"])
    summary.append([_("Period"), period.label])
    summary.append([_("Service"), str(SERVICE_LABELS.get(service, _("All services")))])
    summary.append([_("Responses"), result.responses])
    summary.append([_("Population (service users)"), result.population])
    summary.append([_("Krejcie–Morgan sample size"), result.sample_required])
    summary.append([])
    summary.append([_("Element"), _("NRR")])
    for code, value in result.nrr_display().items():
        summary.append([f"{code.upper()} {skm.BY_CODE[code].title}", float(value)])
    summary.append([])
    summary.append([_("IKM"), float(result.ikm_display) if result.ikm_display is not None else None])
    summary.append(
        [_("Converted score"), float(result.score_display) if result.score_display is not None else None]
    )
    summary.append([_("Grade"), result.grade or ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_local_datetime(unit: Unit, value: str) -> dt.datetime:
    """A <input type=datetime-local> value read in the unit's zone."""
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            {"received_at": _("Enter the date and time the complaint was received.")}
        ) from exc
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=unit.zone)


def whatsapp_link(complaint: Complaint) -> str:
    """A wa.me link that opens WhatsApp with the reply for the staff member to send by hand
    (there is no WhatsApp sender here to send it for them)."""
    digits = re.sub(r"\D", "", complaint.contact_phone or "")
    if not digits:
        return ""
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    text = complaint.public_reply or _("Regarding your complaint %(code)s:") % {
        "code": complaint.tracking_code
    }
    return f"https://wa.me/{digits}?text={urllib.parse.quote(text)}"
