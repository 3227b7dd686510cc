"""Reading room: shelf items read in the room, storage items through the retrieval live list; usage."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from terpadu.library import services
from terpadu.library.models import PrintCopy, ReadingLog, RetrievalRequest, ScannerLog, UsageEvent


def test_display_copy_is_read_in_the_room(display_copy, librarian_a, unit_a):
    outcome = services.reading_room_request(
        actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, visitor_name="Budi"
    )
    assert outcome.retrieval is None
    assert outcome.reading.from_storage is False
    display_copy.refresh_from_db()
    assert display_copy.status == "in_use"
    with pytest.raises(ValidationError):
        services.reading_room_request(
            actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, visitor_name="Ani"
        )
    services.copy_return(actor=librarian_a, copy_id=display_copy.pk)
    display_copy.refresh_from_db()
    assert display_copy.status == "available"


def test_storage_copy_goes_through_retrieval(storage_copy, librarian_a, unit_a, client):
    client.force_login(librarian_a)
    response = client.post(
        reverse("library:reading-room", args=["7601"]),
        {"barcode": storage_copy.barcode, "visitor_name": "Budi Santoso"},
    )
    assert response.status_code == 302
    retrieval = RetrievalRequest.objects.get()
    assert retrieval.status == "requested"
    live = client.get(reverse("library:retrievals", args=["7601"]))
    assert b"G-03-2" in live.content  # the shelf code on the live list
    for status in ("fetched", "delivered", "returned"):
        r = client.post(
            reverse("library:retrieval-advance", args=["7601", retrieval.pk, status]),
            headers={"HX-Request": "true"},
        )
        assert r.status_code == 200
    retrieval.refresh_from_db()
    assert retrieval.status == "returned"
    assert retrieval.fetched_at <= retrieval.delivered_at <= retrieval.returned_at
    assert ReadingLog.objects.get().from_storage is True
    storage_copy.refresh_from_db()
    assert storage_copy.status == "available"
    with pytest.raises(ValidationError):
        services.retrieval_advance(actor=librarian_a, retrieval_id=retrieval.pk, status="fetched")


def test_scanner_use_logged(display_copy, librarian_a, unit_a):
    services.scanner_use_record(actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, pages=12)
    assert ScannerLog.objects.get().pages == 12
    with pytest.raises(ValidationError):
        services.scanner_use_record(actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, pages=0)


def test_unit_b_cannot_touch_unit_a_reading_room(storage_copy, librarian_a, unit_a, staff_b, unit_b, client):
    services.reading_room_request(
        actor=librarian_a, unit=unit_a, copy_id=storage_copy.pk, visitor_name="Budi"
    )
    retrieval = RetrievalRequest.objects.get()
    client.force_login(staff_b)
    assert client.get(reverse("library:retrievals", args=["7601"])).status_code == 404
    assert (
        client.post(reverse("library:retrieval-advance", args=["8200", retrieval.pk, "fetched"])).status_code
        == 404
    )
    assert RetrievalRequest.objects.get().status == "requested"
    from django.http import Http404

    with pytest.raises(Http404):
        services.reading_room_request(actor=staff_b, unit=unit_b, copy_id=storage_copy.pk, visitor_name="X")
    assert PrintCopy.objects.get(pk=storage_copy.pk).status == "available"


def test_usage_counter_rules(publication_a):
    ua = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    assert services.usage_record(publication=publication_a, kind="view", client_key="s1", user_agent=ua)
    assert not services.usage_record(publication=publication_a, kind="view", client_key="s1", user_agent=ua)
    assert services.usage_record(publication=publication_a, kind="view", client_key="s2", user_agent=ua)
    assert not services.usage_record(
        publication=publication_a,
        kind="view",
        client_key="s3",
        user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)",
    )
    UsageEvent.objects.update(created_at=timezone.now() - timezone.timedelta(seconds=31))
    assert services.usage_record(publication=publication_a, kind="view", client_key="s1", user_agent=ua)
    assert UsageEvent.objects.count() == 3


def test_publication_page_shows_copies_and_counts_view(display_copy, storage_copy, publication_a, client):
    response = client.get(
        reverse("library:publication", args=[publication_a.pk]), headers={"User-Agent": "Mozilla/5.0"}
    )
    assert response.status_code == 200
    assert b"G-03-2" in response.content
    assert UsageEvent.objects.filter(kind="view").count() == 1
