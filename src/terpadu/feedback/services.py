"""Writes of the feedback app: survey invitations and answers, complaints and their handling.

Every function checks its input first and changes nothing on bad input; pages, API, tasks and
commands all call these, so they can never disagree.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from terpadu.core.access import is_staff_of, staff_units
from terpadu.core.events import on_commit
from terpadu.core.models import audit
from terpadu.units.calendar import due_at
from terpadu.units.models import ChannelKind, Unit

from . import skm
from .models import (
    FRONT_OFFICE_SERVICE,
    SURVEY_SERVICE_KINDS,
    Complaint,
    ComplaintEvent,
    IkmFollowUp,
    SourceKind,
    SurveyChannel,
    SurveyInvitation,
    SurveyResponse,
)

SURVEY_LINK_DAYS = 30
COMPLAINT_FOLLOW_UP_WORKING_DAYS = 5  # LAPOR!'s follow-up time
COMPLAINT_LIMIT_PER_HOUR = 5
COMPLAINT_BODY_MIN = 10
COMPLAINT_BODY_MAX = 5000
COMMENT_MAX = 2000
# Crockford's base32: no I, L, O, U, so a code read aloud or typed from paper survives.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_LENGTH = 10  # 50 random bits

SERVICE_VALUES = {value for value, _label in SURVEY_SERVICE_KINDS}


def _now() -> dt.datetime:
    return timezone.now()


# --- survey links -----------------------------------------------------------------------------------


def survey_token(invitation: SurveyInvitation) -> str:
    """The link's secret, derived from the row's nonce and the SECRET_KEY (never stored)."""
    digest = salted_hmac("terpadu.feedback.survey", invitation.nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_path(invitation: SurveyInvitation) -> str:
    return reverse("feedback:survey", args=[survey_token(invitation)])


def survey_url(invitation: SurveyInvitation) -> str:
    return settings.SITE_URL + survey_path(invitation)


def invitation_create(
    *,
    unit: Unit,
    service: str,
    channel: str,
    source_kind: str,
    source_id: int,
    staff=None,
    user=None,
    served_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[SurveyInvitation, bool]:
    """The one invitation of a service event: created once, returned as is afterwards."""
    if service not in SERVICE_VALUES:
        raise ValidationError({"service": _("Unknown service.")})
    existing = SurveyInvitation.objects.filter(source_kind=source_kind, source_id=source_id).first()
    if existing is not None:
        return existing, False
    now = now or _now()
    invitation = SurveyInvitation(
        unit=unit,
        service=service,
        channel=channel,
        source_kind=source_kind,
        source_id=source_id,
        staff=staff if getattr(staff, "pk", None) else None,
        user=user if getattr(user, "pk", None) else None,
        served_at=served_at,
        created_at=now,
        expires_at=now + dt.timedelta(days=SURVEY_LINK_DAYS),
        nonce=secrets.token_urlsafe(16),
    )
    invitation.token_hash = _token_hash(survey_token(invitation))
    try:
        # A savepoint: two receivers racing for one event must not break the caller's transaction.
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        return SurveyInvitation.objects.get(source_kind=source_kind, source_id=source_id), False
    return invitation, True


def invitation_for_ticket(ticket) -> SurveyInvitation:
    visit = ticket.visit if ticket.visit_id else None
    invitation, _created = invitation_create(
        unit=ticket.unit,
        service=ticket.service.kind,
        channel=SurveyChannel.KIOSK,
        source_kind=SourceKind.TICKET,
        source_id=ticket.pk,
        staff=ticket.served_by if ticket.served_by_id else None,
        user=visit.user if visit is not None and visit.user_id else None,
        served_at=ticket.finished_at,
    )
    return invitation


def invitation_for_visit(visit) -> SurveyInvitation | None:
    """A front-office survey at checkout, only for a visit none of whose tickets was finished:
    a served ticket has its own survey, and one visitor is not asked twice for one visit."""
    from terpadu.frontdesk.models import Ticket

    if Ticket.objects.filter(visit=visit, status=Ticket.Status.FINISHED).exists():
        return None
    invitation, _created = invitation_create(
        unit=visit.unit,
        service=FRONT_OFFICE_SERVICE,
        channel=SurveyChannel.EMAIL if visit.email else SurveyChannel.KIOSK,
        source_kind=SourceKind.VISIT,
        source_id=visit.pk,
        staff=visit.checked_out_by if visit.checked_out_by_id else None,
        user=visit.user if visit.user_id else None,
        served_at=visit.checked_out_at,
    )
    return invitation


def invitation_for_softcopy_request(req) -> SurveyInvitation:
    invitation, _created = invitation_create(
        unit=req.unit,
        service="library",
        channel=SurveyChannel.EMAIL,
        source_kind=SourceKind.SOFTCOPY_REQUEST,
        source_id=req.pk,
        staff=req.decided_by if req.decided_by_id else None,
        user=req.user,
        served_at=req.decided_at,
    )
    return invitation


CONSULTATION_CHANNELS = {
    "whatsapp": SurveyChannel.WHATSAPP,
    "email": SurveyChannel.EMAIL,
    "walk_in": SurveyChannel.WALK_IN,
}


def consultation_staff(consultation):
    """The consultant credited with a consultation: the assignee, else the last staff author."""
    if consultation.assigned_to_id:
        return consultation.assigned_to
    message = (
        consultation.messages.filter(author_kind="staff", author__isnull=False)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    return message.author if message else None


def invitation_for_consultation(consultation) -> SurveyInvitation:
    invitation, _created = invitation_create(
        unit=consultation.unit,
        service="consultation",
        channel=CONSULTATION_CHANNELS.get(consultation.channel, SurveyChannel.WEB),
        source_kind=SourceKind.CONSULTATION,
        source_id=consultation.pk,
        staff=consultation_staff(consultation),
        user=consultation.user if consultation.user_id else None,
        served_at=consultation.closed_at,
    )
    return invitation


def invitation_mark_sent(invitation: SurveyInvitation, *, now: dt.datetime | None = None) -> None:
    SurveyInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(sent_at=now or _now())


class SurveyLinkError(Exception):
    """The link cannot be answered: `code` is unknown, used or expired."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return {
            "unknown": _("This survey link is not valid. Check that you copied the whole link."),
            "used": _("This survey has already been answered with this link. Thank you for your feedback!"),
            "expired": _("This survey link has expired."),
        }[self.code]


