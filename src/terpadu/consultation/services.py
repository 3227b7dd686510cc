"""Writes for the knowledge base and consultations. Views, API, consumers, tasks and commands call these.

Every state change of a consultation is a `ConsultationEvent`; the clock fields on the row are
recomputed from those events by `clocks.response_clock` and stored for queries. Side effects
(broadcasts, mail) run after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from terpadu.core import events as core_events
from terpadu.core.access import is_staff_of, staff_units
from terpadu.lib.stemming import stem_text
from terpadu.lib.workdays import CalendarRangeError, WorkingCalendar
from terpadu.units.calendar import unit_calendar
from terpadu.units.models import CompletionTime, Mode, ServiceKind, StaffRole, Unit
from terpadu.units.selectors import completion_time_for

from . import clocks, filetypes, notifications, signals
from .models import (
    AssignmentCursor,
    Attachment,
    CannedReply,
    ConsultantDuty,
    Consultation,
    ConsultationEvent,
    ConsultationSequence,
    Deflection,
    KnowledgeArticle,
    Message,
)
from .sanitise import clean_article_html, clean_message_html, has_active_content, visible_text

logger = logging.getLogger(__name__)

T = TypeVar("T")

IDLE_CLOSE_AFTER = dt.timedelta(days=7)
MAX_TOPIC = 200
MAX_DESCRIPTION = 10_000
MAX_MESSAGE = 10_000
CONSULTANT_ROLES = [StaffRole.Role.CONSULTANT]

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_FILES = 5

Kind = ConsultationEvent.Kind
Status = Consultation.Status


# --- knowledge base ---------------------------------------------------------------------------------


def article_search_text(article: KnowledgeArticle) -> str:
    """Question twice (it weighs more), subjects, then the answer's visible words; stemmed."""
    subjects = " ".join(article.subjects or [])
    text = "\n".join([article.question, article.question, subjects, visible_text(article.answer_html)])
    return f" {stem_text(text)} "


def _check_article_scope(*, actor, unit: Unit | None) -> None:
    if unit is None:
        national = Unit.objects.filter(kind=Unit.Kind.NATIONAL).first()
        if not (
            getattr(actor, "is_superuser", False)
            or (national and is_staff_of(actor, national, CONSULTANT_ROLES))
        ):
            raise ValidationError({"unit": _("Only the national office publishes nation-wide articles.")})
    elif not is_staff_of(actor, unit, CONSULTANT_ROLES):
        raise ValidationError({"unit": _("You may only publish articles for your own unit.")})


@transaction.atomic
def article_save(
    *,
    actor,
    unit: Unit | None,
    question: str,
    answer_html: str,
    subjects: list[str] | None = None,
    published: bool = False,
    article: KnowledgeArticle | None = None,
) -> KnowledgeArticle:
    """Create or update an article; the answer is sanitised and the search text rebuilt."""
    _check_article_scope(actor=actor, unit=unit)
    question = (question or "").strip()
    answer = clean_article_html(answer_html)
    errors = {}
    if not question:
        errors["question"] = _("Write the question the article answers.")
    elif len(question) > 300:
        errors["question"] = _("The question is too long (at most 300 characters).")
    if not visible_text(answer):
        errors["answer_html"] = _("Write the answer.")
    if errors:
        raise ValidationError(errors)
    article = article or KnowledgeArticle(created_by=actor if getattr(actor, "pk", None) else None)
    article.unit = unit
    article.question = question
    article.answer_html = answer
    article.subjects = [s.strip() for s in (subjects or []) if s and s.strip()][:20]
    article.published = published
    article.search_stemmed = article_search_text(article)
    article.save()
    return article


def deflection_record(
    *, article: KnowledgeArticle, user=None, unit: Unit | None = None, query: str = ""
) -> Deflection:
    """'This answered it': counted for the deflection rate, no consultation opened."""
    if not article.published:
        raise ValidationError(_("This article is not published."))
    return Deflection.objects.create(
        article=article,
        unit=unit,
        user=user if getattr(user, "is_authenticated", False) else None,
        query=(query or "")[:300],
    )


# --- numbering --------------------------------------------------------------------------------------


def _next_sequence(unit: Unit, year: int) -> int:
    # The sequence row is locked for the rest of the transaction, so two openings in the same
    # unit and year take turns; the first opening of a year creates the row (a racing twin retries).
    for _attempt in range(3):
        try:
            with transaction.atomic():
                row, _created = ConsultationSequence.objects.get_or_create(unit=unit, year=year)
            break
        except IntegrityError:
            continue
    row = ConsultationSequence.objects.select_for_update().get(unit=unit, year=year)
    ConsultationSequence.objects.filter(pk=row.pk).update(last=F("last") + 1)
    row.refresh_from_db(fields=["last"])
    return row.last


def consultation_number(unit: Unit, year: int, sequence: int) -> str:
    return f"K{unit.code}-{year}-{sequence:05d}"


# --- attachments ------------------------------------------------------------------------------------


