"""REST API for the library: the same services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from terpadu.core.access import get_for_staff, scope, unit_for_staff

from . import selectors, services
from .models import DownloadRecord, Publication, SoftcopyRequest
from .search import Filters, publication_search


def _error(exc: ValidationError) -> Response:
    if hasattr(exc, "message_dict"):
        messages = exc.message_dict
        detail = " ".join(m for msgs in messages.values() for m in msgs)
        return Response({"detail": detail, "errors": messages}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)


def _refused(exc: services.AccessRefused) -> Response:
    return Response({"detail": exc.reason}, status=status.HTTP_403_FORBIDDEN)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _doc(operation_id: str, request=None, responses=OpenApiTypes.OBJECT):
    return extend_schema(operation_id=operation_id, request=request, responses=responses)


def publication_summary(pub: Publication) -> dict:
    digital = getattr(pub, "digital_file", None)
    return {
        "id": pub.pk,
        "title": pub.title,
        "subtitle": pub.subtitle,
        "year": pub.year,
        "unit": pub.unit.code,
        "unit_name": pub.unit.name,
        "catalogue_number": pub.catalogue_number,
        "publication_number": pub.publication_number,
        "issn": pub.issn,
        "isbn": pub.isbn,
        "series": pub.series.name if pub.series_id else None,
        "softcopy": digital.access if digital is not None and digital.is_ready else None,
    }


class PublicationWriteSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=4)
    title = serializers.CharField(max_length=400)
    subtitle = serializers.CharField(max_length=400, required=False, allow_blank=True)
    abstract = serializers.CharField(required=False, allow_blank=True)
    catalogue_number = serializers.CharField(max_length=16, required=False, allow_blank=True)
    publication_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    issn = serializers.CharField(max_length=9, required=False, allow_blank=True)
    isbn = serializers.CharField(max_length=17, required=False, allow_blank=True)
    year = serializers.IntegerField()
    language = serializers.CharField(max_length=8, required=False)
    release_date = serializers.DateField(required=False, allow_null=True)
    is_published = serializers.BooleanField(required=False)
    subjects = serializers.ListField(child=serializers.CharField(max_length=120), required=False)
    series = serializers.CharField(max_length=120, required=False, allow_blank=True)


class PublicationListView(APIView):
    permission_classes = [AllowAny]

    @_doc("library_publication_search")
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            page = int(params.get("page", "1"))
            year = int(params["year"]) if params.get("year") else None
        except ValueError:
            return Response({"detail": "page and year must be numbers."}, status=400)
        filters = Filters(
            year=year,
            subject=params.get("subject", ""),
            unit=params.get("unit", ""),
            series=params.get("series", ""),
            availability=params.get("availability", ""),
        )
        result = publication_search(query=params.get("q", ""), filters=filters, page=page, per_page=20)

        def page_url(n: int) -> str:
            query = params.copy()
            query["page"] = str(n)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return Response(
            {
                "count": result.count,
                "next": page_url(result.page + 1) if result.has_next else None,
                "previous": page_url(result.page - 1) if result.has_previous else None,
                "corrected_query": result.corrected_query,
                "results": [
                    {
                        **publication_summary(hit.publication),
                        "snippet": str(hit.snippet),
                        "page_hits": [{"page": p.page, "snippet": str(p.snippet)} for p in hit.page_hits],
                    }
                    for hit in result.hits
                ],
                "facets": result.facets,
            }
        )

    @_doc("library_publication_create", request=PublicationWriteSerializer)
    def post(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            return Response({"detail": "Log in as a librarian."}, status=403)
        serializer = PublicationWriteSerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"detail": "Invalid publication.", "errors": serializer.errors}, status=400)
        data = dict(serializer.validated_data)
        unit = unit_for_staff(request.user, data.pop("unit"), roles=services.LIBRARIAN)
        subjects = data.pop("subjects", None)
        series = data.pop("series", None)
        try:
            pub = services.publication_save(
                actor=request.user, unit=unit, data=data, subjects=subjects, series=series
            )
        except ValidationError as exc:
            return _error(exc)
        return Response(selectors.publication_detail_data(pub), status=201)


class PublicationDetailView(APIView):
    permission_classes = [AllowAny]

    @_doc("library_publication_detail")
    def get(self, request: Request, pk: int) -> Response:
        pub = selectors.publication_public(pk=pk, user=request.user)
        return Response(selectors.publication_detail_data(pub))


class PublicationFileView(APIView):
    permission_classes = [IsAuthenticated]

    @_doc("library_publication_file_upload", request={"multipart/form-data": OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        pub = get_for_staff(
            Publication.objects.select_related("unit"), request.user, roles=services.LIBRARIAN, pk=pk
        )
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": "Attach the PDF as the multipart field 'file'."}, status=400)
        try:
            digital = services.digital_file_upload(
                actor=request.user, publication=pub, upload=upload, access=request.data.get("access") or None
            )
        except ValidationError as exc:
            return _error(exc)
        digital.refresh_from_db()
        return Response(selectors.digital_file_data(digital), status=201)


def pdf_response(copy: services.WatermarkedCopy, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(copy.content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{copy.filename}"'
    response["X-Download-Code"] = copy.record.code
    response["Cache-Control"] = "private, no-store"
    return response


class PublicationDownloadView(APIView):
    permission_classes = [AllowAny]

    @_doc("library_publication_download", responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int):
        pub = selectors.publication_public(pk=pk, user=request.user)
        try:
            copy = services.download_issue(user=request.user, publication=pub, ip=client_ip(request))
        except services.AccessRefused as exc:
            return _refused(exc)
        services.usage_record(
            publication=pub,
            kind="download",
            user=request.user,
            client_key=f"u{request.user.pk}",
            user_agent=request.META.get("HTTP_USER_AGENT", "api"),
        )
        return pdf_response(copy)


class DownloadTraceView(APIView):
    permission_classes = [IsAuthenticated]

    @_doc("library_download_trace")
    def get(self, request: Request, code: str) -> Response:
        record = services.download_trace(actor=request.user, code=code)
        return Response(selectors.download_record_data(record))


class SoftcopyRequestSerializer(serializers.Serializer):
    publication = serializers.IntegerField()
    purpose = serializers.CharField(max_length=2000, allow_blank=True)


class SoftcopyRequestListView(APIView):
    permission_classes = [IsAuthenticated]

    @_doc("library_softcopy_request_list")
    def get(self, request: Request) -> Response:
        unit_code = request.query_params.get("unit")
        if unit_code:
            unit = unit_for_staff(request.user, unit_code, roles=services.LIBRARIAN)
            qs = SoftcopyRequest.objects.filter(unit=unit)
        else:
            qs = SoftcopyRequest.objects.filter(user=request.user)
        qs = qs.select_related("publication", "user", "unit")[:200]
        return Response({"results": [selectors.softcopy_request_data(r) for r in qs]})

    @_doc("library_softcopy_request_create", request=SoftcopyRequestSerializer)
    def post(self, request: Request) -> Response:
        serializer = SoftcopyRequestSerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"detail": "Invalid request.", "errors": serializer.errors}, status=400)
        pub = selectors.publication_public(pk=serializer.validated_data["publication"], user=request.user)
        try:
            req = services.softcopy_request_create(
                user=request.user, publication=pub, purpose=serializer.validated_data["purpose"]
            )
        except ValidationError as exc:
            return _error(exc)
        except services.AccessRefused as exc:
            return _refused(exc)
        return Response(selectors.softcopy_request_data(req), status=201)


class SoftcopyRequestApproveView(APIView):
    permission_classes = [IsAuthenticated]

    @_doc("library_softcopy_request_approve", request=None)
    def post(self, request: Request, pk: int) -> Response:
        try:
            req, _token = services.softcopy_request_approve(actor=request.user, request_id=pk)
        except ValidationError as exc:
            return _error(exc)
        except services.AccessRefused as exc:
            return Response({"detail": exc.reason}, status=400)
        return Response(selectors.softcopy_request_data(req))


class SoftcopyRequestDeclineView(APIView):
    permission_classes = [IsAuthenticated]

    @_doc("library_softcopy_request_decline", request=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        try:
            req = services.softcopy_request_decline(
                actor=request.user, request_id=pk, reason=str(request.data.get("reason", ""))
            )
        except ValidationError as exc:
            return _error(exc)
        return Response(selectors.softcopy_request_data(req))


class SoftcopyRequestDownloadView(APIView):
    """The portal's way to the approved copy (the emailed link is the tokenised page route)."""

    permission_classes = [IsAuthenticated]

    @_doc("library_softcopy_request_download", responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int):
        req = SoftcopyRequest.objects.filter(pk=pk, user=request.user).select_related("publication").first()
        if req is None:
            raise Http404
        try:
            copy = services.softcopy_download(user=request.user, req=req, ip=client_ip(request))
        except services.AccessRefused as exc:
            return _refused(exc)
        return pdf_response(copy)


