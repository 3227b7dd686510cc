"""A consultation's walk-in appointments, video meetings and walk-in records at the counter."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _uid() -> str:
    return f"{uuid.uuid4().hex}@terpadu"


class ConsultationAppointment(models.Model):
    """A front-office appointment proposed to the user of a consultation (frontdesk knows nothing of it)."""

    consultation = models.ForeignKey(
        "consultation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="walk_in_appointments",
    )
    appointment = models.OneToOneField(
        "frontdesk.Appointment",
        verbose_name=_("appointment"),
        on_delete=models.PROTECT,
        related_name="consultation_link",
    )
    uid = models.CharField(max_length=80, unique=True, default=_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("walk-in appointment")
        verbose_name_plural = _("walk-in appointments")

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.appointment}"


class Meeting(models.Model):
    class Provider(models.TextChoices):
        JITSI = "jitsi", _("Jitsi Meet")
        ZOOM = "zoom", _("Zoom")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    consultation = models.ForeignKey(
        "consultation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    provider = models.CharField(_("provider"), max_length=12, choices=Provider.choices)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    join_url = models.URLField(_("link"), max_length=500)
    external_id = models.CharField(_("meeting id at the provider"), max_length=100, blank=True)
    passcode = models.CharField(_("passcode"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.CharField(max_length=80, unique=True, default=_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("video meeting")
        verbose_name_plural = _("video meetings")

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class WalkInRecord(models.Model):
    """What a consultant recorded for a called consultation ticket: one per ticket."""

    consultation = models.ForeignKey(
        "consultation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="walk_in_records",
    )
    ticket = models.OneToOneField(
        "frontdesk.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="walk_in_record"
    )
    # [{"kind": "service", "value": "library", "label": "Perpustakaan"},
    #  {"kind": "unit", "value": "8200", "label": "BPS Provinsi Maluku Utara"}]
    referrals = models.JSONField(_("referred to"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("walk-in consultation record")
        verbose_name_plural = _("walk-in consultation records")

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.consultation_id}"
