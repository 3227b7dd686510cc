"""Digital files (kept privately), the text index per page, and download records."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from terpadu.library.storage import get_private_storage

from .catalogue import Publication


def digital_upload_to(instance, filename: str) -> str:
    # A random name: the stored path reveals neither the title nor the original file name.
    return f"library/files/{uuid.uuid4().hex}.pdf"


def cover_upload_to(instance, filename: str) -> str:
    return f"library/covers/{uuid.uuid4().hex}.png"


class DigitalFile(models.Model):
    class Access(models.TextChoices):
        PUBLIC_DOWNLOAD = "public_download", _("Public download")
        READ_ONLINE = "read_online", _("Read online only")
        ON_REQUEST = "on_request", _("On request")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be processed")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Processing failed")

    publication = models.OneToOneField(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="digital_file"
    )
    access = models.CharField(
        _("access"), max_length=16, choices=Access.choices, default=Access.PUBLIC_DOWNLOAD
    )
    file = models.FileField(
        _("file"), storage=get_private_storage, upload_to=digital_upload_to, max_length=200
    )
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    cover = models.FileField(
        _("cover"), storage=get_private_storage, upload_to=cover_upload_to, max_length=200, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digital file")
        verbose_name_plural = _("digital files")

    def __str__(self) -> str:
        return f"{self.publication_id}: {self.original_name or self.file.name}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class SearchDocument(models.Model):
    """One searchable text: page 0 is the publication's metadata, page n the PDF's page n.

    `stemmed` holds the Snowball-stemmed words that the database's full-text index covers (an FTS5
    table on SQLite, a GIN tsvector on PostgreSQL, both created in migration 0002); `body` keeps the
    original words for snippets.
    """

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="search_documents")
    page = models.PositiveIntegerField(default=0)
    body = models.TextField(blank=True)
    stemmed = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["publication", "page"], name="library_searchdoc_one_per_page")
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} p{self.page}"


class SearchTerm(models.Model):
    """The vocabulary of titles, subjects and series, for typo correction (trigram similarity)."""

    term = models.CharField(max_length=64, unique=True)
    stem = models.CharField(max_length=64, db_index=True)
    frequency = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term


class DownloadRecord(models.Model):
    """One watermarked copy handed out: the code printed on it leads back here."""

    class Kind(models.TextChoices):
        DOWNLOAD = "download", _("Download")
        READ_ONLINE = "read_online", _("Read online")
        SOFTCOPY_REQUEST = "softcopy_request", _("Softcopy request")

    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DOWNLOAD)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="library_downloads"
    )
    # Snapshots: the trace must still name the person and the title if either is later removed.
    user_name = models.CharField(_("name"), max_length=150)
    user_email = models.EmailField(_("email"))
    publication = models.ForeignKey(
        Publication, null=True, on_delete=models.SET_NULL, related_name="download_records"
    )
    publication_title = models.CharField(_("title"), max_length=400)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    file_sha256 = models.CharField(max_length=64, blank=True)
    softcopy_request = models.ForeignKey(
        "library.SoftcopyRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="downloads"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("download record")
        verbose_name_plural = _("download records")
        indexes = [models.Index(fields=["user", "publication", "kind", "created_at"])]

    def __str__(self) -> str:
        return self.code
