import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: the code is read aloud and typed at a kiosk.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def new_appointment_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Appointment(models.Model):
    """A booked slot in a unit's office hours; at check-in it becomes an appointment ticket."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    HOLDING_STATUSES = (Status.BOOKED, Status.CHECKED_IN)

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="appointments"
    )
    service = models.ForeignKey(
        "frontdesk.QueueService",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Which of the slot's places (one per counter serving the service) this booking holds: the
    # partial unique constraint below is what refuses a second booking of the same place.
    seat = models.PositiveSmallIntegerField(_("place in the slot"), default=1)
    code = models.CharField(_("code"), max_length=12, unique=True, default=new_appointment_code)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone / WhatsApp"), max_length=24, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    source = models.CharField(_("booked from"), max_length=200, blank=True)
    ticket = models.OneToOneField(
        "frontdesk.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointment",
    )
    created_at = models.DateTimeField(_("booked at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "starts_at", "seat"],
                condition=Q(status__in=["booked", "checked_in"]),
                name="appointment_seat_once_per_slot",
            ),
        ]
        indexes = [models.Index(fields=["unit", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.code} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.HOLDING_STATUSES
