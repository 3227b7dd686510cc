import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from terpadu.units.models import ServiceKind

OTHER_SERVICE = "other"
QUEUE_SERVICE_KINDS = [*ServiceKind.choices, (OTHER_SERVICE, _("Other PST services"))]


class QueueService(models.Model):
    """A service a unit queues walk-in visitors for, with its ticket prefix (library A, consultation B)."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="queue_services"
    )
    kind = models.CharField(_("service"), max_length=32, choices=QUEUE_SERVICE_KINDS)
    name = models.CharField(_("name on tickets and the board"), max_length=60)
    prefix = models.CharField(
        _("number prefix"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("One or two capital letters, e.g. A."))],
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["unit", "order", "prefix"]
        verbose_name = _("queue service")
        verbose_name_plural = _("queue services")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="queue_service_kind_once_per_unit"),
            models.UniqueConstraint(fields=["unit", "prefix"], name="queue_service_prefix_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class Counter(models.Model):
    """A loket: serves one or more services; a frontliner signs in to it."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="counters"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)
    services = models.ManyToManyField(QueueService, verbose_name=_("services"), related_name="counters")
    active = models.BooleanField(_("active"), default=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed-in staff"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "number"]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="counter_number_unique_per_unit")
        ]

    def __str__(self) -> str:
        return self.name


class DailySequence(models.Model):
    """The last number issued for a service on one local day: the row that is locked to number."""

    service = models.ForeignKey(QueueService, on_delete=models.CASCADE, related_name="sequences")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="daily_sequence_once_per_day")]

    def __str__(self) -> str:
        return f"{self.service} {self.day}: {self.last_number}"


def _public_code() -> str:
    return secrets.token_urlsafe(9)


class Ticket(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVING = "serving", _("Being served")
        FINISHED = "finished", _("Finished")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.WAITING, Status.CALLED, Status.SERVING)

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="tickets"
    )
    service = models.ForeignKey(
        QueueService, verbose_name=_("service"), on_delete=models.PROTECT, related_name="tickets"
    )
    # The service whose daily sequence gave the number; stays put when the ticket is transferred.
    numbering_service = models.ForeignKey(QueueService, on_delete=models.PROTECT, related_name="+")
    local_day = models.DateField(_("day (unit time)"))
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=8)
    public_code = models.CharField(max_length=16, unique=True, default=_public_code, editable=False)
    visit = models.ForeignKey(
        "frontdesk.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    is_appointment = models.BooleanField(_("appointment"), default=False)
    target_counter = models.ForeignKey(
        Counter,
        verbose_name=_("for counter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("counter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    first_called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField(_("recalls"), default=0)
    # The clock against the unit's published standard, fixed at the first call.
    clock_started_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    standard_minutes = models.PositiveIntegerField(_("standard (minutes)"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("waited (seconds)"), null=True, blank=True)
    met_standard = models.BooleanField(_("met the standard"), null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["numbering_service", "local_day", "sequence"], name="ticket_number_once_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["service", "status", "issued_at"]),
            models.Index(fields=["unit", "local_day"]),
            models.Index(fields=["counter", "finished_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.local_day})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class TicketEvent(models.Model):
    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        CALLED = "called", _("Called")
        RECALLED = "recalled", _("Recalled")
        STARTED = "started", _("Service started")
        FINISHED = "finished", _("Finished")
        NO_SHOW = "no_show", _("No-show")
        TRANSFERRED = "transferred", _("Transferred")
        CANCELLED = "cancelled", _("Cancelled")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    device = models.ForeignKey(
        "frontdesk.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.kind} {self.at:%H:%M:%S}"
