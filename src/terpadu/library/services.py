"""Library writes: catalogue, files, watermarked copies, softcopy requests, reading room, usage.

Every function validates before it changes anything and raises ValidationError (or
AccessRefused, for "you may not have this") with a message meant for the person who asked.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from terpadu.core.access import get_for_staff, staff_units
from terpadu.core.events import broadcast, enqueue, on_commit
from terpadu.core.models import audit
from terpadu.frontdesk.models import Visit
from terpadu.frontdesk.selectors import local_day
from terpadu.lib.pdfcheck import InvalidPdf, extract_page_texts, render_page_png, validate_pdf
from terpadu.lib.watermark import find_watermark_code, render_watermarked_page_png, watermark_pdf
from terpadu.library import signals
from terpadu.units.models import StaffRole, Unit

from . import search
from .models import (
    DigitalFile,
    DownloadRecord,
    PrintCopy,
    Publication,
    ReadingLog,
    RetrievalRequest,
    ScannerLog,
    Series,
    SoftcopyRequest,
    Subject,
    UsageEvent,
)

log = logging.getLogger(__name__)

LIBRARIAN = [StaffRole.Role.LIBRARIAN]
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed from a print
CODE_LENGTH = 8
COVER_WIDTH = 360


class AccessRefused(Exception):  # noqa: N818 - reads as the verdict, like PermissionDenied
    """The person may not have this; `reason` says why in words for them."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def max_upload_bytes() -> int:
    return int(getattr(settings, "LIBRARY_MAX_UPLOAD_BYTES", 200 * 1024 * 1024))


def _now():
    return timezone.now()


# --- catalogue ------------------------------------------------------------------------------------

PUBLICATION_FIELDS = (
    "title",
    "subtitle",
    "abstract",
    "catalogue_number",
    "publication_number",
    "issn",
    "isbn",
    "year",
    "language",
    "release_date",
    "is_published",
)


def subject_get_or_create(name: str) -> Subject:
    name = " ".join(name.split())[:120]
    slug = slugify(name)[:120] or "subjek"
    subject = Subject.objects.filter(slug=slug).first()
    return subject or Subject.objects.create(name=name, slug=slug)


def series_get_or_create(name: str) -> Series:
    name = " ".join(name.split())[:120]
    slug = slugify(name)[:120] or "seri"
    series = Series.objects.filter(slug=slug).first()
    return series or Series.objects.create(name=name, slug=slug)


@transaction.atomic
def publication_save(
    *,
    actor,
    unit: Unit,
    data: dict,
    subjects: list[str] | None = None,
    series: str | None = None,
    publication: Publication | None = None,
) -> Publication:
    """Create (or update) a publication after full validation; nothing is written if invalid."""
    pub = publication or Publication(unit=unit, created_by=actor if getattr(actor, "pk", None) else None)
    for name in PUBLICATION_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(pub, name, value)
    if series is not None:
        pub.series = series_get_or_create(series) if series.strip() else None
    pub.unit = unit
    pub.full_clean()
    pub.save()
    if subjects is not None:
        pub.subjects.set([subject_get_or_create(s) for s in subjects if s.strip()])
    search.index_publication(pub)
    if actor is not None:
        audit(
            actor=actor,
            action="library.publication_updated" if publication else "library.publication_created",
            obj=pub,
            unit_code=unit.code,
            summary=pub.title,
        )
    return pub


@transaction.atomic
def print_copy_save(
    *, actor, publication: Publication, unit: Unit, data: dict, copy: PrintCopy | None = None
) -> PrintCopy:
    copy = copy or PrintCopy(publication=publication, unit=unit)
    for name in ("barcode", "location", "shelf_code", "condition", "status", "note"):
        if name in data:
            setattr(copy, name, (data[name] or "").strip() if isinstance(data[name], str) else data[name])
    copy.unit = unit
    copy.full_clean()
    copy.save()
    return copy


# --- digital files --------------------------------------------------------------------------------


def _as_local_source(upload) -> tuple[object, Path | None]:
    """A path or bytes pikepdf can open, without reading a big upload into memory twice."""
    if isinstance(upload, bytes | bytearray):
        return bytes(upload), None
    path = getattr(upload, "temporary_file_path", None)
    if callable(path):
        return path(), None
    size = getattr(upload, "size", None)
    if size is not None and size > max_upload_bytes():
        # validate_pdf rejects it on size alone; do not copy it anywhere.
        tmp = Path(tempfile.mkstemp(suffix=".pdf")[1])
        with open(tmp, "wb") as fh:
            fh.truncate(size)
        return tmp, tmp
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data, None


