"""What this app adds to pages of the apps below it (see core/slots.py)."""

from __future__ import annotations

from django.template.loader import render_to_string

from terpadu.core.access import is_staff_of
from terpadu.units.models import ServiceKind

from . import providers, selectors, services


def counter_ticket(request, ticket) -> str:
    """On the counter: "Record consultation" for a called consultation ticket, for the unit's consultants."""
    if ticket is None or request is None or ticket.service.kind != ServiceKind.CONSULTATION:
        return ""
    if not is_staff_of(request.user, ticket.unit, services.CONSULTANT_ROLES):
        return ""
    return render_to_string(
        "consultation_meetings/_counter_ticket.html",
        {"ticket": ticket, "record": selectors.walk_in_record_of_ticket(ticket)},
        request=request,
    )


def consultation_sidebar(request, consultation) -> str:
    """On the consultation page: its appointments and meetings with their invitations; staff propose more."""
    if consultation is None or request is None:
        return ""
    staff = is_staff_of(request.user, consultation.unit, services.CONSULTANT_ROLES)
    appointments = list(selectors.appointments_of(consultation))
    meetings = list(selectors.meetings_of(consultation))
    if not (staff or appointments or meetings):
        return ""
    return render_to_string(
        "consultation_meetings/_sidebar.html",
        {
            "consultation": consultation,
            "staff": staff,
            "appointments": appointments,
            "meetings": meetings,
            "has_queue": services.consultation_queue_service(consultation.unit) is not None,
            "providers": providers.available(),
        },
        request=request,
    )
