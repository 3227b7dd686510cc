"""The service apps' signals, turned into survey invitations (every signal arrives after commit).

A receiver never lets a failure reach the service that sent the signal: the service's own work
has committed, and a missing survey must not look like a failed ticket or request.
"""

import logging

from terpadu.core.events import enqueue

from . import services, tasks

logger = logging.getLogger(__name__)


def _safely(kind: str, func, obj) -> None:
    try:
        invitation = func(obj)
    except Exception:  # a survey invitation must never break the service that was just rendered
        logger.exception("Could not create the survey invitation for %s %s", kind, getattr(obj, "pk", None))
        return
    if invitation is not None and invitation.sent_at is None:
        enqueue(tasks.send_survey_invitation, invitation.pk)


def on_ticket_finished(sender, ticket, **kwargs) -> None:
    _safely("ticket", services.invitation_for_ticket, ticket)


def on_visit_checked_out(sender, visit, **kwargs) -> None:
    _safely("visit", services.invitation_for_visit, visit)


def on_softcopy_request_fulfilled(sender, request, **kwargs) -> None:
    _safely("softcopy request", services.invitation_for_softcopy_request, request)


def on_consultation_closed(sender, consultation, **kwargs) -> None:
    _safely("consultation", services.invitation_for_consultation, consultation)


def connect() -> None:
    from terpadu.consultation.signals import consultation_closed
    from terpadu.frontdesk.signals import ticket_finished, visit_checked_out
    from terpadu.library.signals import softcopy_request_fulfilled

    ticket_finished.connect(on_ticket_finished, dispatch_uid="feedback.ticket_finished")
    visit_checked_out.connect(on_visit_checked_out, dispatch_uid="feedback.visit_checked_out")
    softcopy_request_fulfilled.connect(on_softcopy_request_fulfilled, dispatch_uid="feedback.softcopy")
    consultation_closed.connect(on_consultation_closed, dispatch_uid="feedback.consultation_closed")
