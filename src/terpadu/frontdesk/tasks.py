"""Celery tasks: thin wrappers over the services, safe to run twice."""

from celery import shared_task

from terpadu.frontdesk import appointments, services


@shared_task(name="frontdesk.purge_personal_ids")
def purge_personal_ids() -> int:
    """Daily: erase ID numbers older than FRONTDESK_ID_RETENTION_DAYS (UU 27/2022)."""
    return services.personal_ids_purge()


@shared_task(name="frontdesk.appointments_no_show")
def appointments_no_show() -> int:
    """Bookings whose slot ended without a check-in become no-shows."""
    return appointments.appointments_mark_no_show()
