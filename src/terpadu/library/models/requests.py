"""Softcopy requests (online or on behalf of a walk-in) and retrievals from the storage room."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import PrintCopy, Publication


class SoftcopyRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the librarian")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        WALK_IN = "walk_in", _("Walk-in (entered by staff)")

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="softcopy_requests"
    )
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.CASCADE,
        related_name="softcopy_requests",
    )
    purpose = models.TextField(_("purpose"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For a walk-in request: the guest-book entry of the visitor the staff member served.
    visit = models.ForeignKey(
        "frontdesk.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_softcopy_requests",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Only a hash of the emailed token is kept: a database reader cannot rebuild the link.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("softcopy request")
        verbose_name_plural = _("softcopy requests")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.publication_id} {self.status}"

    @property
    def link_valid(self) -> bool:
        return (
            self.status == self.Status.APPROVED
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class RetrievalRequest(models.Model):
    """A walk-in visitor asked for a copy kept in storage: staff fetch, deliver, and take it back."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        FETCHED = "fetched", _("Fetched from storage")
        DELIVERED = "delivered", _("Delivered to the visitor")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    copy = models.ForeignKey(
        PrintCopy, verbose_name=_("copy"), on_delete=models.PROTECT, related_name="retrievals"
    )
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="+")
    # The walk-in's guest-book entry of that day (the visitor's name is kept as a snapshot).
    visit = models.ForeignKey(
        "frontdesk.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_retrievals",
    )
    visitor_name = models.CharField(_("visitor"), max_length=150)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("retrieval request")
        verbose_name_plural = _("retrieval requests")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.copy_id} → {self.visitor_name} ({self.status})"