def digital_file_upload(
    *, actor, publication: Publication, upload, access: str | None = None, name: str = ""
) -> DigitalFile:
    """Validate the PDF (nothing is stored if it fails), then store it privately and queue processing."""
    if access is not None and access not in DigitalFile.Access.values:
        raise ValidationError({"access": _("Choose public download, read online only or on request.")})
    source, cleanup = _as_local_source(upload)
    try:
        try:
            info = validate_pdf(source, max_bytes=max_upload_bytes())
        except InvalidPdf as exc:
            raise ValidationError({"file": str(exc.message)}) from None
        if isinstance(source, bytes):
            digest = hashlib.sha256(source).hexdigest()
            content = ContentFile(source)
        else:
            digest = _sha256_file(source)
            content = File(open(source, "rb"))  # noqa: SIM115 - closed below
        try:
            with transaction.atomic():
                old = DigitalFile.objects.select_for_update().filter(publication=publication).first()
                if old is not None:
                    access = access or old.access
                    old_names = [old.file.name, old.cover.name if old.cover else ""]
                    old.delete()
                    on_commit(lambda names=old_names: _delete_private(names))
                    search.unindex_pages(publication)
                digital = DigitalFile(
                    publication=publication,
                    access=access or DigitalFile.Access.PUBLIC_DOWNLOAD,
                    original_name=(name or getattr(upload, "name", "") or "publikasi.pdf")[:255],
                    size_bytes=info.size_bytes,
                    sha256=digest,
                    page_count=info.page_count,
                    uploaded_by=actor if getattr(actor, "pk", None) else None,
                )
                digital.file.save("upload.pdf", content, save=False)
                try:
                    digital.save()
                except Exception:
                    digital.file.delete(save=False)
                    raise
                if actor is not None:
                    audit(
                        actor=actor,
                        action="library.file_uploaded",
                        obj=publication,
                        unit_code=publication.unit.code,
                        summary=digital.original_name,
                        sha256=digest,
                    )
                from .tasks import process_digital_file

                enqueue(process_digital_file, digital.pk)
        finally:
            if hasattr(content, "close"):
                content.close()
        return digital
    finally:
        if cleanup is not None:
            cleanup.unlink(missing_ok=True)


def _sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _delete_private(names: list[str]) -> None:
    from .storage import private_storage

    for name in names:
        if name:
            private_storage.delete(name)


def digital_file_process(*, file_id: int) -> DigitalFile | None:
    """Text per page into the index, page count, cover. Idempotent: safe to run twice."""
    with transaction.atomic():
        digital = DigitalFile.objects.select_for_update().filter(pk=file_id).first()
        if digital is None or digital.status == DigitalFile.Status.READY:
            return digital
        digital.status = DigitalFile.Status.PROCESSING
        digital.progress = 5
        digital.save(update_fields=["status", "progress"])
    try:
        path = digital.file.path
        texts = extract_page_texts(path)
        _progress(digital, 50)
        png = render_page_png(path, 0, width_px=COVER_WIDTH)
        _progress(digital, 70)
        with transaction.atomic():
            search.index_pages(digital.publication, texts)
            if not digital.cover:
                digital.cover.save("cover.png", ContentFile(png), save=False)
            digital.page_count = len(texts)
            digital.status = DigitalFile.Status.READY
            digital.progress = 100
            digital.error = ""
            digital.processed_at = _now()
            digital.save(update_fields=["cover", "page_count", "status", "progress", "error", "processed_at"])
            # The publication changed for harvesters too (it now has a file).
            Publication.objects.filter(pk=digital.publication_id).update(updated_at=_now())
    except Exception as exc:
        log.exception("processing digital file %s failed", file_id)
        DigitalFile.objects.filter(pk=file_id).update(status=DigitalFile.Status.FAILED, error=str(exc)[:2000])
        digital.refresh_from_db()
    return digital


def _progress(digital: DigitalFile, value: int) -> None:
    DigitalFile.objects.filter(pk=digital.pk).update(progress=value)


