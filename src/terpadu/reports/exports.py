"""The dashboard's tables as XLSX (openpyxl), CSV and PDF (WeasyPrint): the same figures as the page."""

from __future__ import annotations

import csv
import io

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from terpadu.reports import charts
from terpadu.reports.report import Report

PDF_STYLESHEET = "reports/pdf.css"


def filename(report: Report, ext: str) -> str:
    return f"laporan-{report.unit.code}-{report.start:%Y%m%d}-{report.end:%Y%m%d}-{report.group}.{ext}"


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _heading(report: Report) -> list[str]:
    return [
        f"{report.unit.code} {report.unit.name}",
        _("%(start)s to %(end)s, per %(group)s")
        % {
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            "group": report.group_label.lower(),
        },
    ]


def csv_bytes(report: Report) -> bytes:
    """Long format, one figure a line: easy to pivot, and every line says what it is."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Unit"),
            _("From"),
            _("To"),
            _("Section"),
            _("Table"),
            _("Row"),
            _("Column"),
            _("Value"),
            _("Shown"),
        ]
    )
    for section in report.sections:
        for table in section.tables:
            for label, cells in table.rows:
                for column, cell in zip(table.columns, cells, strict=True):
                    writer.writerow(
                        [
                            report.unit.code,
                            report.start.isoformat(),
                            report.end.isoformat(),
                            section.title,
                            table.title,
                            label.text,
                            column,
                            "" if cell.value is None else cell.value,
                            cell.text,
                        ]
                    )
    # A byte-order mark, so spreadsheet programs read the Indonesian text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(report: Report) -> HttpResponse:
    return _attachment(csv_bytes(report), "text/csv; charset=utf-8", filename(report, "csv"))


def xlsx_bytes(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for section in report.sections:
        sheet = book.create_sheet(title=section.title[:31])
        for line in _heading(report):
            sheet.append([line])
        sheet["A1"].font = Font(bold=True, size=13)
        for table in section.tables:
            sheet.append([])
            sheet.append([table.title])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append(["", *table.columns])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for label, cells in table.rows:
                sheet.append([label.text, *(c.value if c.value is not None else c.text for c in cells)])
            if table.note:
                sheet.append([table.note])
        sheet.column_dimensions["A"].width = 34
        for column in range(2, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(report: Report) -> HttpResponse:
    return _attachment(
        xlsx_bytes(report),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename(report, "xlsx"),
    )


def _no_remote_fetch(url: str, *args, **kwargs):
    # The document is self-contained (inline SVG charts); never fetch from the network or disk.
    raise ValueError(f"PDF rendering does not fetch {url}")


def pdf_bytes(report: Report, *, request=None) -> bytes:
    from weasyprint import CSS, HTML

    sections = [
        {
            "section": section,
            "tables": [{"table": table, "chart": charts.bar_chart(table)} for table in section.tables],
        }
        for section in report.sections
    ]
    html = render_to_string(
        "reports/report_pdf.html",
        {"report": report, "sections": sections, "heading": _heading(report)},
        request,
    )
    stylesheet = finders.find(PDF_STYLESHEET)
    return HTML(string=html, url_fetcher=_no_remote_fetch).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else []
    )


def pdf_response(request, report: Report) -> HttpResponse:
    return _attachment(pdf_bytes(report, request=request), "application/pdf", filename(report, "pdf"))
