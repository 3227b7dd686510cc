"""Renderers for the places the lower apps' pages leave for feedback (see core/slots.py)."""

import logging

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from terpadu.core import slots

from . import selectors, services
from .models import SourceKind

logger = logging.getLogger(__name__)


def _qr_svg(url: str) -> str:
    # segno writes a self-contained <svg> (no scripts, no styles), safe under the strict CSP.
    return segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff", omitsize=False)


def ticket_finished(request, ticket) -> str:
    """'Rate our service' with a link and QR code, once the ticket is finished."""
    if ticket is None or ticket.status != "finished":
        return ""
    try:
        # Normally made by the ticket_finished receiver; made here too (idempotent) so a ticket
        # finished before the receiver ran still offers its survey.
        invitation = services.invitation_for_ticket(ticket)
    except Exception:
        logger.exception("No survey invitation for ticket %s", ticket.pk)
        return ""
    context = {"invitation": invitation, "used": invitation.used_at is not None}
    if not context["used"]:
        url = (
            request.build_absolute_uri(services.survey_path(invitation))
            if request
            else services.survey_url(invitation)
        )
        context.update(url=url, qr=mark_safe(_qr_svg(url)))  # noqa: S308 - segno's own SVG, no input
    return render_to_string("feedback/slots/ticket_survey.html", context, request=request)


def library_publication(request, publication) -> str:
    """A rating link when the reader has an unanswered survey for a softcopy of this unit."""
    user = getattr(request, "user", None)
    invitation = selectors.unused_invitation(
        user=user, unit=publication.unit, source_kind=SourceKind.SOFTCOPY_REQUEST, publication=publication
    )
    if invitation is None:
        return ""
    return render_to_string(
        "feedback/slots/publication_survey.html",
        {"url": services.survey_path(invitation), "unit": publication.unit},
        request=request,
    )


def unit_complaints(request, unit) -> str:
    return render_to_string("feedback/slots/unit_complaints.html", {"unit": unit}, request=request)


def register_all() -> None:
    slots.register("frontdesk.ticket_finished", ticket_finished)
    slots.register("library.publication", library_publication)
    slots.register("units.complaints", unit_complaints)
