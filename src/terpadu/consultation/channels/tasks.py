"""Celery beat: poll the IMAP mailbox (only scheduled when IMAP_URL is set)."""

import logging

from celery import shared_task
from django.core.cache import cache

from . import imap

logger = logging.getLogger(__name__)

LOCK_KEY = "consultation_channels:poll_imap"


@shared_task(name="consultation_channels.poll_imap", ignore_result=True)
def poll_imap() -> int:
    # One poller at a time across workers; Message-IDs make an overlap harmless, the lock makes it rare.
    if not cache.add(LOCK_KEY, 1, timeout=600):
        return 0
    try:
        return imap.poll().seen
    finally:
        cache.delete(LOCK_KEY)
