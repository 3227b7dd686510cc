"""Reports fixtures: a front office in unit A and B, and helpers that create service events at
given local times through the service apps' own functions (or rows, where a service is not the
point), always letting their commits run so the rollups follow."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from terpadu.consultation.models import Consultation, KnowledgeArticle, Message
from terpadu.feedback.models import SurveyInvitation, SurveyResponse
from terpadu.frontdesk import services as frontdesk
from terpadu.library.models import Publication, ReadingLog, RetrievalRequest, UsageEvent
from tests.frontdesk.conftest import make_visit, set_up_front_office

WITA = ZoneInfo("Asia/Makassar")
_numbers = itertools.count(1)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0, zone=WITA) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=zone)


@pytest.fixture
def office_a(unit_a):
    return set_up_front_office(unit_a)


@pytest.fixture
def office_b(unit_b):
    return set_up_front_office(unit_b)


def served_ticket(unit, office, *, day, arrive, wait_min, serve_min, service="library", counter="counter1"):
    """A guest-book entry, a ticket, a call after `wait_min`, and a service of `serve_min` minutes."""
    issued = at(day, *arrive) if isinstance(arrive, tuple) else at(day, arrive)
    visit = make_visit(unit, now=issued, services=[service], institution_kind="university")
    ticket = frontdesk.ticket_issue(unit=unit, service=service, visit=visit, now=issued)
    called = issued + dt.timedelta(minutes=wait_min)
    called_ticket = frontdesk.ticket_call_next(counter=office[counter], now=called)
    assert called_ticket.pk == ticket.pk
    frontdesk.ticket_start(ticket=called_ticket, now=called)
    return frontdesk.ticket_finish(ticket=called_ticket, now=called + dt.timedelta(minutes=serve_min))


def survey_response(unit, *, when, answers, service="library", channel="kiosk", staff_rating=None):
    invitation = SurveyInvitation.objects.create(
        token_hash=f"{next(_numbers):064d}",
        nonce="n",
        unit=unit,
        service=service,
        channel=channel,
        source_kind="ticket",
        source_id=next(_numbers),
        created_at=when,
        expires_at=when + dt.timedelta(days=7),
        used_at=when,
    )
    return SurveyResponse.objects.create(
        invitation=invitation,
        unit=unit,
        service=service,
        channel=channel,
        source_kind="ticket",
        submitted_at=when,
        staff_rating=staff_rating,
        **{f"u{n}": value for n, value in enumerate(answers, start=1)},
    )


def consultation(unit, *, opened, reply_after_hours=None, standard_met=None, channel="web", close_reason=""):
    number = next(_numbers)
    item = Consultation.objects.create(
        unit=unit,
        year=opened.year,
        sequence=number,
        number=f"K-{unit.code}-{number}",
        topic="Data kemiskinan",
        description="Mohon data",
        channel=channel,
        created_at=opened,
        standard_met=standard_met,
        closed_at=opened + dt.timedelta(days=8) if close_reason else None,
        close_reason=close_reason,
        status="closed" if close_reason else "open",
    )
    Message.objects.create(consultation=item, author_kind="user", body="Mohon data", created_at=opened)
    if reply_after_hours is not None:
        Message.objects.create(
            consultation=item, author_kind="staff", internal=True, body="catatan", created_at=opened
        )
        Message.objects.create(
            consultation=item,
            author_kind="staff",
            body="Berikut datanya",
            created_at=opened + dt.timedelta(hours=reply_after_hours),
        )
    return item


def library_use(unit, *, when, title="Majene Dalam Angka 2025", reads=1, downloads=0, reading_room=0):
    publication, _created = Publication.objects.get_or_create(unit=unit, title=title, defaults={"year": 2025})
    for kind, count in (("read", reads), ("download", downloads)):
        for n in range(count):
            UsageEvent.objects.create(
                publication=publication, unit=unit, kind=kind, client_hash=f"c{n}", created_at=when
            )
    for _n in range(reading_room):
        ReadingLog.objects.create(unit=unit, publication=publication, visitor_name="Budi", created_at=when)
    return publication


def retrieval(unit, publication, copy, *, when, fetch_min):
    return RetrievalRequest.objects.create(
        unit=unit,
        copy=copy,
        publication=publication,
        visitor_name="Budi",
        status="fetched",
        requested_at=when,
        fetched_at=when + dt.timedelta(minutes=fetch_min),
    )


def deflection(unit, *, when):
    article = KnowledgeArticle.objects.create(
        unit=unit, question="Berapa angka kemiskinan?", answer_html="<p>10%</p>", published=True
    )
    from terpadu.consultation.models import Deflection

    item = Deflection.objects.create(article=article, unit=unit, query="kemiskinan")
    Deflection.objects.filter(pk=item.pk).update(at=when)  # auto_now_add: set the moment afterwards
    item.at = when
    item.save(update_fields=["query"])  # an ordinary save, so its day is marked
    return item
