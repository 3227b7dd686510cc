"""Celery tasks: thin wrappers over the services, safe to run twice."""

from celery import shared_task

from terpadu.frontdesk import services


@shared_task(name="frontdesk.purge_personal_ids")
def purge_personal_ids() -> int:
    """Daily: erase ID numbers older than FRONTDESK_ID_RETENTION_DAYS (UU 27/2022)."""
    return services.personal_ids_purge()