# --- watermarked copies ---------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def watermark_text(*, unit: Unit, user_name: str, user_email: str, when, code: str) -> str:
    local = when.astimezone(unit.zone)
    place = unit.name.removeprefix("BPS ").strip()
    return (
        f"Diunduh dari PST BPS {place} oleh {user_name} ({user_email}) "
        f"pada {local:%d-%m-%Y %H:%M} {unit.zone_abbreviation} · {code}"
    )


def _record_create(
    *, user, publication: Publication, kind: str, softcopy_request=None, ip=None
) -> DownloadRecord:
    digital = publication.digital_file
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return DownloadRecord.objects.create(
                    code=_new_code(),
                    kind=kind,
                    user=user,
                    user_name=user.name or user.email,
                    user_email=user.email,
                    publication=publication,
                    publication_title=publication.title[:400],
                    unit=publication.unit,
                    file_sha256=digital.sha256,
                    softcopy_request=softcopy_request,
                    ip_address=ip,
                )
        except IntegrityError:  # a code collision (1 in 10^12): draw again
            continue
    raise RuntimeError("could not draw a unique download code")


def _ready_file(publication: Publication) -> DigitalFile:
    digital = getattr(publication, "digital_file", None)
    if digital is None:
        raise AccessRefused(_("This publication has no softcopy."))
    if not digital.is_ready:
        raise AccessRefused(_("The softcopy is still being processed. Try again in a few minutes."))
    return digital


def check_download(*, user, publication: Publication) -> DigitalFile:
    if not publication.is_published:
        raise AccessRefused(_("This publication is not in the public catalogue."))
    if user is None or not user.is_authenticated:
        raise AccessRefused(_("Log in to download the softcopy."))
    digital = _ready_file(publication)
    if digital.access == DigitalFile.Access.READ_ONLINE:
        raise AccessRefused(_("This softcopy can only be read online; it cannot be downloaded."))
    if digital.access == DigitalFile.Access.ON_REQUEST:
        raise AccessRefused(_("This softcopy is available on request: fill in the softcopy request form."))
    return digital


def check_read_online(*, user, publication: Publication) -> DigitalFile:
    if not publication.is_published:
        raise AccessRefused(_("This publication is not in the public catalogue."))
    if user is None or not user.is_authenticated:
        raise AccessRefused(_("Log in to read the softcopy."))
    digital = _ready_file(publication)
    if digital.access == DigitalFile.Access.ON_REQUEST:
        raise AccessRefused(_("This softcopy is available on request: fill in the softcopy request form."))
    return digital


@dataclass
class WatermarkedCopy:
    record: DownloadRecord
    content: bytes
    filename: str


def _watermarked(record: DownloadRecord, digital: DigitalFile) -> bytes:
    text = watermark_text(
        unit=record.unit,
        user_name=record.user_name,
        user_email=record.user_email,
        when=record.created_at,
        code=record.code,
    )
    out = io.BytesIO()
    watermark_pdf(
        digital.file.path,
        out,
        text=text,
        code=record.code,
        metadata={
            "unit": record.unit.code,
            "publication": str(record.publication_id),
            "user": record.user_email,
        },
    )
    return out.getvalue()


def _filename(publication: Publication, code: str) -> str:
    return f"{slugify(publication.title)[:80] or 'publikasi'}-{code}.pdf"


def download_issue(*, user, publication: Publication, ip=None, softcopy_request=None) -> WatermarkedCopy:
    """Check access, record the download with a fresh code, return the watermarked copy."""
    if softcopy_request is None:
        digital = check_download(user=user, publication=publication)
        kind = DownloadRecord.Kind.DOWNLOAD
    else:
        digital = _ready_file(publication)
        kind = DownloadRecord.Kind.SOFTCOPY_REQUEST
    record = _record_create(
        user=user, publication=publication, kind=kind, softcopy_request=softcopy_request, ip=ip
    )
    return WatermarkedCopy(record, _watermarked(record, digital), _filename(publication, record.code))


def read_session(*, user, publication: Publication, ip=None) -> DownloadRecord:
    """The record (and code) burned into the page images a user reads today."""
    check_read_online(user=user, publication=publication)
    # One code per reading session: the page images of the same half day carry the same code.
    existing = (
        DownloadRecord.objects.filter(
            user=user,
            publication=publication,
            kind=DownloadRecord.Kind.READ_ONLINE,
            created_at__gte=_now() - timedelta(hours=12),
        )
        .order_by("-created_at")
        .first()
    )
    return existing or _record_create(
        user=user, publication=publication, kind=DownloadRecord.Kind.READ_ONLINE, ip=ip
    )


