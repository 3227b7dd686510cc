"""Reads for the channel pages, scoped to the consultant's units."""

from django.db.models import QuerySet

from terpadu.consultation.services import CONSULTANT_ROLES
from terpadu.core.access import get_for_staff, scope

from .models import ChannelMessage, HeldEmail, Thread


def held_emails_for(*, user) -> QuerySet[HeldEmail]:
    return (
        scope(HeldEmail.objects.all(), user, roles=CONSULTANT_ROLES)
        .filter(status=HeldEmail.Status.HELD)
        .select_related("unit", "consultation")
    )


def held_email_for(*, user, pk: int) -> HeldEmail:
    """The held email if it belongs to one of the user's units; 404 otherwise."""
    return get_for_staff(
        HeldEmail.objects.select_related("unit", "consultation"), user, roles=CONSULTANT_ROLES, pk=pk
    )


def thread_of(consultation) -> Thread | None:
    return Thread.objects.select_related("contact").filter(consultation=consultation).first()


def last_outbound(consultation) -> ChannelMessage | None:
    return (
        ChannelMessage.objects.filter(consultation=consultation, direction=ChannelMessage.Direction.OUT)
        .order_by("-id")
        .first()
    )
