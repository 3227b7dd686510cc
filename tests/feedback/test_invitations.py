"""Every service ends with an invitation to the survey, tied to unit, service, channel and the
staff member who served: a finished ticket (its live page shows the link), a checkout without a
served ticket, a fulfilled softcopy request (emailed), a closed consultation (on the user's channel)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from terpadu.consultation import services as consultation_services
from terpadu.core import slots
from terpadu.feedback import services
from terpadu.feedback.models import SurveyInvitation
from terpadu.frontdesk import services as frontdesk
from terpadu.library.models import Publication, SoftcopyRequest
from terpadu.library.signals import softcopy_request_fulfilled
from terpadu.units.models import CompletionTime, Mode, ServiceKind, ServiceStandard
from tests.frontdesk.conftest import make_visit, set_up_front_office

from .conftest import filled

pytestmark = pytest.mark.django_db


def publish_online_consultation_standard(unit):
    standard = ServiceStandard.objects.create(
        unit=unit,
        service=ServiceKind.CONSULTATION,
        title="Konsultasi",
        effective_from=dt.date(2024, 1, 1),
        status=ServiceStandard.Status.PUBLISHED,
    )
    CompletionTime.objects.create(
        standard=standard,
        mode=Mode.ONLINE,
        amount=3,
        unit=CompletionTime.TimeUnit.WORKING_DAYS,
        clock_start=CompletionTime.ClockStart.REQUEST_CLEAR_AND_COMPLETE,
        wording="maksimal 3 hari kerja",
    )


def serve_ticket(unit, office, frontliner, visit=None):
    ticket = frontdesk.ticket_issue(unit=unit, service=office["library"], visit=visit)
    frontdesk.counter_sign_in(counter=office["counter1"], actor=frontliner)
    called = frontdesk.ticket_call_next(counter=office["counter1"], actor=frontliner)
    assert called.pk == ticket.pk
    return frontdesk.ticket_finish(ticket=called, actor=frontliner)


def test_finished_ticket_invites_and_its_page_shows_the_link(
    client, unit_a, frontliner_a, django_capture_on_commit_callbacks
):
    office = set_up_front_office(unit_a)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = serve_ticket(unit_a, office, frontliner_a)
    invitation = SurveyInvitation.objects.get(source_kind="ticket", source_id=ticket.pk)
    assert (invitation.unit, invitation.service, invitation.channel) == (unit_a, "library", "kiosk")
    assert invitation.staff == frontliner_a

    page = client.get(f"/antrian/{ticket.public_code}/")
    html = page.content.decode()
    link = services.survey_path(invitation)
    assert link in html
    assert 'id="rate-service"' in html
    assert "<svg" in html

    assert client.post(link, {f"u{i}": "4" for i in range(1, 10)}).status_code == 302
    html = client.get(f"/antrian/{ticket.public_code}/").content.decode()
    assert link not in html  # answered: a thank-you instead of the link
    assert "feedback-ticket-survey" in html


def test_waiting_ticket_page_has_no_survey(client, unit_a):
    office = set_up_front_office(unit_a)
    ticket = frontdesk.ticket_issue(unit=unit_a, service=office["library"])
    assert "rate-service" not in client.get(f"/antrian/{ticket.public_code}/").content.decode()
    assert not SurveyInvitation.objects.exists()


def test_checkout_after_a_served_ticket_does_not_ask_twice_but_a_plain_visit_is_asked(
    unit_a, frontliner_a, django_capture_on_commit_callbacks, smtp_inbox
):
    office = set_up_front_office(unit_a)
    served = make_visit(unit_a, email="served@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        serve_ticket(unit_a, office, frontliner_a, visit=served)
        frontdesk.visit_checkout(visit=served, actor=frontliner_a)
    assert not SurveyInvitation.objects.filter(source_kind="visit").exists()

    plain = make_visit(unit_a, email="reader@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        frontdesk.visit_checkout(visit=plain, actor=frontliner_a)
    invitation = SurveyInvitation.objects.get(source_kind="visit", source_id=plain.pk)
    assert (invitation.service, invitation.channel) == ("front_office", "email")
    assert invitation.sent_at is not None
    mail = smtp_inbox.last_to("reader@example.com")
    assert services.survey_path(invitation) in mail.get_body().get_content()


def test_fulfilled_softcopy_request_emails_the_link_and_the_publication_page_offers_it(
    unit_a, librarian_a, public_user, django_capture_on_commit_callbacks, smtp_inbox
):
    publication = Publication.objects.create(unit=unit_a, title="Majene Dalam Angka 2025", year=2025)
    req = SoftcopyRequest.objects.create(
        publication=publication,
        unit=unit_a,
        user=public_user,
        purpose="Skripsi tentang kemiskinan",
        status=SoftcopyRequest.Status.APPROVED,
        decided_by=librarian_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        softcopy_request_fulfilled.send(sender=SoftcopyRequest, request=req)
        softcopy_request_fulfilled.send(sender=SoftcopyRequest, request=req)  # twice: one invitation
    invitation = SurveyInvitation.objects.get()
    assert (invitation.service, invitation.channel, invitation.staff, invitation.user) == (
        "library",
        "email",
        librarian_a,
        public_user,
    )
    assert len(smtp_inbox.to(public_user.email)) == 1
    assert services.survey_path(invitation) in smtp_inbox.last_to(public_user.email).get_body().get_content()

    request = RequestFactory().get("/")
    request.user = public_user
    assert services.survey_path(invitation) in slots.render("library.publication", request, publication)
    other = Publication.objects.create(unit=unit_a, title="Statistik Daerah Majene 2025", year=2025)
    assert slots.render("library.publication", request, other) == ""  # only the requested publication
    request.user = AnonymousUser()
    assert slots.render("library.publication", request, publication) == ""
    services.survey_submit(token=services.survey_token(invitation), data=filled())
    request.user = public_user
    assert slots.render("library.publication", request, publication) == ""


def test_closed_consultation_is_credited_to_the_consultant_and_sent_to_the_user(
    unit_a, consultant_a, public_user, django_capture_on_commit_callbacks, smtp_inbox
):
    publish_online_consultation_standard(unit_a)
    consultation = consultation_services.consultation_open(
        user=public_user, unit=unit_a, topic="Data kemiskinan", description="Saya butuh data kemiskinan."
    )
    consultation_services.message_post(
        consultation=consultation, actor=consultant_a, body="Datanya ada di tabel 4.1."
    )
    with django_capture_on_commit_callbacks(execute=True):
        consultation_services.consultation_close(consultation=consultation, actor=consultant_a)
    invitation = SurveyInvitation.objects.get(source_kind="consultation")
    assert (invitation.service, invitation.staff, invitation.user) == (
        "consultation",
        consultant_a,
        public_user,
    )
    assert invitation.channel == "web"
    mails = [
        m
        for m in smtp_inbox.to(public_user.email)
        if services.survey_path(invitation) in m.get_body().get_content()
    ]
    assert len(mails) == 1
    assert consultation.number in mails[0]["Subject"]