def page_image(*, record: DownloadRecord, page_number: int, width: int = 900) -> bytes:
    """One page as PNG with the reader's watermark burned in (pages count from 1)."""
    digital = record.publication.digital_file
    width = max(300, min(int(width), 1600))
    if not 1 <= page_number <= digital.page_count:
        raise ValidationError(_("This page does not exist."))
    key = f"library:page:{record.code}:{digital.sha256[:16]}:{page_number}:{width}"
    png = cache.get(key)
    if png is None:
        text = watermark_text(
            unit=record.unit,
            user_name=record.user_name,
            user_email=record.user_email,
            when=record.created_at,
            code=record.code,
        )
        png = render_watermarked_page_png(
            digital.file.path, page_number - 1, text=text, width_px=width, code=record.code
        )
        cache.set(key, png, 600)
    return png


def download_trace(*, actor, code: str) -> DownloadRecord:
    """The record behind a code, if it belongs to one of the actor's units (404 otherwise)."""
    code = (code or "").strip().upper()
    return get_for_staff(
        DownloadRecord.objects.select_related("unit", "user"), actor, roles=LIBRARIAN, code=code
    )


def download_trace_pdf(*, actor, pdf_bytes: bytes) -> DownloadRecord:
    if len(pdf_bytes) > max_upload_bytes():
        raise ValidationError(_("The file is too large."))
    code = find_watermark_code(pdf_bytes)
    if not code:
        raise ValidationError(_("No download code was found in this file."))
    return download_trace(actor=actor, code=code)


# --- softcopy requests ----------------------------------------------------------------------------

REQUEST_MAX_PENDING = 3
REQUEST_MAX_PER_DAY = 10
REQUEST_LINK_DAYS = 7
ATTACH_MAX_BYTES = 5 * 1024 * 1024


