"""Bulk catalogue import (CSV, XLSX, MARCXML, ISO 2709) and export (CSV, MARC).

Import is two steps: `catalogue_import_check` reads and validates every row (against the file
and the catalogue) and returns a report; nothing is written. `catalogue_import_apply` (the API)
writes all rows in one transaction, and only if the report has no errors — a file with one bad
row changes nothing. The staff page keeps a clean report as an `ImportJob` until the librarian
confirms, then `import_job_run` imports it in the background with its progress on the job.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pymarc
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from terpadu.core.access import get_for_staff
from terpadu.core.events import enqueue
from terpadu.units.models import Unit

from . import services
from .models import ImportJob, PrintCopy, Publication

COLUMNS = [
    "title",
    "subtitle",
    "abstract",
    "catalogue_number",
    "publication_number",
    "issn",
    "isbn",
    "year",
    "subjects",
    "series",
    "barcode",
    "location",
    "shelf_code",
]
MAX_ROWS = 20_000


@dataclass
class RowResult:
    line: int
    data: dict
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ImportReport:
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(not r.errors for r in self.rows)

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "rows": len(self.rows),
            "file_errors": self.file_errors,
            "errors": [
                {"line": r.line, "title": r.data.get("title", ""), "errors": r.errors}
                for r in self.error_rows
            ],
        }


# --- reading ----------------------------------------------------------------------------------------


def read_rows(content: bytes, filename: str) -> list[dict]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx_rows(content)
    if name.endswith((".xml", ".marcxml")):
        return [marc_to_row(r) for r in pymarc.parse_xml_to_array(io.BytesIO(content)) if r is not None]
    if name.endswith((".mrc", ".marc", ".iso2709")):
        return [marc_to_row(r) for r in pymarc.MARCReader(content, to_unicode=True, force_utf8=True) if r]
    if name.endswith(".csv"):
        text = content.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        return [
            {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(text), dialect=dialect)
        ]
    raise ValidationError(_("Upload a CSV, XLSX, MARCXML or ISO 2709 (.mrc) file."))


def _xlsx_rows(content: bytes) -> list[dict]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(rows, [])]
    out = []
    for values in rows:
        if values is None or all(v in (None, "") for v in values):
            continue
        out.append(
            {h: "" if v is None else str(v).strip() for h, v in zip(header, values, strict=False) if h}
        )
    workbook.close()
    return out


def marc_to_row(record: pymarc.Record) -> dict:
    def first(tag: str, code: str) -> str:
        for f in record.get_fields(tag):
            values = f.get_subfields(code)
            if values:
                return values[0].strip(" /:;,.")
        return ""

    year = first("264", "c") or first("260", "c")
    digits = "".join(ch for ch in year if ch.isdigit())[:4]
    return {
        "title": first("245", "a"),
        "subtitle": first("245", "b"),
        "abstract": first("520", "a"),
        "catalogue_number": first("088", "a"),
        "publication_number": first("024", "a"),
        "issn": first("022", "a"),
        "isbn": first("020", "a"),
        "year": digits,
        "subjects": "; ".join(
            f.get_subfields("a")[0].strip(" .") for f in record.get_fields("650") if f.get_subfields("a")
        ),
        "series": first("490", "a"),
    }


# --- checking and writing ---------------------------------------------------------------------------


def catalogue_import_check(*, unit: Unit, content: bytes, filename: str) -> ImportReport:
    try:
        raw = read_rows(content, filename)
    except ValidationError as exc:
        return ImportReport([], [" ".join(exc.messages)])
    except Exception:  # noqa: BLE001 - any parser failure is the file's fault, told plainly
        return ImportReport([], [_("The file could not be read. Check its format.")])
    if not raw:
        return ImportReport([], [_("The file has no rows.")])
    if len(raw) > MAX_ROWS:
        return ImportReport([], [_("At most %(n)d rows per file.") % {"n": MAX_ROWS}])
    if "title" not in raw[0]:
        return ImportReport(
            [], [_("The first row must name the columns: %(cols)s.") % {"cols": ", ".join(COLUMNS)}]
        )
    seen_numbers: set[str] = set()
    seen_barcodes: set[str] = set()
    rows = []
    for index, data in enumerate(raw, start=2):
        result = RowResult(index, {k: data.get(k, "") for k in COLUMNS})
        d = result.data
        try:
            year = int(str(d["year"]).split(".")[0]) if d["year"] else None
        except ValueError:
            year = None
        pub = Publication(
            unit=unit,
            title=d["title"],
            subtitle=d["subtitle"],
            abstract=d["abstract"],
            catalogue_number=d["catalogue_number"],
            publication_number=d["publication_number"],
            issn=d["issn"],
            isbn=d["isbn"],
            year=year,
        )
        try:
            pub.full_clean()
        except ValidationError as exc:
            result.errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        if d["publication_number"]:
            if d["publication_number"] in seen_numbers:
                result.errors.setdefault("publication_number", []).append(_("Repeated in this file."))
            seen_numbers.add(d["publication_number"])
        if d["barcode"]:
            copy = PrintCopy(
                publication=Publication(unit=unit, title="x", year=2000),
                unit=unit,
                barcode=d["barcode"],
                location=d["location"] or PrintCopy.Location.DISPLAY,
                shelf_code=d["shelf_code"],
            )
            try:
                copy.full_clean(exclude=["publication"])
            except ValidationError as exc:
                result.errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
            if d["barcode"] in seen_barcodes:
                result.errors.setdefault("barcode", []).append(_("Repeated in this file."))
            seen_barcodes.add(d["barcode"])
        rows.append(result)
    _check_against_catalogue(unit, rows, seen_numbers, seen_barcodes)
    return ImportReport(rows)


def _check_against_catalogue(
    unit: Unit, rows: list[RowResult], numbers: set[str], barcodes: set[str]
) -> None:
    """Rows that would collide with what the catalogue already holds (two queries for the file)."""
    taken_numbers = set(
        Publication.objects.filter(unit=unit, publication_number__in=numbers).values_list(
            "publication_number", flat=True
        )
    )
    taken_barcodes = set(PrintCopy.objects.filter(barcode__in=barcodes).values_list("barcode", flat=True))
    for row in rows:
        if row.data["publication_number"] in taken_numbers:
            row.errors.setdefault("publication_number", []).append(
                _("This unit's catalogue already has this publication number.")
            )
        if row.data["barcode"] in taken_barcodes:
            row.errors.setdefault("barcode", []).append(_("A printed copy with this barcode already exists."))


def _import_row(*, actor, unit: Unit, d: dict) -> Publication:
    pub = services.publication_save(
        actor=None,
        unit=unit,
        data={
            k: d[k]
            for k in (
                "title",
                "subtitle",
                "abstract",
                "catalogue_number",
                "publication_number",
                "issn",
                "isbn",
            )
        }
        | {"year": int(str(d["year"]).split(".")[0])},
        subjects=[s for s in d["subjects"].split(";") if s.strip()],
        series=d["series"],
    )
    if d["barcode"]:
        services.print_copy_save(
            actor=actor,
            publication=pub,
            unit=unit,
            data={
                "barcode": d["barcode"],
                "location": d["location"] or "display",
                "shelf_code": d["shelf_code"],
            },
        )
    return pub


def catalogue_import_apply(*, actor, unit: Unit, report: ImportReport, progress=None) -> int:
    """All rows in one transaction (the API's synchronous import): one failure changes nothing."""
    if not report.ok:
        raise ValidationError(_("Fix the errors in the report first; nothing was imported."))
    with transaction.atomic():
        for n, row in enumerate(report.rows, start=1):
            _import_row(actor=actor, unit=unit, d=row.data)
            if progress is not None:
                progress(n, len(report.rows))
        services.audit(
            actor=actor,
            action="library.catalogue_imported",
            obj=unit,
            unit_code=unit.code,
            summary=f"{len(report.rows)} publications",
        )
    return len(report.rows)


# --- imports started from the staff page (checked, confirmed, run in the background) ---------------

IMPORT_BATCH = 100


def import_job_check(
    *, actor, unit: Unit, content: bytes, filename: str
) -> tuple[ImportReport, ImportJob | None]:
    """Validate the file; keep the checked rows as a job waiting for confirmation, only if all are good.

    A file with errors leaves nothing behind: the report is shown and the catalogue is untouched.
    """
    report = catalogue_import_check(unit=unit, content=content, filename=filename)
    if not report.ok:
        return report, None
    with transaction.atomic():
        # An earlier check the same librarian never confirmed is replaced by this one.
        ImportJob.objects.filter(unit=unit, created_by=actor, status=ImportJob.Status.CHECKED).delete()
        job = ImportJob.objects.create(
            unit=unit,
            created_by=actor,
            filename=(filename or "katalog")[:255],
            status=ImportJob.Status.CHECKED,
            rows=[{"line": r.line, "data": r.data} for r in report.rows],
            report=report.as_dict(),
            total=len(report.rows),
        )
    return report, job


@transaction.atomic
def import_job_start(*, actor, job_id: int) -> ImportJob:
    """The librarian confirmed the report: queue the import (it runs in the background)."""
    job = get_for_staff(ImportJob.objects.select_for_update(), actor, roles=services.LIBRARIAN, pk=job_id)
    if job.status != ImportJob.Status.CHECKED:
        raise ValidationError(_("This import has already been started."))
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    from .tasks import run_catalogue_import

    enqueue(run_catalogue_import, job.pk)
    return job


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Import the confirmed rows in batches; `done` commits with each batch. Safe to run twice.

    Each batch is its own transaction, so the progress bar shows what the catalogue really holds.
    The rows were validated before confirmation; should one fail now (say, the same barcode was
    entered meanwhile), the import stops there and the summary names the row and what is in.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).select_related("unit").first()
        if job is None or job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
            return job
        job.status = ImportJob.Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "started_at"])
    rows, unit, actor = job.rows, job.unit, job.created_by
    while True:
        with transaction.atomic():
            state = ImportJob.objects.select_for_update().only("id", "status", "done").get(pk=job_id)
            if state.status != ImportJob.Status.RUNNING:
                break
            batch = rows[state.done : state.done + IMPORT_BATCH]
            if not batch:
                ImportJob.objects.filter(pk=job_id).update(
                    status=ImportJob.Status.DONE, finished_at=timezone.now(), rows=[]
                )
                services.audit(
                    actor=actor,
                    action="library.catalogue_imported",
                    obj=unit,
                    unit_code=unit.code,
                    summary=f"{len(rows)} publications from {job.filename}",
                )
                break
            failed = _import_batch(actor=actor, unit=unit, batch=batch)
            if failed:
                ImportJob.objects.filter(pk=job_id).update(
                    status=ImportJob.Status.FAILED, finished_at=timezone.now(), error=failed
                )
                break
            ImportJob.objects.filter(pk=job_id).update(done=state.done + len(batch))
    job.refresh_from_db()
    return job


