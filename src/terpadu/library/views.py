"""Library pages: public search, publication page, reader, my library; librarian desk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from terpadu.core.access import get_for_staff, staff_units, unit_for_staff

from . import selectors, services
from .api import client_ip, pdf_response
from .models import DigitalFile, DownloadRecord, PrintCopy, Publication, SoftcopyRequest
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
    return render(
        request,
        "library/mine.html",
        {
            "requests": SoftcopyRequest.objects.filter(user=request.user).select_related(
                "publication", "unit"
            )[:100],
            "downloads": DownloadRecord.objects.filter(user=request.user).select_related("unit")[:100],
        },
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
    try:
        if request.POST.get("scanner_pages"):
            services.scanner_use_record(
                actor=request.user,
                unit=unit,
                copy_id=copy.pk,
                pages=request.POST["scanner_pages"],
                visitor_name=request.POST.get("visitor_name", ""),
            )
            messages.success(request, _("Scanner use recorded."))
        else:
            outcome = services.reading_room_request(
                actor=request.user,
                unit=unit,
                copy_id=copy.pk,
                visitor_name=request.POST.get("visitor_name", ""),
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
    return render(request, "library/staff/file_status.html", {"digital": getattr(pub, "digital_file", None)})
