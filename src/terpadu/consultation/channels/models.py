"""Who writes to us from outside the web chat, and every message that crossed WhatsApp or email."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Email")


class WhatsAppNumber(models.Model):
    """A business phone number of the WhatsApp Cloud API and the unit whose consultations it carries."""

    phone_number_id = models.CharField(_("phone number ID"), max_length=64, unique=True)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="whatsapp_numbers"
    )
    display_number = models.CharField(_("number shown to users"), max_length=32, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("WhatsApp number")
        verbose_name_plural = _("WhatsApp numbers")

    def __str__(self) -> str:
        return f"{self.display_number or self.phone_number_id} → {self.unit_id}"


class Contact(models.Model):
    """A WhatsApp number or an email address that wrote to us; linked to an account once one matches."""

    kind = models.CharField(_("channel"), max_length=10, choices=Kind.choices)
    # WhatsApp: the wa_id (international digits, no +); email: the address in lower case.
    address = models.CharField(_("address"), max_length=254)
    name = models.CharField(_("name"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="channel_contacts",
    )
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    # WhatsApp's 24-hour customer-service window runs from the contact's last inbound message.
    last_inbound_at = models.DateTimeField(_("last message from them"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel contact")
        verbose_name_plural = _("channel contacts")
        constraints = [models.UniqueConstraint(fields=["kind", "address"], name="channel_contact_unique")]

    def __str__(self) -> str:
        shown = f"+{self.address}" if self.kind == Kind.WHATSAPP else self.address
        return f"{self.name} ({shown})" if self.name else shown


class Thread(models.Model):
    """The outside conversation a consultation lives in: which contact, over which business number."""

    consultation = models.OneToOneField(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="channel_thread"
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="threads")
    phone_number_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("channel thread")
        verbose_name_plural = _("channel threads")

    def __str__(self) -> str:
        return f"{self.consultation_id} ↔ {self.contact}"


class ChannelMessage(models.Model):
    """One WhatsApp message or email, in or out, with its outside id (wamid or Message-ID).

    The id is unique per channel and direction, so a webhook delivered twice (even by two
    requests at once) stores its message once: the second insert fails on the constraint.
    """

    class Direction(models.TextChoices):
        IN = "in", _("received")
        OUT = "out", _("sent")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        QUEUED = "queued", _("queued")
        WAITING_WINDOW = "waiting_window", _("waiting for the user to write (24-hour window closed)")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        READ = "read", _("read")
        FAILED = "failed", _("failed")
        IGNORED = "ignored", _("ignored")

    kind = models.CharField(_("channel"), max_length=10, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    consultation = models.ForeignKey(
        "consultation.Consultation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="channel_messages",
    )
    message = models.ForeignKey(
        "consultation.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="channel_messages"
    )
    # An outbound file of a consultant's reply (sent on WhatsApp as its own image/document message).
    attachment = models.ForeignKey(
        "consultation.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_id = models.CharField(_("outside id"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    template = models.CharField(_("template"), max_length=100, blank=True)
    text = models.TextField(_("text"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("channel message")
        verbose_name_plural = _("channel messages")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "direction", "external_id"],
                condition=~Q(external_id=""),
                name="channel_message_once",
            )
        ]
        indexes = [models.Index(fields=["kind", "external_id"], name="channel_message_external")]

    def __str__(self) -> str:
        return f"{self.kind} {self.direction} {self.external_id or self.pk} {self.status}"


class HeldEmail(models.Model):
    """An email we would not append blindly: a consultant of the unit accepts or rejects it."""

    class Reason(models.TextChoices):
        UNKNOWN_SENDER = "unknown_sender", _("sent from an address that is not the consultation's user")
        NO_MATCH = "no_match", _("matches no consultation and comes from no known account")
        CLOSED = "closed", _("replies to a closed consultation")

    class Status(models.TextChoices):
        HELD = "held", _("held")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="held_emails"
    )
    consultation = models.ForeignKey(
        "consultation.Consultation",
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="held_emails",
    )
    sender = models.EmailField(_("from"))
    sender_name = models.CharField(_("sender name"), max_length=150, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    attachment_names = models.JSONField(_("attachments"), default=list, blank=True)
    # The whole message as received, so its attachments can be kept once it is accepted.
    raw = models.BinaryField(editable=False)
    email_message_id = models.CharField(max_length=255, blank=True)
    reason = models.CharField(_("why held"), max_length=16, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD, db_index=True
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    message = models.ForeignKey(
        "consultation.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("held email")
        verbose_name_plural = _("held emails")

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
