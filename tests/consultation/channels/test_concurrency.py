"""Two deliveries of the same WhatsApp message at the same moment store it once: the unique constraint
on (channel, direction, outside id) decides, not a check-then-insert (PostgreSQL row-level; SQLite
serialises writers)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from terpadu.consultation.channels.models import ChannelMessage
from terpadu.consultation.models import Consultation, Message

from .conftest import inbound_payload, post_webhook, text_message

pytestmark = pytest.mark.django_db(transaction=True)


def test_same_message_delivered_concurrently_is_stored_once(whatsapp_on):
    payload = inbound_payload(text_message("wamid.RACE", "Data penduduk Majene per desa"))
    start = threading.Barrier(6)

    def deliver(_):
        try:
            start.wait()
            return post_webhook(Client(), payload).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(deliver, range(6)))
    assert statuses == [200] * 6
    assert ChannelMessage.objects.filter(external_id="wamid.RACE").count() == 1
    assert Consultation.objects.count() == 1
    assert Message.objects.count() == 1


def test_different_messages_of_a_new_sender_at_once_share_one_consultation(whatsapp_on):
    start = threading.Barrier(4)

    def deliver(i):
        try:
            start.wait()
            payload = inbound_payload(text_message(f"wamid.M{i}", f"Pertanyaan ke-{i}"))
            return post_webhook(Client(), payload).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(deliver, range(4)))
    assert statuses == [200] * 4
    assert Consultation.objects.count() == 1
    assert Message.objects.count() == 4
