"""Library reads: what a person may see, and the dictionaries the API returns."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.http import Http404

from terpadu.core.access import staff_units

from .models import DigitalFile, DownloadRecord, PrintCopy, Publication, RetrievalRequest, SoftcopyRequest
from .services import LIBRARIAN


def publication_public(*, pk, user) -> Publication:
    """A published publication, or an unpublished one its own librarians may see; else 404."""
    try:
        pub = Publication.objects.select_related("unit", "series").get(pk=int(pk))
    except (Publication.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc
    if not pub.is_published and not staff_units(user, LIBRARIAN).filter(pk=pub.unit_id).exists():
        raise Http404
    return pub


def digital_file_data(digital: DigitalFile) -> dict:
    return {
        "id": digital.pk,
        "publication": digital.publication_id,
        "access": digital.access,
        "status": digital.status,
        "progress": digital.progress,
        "page_count": digital.page_count,
        "size_bytes": digital.size_bytes,
        "sha256": digital.sha256,
        "error": digital.error,
    }


def copies_for(pub: Publication):
    return (
        PrintCopy.objects.filter(publication=pub)
        .exclude(status=PrintCopy.Status.WITHDRAWN)
        .select_related("unit")
        .order_by("unit__code", "location", "barcode")
    )


def publication_detail_data(pub: Publication) -> dict:
    digital = getattr(pub, "digital_file", None)
    return {
        "id": pub.pk,
        "title": pub.title,
        "subtitle": pub.subtitle,
        "abstract": pub.abstract,
        "year": pub.year,
        "unit": pub.unit.code,
        "unit_name": pub.unit.name,
        "catalogue_number": pub.catalogue_number,
        "publication_number": pub.publication_number,
        "issn": pub.issn,
        "isbn": pub.isbn,
        "language": pub.language,
        "series": pub.series.name if pub.series_id else None,
        "subjects": [s.name for s in pub.subjects.all()],
        "softcopy": (
            {"access": digital.access, "status": digital.status, "page_count": digital.page_count}
            if digital is not None
            else None
        ),
        "copies": [
            {
                "barcode": c.barcode,
                "unit": c.unit.code,
                "location": c.location,
                "shelf_code": c.shelf_code,
                "condition": c.condition,
                "status": c.status,
            }
            for c in copies_for(pub)
        ],
    }


def download_record_data(record: DownloadRecord) -> dict:
    return {
        "code": record.code,
        "kind": record.kind,
        "user": {"email": record.user_email, "name": record.user_name},
        "publication": {"id": record.publication_id, "title": record.publication_title},
        "unit": record.unit.code,
        "created_at": record.created_at.isoformat(),
        "created_at_local": f"{record.created_at.astimezone(record.unit.zone):%Y-%m-%d %H:%M} "
        f"{record.unit.zone_abbreviation}",
    }


def softcopy_request_data(req: SoftcopyRequest) -> dict:
    return {
        "id": req.pk,
        "publication": {"id": req.publication_id, "title": req.publication.title},
        "unit": req.unit.code,
        "user": {"email": req.user.email, "name": req.user.name},
        "purpose": req.purpose,
        "channel": req.channel,
        "status": req.status,
        "reason": req.reason,
        "created_at": req.created_at.isoformat(),
        "decided_at": req.decided_at.isoformat() if req.decided_at else None,
        "expires_at": req.expires_at.isoformat() if req.expires_at else None,
    }


def retrieval_live(*, unit) -> list[RetrievalRequest]:
    open_statuses = [
        RetrievalRequest.Status.REQUESTED,
        RetrievalRequest.Status.FETCHED,
        RetrievalRequest.Status.DELIVERED,
    ]
    return list(
        RetrievalRequest.objects.filter(unit=unit, status__in=open_statuses)
        .select_related("copy", "publication")
        .order_by("requested_at", "id")
    )


def usage_summary(*, unit) -> dict:
    from .models import UsageEvent

    counts = UsageEvent.objects.filter(unit=unit).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in counts}


def publication_usage(pub: Publication) -> dict:
    from .models import UsageEvent

    rows = UsageEvent.objects.filter(publication=pub).aggregate(
        views=Count("id", filter=Q(kind="view")),
        reads=Count("id", filter=Q(kind="read")),
        downloads=Count("id", filter=Q(kind="download")),
    )
    return rows


# --- walk-in visitors -----------------------------------------------------------------------------


def visits_today(*, unit, query: str = "", limit: int = 30) -> list:
    """Today's guest-book entries of `unit` still in the building, newest first, by name or ticket."""
    from terpadu.frontdesk.selectors import local_day, open_visits

    visits = open_visits(unit=unit, day=local_day(unit))
    query = " ".join((query or "").split())
    if query:
        visits = visits.filter(Q(name__icontains=query) | Q(tickets__number__iexact=query)).distinct()
    return list(visits.prefetch_related("tickets")[:limit])


def visit_library_use(visit) -> dict:
    """What a walk-in visitor did in the library during one visit."""
    from .models import ReadingLog, ScannerLog

    return {
        "readings": list(
            ReadingLog.objects.filter(visit=visit)
            .select_related("publication", "copy")
            .order_by("created_at")
        ),
        "scans": list(
            ScannerLog.objects.filter(visit=visit).select_related("publication").order_by("created_at")
        ),
        "retrievals": list(
            RetrievalRequest.objects.filter(visit=visit)
            .select_related("publication", "copy")
            .order_by("requested_at")
        ),
        "requests": list(
            SoftcopyRequest.objects.filter(visit=visit).select_related("publication").order_by("created_at")
        ),
    }


def readings_today(*, unit) -> list:
    """Today's reading-room uses of the unit with their visitor, for the desk."""
    from terpadu.frontdesk.selectors import local_day

    from .models import ReadingLog

    start = dt.datetime.combine(local_day(unit), dt.time.min, tzinfo=unit.zone)
    return list(
        ReadingLog.objects.filter(unit=unit, created_at__gte=start)
        .select_related("publication", "copy", "visit")
        .order_by("-created_at")[:50]
    )
