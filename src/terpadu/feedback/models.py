"""Satisfaction survey (SKM, PermenPAN-RB 14/2017) responses and their invitations, complaints.

An invitation is created for every service event (finished ticket, visit checkout, fulfilled
softcopy request, closed consultation); its single-use link leads to one response. Responses
copy the unit, service, channel and staff member of their invitation so that the IKM and the
reports read one table.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from terpadu.frontdesk.models.queue import QUEUE_SERVICE_KINDS
from terpadu.units.models import ChannelKind

FRONT_OFFICE_SERVICE = "front_office"
# The services a survey is about: the published ones, "other PST services" of the queue, and the
# front office as a whole (a visit rated at checkout, whatever it came for).
SURVEY_SERVICE_KINDS = [*QUEUE_SERVICE_KINDS, (FRONT_OFFICE_SERVICE, _("Front office (whole visit)"))]

LAPOR_TRACKING_URL = "https://www.lapor.go.id/"

ELEMENT_FIELDS = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")


class SurveyChannel(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk tablet")
    WEB = "web", _("Website")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WALK_IN = "walk_in", _("Walk-in (paper or staff entry)")


class SourceKind(models.TextChoices):
    TICKET = "ticket", _("Queue ticket")
    VISIT = "visit", _("Visit")
    SOFTCOPY_REQUEST = "softcopy_request", _("Softcopy request")
    CONSULTATION = "consultation", _("Consultation")


class SurveyInvitation(models.Model):
    """The single-use link to rate one service event.

    The link's token is HMAC(SECRET_KEY, nonce): only its SHA-256 is searchable, so a copy of the
    database alone cannot answer surveys, while the app can show the link again (ticket page).
    """

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    nonce = models.CharField(max_length=32, editable=False)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="survey_invitations"
    )
    service = models.CharField(_("service"), max_length=32, choices=SURVEY_SERVICE_KINDS)
    channel = models.CharField(_("channel"), max_length=16, choices=SurveyChannel.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member who served"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The person invited, when known (a registered user): lets their pages offer the link.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )
    source_kind = models.CharField(_("service event"), max_length=20, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField(_("service event id"))
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("link sent at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"], name="survey_invitation_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["unit", "service", "created_at"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.service} {self.source_kind}#{self.source_id}"


def _element_field(number: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        f"U{number}", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )


class SurveyResponse(models.Model):
    """One answered survey: nine SKM elements on 1–4, the optional rest."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    class AgeGroup(models.TextChoices):
        UNDER_20 = "under_20", _("Under 20")
        FROM_20 = "20_29", _("20–29")
        FROM_30 = "30_39", _("30–39")
        FROM_40 = "40_49", _("40–49")
        FROM_50 = "50_59", _("50–59")
        FROM_60 = "60_plus", _("60 or older")

    class Education(models.TextChoices):
        SCHOOL = "school", _("Up to senior high school")
        DIPLOMA = "diploma", _("Diploma (D1–D4)")
        BACHELOR = "bachelor", _("Bachelor (S1)")
        MASTER = "master", _("Master (S2)")
        DOCTORATE = "doctorate", _("Doctorate (S3)")

    class Occupation(models.TextChoices):
        STUDENT = "student", _("Student")
        RESEARCHER = "researcher", _("Researcher / lecturer")
        CIVIL_SERVANT = "civil_servant", _("Civil servant / military / police")
        STATE_COMPANY = "state_company", _("State or regional enterprise employee")
        PRIVATE = "private", _("Private employee")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        OTHER = "other", _("Other")

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.PROTECT, related_name="response")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="survey_responses"
    )
    service = models.CharField(_("service"), max_length=32, choices=SURVEY_SERVICE_KINDS)
    channel = models.CharField(_("channel"), max_length=16, choices=SurveyChannel.choices)
    source_kind = models.CharField(_("service event"), max_length=20, choices=SourceKind.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member who served"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    u1 = _element_field(1)
    u2 = _element_field(2)
    u3 = _element_field(3)
    u4 = _element_field(4)
    u5 = _element_field(5)
    u6 = _element_field(6)
    u7 = _element_field(7)
    u8 = _element_field(8)
    u9 = _element_field(9)
    staff_rating = models.PositiveSmallIntegerField(
        _("rating of the staff member"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment and suggestions"), blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=16, choices=Occupation.choices, blank=True)
    # The anti-corruption perception questions BPS asks with its survey (null: not answered).
    asked_for_money = models.BooleanField(
        _("asked for money, goods or favours by staff"), null=True, blank=True
    )
    offered_gift = models.BooleanField(_("gave or offered staff money or a gift"), null=True, blank=True)
    extra_fee = models.BooleanField(_("charged a fee outside the tariff"), null=True, blank=True)
    broker_seen = models.BooleanField(_("saw brokers (calo)"), null=True, blank=True)
    discrimination = models.BooleanField(_("treated unequally"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 4}), name=f"survey_response_{name}_1_4"
                )
                for name in ELEMENT_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(staff_rating__isnull=True) | Q(staff_rating__gte=1, staff_rating__lte=5),
                name="survey_response_staff_rating_1_5",
            ),
        ]
        indexes = [models.Index(fields=["unit", "service", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.service} {self.submitted_at:%Y-%m-%d}"

    @property
    def answers(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in ELEMENT_FIELDS}


class IkmFollowUp(models.Model):
    """The unit admin's follow-up plan (rencana tindak lanjut) for one period's IKM report."""

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    service = models.CharField(_("service"), max_length=32, choices=SURVEY_SERVICE_KINDS, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    plan = models.TextField(_("follow-up plan"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("IKM follow-up plan")
        verbose_name_plural = _("IKM follow-up plans")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "service", "period_start", "period_end"], name="ikm_follow_up_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.service or '*'} {self.period_start}–{self.period_end}"


class Complaint(models.Model):
    """A pengaduan received through any published channel; its tracking code is its public face."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Category(models.TextChoices):
        SERVICE = "service", _("Service and procedure")
        STAFF = "staff", _("Staff conduct")
        TIME = "time", _("Waiting or completion time")
        FEE = "fee", _("Fees or illegal charges")
        DATA = "data", _("Data and publications")
        FACILITIES = "facilities", _("Facilities")
        WEBSITE = "website", _("Website and online services")
        SUGGESTION = "suggestion", _("Suggestion")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="complaints"
    )
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    service = models.CharField(_("service"), max_length=32, choices=SURVEY_SERVICE_KINDS, blank=True)
    body = models.TextField(_("complaint"))
    contact_name = models.CharField(_("name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    contact_phone = models.CharField(_("phone / WhatsApp"), max_length=24, blank=True)
    lapor_tracking_id = models.CharField(_("SP4N-LAPOR tracking ID"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public_reply = models.TextField(_("reply to the complainant"), blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    due_at = models.DateTimeField(_("follow-up due"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    breached = models.BooleanField(_("follow-up overdue"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["unit", "status", "received_at"])]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.IN_PROGRESS)

    @property
    def lapor_url(self) -> str:
        # LAPOR! has no public API or per-report permalink by tracking ID: the link leads to its
        # tracking page, where the ID shown beside it is entered.
        return LAPOR_TRACKING_URL if self.lapor_tracking_id else ""


class ComplaintEvent(models.Model):
    """One step in a complaint's handling: received, assigned, status change, note, reply."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Handler assigned")
        CATEGORISED = "categorised", _("Category set")
        STATUS = "status", _("Status changed")
        NOTE = "note", _("Internal note")
        REPLY = "reply", _("Reply to the complainant")
        BREACHED = "breached", _("Follow-up overdue")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Complaint.Status.choices, blank=True)
    # How a reply reached the complainant: "email", or "" (shown on the lookup page only).
    sent_via = models.CharField(_("sent via"), max_length=16, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
