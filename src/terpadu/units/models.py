"""BPS units, their published service standards, working calendars and staff roles."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

TIME_ZONES = [
    ("Asia/Jakarta", _("WIB (Asia/Jakarta, UTC+7)")),
    ("Asia/Makassar", _("WITA (Asia/Makassar, UTC+8)")),
    ("Asia/Jayapura", _("WIT (Asia/Jayapura, UTC+9)")),
]
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

bps_code_validator = RegexValidator(r"^\d{4}$", _("A BPS unit code has exactly four digits, e.g. 7601."))
kemendagri_code_validator = RegexValidator(
    r"^\d{2}(\.\d{2})?$", _("A Kemendagri region code looks like 76 or 76.05.")
)


class Unit(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("National (BPS RI)")
        PROVINCE = "province", _("Province")
        REGENCY = "regency", _("Regency")
        CITY = "city", _("City")

    code = models.CharField(_("BPS code"), max_length=4, unique=True, validators=[bps_code_validator])
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of BPS codes ("0000/7600/7601/") so a subtree is one indexed prefix query.
    path = models.CharField(max_length=64, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("A postcode has 5 digits."))],
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=40, choices=TIME_ZONES, default="Asia/Jakarta")
    kemendagri_code = models.CharField(
        _("Kemendagri region code"), max_length=5, blank=True, validators=[kemendagri_code_validator]
    )
    lockers_enabled = models.BooleanField(_("lockers offered"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        # The path is derived from the parent; keeping it in step is an invariant, not a workflow.
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def zone_abbreviation(self) -> str:
        return ZONE_ABBREVIATIONS.get(self.time_zone, self.time_zone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent else ''}{self.code}/"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        code = self.code or ""
        if re.fullmatch(r"\d{4}", code):
            if self.kind == self.Kind.NATIONAL and code != "0000":
                errors.setdefault("code", []).append(_("The national office has code 0000."))
            if self.kind == self.Kind.PROVINCE and (not code.endswith("00") or code == "0000"):
                errors.setdefault("code", []).append(_("A province code ends in 00, e.g. 8200."))
            if self.kind in (self.Kind.REGENCY, self.Kind.CITY) and code.endswith("00"):
                errors.setdefault("code", []).append(
                    _("A regency or city code does not end in 00, e.g. 7601.")
                )
            if self.kind == self.Kind.CITY and int(code[2:]) < 71:
                errors.setdefault("code", []).append(_("A city code ends in 71 or higher, e.g. 8271."))
        expected_parent = {
            self.Kind.NATIONAL: None,
            self.Kind.PROVINCE: self.Kind.NATIONAL,
            self.Kind.REGENCY: self.Kind.PROVINCE,
            self.Kind.CITY: self.Kind.PROVINCE,
        }.get(self.kind)
        parent = self.parent if self.parent_id else None
        if expected_parent is None and parent is not None:
            errors.setdefault("parent", []).append(_("The national office has no parent unit."))
        if expected_parent is not None:
            if parent is None or parent.kind != expected_parent:
                errors.setdefault("parent", []).append(
                    _("This kind of unit belongs under a %(kind)s.")
                    % {"kind": self.Kind(expected_parent).label}
                )
            elif expected_parent == self.Kind.PROVINCE and code[:2] != parent.code[:2]:
                errors.setdefault("code", []).append(
                    _("A regency or city code starts with its province's two digits (%(prefix)s).")
                    % {"prefix": parent.code[:2]}
                )
        if errors:
            raise ValidationError(errors)


class ChannelKind(models.TextChoices):
    SUGGESTION_BOX = "suggestion_box", _("Suggestion box")
    WEBSITE = "website", _("Website")
    EMAIL = "email", _("Email")
    SMS_WHATSAPP = "sms_whatsapp", _("SMS/WhatsApp")
    SP4N_LAPOR = "sp4n_lapor", _("SP4N-LAPOR")
    SOCIAL_MEDIA = "social_media", _("Social media")


class ComplaintChannelBase(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    label = models.CharField(
        _("label"), max_length=200, help_text=_("The wording as published, e.g. 'Website'.")
    )
    value = models.CharField(_("value"), max_length=300, help_text=_("Address, number, URL or handle."))
    url = models.URLField(_("link"), blank=True, help_text=_("Leave empty to derive it from the value."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"

    @property
    def href(self) -> str:
        """A working link for the channel: mailto:, wa.me, the website, or none for a physical box."""
        if self.url:
            return self.url
        value = self.value.strip()
        if self.kind == ChannelKind.EMAIL:
            return f"mailto:{value}"
        if self.kind == ChannelKind.SMS_WHATSAPP:
            digits = re.sub(r"\D", "", value)
            if digits.startswith("0"):
                digits = "62" + digits[1:]
            return f"https://wa.me/{digits}" if digits else ""
        if self.kind in (ChannelKind.WEBSITE, ChannelKind.SP4N_LAPOR):
            if value.startswith(("http://", "https://")):
                return value
            return f"https://{value}" if "." in value else ""
        if self.kind == ChannelKind.SOCIAL_MEDIA:
            return social_media_url(value)
        return ""


SOCIAL_BASES = {
    "twitter": "https://x.com/",
    "instagram": "https://www.instagram.com/",
    "facebook": "https://www.facebook.com/",
}


def social_media_url(value: str) -> str:
    """'Twitter @lapor1708' → https://x.com/lapor1708."""
    match = re.match(r"\s*(twitter|instagram|facebook)\s*:?\s*@?([\w.]+)", value, re.IGNORECASE)
    if not match:
        return value if value.startswith("https://") else ""
    return SOCIAL_BASES[match.group(1).lower()] + match.group(2)


