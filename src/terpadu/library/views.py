"""Library pages: public search, publication page, reader, my library; librarian desk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from terpadu.core.access import get_for_staff, staff_units, unit_for_staff
from terpadu.frontdesk.models import Visit

from . import imports, selectors, services
from .api import client_ip, pdf_response
from .models import (
    DigitalFile,
    DownloadRecord,
    ImportJob,
    PrintCopy,
    Publication,
    ReadingLog,
    SoftcopyRequest,
)
from .search import Filters, publication_search
from .storage import private_storage


def _client_key(request) -> str:
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    return f"ip{client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')[:200]}"


def _count(request, pub: Publication, kind: str) -> None:
    services.usage_record(
        publication=pub,
        kind=kind,
        user=request.user,
        client_key=_client_key(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


# --- public ---------------------------------------------------------------------------------------


@require_GET
def search_page(request):
    params = request.GET
    try:
        page = int(params.get("page", "1"))
        year = int(params["year"]) if params.get("year") else None
    except ValueError:
        page, year = 1, None
    filters = Filters(
        year=year,
        subject=params.get("subject", ""),
        unit=params.get("unit", ""),
        series=params.get("series", ""),
        availability=params.get("availability", ""),
    )
    result = publication_search(query=params.get("q", ""), filters=filters, page=page)
    base_query = params.copy()
    base_query.pop("page", None)
    hidden = [(n, params[n]) for n in ("year", "subject", "unit", "series", "availability") if params.get(n)]
    context = {
        "result": result,
        "filters": filters,
        "filters_hidden": hidden,
        "q": params.get("q", ""),
        "base_query": base_query.urlencode(),
    }
    template = "library/includes/results.html" if request.htmx else "library/search.html"
    return render(request, template, context)


@require_GET
def publication_page(request, pk: int):
    pub = selectors.publication_public(pk=pk, user=request.user)
    _count(request, pub, "view")
    digital = getattr(pub, "digital_file", None)
    mine = []
    if request.user.is_authenticated:
        mine = list(SoftcopyRequest.objects.filter(user=request.user, publication=pub)[:5])
    return render(
        request,
        "library/publication.html",
        {
            "pub": pub,
            "digital": digital,
            "copies": selectors.copies_for(pub),
            "my_requests": mine,
            "usage": selectors.publication_usage(pub),
        },
    )


@require_GET
def cover_image(request, pk: int):
    pub = selectors.publication_public(pk=pk, user=request.user)
    digital = getattr(pub, "digital_file", None)
    if digital is None or not digital.cover:
        raise Http404
    with private_storage.open(digital.cover.name, "rb") as fh:
        response = HttpResponse(fh.read(), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
@require_GET
def reader(request, pk: int):
    pub = selectors.publication_public(pk=pk, user=request.user)
    try:
        digital = services.check_read_online(user=request.user, publication=pub)
    except services.AccessRefused as exc:
        messages.error(request, exc.reason)
        return redirect("library:publication", pk=pub.pk)
    _count(request, pub, "read")
    record = None
    if digital.access == DigitalFile.Access.READ_ONLINE:
        record = services.read_session(user=request.user, publication=pub, ip=client_ip(request))
    return render(
        request,
        "library/reader.html",
        {"pub": pub, "digital": digital, "record": record, "pages": range(1, digital.page_count + 1)},
    )


@login_required
@require_GET
def reader_page(request, pk: int, number: int):
    pub = selectors.publication_public(pk=pk, user=request.user)
    try:
        record = services.read_session(user=request.user, publication=pub, ip=client_ip(request))
        png = services.page_image(
            record=record, page_number=number, width=int(request.GET.get("w", 900) or 900)
        )
    except services.AccessRefused as exc:
        return HttpResponse(exc.reason, status=403, content_type="text/plain; charset=utf-8")
    except (ValidationError, ValueError) as exc:
        raise Http404 from exc
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=600"
    return response


@login_required
@require_GET
@xframe_options_sameorigin
def download(request, pk: int):
    pub = selectors.publication_public(pk=pk, user=request.user)
    try:
        copy = services.download_issue(user=request.user, publication=pub, ip=client_ip(request))
    except services.AccessRefused as exc:
        messages.error(request, exc.reason)
        return redirect("library:publication", pk=pub.pk)
    _count(request, pub, "download")
    return pdf_response(copy, inline=request.GET.get("inline") == "1")


@login_required
@require_POST
def request_create(request, pk: int):
    pub = selectors.publication_public(pk=pk, user=request.user)
    try:
        services.softcopy_request_create(
            user=request.user, publication=pub, purpose=request.POST.get("purpose", "")
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    except services.AccessRefused as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Your request was sent. We will email you when the librarian answers."))
    return redirect("library:publication", pk=pub.pk)


@login_required
@require_GET
def my_library(request):
    requests = list(
        SoftcopyRequest.objects.filter(user=request.user).select_related("publication", "unit")[:100]
    )
    downloads = list(
        DownloadRecord.objects.filter(user=request.user).select_related("unit", "publication")[:100]
    )
    # What the user received (downloaded, or a request answered with a copy), once per title:
    # the place where the feedback app asks for a rating.
    fulfilled = {
        d.publication_id: d.publication
        for d in downloads
        if d.publication_id and d.kind != DownloadRecord.Kind.READ_ONLINE
    }
    for r in requests:
        if r.status == SoftcopyRequest.Status.APPROVED:
            fulfilled.setdefault(r.publication_id, r.publication)
    return render(
        request,
        "library/mine.html",
        {"requests": requests, "downloads": downloads, "fulfilled": list(fulfilled.values())},
    )


@login_required
@require_GET
def request_download(request, pk: int):
    req = SoftcopyRequest.objects.filter(pk=pk, user=request.user).select_related("publication").first()
    if req is None:
        raise Http404
    return _request_copy(request, req)


@login_required
@require_GET
def request_token(request, token: str):
    try:
        req = services.softcopy_request_by_token(user=request.user, token=token)
    except services.AccessRefused as exc:
        return render(request, "library/refused.html", {"reason": exc.reason}, status=403)
    return _request_copy(request, req)


def _request_copy(request, req: SoftcopyRequest):
    try:
        copy = services.softcopy_download(user=request.user, req=req, ip=client_ip(request))
    except services.AccessRefused as exc:
        return render(request, "library/refused.html", {"reason": exc.reason}, status=403)
    _count(request, req.publication, "download")
    return pdf_response(copy)


# --- librarian ------------------------------------------------------------------------------------


@login_required
@require_GET
def staff_home(request):
    units = list(staff_units(request.user, services.LIBRARIAN))
    if len(units) == 1:
        return redirect("library:desk", code=units[0].code)
    return render(request, "library/staff/home.html", {"units": units})


def _unit(request, code: str):
    return unit_for_staff(request.user, code, roles=services.LIBRARIAN)


@login_required
@require_GET
def desk(request, code: str):
    unit = _unit(request, code)
    pending = SoftcopyRequest.objects.filter(unit=unit, status=SoftcopyRequest.Status.PENDING).select_related(
        "publication", "user"
    )
    return render(
        request,
        "library/staff/desk.html",
        {
            "unit": unit,
            "pending": pending,
            "retrievals": selectors.retrieval_live(unit=unit),
            "visits": selectors.visits_today(unit=unit),
            "readings": selectors.readings_today(unit=unit),
            "prefix": "rr",
            "usage": selectors.usage_summary(unit=unit),
            "publications": Publication.objects.filter(unit=unit)
            .select_related("digital_file")
            .order_by("-updated_at")[:20],
        },
    )


@login_required
@require_GET
def retrieval_list(request, code: str):
    return _render_retrievals(request, _unit(request, code))


def _render_retrievals(request, unit):
    return render(
        request,
        "library/staff/retrievals.html",
        {"unit": unit, "retrievals": selectors.retrieval_live(unit=unit)},
    )


@login_required
@require_POST
def retrieval_advance(request, code: str, pk: int, status: str):
    unit = _unit(request, code)
    try:
        services.retrieval_advance(actor=request.user, retrieval_id=pk, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.htmx:
        return _render_retrievals(request, unit)
    return redirect("library:desk", code=unit.code)


@login_required
@require_POST
def reading_room(request, code: str):
    unit = _unit(request, code)
    barcode = request.POST.get("barcode", "").strip()
    copy = PrintCopy.objects.filter(barcode=barcode, unit=unit).first()
    if copy is None:
        messages.error(request, _("No copy with this barcode in this library."))
        return redirect("library:desk", code=unit.code)
    visit_id = request.POST.get("visit")
    try:
        if request.POST.get("scanner_pages"):
            services.scanner_use_record(
                actor=request.user,
                unit=unit,
                copy_id=copy.pk,
                pages=request.POST["scanner_pages"],
                visit_id=visit_id,
            )
            messages.success(request, _("Scanner use recorded."))
        else:
            outcome = services.reading_room_request(
                actor=request.user, unit=unit, copy_id=copy.pk, visit_id=visit_id
            )
            if outcome.retrieval:
                messages.success(
                    request,
                    _("Kept in storage (shelf %(shelf)s): a retrieval request is on the live list.")
                    % {"shelf": copy.shelf_code},
                )
            else:
                messages.success(request, _("On the open shelf: recorded as read in the room."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("library:desk", code=unit.code)


@login_required
@require_GET
def visitor_options(request, code: str):
    """htmx: today's visitors of the unit matching a name or ticket number, as radio buttons."""
    unit = _unit(request, code)
    return render(
        request,
        "library/staff/visitor_options.html",
        {
            "unit": unit,
            "visits": selectors.visits_today(unit=unit, query=request.GET.get("visitor_q", "")),
            "prefix": request.GET.get("prefix", "rr")[:8],
        },
    )