def _import_batch(*, actor, unit: Unit, batch: list[dict]) -> str:
    """Import the rows of one batch all together; on a failure, roll the batch back and say why."""
    try:
        with transaction.atomic():
            for row in batch:
                try:
                    _import_row(actor=actor, unit=unit, d=row["data"])
                except ValidationError as exc:
                    raise _RowFailed(row["line"], " ".join(exc.messages)) from exc
    except _RowFailed as failure:
        return _("Row %(line)d: %(error)s") % {"line": failure.line, "error": failure.message}
    return ""


class _RowFailed(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


# --- export -----------------------------------------------------------------------------------------


def publication_to_marc(pub: Publication) -> pymarc.Record:
    record = pymarc.Record(force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data=str(pub.pk)))

    def add(tag: str, subfields: list[tuple[str, str]], indicators=(" ", " ")):
        subs = [pymarc.Subfield(code, value) for code, value in subfields if value]
        if subs:
            record.add_field(pymarc.Field(tag=tag, indicators=list(indicators), subfields=subs))

    add("020", [("a", pub.isbn)])
    add("022", [("a", pub.issn)])
    add("024", [("a", pub.publication_number)], ("8", " "))
    add("088", [("a", pub.catalogue_number)])
    add("110", [("a", pub.unit.name)], ("2", " "))
    add("245", [("a", pub.title), ("b", pub.subtitle)], ("1", "0"))
    add("264", [("a", "Indonesia"), ("b", "Badan Pusat Statistik"), ("c", str(pub.year))], (" ", "1"))
    if pub.series_id:
        add("490", [("a", pub.series.name)], ("0", " "))
    add("520", [("a", pub.abstract)])
    for subject in pub.subjects.all():
        add("650", [("a", subject.name)], (" ", "4"))
    return record


def export_marc(queryset, *, xml: bool) -> bytes:
    pubs = queryset.select_related("unit", "series").prefetch_related("subjects")
    if xml:
        out = io.BytesIO()
        writer = pymarc.XMLWriter(out)
        for pub in pubs:
            writer.write(publication_to_marc(pub))
        writer.close(close_fh=False)
        return out.getvalue()
    return b"".join(publication_to_marc(pub).as_marc() for pub in pubs)


def export_csv(queryset) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for pub in queryset.select_related("series").prefetch_related("subjects", "copies"):
        copy = pub.copies.first()
        writer.writerow(
            {
                "title": pub.title,
                "subtitle": pub.subtitle,
                "abstract": pub.abstract,
                "catalogue_number": pub.catalogue_number,
                "publication_number": pub.publication_number,
                "issn": pub.issn,
                "isbn": pub.isbn,
                "year": pub.year,
                "subjects": "; ".join(s.name for s in pub.subjects.all()),
                "series": pub.series.name if pub.series_id else "",
                "barcode": copy.barcode if copy else "",
                "location": copy.location if copy else "",
                "shelf_code": copy.shelf_code if copy else "",
            }
        )
    return out.getvalue()
