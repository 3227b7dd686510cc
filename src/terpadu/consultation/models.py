"""Knowledge base, consultations, their messages and every clock event."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .storage import get_attachment_storage


class KnowledgeArticle(models.Model):
    """A published question and answer; `unit` empty means a nation-wide article."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="knowledge_articles",
        help_text=_("Empty for a nation-wide article."),
    )
    question = models.CharField(_("question"), max_length=300)
    answer_html = models.TextField(
        _("answer"), help_text=_("Rich text; scripts and unsafe markup are removed.")
    )
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    published = models.BooleanField(_("published"), default=False)
    # Snowball-stemmed question, subjects and answer text, space-padded so " stem " matches a word.
    search_stemmed = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")

    def __str__(self) -> str:
        return self.question


class Deflection(models.Model):
    """A person said an article answered their question, so no consultation was opened."""

    article = models.ForeignKey(KnowledgeArticle, on_delete=models.CASCADE, related_name="deflections")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    query = models.CharField(_("what was typed"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("answered by an article")
        verbose_name_plural = _("answered by an article")

    def __str__(self) -> str:
        return f"{self.article_id} {self.at:%Y-%m-%d %H:%M}"


class ConsultationSequence(models.Model):
    """The last number issued per unit and year; its row is locked while a number is taken."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="consultation_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class Consultation(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Web chat")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("Email")
        WALK_IN = "walk_in", _("Walk-in")
        VIDEO = "video", _("Video meeting")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        AWAITING_CLARIFICATION = "awaiting_clarification", _("Waiting for your clarification")
        CLEAR = "clear", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class CloseReason(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        NO_RESPONSE = "no_response", _("No response from the user for 7 days")
        WITHDRAWN = "withdrawn", _("Withdrawn by the user")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="consultations"
    )
    year = models.PositiveSmallIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_consultations",
    )
    # A walk-in consultation starts from the guest book and a called ticket.
    visit = models.ForeignKey(
        "frontdesk.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="consultations"
    )
    ticket = models.ForeignKey(
        "frontdesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="consultations"
    )
    created_at = models.DateTimeField(_("opened at"), db_index=True)

    # The response clock, derived from the events by clocks.py and stored for queries and reports.
    working_days = models.PositiveSmallIntegerField(
        _("answer due within (working days)"), null=True, blank=True, editable=False
    )
    clock_started_at = models.DateTimeField(_("request clear and complete at"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due at"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    paused_minutes = models.FloatField(_("office minutes paused"), default=0)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    standard_met = models.BooleanField(_("answered within the standard"), null=True, blank=True)
    # The 7-day close counts from the last public staff message the user has not replied to.
    awaiting_user_since = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=16, choices=CloseReason.choices, blank=True)
    # Read marks, one per side: the id of the last message the user (or any staff member) has read.
    user_read_up_to = models.PositiveBigIntegerField(default=0, editable=False)
    staff_read_up_to = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "sequence"], name="consultation_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.topic}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Message(models.Model):
    class Author(models.TextChoices):
        USER = "user", _("User")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(_("from"), max_length=8, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    internal = models.BooleanField(_("internal note"), default=False, help_text=_("Seen by staff only."))
    body = models.TextField(_("message"), help_text=_("Sanitised HTML."))
    created_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.consultation.number} #{self.pk} {self.author_kind}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: the original is kept in a field, never trusted as a path.
    return f"{instance.message.consultation_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file sent with a message; stored privately and served only to whoever may read the chat."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=get_attachment_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ConsultationEvent(models.Model):
    """Everything that moves a consultation or its clock, kept so reports can replay it."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        ASSIGNED = "assigned", _("Assigned")
        CLOCK_STARTED = "clock_started", _("Marked clear and complete: clock started")
        CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
        CLOCK_PAUSED = "clock_paused", _("Clock paused (waiting for the user)")
        USER_REPLIED = "user_replied", _("User replied")
        CLOCK_RESUMED = "clock_resumed", _("Clock resumed")
        ANSWERED = "answered", _("Answered")
        WARNED_DUE_SOON = "warned_due_soon", _("Warned: 1 working day left")
        WARNED_BREACH = "warned_breach", _("Warned: answer overdue")
        REFERRED = "referred", _("Referred")
        TRANSFERRED = "transferred", _("Transferred to another unit")
        CLOSED = "closed", _("Closed")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("consultation event")
        verbose_name_plural = _("consultation events")

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ConsultantDuty(models.Model):
    """Whether a consultant is on duty in a unit: round-robin assignment gives new consultations
    only to consultants on duty."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultant_duties"
    )
    on_duty = models.BooleanField(_("on duty"), default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "user"]
        verbose_name = _("consultant on duty")
        verbose_name_plural = _("consultants on duty")
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="consultant_duty_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.user_id} {'on' if self.on_duty else 'off'}"


class AssignmentCursor(models.Model):
    """Where a unit's round-robin stands; its row is locked while a consultation is given out, so
    two consultations opened at once take turns and go to different consultants."""

    unit = models.OneToOneField("units.Unit", on_delete=models.CASCADE, related_name="+")
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.last_assigned_id}"


class CannedReply(models.Model):
    """A ready answer a unit's consultants insert into the reply box and adapt."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="canned_replies"
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        constraints = [models.UniqueConstraint(fields=["unit", "title"], name="canned_reply_title_unique")]

    def __str__(self) -> str:
        return self.title
