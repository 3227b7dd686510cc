"""Reading room: shelf items read in the room, storage items through the retrieval live list; usage."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from terpadu.library import services
from terpadu.library.models import PrintCopy, ReadingLog, RetrievalRequest, ScannerLog, UsageEvent


def test_display_copy_is_read_in_the_room(display_copy, librarian_a, unit_a, visit_a):
    outcome = services.reading_room_request(
        actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, visit_id=visit_a.pk
    )
    assert outcome.retrieval is None
    assert outcome.reading.from_storage is False
    assert outcome.reading.visit == visit_a
    assert outcome.reading.visitor_name == "Siti Aminah"
    display_copy.refresh_from_db()
    assert display_copy.status == "in_use"
    with pytest.raises(ValidationError):
        services.reading_room_request(
            actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, visit_id=visit_a.pk
        )
    services.copy_return(actor=librarian_a, copy_id=display_copy.pk)
    display_copy.refresh_from_db()
    assert display_copy.status == "available"


def test_storage_copy_goes_through_retrieval(storage_copy, librarian_a, unit_a, visit_a, client):
    client.force_login(librarian_a)
    response = client.post(
        reverse("library:reading-room", args=["7601"]),
        {"barcode": storage_copy.barcode, "visit": visit_a.pk},
    )
    assert response.status_code == 302
    retrieval = RetrievalRequest.objects.get()
    assert retrieval.status == "requested"
    assert retrieval.visit == visit_a
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
    reading = ReadingLog.objects.get()
    assert reading.from_storage is True
    assert reading.visit == visit_a
    storage_copy.refresh_from_db()
    assert storage_copy.status == "available"
    with pytest.raises(ValidationError):
        services.retrieval_advance(actor=librarian_a, retrieval_id=retrieval.pk, status="fetched")


def test_scanner_use_logged(display_copy, librarian_a, unit_a, visit_a):
    services.scanner_use_record(
        actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, pages=12, visit_id=visit_a.pk
    )
    scan = ScannerLog.objects.get()
    assert (scan.pages, scan.visit) == (12, visit_a)
    with pytest.raises(ValidationError):
        services.scanner_use_record(
            actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, pages=0, visit_id=visit_a.pk
        )


def test_unit_b_cannot_touch_unit_a_reading_room(
    storage_copy, librarian_a, unit_a, visit_a, staff_b, unit_b, visit_b, client
):
    services.reading_room_request(
        actor=librarian_a, unit=unit_a, copy_id=storage_copy.pk, visit_id=visit_a.pk
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
        services.reading_room_request(
            actor=staff_b, unit=unit_b, copy_id=storage_copy.pk, visit_id=visit_b.pk
        )
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


def test_visit_of_another_unit_or_day_is_refused_and_nothing_stored(
    display_copy, librarian_a, unit_a, visit_b, client
):
    from tests.library.conftest import make_walk_in

    client.force_login(librarian_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("library:reading-room", args=["7601"]),
        {"barcode": display_copy.barcode, "visit": visit_b.pk},
        follow=True,
    )
    assert "Choose the visitor from today&#x27;s guest book of this unit." in response.content.decode()
    yesterday = make_walk_in(unit_a, "Andi", when=timezone.now() - timezone.timedelta(days=1))
    with pytest.raises(ValidationError, match="not from today"):
        services.reading_room_request(
            actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, visit_id=yesterday.pk
        )
    gone = make_walk_in(unit_a, "Rahmat")
    gone.checked_out_at = timezone.now()
    gone.save()
    with pytest.raises(ValidationError, match="already checked out"):
        services.scanner_use_record(
            actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, pages=3, visit_id=gone.pk
        )
    with pytest.raises(ValidationError, match="today's guest book"):
        services.reading_room_request(actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, visit_id="")
    assert not ReadingLog.objects.exists()
    assert not ScannerLog.objects.exists()
    display_copy.refresh_from_db()
    assert display_copy.status == "available"


def test_desk_picks_visitors_of_today_by_name_or_ticket(
    librarian_a, unit_a, visit_a, visit_b, staff_b, client
):
    from tests.library.conftest import make_walk_in

    make_walk_in(unit_a, "Muhammad Arif", email="")
    make_walk_in(unit_a, "Kemarin Saja", when=timezone.now() - timezone.timedelta(days=1))
    client.force_login(librarian_a)
    desk = client.get(reverse("library:desk", args=["7601"])).content.decode()
    assert "Siti Aminah" in desk
    assert "Muhammad Arif" in desk
    assert "Kemarin Saja" not in desk
    assert "Yohana" not in desk
    url = reverse("library:visitor-options", args=["7601"])
    by_ticket = client.get(url, {"visitor_q": "b007"}, headers={"HX-Request": "true"}).content.decode()
    assert "Siti Aminah" in by_ticket
    assert "Muhammad Arif" not in by_ticket
    by_name = client.get(url, {"visitor_q": "arif"}).content.decode()
    assert "Muhammad Arif" in by_name
    assert "Siti Aminah" not in by_name
    assert "Yohana" not in client.get(url, {"visitor_q": "Yohana"}).content.decode()
    client.force_login(staff_b)
    assert client.get(url, {"visitor_q": "Siti"}).status_code == 404


def test_visit_page_shows_what_the_visitor_read(
    display_copy, storage_copy, librarian_a, unit_a, visit_a, staff_b, client
):
    services.reading_room_request(
        actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, visit_id=visit_a.pk
    )
    services.reading_room_request(
        actor=librarian_a, unit=unit_a, copy_id=storage_copy.pk, visit_id=visit_a.pk
    )
    services.scanner_use_record(
        actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, pages=4, visit_id=visit_a.pk
    )
    client.force_login(librarian_a)
    client.cookies["django_language"] = "en"
    url = reverse("library:visit", args=["7601", visit_a.pk])
    page = client.get(url).content.decode()
    assert "Profil Kemiskinan Kabupaten Majene 2024" in page
    assert "7601-0002" in page  # read from the open shelf
    assert "Requested" in page  # the storage copy is on its way
    assert "4 pages" in page
    desk = client.get(reverse("library:desk", args=["7601"])).content.decode()
    assert url in desk  # today's readings link to the visitor
    # The shelf copy goes back from the visit page.
    response = client.post(
        reverse("library:copy-return", args=["7601", display_copy.pk]), {"next": url}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    display_copy.refresh_from_db()
    assert display_copy.status == "available"
    client.force_login(staff_b)
    assert client.get(url).status_code == 404
    assert client.get(reverse("library:visit", args=["8200", visit_a.pk])).status_code == 404


def test_guest_book_slot_lists_what_the_visitor_read(
    display_copy, librarian_a, frontliner_a, unit_a, visit_a, rf
):
    from terpadu.core import slots

    services.reading_room_request(
        actor=librarian_a, unit=unit_a, copy_id=display_copy.pk, visit_id=visit_a.pk
    )
    request = rf.get("/")
    request.user = librarian_a
    html = slots.render("frontdesk.visit", request, visit_a)
    assert "Profil Kemiskinan Kabupaten Majene 2024" in html
    assert reverse("library:visit", args=["7601", visit_a.pk]) in html
    request.user = frontliner_a  # not a librarian: the guest book shows nothing of the library
    assert slots.render("frontdesk.visit", request, visit_a) == ""
