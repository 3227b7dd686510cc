"""Celery tasks: thin wrappers over the services, safe to run twice (each re-checks under a row lock)."""

from celery import shared_task

from . import services


@shared_task(name="consultation.close_idle")
def close_idle_consultations() -> int:
    return len(services.consultations_close_idle())


@shared_task(name="consultation.warn_due")
def warn_due_consultations() -> int:
    return len(services.consultations_warn_due())