class UnitComplaintChannel(ComplaintChannelBase):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="complaint_channels")

    class Meta(ComplaintChannelBase.Meta):
        verbose_name = _("complaint channel")
        verbose_name_plural = _("complaint channels")


class OfficeHours(models.Model):
    """Opening hours per weekday; a unit without rows keeps the civil-service default."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="office_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["unit", "weekday"]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.UniqueConstraint(fields=["unit", "weekday"], name="office_hours_one_per_weekday")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


class CalendarOverride(models.Model):
    """A unit closure, or a nation-wide change to the holiday list (cuti bersama is revised yearly).

    `closed` adds a non-working day; `open` cancels a holiday from the `holidays` package.
    A unit's own override wins over a nation-wide one on the same date.
    """

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed (holiday, closure)")
        OPEN = "open", _("Open (cancels a holiday)")

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
        help_text=_("Empty for a nation-wide change."),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CLOSED)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="calendar_override_once_per_unit_day"),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(unit__isnull=True),
                name="calendar_override_once_per_national_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}: {self.reason}"


class StaffRole(models.Model):
    class Role(models.TextChoices):
        FRONTLINER = "frontliner", _("Frontliner")
        LIBRARIAN = "librarian", _("Librarian")
        CONSULTANT = "consultant", _("Consultant")
        UNIT_ADMIN = "unit_admin", _("Unit admin")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="staff_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit.code}"


class ServiceKind(models.TextChoices):
    LIBRARY = "library", _("Library")
    CONSULTATION = "consultation", _("Statistical consultation")
    PRODUCT_SALES = "product_sales", _("Sales of statistical products")
    ACTIVITY_RECOMMENDATION = "activity_recommendation", _("Statistical activity recommendation")


class Mode(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    ONLINE = "online", _("Online")
    BOTH = "both", _("Walk-in and online")


class ServiceStandard(models.Model):
    """A unit's published standard for one service (PermenPAN-RB 15/2014 components)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="standards")
    service = models.CharField(_("service"), max_length=32, choices=ServiceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    sk_number = models.CharField(_("SK number"), max_length=100, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    completion_time_summary = models.CharField(
        _("completion time (headline)"),
        max_length=100,
        blank=True,
        help_text=_("As published, e.g. '5 Menit'."),
    )
    fee_amount = models.DecimalField(_("fee (Rp)"), max_digits=12, decimal_places=0, default=0)
    fee_wording = models.CharField(_("fee wording"), max_length=200, default="Tidak dipungut biaya")
    # Internal components (not part of the public page).
    legal_basis = models.TextField(_("legal basis"), blank=True)
    facilities = models.TextField(_("facilities and infrastructure"), blank=True)
    staff_competence = models.TextField(_("staff competence"), blank=True)
    internal_supervision = models.TextField(_("internal supervision"), blank=True)
    staff_count = models.TextField(_("number of staff"), blank=True)
    service_guarantee = models.TextField(_("service guarantee"), blank=True)
    safety_guarantee = models.TextField(_("security and safety guarantee"), blank=True)
    performance_evaluation = models.TextField(_("performance evaluation"), blank=True)
    source_note = models.CharField(_("source"), max_length=200, blank=True)
    # The seeds head each mode's list in their own words ("Layanan Offline", "Layanan dengan cara
    # kunjungan langsung"); kept so the public page can say it as published.
    # Shape: {"requirement": {"walk_in": "...", "online": "..."}, "procedure": {...}, "product": {...}}.
    mode_headings = models.JSONField(_("mode headings (as published)"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "service", "-effective_from"]
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "service"],
                condition=models.Q(status="published"),
                name="one_published_standard_per_service",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.get_service_display()} ({self.sk_number or _('no SK number')})"

    @property
    def is_free(self) -> bool:
        return self.fee_amount == 0

    def mode_heading(self, component: str, mode: str) -> str:
        """The seed's own heading for one mode of a list component, or "" when it gives none."""
        return (self.mode_headings or {}).get(component, {}).get(mode, "")

    def clean(self) -> None:
        headings = self.mode_headings or {}
        valid = isinstance(headings, dict) and all(
            key in Component.values
            and isinstance(value, dict)
            and all(m in Mode.values and isinstance(t, str) for m, t in value.items())
            for key, value in headings.items()
        )
        if not valid:
            raise ValidationError(
                {"mode_headings": _('Mode headings look like {"procedure": {"walk_in": "Layanan Offline"}}.')}
            )


class Component(models.TextChoices):
    REQUIREMENT = "requirement", _("Requirements")
    PROCEDURE = "procedure", _("Systems, mechanisms and procedures")
    PRODUCT = "product", _("Service products")


class StandardItem(models.Model):
    """One item of a list component, in the seed's own words; nested items point at their parent."""

    standard = models.ForeignKey(ServiceStandard, on_delete=models.CASCADE, related_name="items")
    component = models.CharField(_("component"), max_length=16, choices=Component.choices)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.BOTH)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["component", "order", "id"]
        verbose_name = _("standard item")
        verbose_name_plural = _("standard items")

    def __str__(self) -> str:
        return self.text[:80]