def attachment_max_bytes() -> int:
    return int(getattr(settings, "CONSULTATION_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES))


def attachment_max_files() -> int:
    return int(getattr(settings, "CONSULTATION_ATTACHMENT_MAX_FILES", ATTACHMENT_MAX_FILES))


def _read_all(file) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data if isinstance(data, bytes) else str(data).encode()


def check_attachments(files) -> list[tuple[object, filetypes.FileKind]]:
    """Every file allowed by type (its content agreeing with its extension), size and count; else
    a ValidationError on `attachments` naming the file, and nothing is stored.

    `files` are Django `File`s (uploads, or `ContentFile(data, name=...)` from the outside channels).
    """
    files = [f for f in (files or []) if f is not None]
    if len(files) > attachment_max_files():
        raise ValidationError(
            {
                "attachments": _("At most %(count)d files may be attached to one message.")
                % {"count": attachment_max_files()}
            }
        )
    checked = []
    limit = attachment_max_bytes()
    for file in files:
        name = attachment_name(getattr(file, "name", "") or "")
        size = getattr(file, "size", None)
        if size is None:
            size = len(_read_all(file))
        if size > limit:
            raise ValidationError(
                {
                    "attachments": _("%(name)s is too large (%(size)s); the limit is %(limit)s per file.")
                    % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
                }
            )
        if size == 0:
            raise ValidationError({"attachments": _("%(name)s is empty.") % {"name": name}})
        kind = filetypes.sniff(name, lambda file=file: _read_all(file))
        if kind is None:
            raise ValidationError(
                {
                    "attachments": _(
                        "%(name)s cannot be attached: only %(types)s files are accepted, "
                        "and the content must match the file name."
                    )
                    % {"name": name, "types": filetypes.allowed_labels()}
                }
            )
        checked.append((file, kind))
    return checked


def attachment_name(name: str) -> str:
    # Browsers and mail clients may send a full client path; only the last part is the name.
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "lampiran"


def attachments_save(*, message: Message, files) -> list[Attachment]:
    """Check, then store `files` on `message` in the private storage. Raises ValidationError (and
    stores nothing) if any file is refused; files already written are removed if a later one fails."""
    checked = check_attachments(files)
    saved: list[Attachment] = []
    try:
        for file, kind in checked:
            data = _read_all(file)
            attachment = Attachment(
                message=message,
                original_name=attachment_name(file.name),
                content_type=kind.content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
            attachment.file.save(attachment.original_name, ContentFile(data), save=False)
            attachment.save()
            saved.append(attachment)
    except Exception:
        for attachment in saved:
            attachment.file.delete(save=False)
        raise
    return saved


# --- opening ----------------------------------------------------------------------------------------


def check_consultation_open(*, unit: Unit | None, topic: str, description: str) -> tuple[str, str]:
    errors = {}
    topic = (topic or "").strip()
    description = (description or "").strip()
    if unit is None or not unit.is_active:
        errors["unit"] = _("Choose the BPS unit you want to consult.")
    if not topic:
        errors["topic"] = _("Write the topic of your question.")
    elif len(topic) > MAX_TOPIC:
        errors["topic"] = _("The topic is too long (at most 200 characters).")
    if not visible_text(description):
        errors["description"] = _("Describe what you need.")
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = _("The description is too long (at most 10,000 characters).")
    elif has_active_content(description):
        errors["description"] = _("Scripts and active content are not allowed; write plain text.")
    if errors:
        raise ValidationError(errors)
    return topic, description


@transaction.atomic
def consultation_open(
    *,
    user,
    unit: Unit,
    topic: str,
    description: str,
    channel: str = Consultation.Channel.WEB,
    visit=None,
    ticket=None,
    files=None,
    now: dt.datetime | None = None,
) -> Consultation:
    """Open a consultation; the description (with any attachments) becomes the user's first message."""
    topic, description = check_consultation_open(unit=unit, topic=topic, description=description)
    check_attachments(files)
    now = now or timezone.now()
    year = unit.local(now).year
    sequence = _next_sequence(unit, year)
    consultation = Consultation.objects.create(
        unit=unit,
        year=year,
        sequence=sequence,
        number=consultation_number(unit, year, sequence),
        user=user,
        topic=topic,
        description=clean_message_html(description),
        channel=channel,
        visit=visit,
        ticket=ticket,
        created_at=now,
    )
    _event(consultation, Kind.OPENED, now, user, channel=channel)
    first = Message.objects.create(
        consultation=consultation,
        author_kind=Message.Author.USER,
        author=user,
        body=consultation.description,
        created_at=now,
    )
    if files:
        attachments_save(message=first, files=files)
    assign_round_robin(consultation=consultation, now=now)
    core_events.broadcast(
        inbox_group(unit.code), {"type": "inbox.event", "event": {"kind": "opened", "id": consultation.pk}}
    )
    return consultation


# --- messages ---------------------------------------------------------------------------------------


def chat_group(consultation_id: int) -> str:
    return f"consultation.{consultation_id}"


def staff_chat_group(consultation_id: int) -> str:
    return f"consultation.{consultation_id}.staff"


def inbox_group(unit_code: str) -> str:
    return f"consultation.inbox.{unit_code}"


def is_consultant_for(user, consultation: Consultation) -> bool:
    # By the unit's id: the check needs no Unit row (one query fewer on every chat message).
    return staff_units(user, CONSULTANT_ROLES).filter(pk=consultation.unit_id).exists()


def message_payload(message: Message, *, attachments: list[Attachment] | None = None) -> dict:
    """What a chat client gets for a message; `attachments` when the caller has them at hand."""
    if attachments is None:
        attachments = list(message.attachments.all())
    return {
        "id": message.pk,
        "consultation": message.consultation_id,
        "author_kind": message.author_kind,
        "author_name": message.author.name
        if message.author_id and message.author_kind == Message.Author.STAFF
        else "",
        "internal": message.internal,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
        "attachments": [attachment_payload(a) for a in attachments],
    }


def attachment_payload(attachment: Attachment) -> dict:
    from django.urls import reverse

    kwargs = {"pk": attachment.message.consultation_id, "attachment_id": attachment.pk}
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": reverse("consultation:attachment", kwargs=kwargs),
        "api_url": reverse("api-consultation-attachment", kwargs=kwargs),
    }


def _broadcast_message(message: Message, *, attachments: list[Attachment] | None = None) -> None:
    payload = {"type": "chat.message", "message": message_payload(message, attachments=attachments)}
    core_events.broadcast(staff_chat_group(message.consultation_id), payload)
    if not message.internal:
        core_events.broadcast(chat_group(message.consultation_id), payload)
        _broadcast_inbox(message.consultation, "message")


def _broadcast_inbox(consultation: Consultation, kind: str, *, unit: Unit | None = None) -> None:
    """Tell the unit's open inbox pages that this consultation's row changed (they reload the list)."""
    code = (unit or consultation.unit).code
    event = {"type": "inbox.event", "event": {"kind": kind, "id": consultation.pk}}
    core_events.broadcast(inbox_group(code), event)


# --- read marks and presence -------------------------------------------------------------------------

PRESENCE_TTL = 45  # seconds; open pages renew every 20 s, so a crashed node's viewers fade out
PRESENCE_REGISTRY_TTL = 3600


def chat_mark_read(*, consultation: Consultation, staff: bool, up_to: int) -> int | None:
    """Move this side's read mark forward to message `up_to` (never back); broadcast the new mark.

    One conditional UPDATE, so two tabs marking at once keep the larger id. Returns the new mark,
    or None when nothing moved. Staff read marks count only what the user can see, so the user is
    never told an internal note was read.
    """
    field = "staff_read_up_to" if staff else "user_read_up_to"
    visible = consultation.messages.filter(pk__lte=up_to)
    if not staff:
        visible = visible.filter(internal=False)
    last = visible.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return None
    moved = Consultation.objects.filter(pk=consultation.pk, **{f"{field}__lt": last}).update(**{field: last})
    if not moved:
        return None
    event = {"type": "chat.read", "side": "staff" if staff else "user", "up_to": last}
    core_events.broadcast(chat_group(consultation.pk), event)
    core_events.broadcast(staff_chat_group(consultation.pk), event)
    return last


def _presence_registry_key(consultation_id: int) -> str:
    return f"consultation:{consultation_id}:viewers"


def _presence_key(consultation_id: int, connection: str) -> str:
    return f"consultation:{consultation_id}:viewer:{connection}"


def presence_touch(*, consultation_id: int, connection: str, user) -> list[dict]:
    """Record that `user` (staff) has this consultation open on `connection` for the next
    PRESENCE_TTL seconds; return everyone viewing it now.

    Kept in the shared cache (Redis in production), so staff connected to different ASGI nodes see
    each other. One key per connection with its own expiry; a registry key lists the connections.
    Two nodes adding to the registry at once may lose one entry; the next renewal puts it back.
    """
    cache.set(_presence_key(consultation_id, connection), {"id": user.pk, "name": user.name}, PRESENCE_TTL)
    registry_key = _presence_registry_key(consultation_id)
    registry = set(cache.get(registry_key) or ())
    if connection not in registry:
        registry.add(connection)
        cache.set(registry_key, sorted(registry), PRESENCE_REGISTRY_TTL)
    return presence_viewers(consultation_id=consultation_id)


def presence_leave(*, consultation_id: int, connection: str) -> list[dict]:
    cache.delete(_presence_key(consultation_id, connection))
    return presence_viewers(consultation_id=consultation_id)


def presence_viewers(*, consultation_id: int) -> list[dict]:
    """Staff viewing the consultation, one entry per person, by name; expired connections pruned."""
    registry_key = _presence_registry_key(consultation_id)
    registry = list(cache.get(registry_key) or ())
    if not registry:
        return []
    keys = {_presence_key(consultation_id, c): c for c in registry}
    alive = cache.get_many(list(keys))
    if len(alive) != len(registry):
        live = sorted(keys[k] for k in alive)
        if live:
            cache.set(registry_key, live, PRESENCE_REGISTRY_TTL)
        else:
            cache.delete(registry_key)
    people = {v["id"]: v for v in alive.values()}
    return sorted(people.values(), key=lambda v: (v["name"], v["id"]))


def check_message_body(body: str, *, with_files: bool = False) -> str:
    """The body as safe HTML; empty is allowed only when files are attached."""
    if body is None or not str(body).strip():
        if with_files:
            return ""
        raise ValidationError({"body": _("The message is empty.")})
    body = str(body)
    if len(body) > MAX_MESSAGE:
        raise ValidationError({"body": _("The message is too long (at most 10,000 characters).")})
    if has_active_content(body):
        raise ValidationError({"body": _("Scripts and active content are not allowed; write plain text.")})
    html = clean_message_html(body)
    if not visible_text(html) and not with_files:
        raise ValidationError({"body": _("The message is empty.")})
    return html


def _lock(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


@transaction.atomic
def message_post(
    *,
    consultation: Consultation,
    actor,
    body: str,
    internal: bool = False,
    files=None,
    now: dt.datetime | None = None,
) -> Message:
    """A message from the user or from staff of the unit (the caller has checked access), with
    optional attachments (all checked before anything is stored).

    From the user: resumes a paused clock and stops the 7-day count. From staff (public): answers
    the request (starting the clock first if nobody marked it clear) and starts the 7-day count if
    it is not already running. An internal note changes neither.
    """
    html = check_message_body(body, with_files=bool(files))
    check_attachments(files)
    now = now or timezone.now()
    consultation = _lock(consultation)
    if consultation.is_closed:
        raise ValidationError({"body": _("This consultation is closed; open a new one to ask again.")})
    staff = is_consultant_for(actor, consultation)
    if not staff and (consultation.user_id is None or consultation.user_id != getattr(actor, "pk", None)):
        raise ValidationError({"body": _("You cannot write in this consultation.")})
    if internal and not staff:
        raise ValidationError({"internal": _("Only staff write internal notes.")})
    author_kind = Message.Author.STAFF if staff and consultation.user_id != actor.pk else Message.Author.USER
    message = Message.objects.create(
        consultation=consultation,
        author_kind=author_kind,
        author=actor,
        internal=internal,
        body=html,
        created_at=now,
    )
    saved = attachments_save(message=message, files=files) if files else []
    if author_kind == Message.Author.USER:
        _on_user_message(consultation, actor, now)
    elif not internal:
        _on_staff_message(consultation, actor, now)
        core_events.on_commit(lambda: notifications.message_to_user(message.pk))
    _broadcast_message(message, attachments=saved)
    return message


def _on_user_message(consultation: Consultation, actor, now: dt.datetime) -> None:
    before = (consultation.awaiting_user_since, consultation.status)
    clock_moved = False
    consultation.awaiting_user_since = None
    if consultation.status == Status.AWAITING_CLARIFICATION:
        _event(consultation, Kind.USER_REPLIED, now, actor)
        if consultation.clock_started_at:
            _event(consultation, Kind.CLOCK_RESUMED, now, actor)
            clock_moved = True
            consultation.status = Status.CLEAR
        else:
            consultation.status = Status.OPEN
    elif consultation.status == Status.ANSWERED:
        _event(consultation, Kind.USER_REPLIED, now, actor)
        consultation.status = Status.CLEAR
    # The common case (a user adding to an open request) changes nothing on the row: no writes.
    if (consultation.awaiting_user_since, consultation.status) != before:
        consultation.save(update_fields=["awaiting_user_since", "status"])
    if clock_moved:
        _refresh_clock(consultation, now=now)


def _on_staff_message(consultation: Consultation, actor, now: dt.datetime) -> None:
    if consultation.awaiting_user_since is None:
        consultation.awaiting_user_since = now
    if consultation.assigned_to_id is None:
        consultation.assigned_to = actor
        _event(consultation, Kind.ASSIGNED, now, actor, consultant=actor.pk)
    if consultation.status in (Status.OPEN, Status.CLEAR):
        if consultation.clock_started_at is None:
            # Answering a request is treating it as clear and complete: the clock starts and stops.
            _start_clock(consultation, actor, now, implicit=True)
        if consultation.answered_at is None:
            _event(consultation, Kind.ANSWERED, now, actor)
        consultation.status = Status.ANSWERED
    consultation.save(update_fields=["awaiting_user_since", "assigned_to", "status"])
    _refresh_clock(consultation, now=now)


# --- staff actions ----------------------------------------------------------------------------------


def _start_clock(consultation: Consultation, actor, now: dt.datetime, *, implicit: bool = False) -> None:
    time = completion_time_for(unit=consultation.unit, service=ServiceKind.CONSULTATION, mode=Mode.ONLINE)
    working_days = time.amount if time and time.unit == CompletionTime.TimeUnit.WORKING_DAYS else None
    consultation.working_days = working_days
    consultation.save(update_fields=["working_days"])
    _event(consultation, Kind.CLOCK_STARTED, now, actor, working_days=working_days, implicit=implicit)


@transaction.atomic
def consultation_mark_clear(
    *, consultation: Consultation, actor, now: dt.datetime | None = None
) -> Consultation:
    """The request is clear and its requirements complete: the response clock starts now."""
    now = now or timezone.now()
    consultation = _lock(consultation)
    if consultation.clock_started_at is not None:
        raise ValidationError(_("This request was already marked clear and complete."))
    if consultation.status not in (Status.OPEN, Status.AWAITING_CLARIFICATION):
        raise ValidationError(_("Only an open request can be marked clear and complete."))
    _start_clock(consultation, actor, now)
    if consultation.assigned_to_id is None:
        consultation.assigned_to = actor
        _event(consultation, Kind.ASSIGNED, now, actor, consultant=actor.pk)
    consultation.status = Status.CLEAR
    consultation.awaiting_user_since = None
    consultation.save(update_fields=["status", "assigned_to", "awaiting_user_since"])
    _refresh_clock(consultation, now=now)
    _broadcast_status(consultation)
    return consultation


@transaction.atomic
def consultation_request_clarification(
    *, consultation: Consultation, actor, body: str, now: dt.datetime | None = None
) -> Message:
    """Ask the user for what is missing; the clock (if running) pauses until they reply."""
    html = check_message_body(body)
    now = now or timezone.now()
    consultation = _lock(consultation)
    if consultation.status not in (Status.OPEN, Status.CLEAR):
        raise ValidationError(_("Clarification can only be asked of an open request or one in progress."))
    message = Message.objects.create(
        consultation=consultation, author_kind=Message.Author.STAFF, author=actor, body=html, created_at=now
    )
    _event(consultation, Kind.CLARIFICATION_REQUESTED, now, actor, message=message.pk)
    if consultation.status == Status.CLEAR:
        _event(consultation, Kind.CLOCK_PAUSED, now, actor)
    consultation.status = Status.AWAITING_CLARIFICATION
    if consultation.awaiting_user_since is None:
        consultation.awaiting_user_since = now
    if consultation.assigned_to_id is None:
        consultation.assigned_to = actor
        _event(consultation, Kind.ASSIGNED, now, actor, consultant=actor.pk)
    consultation.save(update_fields=["status", "awaiting_user_since", "assigned_to"])
    _refresh_clock(consultation, now=now)
    _broadcast_message(message)
    _broadcast_status(consultation)
    return message


@transaction.atomic
def consultation_close(
    *,
    consultation: Consultation,
    actor,
    reason: str = Consultation.CloseReason.RESOLVED,
    now: dt.datetime | None = None,
) -> Consultation:
    """Close with `reason`, a system message in the chat and a mail to the user (after commit)."""
    if reason not in Consultation.CloseReason.values:
        raise ValidationError({"reason": _("Unknown close reason.")})
    now = now or timezone.now()
    consultation = _lock(consultation)
    if consultation.is_closed:
        raise ValidationError(_("This consultation is already closed."))
    with override(settings.LANGUAGE_CODE):
        if reason == Consultation.CloseReason.NO_RESPONSE:
            text = _(
                "We closed this consultation because we have not heard from you for 7 days. "
                "If you still need help, please open a new consultation."
            )
        else:
            text = _("This consultation is closed. Thank you for using the Integrated Statistical Services.")
    message = Message.objects.create(
        consultation=consultation, author_kind=Message.Author.SYSTEM, body=text, created_at=now
    )
    consultation.status = Status.CLOSED
    consultation.closed_at = now
    consultation.close_reason = reason
    consultation.awaiting_user_since = None
    consultation.save(update_fields=["status", "closed_at", "close_reason", "awaiting_user_since"])
    _event(consultation, Kind.CLOSED, now, actor if getattr(actor, "pk", None) else None, reason=reason)
    _broadcast_message(message)
    _broadcast_status(consultation)
    core_events.on_commit(lambda: notifications.closed(consultation.pk, text))
    core_events.on_commit(
        lambda: signals.consultation_closed.send(sender=Consultation, consultation=consultation)
    )
    return consultation


# --- inbox: duty, assignment, canned replies, referral ------------------------------------------------


def consultants_of(unit: Unit):
    """People who answer the unit's consultations: its consultants (and unit admins) by name."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__unit=unit,
            staff_roles__active=True,
            staff_roles__role__in=[StaffRole.Role.CONSULTANT, StaffRole.Role.UNIT_ADMIN],
        )
        .distinct()
        .order_by("name", "pk")
    )


def duty_set(*, unit: Unit, consultant, actor, on_duty: bool) -> ConsultantDuty:
    """A consultant goes on or off duty in `unit`; they may set their own, a unit admin anyone's."""
    if not consultants_of(unit).filter(pk=consultant.pk).exists():
        raise ValidationError({"consultant": _("This person is not a consultant of the unit.")})
    if consultant.pk != actor.pk and not is_staff_of(actor, unit, [StaffRole.Role.UNIT_ADMIN]):
        raise ValidationError(_("Only a unit admin may change another consultant's duty."))
    duty, _created = ConsultantDuty.objects.update_or_create(
        unit=unit, user=consultant, defaults={"on_duty": on_duty}
    )
    return duty


def _cursor_locked(unit: Unit) -> AssignmentCursor:
    for _attempt in range(3):
        try:
            with transaction.atomic():
                AssignmentCursor.objects.get_or_create(unit=unit)
            break
        except IntegrityError:
            continue
    return AssignmentCursor.objects.select_for_update().get(unit=unit)


def assign_round_robin(*, consultation: Consultation, now: dt.datetime | None = None):
    """Give an unassigned consultation to the next consultant on duty in its unit, in turn by name.

    The unit's cursor row is locked for the rest of the transaction: two consultations opened at
    the same moment take turns, and the second goes to the consultant after the first one's.
    Returns the consultant, or None when nobody is on duty (the consultation waits in the inbox).
    """
    if consultation.assigned_to_id is not None:
        return consultation.assigned_to
    on_duty = list(
        consultants_of(consultation.unit).filter(
            consultant_duties__unit=consultation.unit, consultant_duties__on_duty=True
        )
    )
    if not on_duty:
        return None
    cursor = _cursor_locked(consultation.unit)
    order = [c.pk for c in on_duty]
    following = 0
    if cursor.last_assigned_id in order:
        following = (order.index(cursor.last_assigned_id) + 1) % len(order)
    elif cursor.last_assigned_id is not None:
        # The last one went off duty: continue with whoever comes after them by the same order.
        last = cursor.last_assigned
        later = [i for i, c in enumerate(on_duty) if (c.name, c.pk) > (last.name, last.pk)]
        following = later[0] if later else 0
    consultant = on_duty[following]
    cursor.last_assigned = consultant
    cursor.save(update_fields=["last_assigned"])
    consultation.assigned_to = consultant
    consultation.save(update_fields=["assigned_to"])
    _event(
        consultation, Kind.ASSIGNED, now or timezone.now(), None, consultant=consultant.pk, how="round_robin"
    )
    return consultant


@transaction.atomic
def consultation_assign(
    *, consultation: Consultation, actor, consultant, now: dt.datetime | None = None
) -> Consultation:
    """Staff give the consultation to a consultant of its unit (or take it: consultant=actor)."""
    consultation = _lock(consultation)
    if consultation.is_closed:
        raise ValidationError(_("This consultation is closed."))
    if consultant is None or not consultants_of(consultation.unit).filter(pk=consultant.pk).exists():
        raise ValidationError({"consultant": _("Choose a consultant of this unit.")})
    if consultation.assigned_to_id == consultant.pk:
        return consultation
    consultation.assigned_to = consultant
    consultation.save(update_fields=["assigned_to"])
    _event(consultation, Kind.ASSIGNED, now or timezone.now(), actor, consultant=consultant.pk, how="manual")
    _broadcast_status(consultation)
    return consultation


def _check_canned(*, unit: Unit, actor, title: str, body: str) -> tuple[str, str]:
    if not is_staff_of(actor, unit, CONSULTANT_ROLES):
        raise ValidationError({"unit": _("You may only manage canned replies of your own unit.")})
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the reply a short title.")
    elif len(title) > 100:
        errors["title"] = _("The title is too long (at most 100 characters).")
    if not body:
        errors["body"] = _("Write the text of the reply.")
    elif len(body) > 5000:
        errors["body"] = _("The text is too long (at most 5,000 characters).")
    elif has_active_content(body):
        errors["body"] = _("Scripts and active content are not allowed; write plain text.")
    if errors:
        raise ValidationError(errors)
    return title, body


def canned_reply_save(
    *, unit: Unit, actor, title: str, body: str, reply: CannedReply | None = None
) -> CannedReply:
    title, body = _check_canned(unit=unit, actor=actor, title=title, body=body)
    clash = CannedReply.objects.filter(unit=unit, title__iexact=title)
    if reply is not None:
        clash = clash.exclude(pk=reply.pk)
    if clash.exists():
        raise ValidationError({"title": _("The unit already has a canned reply with this title.")})
    reply = reply or CannedReply(unit=unit, created_by=actor)
    reply.unit, reply.title, reply.body = unit, title, body
    reply.save()
    return reply


def canned_reply_delete(*, reply: CannedReply, actor) -> None:
    if not is_staff_of(actor, reply.unit, CONSULTANT_ROLES):
        raise ValidationError(_("You may only manage canned replies of your own unit."))
    reply.delete()


REFERRAL_SERVICES = [
    ServiceKind.LIBRARY,
    ServiceKind.PRODUCT_SALES,
    ServiceKind.ACTIVITY_RECOMMENDATION,
    ServiceKind.CONSULTATION,
]


@transaction.atomic
def consultation_refer(
    *,
    consultation: Consultation,
    actor,
    service: str = "",
    to_unit: Unit | None = None,
    note: str = "",
    transfer: bool = False,
    now: dt.datetime | None = None,
) -> Message:
    """Refer the user to another PST service (of this or another unit) and tell them in the chat.

    With `to_unit` and `transfer`, the consultation itself moves to that unit's inbox: unassigned,
    its clock now counted in that unit's calendar; this unit's staff no longer see it.
    """
    now = now or timezone.now()
    consultation = _lock(consultation)
    if consultation.is_closed:
        raise ValidationError(_("This consultation is closed."))
    if service and service not in [s.value for s in REFERRAL_SERVICES]:
        raise ValidationError({"service": _("Choose a PST service.")})
    if to_unit is not None and not to_unit.is_active:
        raise ValidationError({"to_unit": _("Choose an active BPS unit.")})
    if to_unit is not None and to_unit.pk == consultation.unit_id:
        to_unit = None
    if not service and to_unit is None:
        raise ValidationError(_("Choose the service or the unit to refer the user to."))
    if transfer and to_unit is None:
        raise ValidationError({"to_unit": _("Choose the unit that takes over the consultation.")})
    if transfer and service and service != ServiceKind.CONSULTATION:
        raise ValidationError({"service": _("Only a consultation can be transferred to another unit.")})
    if note and has_active_content(note):
        raise ValidationError({"note": _("Scripts and active content are not allowed; write plain text.")})
    target = to_unit or consultation.unit
    with override(settings.LANGUAGE_CODE):
        if transfer:
            text = _(
                "Your consultation has been passed to %(unit)s, which will answer it here. "
                "You do not need to ask again."
            ) % {"unit": target.name}
        elif service:
            text = _("We refer you to the %(service)s service of %(unit)s.") % {
                "service": ServiceKind(service).label,
                "unit": target.name,
            }
        else:
            text = _("We refer you to %(unit)s for this question.") % {"unit": target.name}
    html = clean_message_html(text + ("\n\n" + note.strip() if note and note.strip() else ""))
    message = Message.objects.create(
        consultation=consultation, author_kind=Message.Author.STAFF, author=actor, body=html, created_at=now
    )
    _event(
        consultation,
        Kind.REFERRED,
        now,
        actor,
        service=service,
        unit=target.code,
        transfer=transfer,
        message=message.pk,
    )
    old_unit = consultation.unit
    if transfer:
        _event(consultation, Kind.TRANSFERRED, now, actor, source=old_unit.code, target=target.code)
        consultation.unit = target
        consultation.assigned_to = None
        consultation.save(update_fields=["unit", "assigned_to"])
        _refresh_clock(consultation, now=now)
        assign_round_robin(consultation=consultation, now=now)
        core_events.broadcast(
            inbox_group(target.code),
            {"type": "inbox.event", "event": {"kind": "transferred", "id": consultation.pk}},
        )
        _broadcast_inbox(consultation, "transferred", unit=old_unit)
    else:
        # Pointing the user to the right service is the answer to their request.
        _on_staff_message(consultation, actor, now)
    core_events.on_commit(lambda: notifications.message_to_user(message.pk))
    _broadcast_message(message)
    _broadcast_status(consultation)
    return message


# --- periodic jobs ----------------------------------------------------------------------------------


def idle_consultations(*, now: dt.datetime):
    return Consultation.objects.exclude(status=Status.CLOSED).filter(
        awaiting_user_since__lte=now - IDLE_CLOSE_AFTER
    )


def consultations_close_idle(*, now: dt.datetime | None = None) -> list[Consultation]:
    """Close every consultation that has waited on the user for 7 days. Safe to run twice."""
    now = now or timezone.now()
    closed = []
    for pk in idle_consultations(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            consultation = Consultation.objects.select_for_update().get(pk=pk)
            # Re-checked under the lock: the user may have replied since the list was read.
            if consultation.is_closed or consultation.awaiting_user_since is None:
                continue
            if consultation.awaiting_user_since > now - IDLE_CLOSE_AFTER:
                continue
            closed.append(
                consultation_close(
                    consultation=consultation,
                    actor=None,
                    reason=Consultation.CloseReason.NO_RESPONSE,
                    now=now,
                )
            )
    return closed


def consultations_warn_due(*, now: dt.datetime | None = None) -> list[tuple[Consultation, str]]:
    """Warn unit admins and the assigned consultant once at 1 working day left and once at breach."""
    now = now or timezone.now()
    sent = []
    running = Consultation.objects.filter(status=Status.CLEAR, due_at__isnull=False, paused_at__isnull=True)
    for pk in running.values_list("pk", flat=True):
        with transaction.atomic():
            consultation = Consultation.objects.select_for_update().select_related("unit").get(pk=pk)
            state = _clock_state(consultation)
            calendar = _calendar(consultation.unit, [consultation.clock_started_at, now])
            done = set(
                consultation.events.filter(kind__in=[Kind.WARNED_DUE_SOON, Kind.WARNED_BREACH]).values_list(
                    "kind", flat=True
                )
            )
            kind = None
            if clocks.breached(state, now) and Kind.WARNED_BREACH not in done:
                kind = Kind.WARNED_BREACH
            elif (
                clocks.due_soon(state, calendar, now)
                and Kind.WARNED_DUE_SOON not in done
                and Kind.WARNED_BREACH not in done
            ):
                kind = Kind.WARNED_DUE_SOON
            if kind is None:
                continue
            recipients = warning_recipients(consultation)
            _event(consultation, kind, now, None, recipients=recipients)
            core_events.on_commit(
                lambda pk=pk, kind=kind, recipients=recipients: notifications.warning(pk, kind, recipients)
            )
            sent.append((consultation, kind))
    return sent


def warning_recipients(consultation: Consultation) -> list[str]:
    admins = StaffRole.objects.filter(
        unit=consultation.unit, role=StaffRole.Role.UNIT_ADMIN, active=True, user__is_active=True
    ).values_list("user__email", flat=True)
    emails = set(admins)
    if consultation.assigned_to_id and consultation.assigned_to.email:
        emails.add(consultation.assigned_to.email)
    return sorted(e for e in emails if e)


# --- clock bookkeeping ------------------------------------------------------------------------------


def _event(consultation: Consultation, kind: str, at: dt.datetime, actor, **data) -> ConsultationEvent:
    return ConsultationEvent.objects.create(
        consultation=consultation,
        kind=kind,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        data=data,
    )


def _with_calendar(unit: Unit, moments: list[dt.datetime], compute: Callable[[WorkingCalendar], T]) -> T:
    # Enough years for the moments plus the next one; a clock that runs further (a long pause)
    # retries with the missing year loaded, like units.calendar does.
    years = {unit.local(m).year for m in moments if m}
    first, last = min(years), max(years) + 1
    for _attempt in range(5):
        try:
            return compute(unit_calendar(unit, years=range(first, last + 1)))
        except CalendarRangeError as exc:
            first, last = min(first, exc.day.year), max(last, exc.day.year)
    raise ValidationError(f"The calendar of unit {unit.code} cannot cover this clock.")


def _calendar(unit: Unit, moments: list[dt.datetime]) -> WorkingCalendar:
    return _with_calendar(unit, moments, lambda calendar: calendar)


def clock_events(consultation: Consultation) -> list[clocks.ClockEvent]:
    kinds = [clocks.CLOCK_STARTED, clocks.CLOCK_PAUSED, clocks.CLOCK_RESUMED, clocks.ANSWERED]
    return [
        clocks.ClockEvent(kind, at)
        for kind, at in consultation.events.filter(kind__in=kinds).values_list("kind", "at")
    ]


def _clock_state(consultation: Consultation) -> clocks.ClockState:
    events = clock_events(consultation)
    if not events:
        return clocks.ClockState()
    moments = [e.at for e in events]
    return _with_calendar(
        consultation.unit,
        moments,
        lambda calendar: clocks.response_clock(events, calendar, consultation.working_days),
    )


def _refresh_clock(consultation: Consultation, *, now: dt.datetime) -> None:
    state = _clock_state(consultation)
    consultation.clock_started_at = state.started_at
    consultation.due_at = state.due_at
    consultation.paused_at = state.paused_since
    consultation.paused_minutes = state.paused_minutes
    consultation.answered_at = state.answered_at
    consultation.standard_met = state.met
    consultation.save(
        update_fields=[
            "clock_started_at",
            "due_at",
            "paused_at",
            "paused_minutes",
            "answered_at",
            "standard_met",
        ]
    )


def _broadcast_status(consultation: Consultation) -> None:
    with override(settings.LANGUAGE_CODE):
        label = str(Status(consultation.status).label)
    event = {
        "type": "chat.status",
        "status": consultation.status,
        "label": label,
        "due_at": consultation.due_at.isoformat() if consultation.due_at else None,
    }
    core_events.broadcast(chat_group(consultation.pk), event)
    core_events.broadcast(staff_chat_group(consultation.pk), event)
    # Status, due time and assignee all show in the inbox row.
    _broadcast_inbox(consultation, "status")


# --- messages arriving from outside channels --------------------------------------------------------
# WhatsApp and email (consultation.channels) match the sender to a consultation, then post what they
# wrote here, so the clock and the 7-day rule treat it exactly like a message from the web chat.


def channel_text_html(text: str) -> str:
    """What someone wrote on WhatsApp or in an email, as safe HTML: it is text, so every `<` is escaped
    (never refused, unlike the chat form: the sender is not there to read a form error)."""
    from django.utils.html import escape

    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1] + "…"
    return clean_message_html(escape(text))


@transaction.atomic
def message_post_from_channel(
    *, consultation: Consultation, text: str, files=None, now: dt.datetime | None = None
) -> Message:
    """Post `text` (and `files`, already checked) as the consultation's user's message.

    The caller has matched the sender to this consultation (its user, or the WhatsApp/email contact
    of a consultation without an account). Locks the consultation like `message_post`: a paused
    clock resumes and the 7-day count stops.
    """
    html = channel_text_html(text)
    if not visible_text(html) and not files:
        raise ValidationError({"body": _("The message is empty.")})
    now = now or timezone.now()
    consultation = _lock(consultation)
    if consultation.is_closed:
        raise ValidationError({"body": _("This consultation is closed; open a new one to ask again.")})
    message = Message.objects.create(
        consultation=consultation,
        author_kind=Message.Author.USER,
        author=consultation.user,
        body=html,
        created_at=now,
    )
    if files:
        attachments_save(message=message, files=files)
    _on_user_message(consultation, consultation.user, now)
    _broadcast_message(message)
    return message


@transaction.atomic
def consultation_open_from_channel(
    *,
    user,
    unit: Unit,
    topic: str,
    text: str,
    channel: str,
    files=None,
    now: dt.datetime | None = None,
) -> Consultation:
    """Open a consultation from a first WhatsApp message or email; `user` may be None (a contact).

    Like `consultation_open`, but the text is escaped rather than refused, and a long topic is cut:
    the sender cannot correct a form.
    """
    html = channel_text_html(text)
    if not visible_text(html) and not files:
        raise ValidationError({"description": _("Describe what you need.")})
    if unit is None or not unit.is_active:
        raise ValidationError({"unit": _("Choose the BPS unit you want to consult.")})
    topic = " ".join((topic or "").split())
    if len(topic) > MAX_TOPIC:
        topic = topic[: MAX_TOPIC - 1] + "…"
    now = now or timezone.now()
    year = unit.local(now).year
    sequence = _next_sequence(unit, year)
    consultation = Consultation.objects.create(
        unit=unit,
        year=year,
        sequence=sequence,
        number=consultation_number(unit, year, sequence),
        user=user,
        topic=topic or _("(no topic)"),
        description=html,
        channel=channel,
        created_at=now,
    )
    _event(consultation, Kind.OPENED, now, user, channel=channel)
    first = Message.objects.create(
        consultation=consultation, author_kind=Message.Author.USER, author=user, body=html, created_at=now
    )
    if files:
        attachments_save(message=first, files=files)
    assign_round_robin(consultation=consultation, now=now)
    core_events.broadcast(
        inbox_group(unit.code), {"type": "inbox.event", "event": {"kind": "opened", "id": consultation.pk}}
    )
    return consultation


def consultations_claim(*, consultation_ids: list[int], user) -> int:
    """Consultations opened over WhatsApp or email before the person had an account become theirs."""
    return Consultation.objects.filter(pk__in=consultation_ids, user__isnull=True).update(user=user)
