"""The .ics invitation of an appointment or a video meeting, and the email that carries it."""

from __future__ import annotations

import datetime as dt
import logging
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from terpadu.lib import ics

from .models import ConsultationAppointment, Meeting

logger = logging.getLogger(__name__)


def when_text(unit, moment: dt.datetime) -> dict[str, str]:
    """Date and time as a person in the unit reads them (call inside the wanted language)."""
    local = unit.local(moment)
    return {
        "date": formats.date_format(local, "l, j F Y"),
        "time": local.strftime("%H:%M"),
        "zone": unit.zone_abbreviation,
    }


def unit_location(unit) -> str:
    parts = [unit.name, unit.address, unit.postcode]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def consultation_url(consultation) -> str:
    return f"{settings.SITE_URL}{reverse('consultation:detail', args=[consultation.pk])}"


def _organizer(unit) -> str:
    return unit.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _attendees(consultation) -> tuple[tuple[str, str], ...]:
    user = consultation.user
    return ((user.email, user.name),) if user and user.email else ()


def appointment_event(link: ConsultationAppointment, *, cancelled: bool = False) -> ics.Event:
    appointment, consultation = link.appointment, link.consultation
    unit = consultation.unit
    with override(settings.LANGUAGE_CODE):
        summary = _("Statistical consultation (walk-in) at %(unit)s") % {"unit": unit.name}
        description = "\n".join(
            [
                _("Consultation %(number)s: %(topic)s")
                % {"number": consultation.number, "topic": consultation.topic},
                _("Appointment code: %(code)s. Type it at the guest-book kiosk when you arrive.")
                % {"code": appointment.code},
                consultation_url(consultation),
            ]
        )
    return ics.Event(
        uid=link.uid,
        start=appointment.starts_at,
        end=appointment.ends_at,
        summary=summary,
        description=description,
        location=unit_location(unit),
        url=consultation_url(consultation),
        organizer_email=_organizer(unit),
        organizer_name=unit.name,
        attendees=_attendees(consultation),
        sequence=link.sequence,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )


def meeting_event(meeting: Meeting, *, cancelled: bool = False) -> ics.Event:
    consultation = meeting.consultation
    unit = consultation.unit
    with override(settings.LANGUAGE_CODE):
        summary = _("Statistical consultation (video meeting) with %(unit)s") % {"unit": unit.name}
        lines = [
            _("Consultation %(number)s: %(topic)s")
            % {"number": consultation.number, "topic": consultation.topic},
            _("Join: %(url)s") % {"url": meeting.join_url},
        ]
        if meeting.passcode:
            lines.append(_("Passcode: %(passcode)s") % {"passcode": meeting.passcode})
        lines.append(consultation_url(consultation))
    return ics.Event(
        uid=meeting.uid,
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=summary,
        description="\n".join(lines),
        location=meeting.join_url,
        url=meeting.join_url,
        organizer_email=_organizer(unit),
        organizer_name=unit.name,
        attendees=_attendees(consultation),
        sequence=meeting.sequence,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )


def calendar_text(event: ics.Event, *, method: str = "PUBLISH") -> str:
    return ics.calendar([event], method=method, now=timezone.now())


def send(consultation, *, subject: str, text: str, event: ics.Event, method: str = "REQUEST") -> bool:
    """Mail `text` with the invitation attached to the consultation's user; False when there is no address."""
    user = consultation.user
    if not user or not user.email:
        return False
    message = EmailMessage(f"[{consultation.number}] {subject}", text, to=[user.email])
    part = MIMEText(calendar_text(event, method=method), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="undangan.ics")
    message.attach(part)
    message.send()
    return True
