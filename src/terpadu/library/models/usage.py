"""What happened to the collection: reading-room use, scanner use, COUNTER-style usage events."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import PrintCopy, Publication


class ReadingLog(models.Model):
    """A printed item read in the reading room (from the open shelf, or fetched from storage)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="reading_logs")
    copy = models.ForeignKey(PrintCopy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The walk-in's guest-book entry of that day (the visitor's name is kept as a snapshot).
    visit = models.ForeignKey(
        "frontdesk.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_readings",
    )
    visitor_name = models.CharField(_("visitor"), max_length=150, blank=True)
    from_storage = models.BooleanField(_("fetched from storage"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reading-room use")
        verbose_name_plural = _("reading-room uses")

    def __str__(self) -> str:
        return f"{self.publication_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class ScannerLog(models.Model):
    """A self-service scanner use: which item, how many pages."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="scanner_logs")
    copy = models.ForeignKey(PrintCopy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pages = models.PositiveIntegerField(_("pages scanned"))
    # The walk-in's guest-book entry of that day (the visitor's name is kept as a snapshot).
    visit = models.ForeignKey(
        "frontdesk.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_scans",
    )
    visitor_name = models.CharField(_("visitor"), max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scanner use")
        verbose_name_plural = _("scanner uses")

    def __str__(self) -> str:
        return f"{self.publication_id}: {self.pages} pages"


class UsageEvent(models.Model):
    """COUNTER-style: one row per counted view, read or download (double clicks and robots left out)."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Metadata view")
        READ = "read", _("Read online")
        DOWNLOAD = "download", _("Download")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="usage_events")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A keyed hash of the session (or IP + user agent): a repeat by the same client is recognised.
    client_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("usage event")
        verbose_name_plural = _("usage events")
        indexes = [
            models.Index(fields=["publication", "kind", "client_hash", "created_at"]),
            models.Index(fields=["unit", "kind", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.publication_id}"