class CompletionTime(models.Model):
    """The completion-time component for one mode, structured so the clocks can read it."""

    class TimeUnit(models.TextChoices):
        MINUTES = "minutes", _("minutes")
        WORKING_DAYS = "working_days", _("working days")
        SELF_SERVICE = "self_service", _("immediately, self-service")

    class ClockStart(models.TextChoices):
        GUEST_BOOK_ENTRY = "guest_book_entry", _("guest-book entry")
        PREVIOUS_TICKET_FINISHED = "previous_ticket_finished", _("previous queue number finished")
        REQUEST_CLEAR_AND_COMPLETE = (
            "request_clear_and_complete",
            _("request clear and requirements complete"),
        )
        REGISTRATION = "registration", _("registration")

    standard = models.ForeignKey(ServiceStandard, on_delete=models.CASCADE, related_name="completion_times")
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    amount = models.PositiveIntegerField(_("amount"), null=True, blank=True)
    unit = models.CharField(_("unit of time"), max_length=16, choices=TimeUnit.choices)
    clock_start = models.CharField(_("clock starts at"), max_length=32, choices=ClockStart.choices)
    heading = models.CharField(
        _("heading (as published)"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 'Layanan dengan cara kunjungan langsung'."),
    )
    wording = models.TextField(_("published wording"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("completion time")
        verbose_name_plural = _("completion times")

    def __str__(self) -> str:
        return self.wording[:80]

    def clean(self) -> None:
        if self.unit != self.TimeUnit.SELF_SERVICE and not self.amount:
            raise ValidationError({"amount": _("Give the number of minutes or working days.")})


class StandardComplaintChannel(ComplaintChannelBase):
    standard = models.ForeignKey(ServiceStandard, on_delete=models.CASCADE, related_name="complaint_channels")

    class Meta(ComplaintChannelBase.Meta):
        verbose_name = _("complaint channel (as published)")
        verbose_name_plural = _("complaint channels (as published)")