class MyDownloadsView(APIView):
    permission_classes = [IsAuthenticated]

    @_doc("library_my_downloads")
    def get(self, request: Request) -> Response:
        records = DownloadRecord.objects.filter(user=request.user).select_related("unit")[:200]
        return Response({"results": [selectors.download_record_data(r) for r in records]})


class UnitDownloadsView(APIView):
    """Staff: the downloads of one unit's publications (scoped; another unit's answers 404)."""

    permission_classes = [IsAuthenticated]

    @_doc("library_unit_downloads")
    def get(self, request: Request, code: str) -> Response:
        unit = unit_for_staff(request.user, code, roles=services.LIBRARIAN)
        records = scope(DownloadRecord.objects.filter(unit=unit), request.user, roles=services.LIBRARIAN)
        return Response(
            {"results": [selectors.download_record_data(r) for r in records.select_related("unit")[:500]]}
        )


class CatalogueImportView(APIView):
    """Validate a CSV/XLSX/MARC file (report only), or with `apply=1` write it if the report is clean."""

    permission_classes = [IsAuthenticated]

    @_doc("library_catalogue_import", request={"multipart/form-data": OpenApiTypes.OBJECT})
    def post(self, request: Request, code: str) -> Response:
        from . import imports

        unit = unit_for_staff(request.user, code, roles=services.LIBRARIAN)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": "Attach the file as the multipart field 'file'."}, status=400)
        if upload.size > 20 * 1024 * 1024:
            return Response({"detail": "The file is larger than 20 MB."}, status=400)
        report = imports.catalogue_import_check(unit=unit, content=upload.read(), filename=upload.name)
        body = report.as_dict()
        if str(request.data.get("apply", "")).lower() not in ("1", "true", "yes"):
            return Response(body, status=200 if report.ok else 400)
        if not report.ok:
            return Response({**body, "detail": "Nothing was imported: fix the errors first."}, status=400)
        body["imported"] = imports.catalogue_import_apply(actor=request.user, unit=unit, report=report)
        return Response(body, status=201)


class CatalogueExportView(APIView):
    permission_classes = [IsAuthenticated]

    @_doc("library_catalogue_export", responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request: Request, code: str) -> HttpResponse:
        from . import imports

        unit = unit_for_staff(request.user, code, roles=services.LIBRARIAN)
        qs = Publication.objects.filter(unit=unit).order_by("id")
        fmt = request.query_params.get("kind", "csv")  # not "format": DRF reserves it
        if fmt == "marcxml":
            return HttpResponse(imports.export_marc(qs, xml=True), content_type="application/marcxml+xml")
        if fmt == "marc":
            response = HttpResponse(imports.export_marc(qs, xml=False), content_type="application/marc")
            response["Content-Disposition"] = f'attachment; filename="katalog-{unit.code}.mrc"'
            return response
        response = HttpResponse(imports.export_csv(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="katalog-{unit.code}.csv"'
        return response