def invitation_by_token(token: str, *, now: dt.datetime | None = None, for_update: bool = False):
    queryset = SurveyInvitation.objects.select_related("unit", "staff")
    if for_update:
        # Lock the invitation row only: the staff join is an outer one, which PostgreSQL cannot lock.
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=_token_hash(token or "")).first()
    if invitation is None:
        raise SurveyLinkError("unknown")
    if invitation.used_at is not None:
        raise SurveyLinkError("used")
    if invitation.expires_at <= (now or _now()):
        raise SurveyLinkError("expired")
    return invitation


_YES = {"yes", "true", "1", "ya"}
_NO = {"no", "false", "0", "tidak"}


def _small_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _choice(data: Mapping, name: str, choices, errors: dict) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str) or (value and value not in {v for v, _label in choices}):
        errors[name] = [_("Choose one of the options offered.")]
        return ""
    return value


def check_survey_answers(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a filled questionnaire: {answers: {"u1".."u9": 1-4}, staff_rating?, comment?,
    gender?, age_group?, education?, occupation?, asked_for_money?, ...}. Raises a
    ValidationError naming every wrong or missing element; returns the clean values."""
    errors: dict[str, list[str]] = {}
    answers = data.get("answers")
    if not isinstance(answers, Mapping):
        answers = {}
    cleaned: dict[str, Any] = {}
    for element in skm.ELEMENTS:
        raw = answers.get(element.code)
        value = _small_int(raw)
        if raw is None or raw == "":
            errors[element.code] = [
                _("%(element)s (%(title)s): please choose an answer.")
                % {"element": element.label, "title": element.title}
            ]
        elif value is None or not 1 <= value <= 4:
            errors[element.code] = [
                _("%(element)s (%(title)s): the answer must be 1, 2, 3 or 4, not %(value)s.")
                % {"element": element.label, "title": element.title, "value": raw}
            ]
        else:
            cleaned[element.code] = value
    unknown = sorted(str(key) for key in answers if key not in skm.BY_CODE)
    if unknown:
        errors["answers"] = [
            _("Unknown survey elements: %(names)s. The survey has U1 to U9.") % {"names": ", ".join(unknown)}
        ]

    rating = data.get("staff_rating")
    if rating in (None, ""):
        cleaned["staff_rating"] = None
    else:
        value = _small_int(rating)
        if value is None or not 1 <= value <= 5:
            errors["staff_rating"] = [_("The staff rating must be 1 to 5 stars, or left empty.")]
        cleaned["staff_rating"] = value

    comment = data.get("comment") or ""
    if not isinstance(comment, str):
        errors["comment"] = [_("The comment must be text.")]
        comment = ""
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("Keep the comment under %(n)d characters.") % {"n": COMMENT_MAX}]
    cleaned["comment"] = comment

    cleaned["gender"] = _choice(data, "gender", SurveyResponse.Gender.choices, errors)
    cleaned["age_group"] = _choice(data, "age_group", SurveyResponse.AgeGroup.choices, errors)
    cleaned["education"] = _choice(data, "education", SurveyResponse.Education.choices, errors)
    cleaned["occupation"] = _choice(data, "occupation", SurveyResponse.Occupation.choices, errors)

    for field in skm.INTEGRITY_FIELDS:
        value = data.get(field)
        if value is None or value == "":
            cleaned[field] = None
        elif isinstance(value, bool):
            cleaned[field] = value
        elif isinstance(value, str) and value.strip().lower() in _YES | _NO:
            cleaned[field] = value.strip().lower() in _YES
        else:
            errors[field] = [_("Answer yes or no, or leave it empty.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def survey_submit(*, token: str, data: Mapping[str, Any], now: dt.datetime | None = None) -> SurveyResponse:
    """Store one response and spend the link. The invitation row is locked so two submissions of
    one link cannot both pass: the second sees it used (SurveyLinkError "used")."""
    now = now or _now()
    invitation_by_token(token, now=now)  # a dead link answers as such before any answer is judged
    cleaned = check_survey_answers(data)
    invitation = invitation_by_token(token, now=now, for_update=True)
    response = SurveyResponse.objects.create(
        invitation=invitation,
        unit=invitation.unit,
        service=invitation.service,
        channel=invitation.channel,
        source_kind=invitation.source_kind,
        staff=invitation.staff,
        submitted_at=now,
        **cleaned,
    )
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    return response


# --- sending links ----------------------------------------------------------------------------------


def _survey_mail_text(invitation: SurveyInvitation, intro: str) -> str:
    return render_to_string(
        "feedback/email/survey_invitation.txt",
        {"invitation": invitation, "intro": intro, "link": survey_url(invitation), "days": SURVEY_LINK_DAYS},
    )


def send_softcopy_survey(invitation: SurveyInvitation, req) -> None:
    if not req.user.email:
        return
    with override(settings.LANGUAGE_CODE):
        subject = _("[PST BPS] How was our library service?")
        intro = _("Your softcopy request for “%(title)s” was fulfilled.") % {"title": req.publication.title}
        send_mail(subject, _survey_mail_text(invitation, intro), None, [req.user.email])
    invitation_mark_sent(invitation)


def send_visit_survey(invitation: SurveyInvitation, visit) -> None:
    if not visit.email:
        return
    with override(settings.LANGUAGE_CODE):
        subject = _("[PST BPS] How was your visit?")
        intro = _("Thank you for visiting %(unit)s.") % {"unit": visit.unit.name}
        send_mail(subject, _survey_mail_text(invitation, intro), None, [visit.email])
    invitation_mark_sent(invitation)


def send_consultation_survey(invitation: SurveyInvitation, consultation) -> None:
    from terpadu.consultation.notifications import notify_user

    with override(settings.LANGUAGE_CODE):
        subject = _("How was our consultation service?")
        intro = _("Your consultation “%(topic)s” is closed.") % {"topic": consultation.topic}
        notify_user(consultation, subject=subject, text=_survey_mail_text(invitation, intro))
    invitation_mark_sent(invitation)


# --- complaints -------------------------------------------------------------------------------------


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))


def normalise_tracking_code(raw: str) -> str:
    """What a person types back: any case, spaces or dashes, O for 0 and I or L for 1."""
    code = "".join((raw or "").split()).replace("-", "").upper()
    return code.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


class RateLimited(Exception):
    def __init__(self):
        super().__init__(_("Too many complaints were sent from here in the last hour. Try again later."))


def complaint_rate_check(client_key: str | None) -> None:
    """At most COMPLAINT_LIMIT_PER_HOUR public complaints per client (hashed address) per hour,
    counted in the shared cache so every app node sees the same count."""
    if not client_key:
        return
    key = "feedback:complaints:" + hashlib.sha256(client_key.encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > COMPLAINT_LIMIT_PER_HOUR:
        raise RateLimited


def check_complaint(
    *,
    unit: Unit | None,
    channel: str,
    body: str,
    category: str = "",
    service: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    lapor_tracking_id: str = "",
    received_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if unit is None or not unit.is_active:
        errors["unit"] = [_("Choose the BPS unit the complaint is about.")]
    if channel not in ChannelKind.values:
        errors["channel"] = [_("Unknown complaint channel.")]
    body = (body or "").strip()
    if len(body) < COMPLAINT_BODY_MIN:
        errors["body"] = [
            _("Describe the complaint in at least %(n)d characters.") % {"n": COMPLAINT_BODY_MIN}
        ]
    elif len(body) > COMPLAINT_BODY_MAX:
        errors["body"] = [_("Keep the complaint under %(n)d characters.") % {"n": COMPLAINT_BODY_MAX}]
    category = category or Complaint.Category.OTHER
    if category not in Complaint.Category.values:
        errors["category"] = [_("Unknown category.")]
    if service and service not in SERVICE_VALUES:
        errors["service"] = [_("Unknown service.")]
    contact_name = (contact_name or "").strip()[:150]
    contact_email = (contact_email or "").strip()
    if contact_email:
        try:
            EmailValidator()(contact_email)
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid email address, or leave it empty.")]
    contact_phone = (contact_phone or "").strip()
    if contact_phone and not (
        8 <= len("".join(ch for ch in contact_phone if ch.isdigit())) <= 15 and len(contact_phone) <= 24
    ):
        errors["contact_phone"] = [_("Enter a phone number of 8 to 15 digits, or leave it empty.")]
    lapor_tracking_id = (lapor_tracking_id or "").strip()
    if len(lapor_tracking_id) > 40:
        errors["lapor_tracking_id"] = [_("An SP4N-LAPOR tracking ID has at most 40 characters.")]
    if channel == ChannelKind.SP4N_LAPOR and not lapor_tracking_id:
        errors["lapor_tracking_id"] = [_("Enter the SP4N-LAPOR tracking ID of this complaint.")]
    now = now or _now()
    if received_at is not None and received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The receipt time cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return {
        "unit": unit,
        "channel": channel,
        "body": body,
        "category": category,
        "service": service,
        "contact_name": contact_name,
        "contact_email": contact_email,
        "contact_phone": contact_phone,
        "lapor_tracking_id": lapor_tracking_id,
        "received_at": received_at or now,
    }


@transaction.atomic
def complaint_create(*, actor=None, client_key: str | None = None, now=None, **fields) -> Complaint:
    """A complaint from the public form or API (`actor` None, rate-limited by `client_key`) or
    entered by staff of the unit for a complaint received through another channel."""
    now = now or _now()
    cleaned = check_complaint(now=now, **fields)
    unit = cleaned["unit"]
    if actor is not None and not is_staff_of(actor, unit):
        raise ValidationError({"unit": _("You can only enter complaints for your own units.")})
    if actor is None:
        complaint_rate_check(client_key)
    complaint = Complaint(
        **cleaned,
        due_at=due_at(unit, cleaned["received_at"], COMPLAINT_FOLLOW_UP_WORKING_DAYS),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for _attempt in range(5):
        complaint.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:
            if Complaint.objects.filter(tracking_code=complaint.tracking_code).exists():
                continue
            raise
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=complaint.created_by,
        kind=ComplaintEvent.Kind.RECEIVED,
        status=complaint.status,
        text=complaint.get_channel_display(),
    )
    if complaint.contact_email:
        on_commit(lambda: _mail_receipt(complaint.pk))
    return complaint


def tracking_url(complaint: Complaint) -> str:
    return settings.SITE_URL + reverse("feedback:complaint-status", args=[complaint.tracking_code])


def _mail_receipt(complaint_id: int) -> None:
    complaint = Complaint.objects.select_related("unit").get(pk=complaint_id)
    with override(settings.LANGUAGE_CODE):
        subject = _("[PST BPS] Complaint received: %(code)s") % {"code": complaint.tracking_code}
        body = render_to_string(
            "feedback/email/complaint_receipt.txt",
            {
                "complaint": complaint,
                "link": tracking_url(complaint),
                "due": complaint.unit.local(complaint.due_at),
            },
        )
    send_mail(subject, body, None, [complaint.contact_email])


def _mail_reply(complaint_id: int, text: str) -> None:
    complaint = Complaint.objects.select_related("unit").get(pk=complaint_id)
    with override(settings.LANGUAGE_CODE):
        subject = _("[PST BPS] Reply to your complaint %(code)s") % {"code": complaint.tracking_code}
        body = render_to_string(
            "feedback/email/complaint_reply.txt",
            {"complaint": complaint, "text": text, "link": tracking_url(complaint)},
        )
    send_mail(subject, body, None, [complaint.contact_email])


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).select_related("unit").get(pk=complaint.pk)


def _event(complaint: Complaint, kind: str, *, actor, now, text: str = "", sent_via: str = "") -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        status=complaint.status,
        text=text,
        sent_via=sent_via,
    )


def _first_response(complaint: Complaint, now: dt.datetime, fields: list[str]) -> None:
    if complaint.first_response_at is None:
        complaint.first_response_at = now
        fields.append("first_response_at")


@transaction.atomic
def complaint_update(
    *,
    actor,
    complaint: Complaint,
    category: str | None = None,
    handler=None,
    clear_handler: bool = False,
    status: str | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """Triage by staff of the unit: category, handler, status (not 'answered': a reply does
    that), an internal note. Each change is an event; closing is audited."""
    now = now or _now()
    errors: dict[str, list[str]] = {}
    if category is not None and category not in Complaint.Category.values:
        errors["category"] = [_("Unknown category.")]
    if handler is not None and not is_staff_of(handler, complaint.unit):
        errors["handler"] = [_("The handler must be a staff member of this unit.")]
    allowed = {Complaint.Status.IN_PROGRESS, Complaint.Status.CLOSED}
    if status is not None and status not in allowed:
        errors["status"] = [_("Choose 'in progress' or 'closed'; a reply marks a complaint answered.")]
    note = (note or "").strip()
    if errors:
        raise ValidationError(errors)
    complaint = _lock(complaint)
    fields: list[str] = []
    if category is not None and category != complaint.category:
        complaint.category = category
        fields.append("category")
        _event(complaint, ComplaintEvent.Kind.CATEGORISED, actor=actor, now=now, text=category)
    if (handler is not None and handler.pk != complaint.handler_id) or (
        clear_handler and complaint.handler_id
    ):
        complaint.handler = handler
        fields.append("handler")
        name = handler.get_full_name() or handler.email if handler else ""
        _event(complaint, ComplaintEvent.Kind.ASSIGNED, actor=actor, now=now, text=name)
    if status is not None and status != complaint.status:
        complaint.status = status
        fields.append("status")
        if status == Complaint.Status.CLOSED:
            complaint.closed_at = now
            fields.append("closed_at")
        else:
            complaint.closed_at = None
            fields.append("closed_at")
            _first_response(complaint, now, fields)
        _event(complaint, ComplaintEvent.Kind.STATUS, actor=actor, now=now)
        audit(
            actor=actor,
            action=f"feedback.complaint_{status}",
            obj=complaint,
            unit_code=complaint.unit.code,
            summary=complaint.tracking_code,
        )
    if note:
        _event(complaint, ComplaintEvent.Kind.NOTE, actor=actor, now=now, text=note[:5000])
    if fields:
        complaint.save(update_fields=sorted(set(fields)))
    return complaint


@transaction.atomic
def complaint_reply(*, actor, complaint: Complaint, text: str, now: dt.datetime | None = None) -> Complaint:
    """The unit's answer: shown on the tracking page and emailed when the complainant left an
    address. Answering after the due time marks the complaint breached."""
    now = now or _now()
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationError({"text": _("Write the reply to the complainant.")})
    if len(text) > COMPLAINT_BODY_MAX:
        raise ValidationError(
            {"text": _("Keep the reply under %(n)d characters.") % {"n": COMPLAINT_BODY_MAX}}
        )
    complaint = _lock(complaint)
    if complaint.status == Complaint.Status.CLOSED:
        raise ValidationError(_("This complaint is closed; reopen it before replying."))
    fields = ["public_reply", "status", "answered_at"]
    complaint.public_reply = text
    complaint.status = Complaint.Status.ANSWERED
    complaint.answered_at = now
    _first_response(complaint, now, fields)
    if now > complaint.due_at and not complaint.breached:
        complaint.breached = True
        fields.append("breached")
    complaint.save(update_fields=fields)
    sent_via = "email" if complaint.contact_email else ""
    _event(complaint, ComplaintEvent.Kind.REPLY, actor=actor, now=now, text=text, sent_via=sent_via)
    audit(
        actor=actor,
        action="feedback.complaint_answered",
        obj=complaint,
        unit_code=complaint.unit.code,
        summary=complaint.tracking_code,
    )
    if sent_via:
        on_commit(lambda: _mail_reply(complaint.pk, text))
    return complaint


def complaint_mark_breaches(*, now: dt.datetime | None = None) -> int:
    """Flag every complaint not answered by its due time (idempotent; the beat task and
    `terpadu mark_complaint_breaches` call it)."""
    now = now or _now()
    marked = 0
    overdue = Complaint.objects.filter(
        breached=False,
        answered_at__isnull=True,
        due_at__lt=now,
        status__in=[Complaint.Status.RECEIVED, Complaint.Status.IN_PROGRESS],
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            if complaint.breached or complaint.answered_at is not None:
                continue
            complaint.breached = True
            complaint.save(update_fields=["breached"])
            _event(complaint, ComplaintEvent.Kind.BREACHED, actor=None, now=now)
            marked += 1
    return marked


# --- IKM follow-up plan -----------------------------------------------------------------------------


@transaction.atomic
def follow_up_save(
    *, actor, unit: Unit, service: str, period_start: dt.date, period_end: dt.date, plan: str
) -> IkmFollowUp:
    from terpadu.units.models import StaffRole

    if not staff_units(actor, [StaffRole.Role.UNIT_ADMIN]).filter(pk=unit.pk).exists():
        raise ValidationError(_("Only the unit admin can write the follow-up plan."))
    plan = (plan or "").strip()
    errors = {}
    if service and service not in SERVICE_VALUES:
        errors["service"] = [_("Unknown service.")]
    if period_end < period_start:
        errors["period_end"] = [_("The period ends before it starts.")]
    if len(plan) > 10000:
        errors["plan"] = [_("Keep the plan under 10000 characters.")]
    if errors:
        raise ValidationError(errors)
    follow_up, _created = IkmFollowUp.objects.update_or_create(
        unit=unit,
        service=service,
        period_start=period_start,
        period_end=period_end,
        defaults={"plan": plan, "updated_by": actor},
    )
    audit(actor=actor, action="feedback.follow_up_saved", obj=follow_up, unit_code=unit.code)
    return follow_up
