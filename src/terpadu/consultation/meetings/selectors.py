"""Reads: what the counter and the consultation page show of walk-in records, appointments and meetings."""

from __future__ import annotations

from django.db.models import QuerySet

from terpadu.consultation.models import Consultation

from .models import ConsultationAppointment, Meeting, WalkInRecord


def appointments_of(consultation: Consultation) -> QuerySet[ConsultationAppointment]:
    return consultation.walk_in_appointments.select_related("appointment", "appointment__ticket").order_by(
        "-appointment__starts_at"
    )


def meetings_of(consultation: Consultation) -> QuerySet[Meeting]:
    return consultation.meetings.order_by("-starts_at", "-id")


def walk_in_record_of_ticket(ticket) -> WalkInRecord | None:
    return WalkInRecord.objects.select_related("consultation").filter(ticket=ticket).first()
