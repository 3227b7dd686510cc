"""Celery tasks: thin wrappers over the services, safe to run twice."""

from celery import shared_task
from django.db import transaction

from . import services
from .models import SourceKind, SurveyInvitation


@shared_task(name="feedback.send_survey_invitation")
def send_survey_invitation(invitation_id: int) -> bool:
    """Send a survey link on the person's channel, once (sent_at is checked under a row lock)."""
    from terpadu.consultation.models import Consultation
    from terpadu.frontdesk.models import Visit
    from terpadu.library.models import SoftcopyRequest

    with transaction.atomic():
        invitation = SurveyInvitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or invitation.sent_at is not None or invitation.used_at is not None:
            return False
        if invitation.source_kind == SourceKind.SOFTCOPY_REQUEST:
            req = SoftcopyRequest.objects.select_related("user", "publication", "unit").get(
                pk=invitation.source_id
            )
            services.send_softcopy_survey(invitation, req)
        elif invitation.source_kind == SourceKind.CONSULTATION:
            consultation = Consultation.objects.select_related("user", "unit").get(pk=invitation.source_id)
            services.send_consultation_survey(invitation, consultation)
        elif invitation.source_kind == SourceKind.VISIT:
            visit = Visit.objects.select_related("unit").get(pk=invitation.source_id)
            services.send_visit_survey(invitation, visit)
        else:
            return False  # a ticket's link is shown on the live ticket page
    return True


@shared_task(name="feedback.mark_complaint_breaches")
def mark_complaint_breaches() -> int:
    return services.complaint_mark_breaches()
