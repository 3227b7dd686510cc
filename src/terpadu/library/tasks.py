"""Thin, idempotent tasks: take ids, call the service (which locks and re-checks)."""

from celery import shared_task


@shared_task(acks_late=True, max_retries=2)
def process_digital_file(file_id: int) -> str:
    from .services import digital_file_process

    digital = digital_file_process(file_id=file_id)
    return digital.status if digital is not None else "missing"


@shared_task(acks_late=True)
def run_catalogue_import(job_id: int) -> str:
    from .imports import import_job_run

    job = import_job_run(job_id=job_id)
    return job.status if job is not None else "missing"