@login_required
@require_GET
def visit_detail(request, code: str, pk: int):
    unit = _unit(request, code)
    visit = get_object_or_404(Visit.objects.prefetch_related("tickets"), pk=pk, unit=unit)
    return render(
        request,
        "library/staff/visit.html",
        {"unit": unit, "visit": visit, **selectors.visit_library_use(visit)},
    )


@login_required
@require_POST
def copy_return(request, code: str, pk: int):
    unit = _unit(request, code)
    copy = get_object_or_404(PrintCopy, pk=pk, unit=unit)
    services.copy_return(actor=request.user, copy_id=copy.pk)
    messages.success(request, _("%(barcode)s is back on its shelf.") % {"barcode": copy.barcode})
    return redirect(_safe_next(request) or reverse("library:desk", args=[unit.code]))


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@login_required
def walk_in_request(request, code: str):
    """Staff enter a softcopy request for a walk-in visitor of today."""
    unit = _unit(request, code)
    errors: dict = {}
    if request.method == "POST":
        try:
            req = services.softcopy_request_walk_in(
                actor=request.user,
                unit=unit,
                visit_id=request.POST.get("visit"),
                publication_id=request.POST.get("publication"),
                email=request.POST.get("email", ""),
                purpose=request.POST.get("purpose", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        except services.AccessRefused as exc:
            errors = {"__all__": [exc.reason]}
        else:
            messages.success(
                request,
                _("Request sent for %(name)s: they get an email now and another when it is answered.")
                % {"name": req.visit.name},
            )
            return redirect("library:visit", code=unit.code, pk=req.visit_id)
    chosen_pub = None
    pub_id = request.POST.get("publication") or request.GET.get("publication")
    if pub_id and str(pub_id).isdigit():
        chosen_pub = Publication.objects.filter(pk=pub_id, is_published=True).first()
    return render(
        request,
        "library/staff/walk_in_request.html",
        {
            "unit": unit,
            "visits": selectors.visits_today(unit=unit),
            "chosen_visit": request.POST.get("visit") or request.GET.get("visit", ""),
            "publications": [chosen_pub] if chosen_pub else [],
            "errors": errors,
            "form": request.POST,
            "prefix": "wr",
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def publication_options(request, code: str):
    """htmx: publications with a softcopy matching the words, as radio buttons."""
    _unit(request, code)
    query = request.GET.get("publication_q", "")
    hits = []
    if query.strip():
        result = publication_search(
            query=query, filters=Filters(availability="softcopy"), per_page=10, with_facets=False
        )
        hits = [h.publication for h in result.hits]
    return render(request, "library/staff/publication_options.html", {"publications": hits, "query": query})


@login_required
@require_POST
def request_decide(request, code: str, pk: int, decision: str):
    unit = _unit(request, code)
    try:
        if decision == "approve":
            services.softcopy_request_approve(actor=request.user, request_id=pk)
            messages.success(request, _("Approved: the requester gets an email with the link."))
        elif decision == "decline":
            services.softcopy_request_decline(
                actor=request.user, request_id=pk, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Declined: the requester is told the reason."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except services.AccessRefused as exc:
        messages.error(request, exc.reason)
    return redirect("library:desk", code=unit.code)


@login_required
def trace(request, code: str):
    unit = _unit(request, code)
    record, error = None, ""
    lookup = request.GET.get("code", "").strip()
    try:
        if request.method == "POST" and request.FILES.get("file"):
            record = services.download_trace_pdf(actor=request.user, pdf_bytes=request.FILES["file"].read())
        elif lookup:
            record = services.download_trace(actor=request.user, code=lookup)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except Http404:
        error = _("No download with this code in your units.")
    return render(
        request,
        "library/staff/trace.html",
        {"unit": unit, "record": record, "error": error, "lookup": lookup},
    )


@login_required
def file_upload(request, code: str, pk: int):
    unit = _unit(request, code)
    pub = get_for_staff(
        Publication.objects.select_related("unit"), request.user, roles=services.LIBRARIAN, pk=pk
    )
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a PDF file."))
        else:
            try:
                services.digital_file_upload(
                    actor=request.user,
                    publication=pub,
                    upload=upload,
                    access=request.POST.get("access") or None,
                )
                messages.success(request, _("Uploaded. The file is being processed."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect(reverse("library:file-upload", args=[unit.code, pub.pk]))
    return render(
        request,
        "library/staff/upload.html",
        {
            "unit": unit,
            "pub": pub,
            "digital": getattr(pub, "digital_file", None),
            "access": DigitalFile.Access.choices,
        },
    )


@login_required
@require_GET
def file_status(request, code: str, pk: int):
    _unit(request, code)
    pub = get_for_staff(Publication.objects.all(), request.user, roles=services.LIBRARIAN, pk=pk)
    digital = getattr(pub, "digital_file", None)
    response = render(request, "library/staff/file_status.html", {"digital": digital})
    if digital is None or digital.status in (DigitalFile.Status.READY, DigitalFile.Status.FAILED):
        response.status_code = 286  # htmx stops polling: processing has finished
    return response


# --- bulk import ----------------------------------------------------------------------------------

IMPORT_MAX_BYTES = 50 * 1024 * 1024


@login_required
def import_page(request, code: str):
    """Upload a catalogue file; a clean file waits for confirmation, a bad one is only reported."""
    unit = _unit(request, code)
    report, status = None, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            report = {
                "file_errors": [_("Choose a CSV, XLSX, MARCXML or ISO 2709 (.mrc) file.")],
                "errors": [],
            }
        elif upload.size > IMPORT_MAX_BYTES:
            report = {"file_errors": [_("The file is too large (at most 50 MB).")], "errors": []}
        else:
            checked, job = imports.import_job_check(
                actor=request.user, unit=unit, content=upload.read(), filename=upload.name
            )
            if job is not None:
                return redirect("library:import-job", code=unit.code, pk=job.pk)
            report = checked.as_dict()
        status = 400
    jobs = ImportJob.objects.filter(unit=unit).select_related("created_by")[:10]
    return render(
        request,
        "library/staff/import.html",
        {"unit": unit, "report": report, "jobs": jobs, "columns": imports.COLUMNS},
        status=status,
    )


def _import_job(request, code: str, pk: int):
    unit = _unit(request, code)
    return unit, get_for_staff(
        ImportJob.objects.filter(unit=unit), request.user, roles=services.LIBRARIAN, pk=pk
    )


@login_required
@require_GET
def import_job(request, code: str, pk: int):
    unit, job = _import_job(request, code, pk)
    preview = [row["data"] | {"line": row["line"]} for row in job.rows[:20]]
    return render(request, "library/staff/import_job.html", {"unit": unit, "job": job, "preview": preview})


@login_required
@require_POST
def import_start(request, code: str, pk: int):
    unit, job = _import_job(request, code, pk)
    try:
        imports.import_job_start(actor=request.user, job_id=job.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("library:import-job", code=unit.code, pk=job.pk)


@login_required
@require_GET
def import_progress(request, code: str, pk: int):
    """htmx polling target; 286 tells htmx to stop polling once the job has finished."""
    unit, job = _import_job(request, code, pk)
    response = render(request, "library/staff/import_progress.html", {"unit": unit, "job": job})
    if not job.is_active:
        response.status_code = 286
    return response


def visit_slot(request, visit) -> str:
    """The items a visitor read, for the front office's `frontdesk.visit` slot (librarians only)."""
    if visit is None or request is None:
        return ""
    # The guest book renders this once per row: the librarian's units are read once per request.
    user = getattr(request, "user", None)
    cached = getattr(request, "_librarian_units", None)
    if cached is None or cached[0] != getattr(user, "pk", None):
        unit_ids = set(staff_units(user, services.LIBRARIAN).values_list("pk", flat=True))
        request._librarian_units = cached = (getattr(user, "pk", None), unit_ids)
    if visit.unit_id not in cached[1]:
        return ""
    titles = list(
        ReadingLog.objects.filter(visit=visit)
        .order_by("created_at")
        .values_list("publication__title", flat=True)
    )
    if not titles:
        return ""
    return format_html(
        '<a class="small" href="{}">{}</a>',
        reverse("library:visit", args=[visit.unit.code, visit.pk]),
        ngettext("Read %(n)d item: %(titles)s", "Read %(n)d items: %(titles)s", len(titles))
        % {"n": len(titles), "titles": "; ".join(titles)},
    )