def _token_hash(token: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


def check_softcopy_request(*, user, publication: Publication, purpose: str) -> str:
    purpose = " ".join((purpose or "").split())
    if user is None or not user.is_authenticated:
        raise AccessRefused(_("Log in to request a softcopy."))
    if not publication.is_published or getattr(publication, "digital_file", None) is None:
        raise ValidationError({"publication": _("This publication has no softcopy to request.")})
    if len(purpose) < 10:
        raise ValidationError(
            {"purpose": _("Tell us what you need the publication for (at least 10 characters).")}
        )
    if len(purpose) > 2000:
        raise ValidationError({"purpose": _("Keep the purpose under 2000 characters.")})
    mine = SoftcopyRequest.objects.filter(user=user)
    if mine.filter(publication=publication, status=SoftcopyRequest.Status.PENDING).exists():
        raise ValidationError(_("You already asked for this publication; the librarian will answer soon."))
    if mine.filter(status=SoftcopyRequest.Status.PENDING).count() >= REQUEST_MAX_PENDING:
        raise ValidationError(
            _("You have %(n)d requests waiting. Wait for an answer before asking for more.")
            % {"n": REQUEST_MAX_PENDING}
        )
    if mine.filter(created_at__gte=_now() - timedelta(days=1)).count() >= REQUEST_MAX_PER_DAY:
        raise ValidationError(_("You have reached the limit of requests for today. Try again tomorrow."))
    return purpose


@transaction.atomic
def softcopy_request_create(
    *, user, publication: Publication, purpose: str, actor=None, visit: Visit | None = None
) -> SoftcopyRequest:
    """An online request, or one staff enter for a walk-in visitor (`actor` is then the staff member)."""
    purpose = check_softcopy_request(user=user, publication=publication, purpose=purpose)
    walk_in = actor is not None and actor != user
    req = SoftcopyRequest.objects.create(
        publication=publication,
        unit=publication.unit,
        user=user,
        purpose=purpose,
        channel=SoftcopyRequest.Channel.WALK_IN if walk_in else SoftcopyRequest.Channel.ONLINE,
        created_by=actor if walk_in else None,
        visit=visit if walk_in else None,
    )
    _notify_request(req, token=None)
    broadcast(f"library.{publication.unit.code}", {"type": "library.request", "id": req.pk})
    return req


def _walk_in_account(*, email: str, name: str):
    """The account with this email, or a new one without a password (the visitor sets it by email).

    The requester needs an account: the link to the copy only opens for its owner. A visitor
    without one gets an account that cannot log in until they choose a password through the
    password-reset mail, which also proves the address is theirs.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if not user.is_active:
            raise ValidationError({"email": _("The account with this email is closed.")})
        return user, False
    user = User.objects.create_user(email=email, password=None, name=name[:150])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user, True


@transaction.atomic
def softcopy_request_walk_in(
    *, actor, unit: Unit, visit_id, publication_id, email: str, purpose: str
) -> SoftcopyRequest:
    """Staff enter a softcopy request for a walk-in visitor of today, by the visitor's email."""
    from django.core.validators import validate_email

    if not staff_units(actor, LIBRARIAN).filter(pk=unit.pk).exists():
        raise Http404
    errors: dict[str, list[str]] = {}
    visit = None
    try:
        visit = visit_of_today(unit=unit, visit_id=visit_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    email = (email or (visit.email if visit else "") or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Give the visitor's email address: the link to the copy is sent there.")]
    publication = (
        Publication.objects.filter(pk=publication_id, is_published=True).select_related("unit").first()
        if str(publication_id or "").isdigit()
        else None
    )
    if publication is None:
        errors["publication"] = [_("Choose the publication the visitor asks for.")]
    if errors:
        raise ValidationError(errors)
    user, created = _walk_in_account(email=email, name=visit.name)
    req = softcopy_request_create(
        user=user, publication=publication, purpose=purpose, actor=actor, visit=visit
    )
    audit(
        actor=actor,
        action="library.request_walk_in",
        obj=req,
        unit_code=unit.code,
        summary=f"{visit.name} <{email}>" + (" (new account)" if created else ""),
    )
    return req


def _lock_pending(actor, request_id: int) -> SoftcopyRequest:
    req = get_for_staff(SoftcopyRequest.objects.select_for_update(), actor, roles=LIBRARIAN, pk=request_id)
    if req.status != SoftcopyRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    return req


@transaction.atomic
def softcopy_request_approve(
    *, actor, request_id: int, days: int = REQUEST_LINK_DAYS
) -> tuple[SoftcopyRequest, str]:
    req = _lock_pending(actor, request_id)
    _ready_file(req.publication)
    token = secrets.token_urlsafe(24)
    req.status = SoftcopyRequest.Status.APPROVED
    req.decided_by, req.decided_at = actor, _now()
    req.token_hash = _token_hash(token)
    req.expires_at = req.decided_at + timedelta(days=days)
    req.save(update_fields=["status", "decided_by", "decided_at", "token_hash", "expires_at"])
    audit(actor=actor, action="library.request_approved", obj=req, unit_code=req.unit.code)
    _notify_request(req, token=token)
    on_commit(lambda: signals.softcopy_request_fulfilled.send(sender=SoftcopyRequest, request=req))
    return req, token


@transaction.atomic
def softcopy_request_decline(*, actor, request_id: int, reason: str) -> SoftcopyRequest:
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError({"reason": _("Give the requester a reason (at least 5 characters).")})
    req = _lock_pending(actor, request_id)
    req.status = SoftcopyRequest.Status.DECLINED
    req.reason = reason[:2000]
    req.decided_by, req.decided_at = actor, _now()
    req.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit(actor=actor, action="library.request_declined", obj=req, unit_code=req.unit.code, summary=reason)
    _notify_request(req, token=None)
    return req


def softcopy_request_by_token(*, user, token: str) -> SoftcopyRequest:
    req = (
        SoftcopyRequest.objects.select_related("publication", "unit")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    return check_softcopy_link(user=user, req=req)


def check_softcopy_link(*, user, req: SoftcopyRequest | None) -> SoftcopyRequest:
    if req is None or req.user_id != getattr(user, "pk", None):
        # Someone else's link answers like an unknown one.
        raise AccessRefused(_("This link is not valid for your account."))
    if req.status != SoftcopyRequest.Status.APPROVED:
        raise AccessRefused(_("This request has not been approved."))
    if not req.link_valid:
        raise AccessRefused(_("This link has expired. Ask for the softcopy again."))
    return req


def softcopy_download(*, user, req: SoftcopyRequest, ip=None) -> WatermarkedCopy:
    req = check_softcopy_link(user=user, req=req)
    return download_issue(user=user, publication=req.publication, ip=ip, softcopy_request=req)


def _notify_request(req: SoftcopyRequest, *, token: str | None) -> None:
    """Tell the requester about a status change, after commit (with the link, or the file if small)."""
    user = req.user
    link = f"{settings.SITE_URL}/pustaka/permintaan/t/{token}/" if token else ""
    portal = f"{settings.SITE_URL}/pustaka/saya/"
    # An account opened at the desk has no password yet: the mail says how to set one.
    set_password = (
        "" if user.has_usable_password() else f"{settings.SITE_URL}{reverse('account_reset_password')}"
    )
    attach = None
    if token and req.publication.digital_file.size_bytes <= ATTACH_MAX_BYTES:
        copy = download_issue(user=user, publication=req.publication, softcopy_request=req)
        attach = (copy.filename, copy.content)
    context = {
        "req": req,
        "link": link,
        "portal": portal,
        "user": user,
        "attached": attach is not None,
        "set_password": set_password,
    }
    subject = {
        SoftcopyRequest.Status.PENDING: "Permintaan softcopy diterima",
        SoftcopyRequest.Status.APPROVED: "Permintaan softcopy disetujui",
        SoftcopyRequest.Status.DECLINED: "Permintaan softcopy ditolak",
    }.get(req.status, "Permintaan softcopy")

    def send():
        body = render_to_string("library/email/request_status.txt", context)
        message = EmailMessage(f"[PST BPS] {subject}: {req.publication.title[:80]}", body, to=[user.email])
        if attach:
            message.attach(attach[0], attach[1], "application/pdf")
        message.send(fail_silently=False)

    on_commit(send)


# --- reading room ---------------------------------------------------------------------------------


@dataclass
class ReadingRoomOutcome:
    reading: ReadingLog | None
    retrieval: RetrievalRequest | None


def visit_of_today(*, unit: Unit, visit_id) -> Visit:
    """The walk-in's guest-book entry of today in `unit`, still in the building; else a clear error.

    Reading-room use, scans, retrievals and walk-in requests hang off this visit, so the guest
    book and the library tell one story. A visit of another unit answers like an unknown one.
    """
    try:
        visit = Visit.objects.select_related("unit").get(pk=int(visit_id), unit=unit)
    except (Visit.DoesNotExist, TypeError, ValueError):
        raise ValidationError(
            {"visit": _("Choose the visitor from today's guest book of this unit.")}
        ) from None
    if visit.created_at.astimezone(unit.zone).date() != local_day(unit):
        raise ValidationError(
            {"visit": _("This guest-book entry is not from today: the visitor signs in again.")}
        )
    if visit.checked_out_at is not None:
        raise ValidationError({"visit": _("This visitor has already checked out.")})
    return visit


@transaction.atomic
def reading_room_request(*, actor, unit: Unit, copy_id: int, visit_id) -> ReadingRoomOutcome:
    """A walk-in visitor asks for an item: read from the shelf now, or fetched from storage."""
    visit = visit_of_today(unit=unit, visit_id=visit_id)
    copy = get_for_staff(
        PrintCopy.objects.select_for_update().select_related("publication"),
        actor,
        roles=LIBRARIAN,
        pk=copy_id,
    )
    if copy.unit_id != unit.pk:
        raise ValidationError(_("This copy belongs to another unit's library."))
    if copy.status != PrintCopy.Status.AVAILABLE:
        raise ValidationError(
            _("This copy is not available now (%(status)s).") % {"status": copy.get_status_display()}
        )
    if copy.location == PrintCopy.Location.DISPLAY:
        copy.status = PrintCopy.Status.IN_USE
        copy.save(update_fields=["status"])
        log_entry = ReadingLog.objects.create(
            unit=unit,
            publication=copy.publication,
            copy=copy,
            visit=visit,
            visitor_name=visit.name,
            recorded_by=actor,
        )
        return ReadingRoomOutcome(log_entry, None)
    retrieval = RetrievalRequest.objects.create(
        unit=unit,
        copy=copy,
        publication=copy.publication,
        visit=visit,
        visitor_name=visit.name,
        requested_by=actor,
    )
    broadcast(f"library.{unit.code}", {"type": "library.retrieval", "id": retrieval.pk})
    return ReadingRoomOutcome(None, retrieval)


RETRIEVAL_NEXT = {
    RetrievalRequest.Status.REQUESTED: {RetrievalRequest.Status.FETCHED, RetrievalRequest.Status.CANCELLED},
    RetrievalRequest.Status.FETCHED: {RetrievalRequest.Status.DELIVERED, RetrievalRequest.Status.CANCELLED},
    RetrievalRequest.Status.DELIVERED: {RetrievalRequest.Status.RETURNED},
}


@transaction.atomic
def retrieval_advance(*, actor, retrieval_id: int, status: str) -> RetrievalRequest:
    retrieval = get_for_staff(
        RetrievalRequest.objects.select_for_update().select_related("copy"),
        actor,
        roles=LIBRARIAN,
        pk=retrieval_id,
    )
    if status not in RETRIEVAL_NEXT.get(retrieval.status, set()):
        raise ValidationError(
            _("A request that is %(now)s cannot become %(next)s.")
            % {"now": retrieval.get_status_display(), "next": status}
        )
    now = _now()
    retrieval.status = status
    retrieval.handled_by = actor
    fields = ["status", "handled_by"]
    copy = retrieval.copy
    if status == RetrievalRequest.Status.FETCHED:
        retrieval.fetched_at = now
        fields.append("fetched_at")
    elif status == RetrievalRequest.Status.DELIVERED:
        retrieval.delivered_at = now
        fields.append("delivered_at")
        copy.status = PrintCopy.Status.IN_USE
        copy.save(update_fields=["status"])
        ReadingLog.objects.create(
            unit=retrieval.unit,
            publication=retrieval.publication,
            copy=copy,
            visit_id=retrieval.visit_id,
            visitor_name=retrieval.visitor_name,
            from_storage=True,
            recorded_by=actor,
        )
    elif status == RetrievalRequest.Status.RETURNED:
        retrieval.returned_at = now
        fields.append("returned_at")
        copy.status = PrintCopy.Status.AVAILABLE
        copy.save(update_fields=["status"])
    retrieval.save(update_fields=fields)
    broadcast(f"library.{retrieval.unit.code}", {"type": "library.retrieval", "id": retrieval.pk})
    return retrieval


@transaction.atomic
def copy_return(*, actor, copy_id: int) -> PrintCopy:
    """A shelf item read in the room is back on its shelf."""
    copy = get_for_staff(PrintCopy.objects.select_for_update(), actor, roles=LIBRARIAN, pk=copy_id)
    if copy.status == PrintCopy.Status.IN_USE:
        copy.status = PrintCopy.Status.AVAILABLE
        copy.save(update_fields=["status"])
    return copy


@transaction.atomic
def scanner_use_record(*, actor, unit: Unit, copy_id: int, pages: int, visit_id) -> ScannerLog:
    visit = visit_of_today(unit=unit, visit_id=visit_id)
    copy = get_for_staff(PrintCopy.objects.select_related("publication"), actor, roles=LIBRARIAN, pk=copy_id)
    try:
        pages = int(pages)
    except (TypeError, ValueError):
        pages = 0
    if not 1 <= pages <= 2000:
        raise ValidationError({"pages": _("Give the number of pages scanned (1–2000).")})
    return ScannerLog.objects.create(
        unit=unit,
        publication=copy.publication,
        copy=copy,
        pages=pages,
        visit=visit,
        visitor_name=visit.name,
        recorded_by=actor,
    )


# --- usage (COUNTER-style) ------------------------------------------------------------------------

# COUNTER's robot list, abridged: what a BPS portal's logs show most.
ROBOT_RE = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|curl/|wget/|python-requests|python-urllib|httpclient|"
    r"java/|libwww|scrapy|go-http-client|okhttp|facebookexternalhit|mediapartners|feedfetcher|"
    r"monitor|pingdom|uptime|lighthouse|ia_archiver|heritrix|nutch|sickle",
    re.IGNORECASE,
)
DOUBLE_CLICK_SECONDS = 30


def usage_record(
    *, publication: Publication, kind: str, user=None, client_key: str, user_agent: str = ""
) -> bool:
    """Count one use unless it is a robot or the same client's repeat within 30 seconds."""
    if not user_agent or ROBOT_RE.search(user_agent):
        return False
    client_hash = hmac.new(settings.SECRET_KEY.encode(), client_key.encode(), hashlib.sha256).hexdigest()
    since = _now() - timedelta(seconds=DOUBLE_CLICK_SECONDS)
    if UsageEvent.objects.filter(
        publication=publication, kind=kind, client_hash=client_hash, created_at__gte=since
    ).exists():
        return False
    UsageEvent.objects.create(
        publication=publication,
        unit_id=publication.unit_id,
        kind=kind,
        user=user if getattr(user, "pk", None) else None,
        client_hash=client_hash,
    )
    return True
