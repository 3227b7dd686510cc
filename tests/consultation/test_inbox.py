"""The consultant inbox: scoped to the consultant's units, filters, round-robin among consultants on
duty (fair under concurrency), manual assignment, canned replies and referral."""

import datetime as dt
import threading

import pytest
from django.db import connection

from terpadu.consultation import selectors, services
from terpadu.consultation.models import CannedReply, Consultation, ConsultationEvent, Message
from terpadu.units.models import StaffRole
from tests.conftest import make_staff

from .conftest import WITA, local, open_consultation

Kind = ConsultationEvent.Kind


@pytest.fixture
def consultant_a2(unit_a):
    return make_staff("konsul2.a@bps.go.id", "Bambang Konsultan", unit_a, StaffRole.Role.CONSULTANT)


def on_duty(unit, *people):
    for person in people:
        services.duty_set(unit=unit, consultant=person, actor=person, on_duty=True)


def test_inbox_shows_only_the_consultants_units(client, unit_a, unit_b, public_user, consultant_a, staff_b):
    mine = open_consultation(unit_a, public_user, topic="Inflasi Majene")
    other = open_consultation(unit_b, public_user, topic="Inflasi Ternate")
    client.force_login(consultant_a)
    page = client.get("/konsultasi/kotak-masuk/").content.decode()
    assert mine.number in page
    assert other.number not in page
    client.force_login(staff_b)
    page = client.get("/konsultasi/kotak-masuk/").content.decode()
    assert other.number in page
    assert mine.number not in page
    client.force_login(public_user)
    assert client.get("/konsultasi/kotak-masuk/").status_code == 404


def test_inbox_filters(client, unit_a, standard_a, public_user, consultant_a, consultant_a2):
    monday = local(WITA, 2026, 3, 16, 9, 0)
    soon = open_consultation(unit_a, public_user, topic="Kemiskinan", now=monday)
    late = open_consultation(unit_a, public_user, topic="Penduduk", now=monday)
    waiting = open_consultation(unit_a, public_user, topic="Ekspor", now=monday)
    services.consultation_mark_clear(
        consultation=soon, actor=consultant_a, now=local(WITA, 2026, 3, 17, 9, 0)
    )
    services.consultation_mark_clear(consultation=late, actor=consultant_a2, now=monday)
    wa = services.consultation_open(
        user=public_user,
        unit=unit_a,
        topic="Upah",
        description="Upah minimum?",
        channel="whatsapp",
        now=monday,
    )
    # late: cleared Mon 16 Mar -> due end of Thu 19 Mar; soon: cleared Tue 17 -> due end of Fri 27 Mar
    # (Nyepi and Idul Fitri holidays in between).
    fri_27_morning = local(WITA, 2026, 3, 27, 9, 0)

    def numbers(**filters):
        return {
            c.number for c in selectors.consultation_inbox(user=consultant_a, now=fri_27_morning, **filters)
        }

    assert numbers(due="overdue") == {late.number}
    assert numbers(due="soon") == {soon.number}
    assert numbers(assigned="me") == {soon.number}
    assert numbers(assigned="none") == {waiting.number, wa.number}
    assert numbers(channel="whatsapp") == {wa.number}
    assert numbers(status="clear") == {soon.number, late.number}
    assert numbers(query=late.number) == {late.number}
    assert numbers(query="ekspor") == {waiting.number}

    client.force_login(consultant_a)
    page = client.get("/konsultasi/kotak-masuk/", {"channel": "whatsapp"}).content.decode()
    assert wa.number in page
    assert soon.number not in page
    assert "WITA" in client.get("/konsultasi/kotak-masuk/").content.decode()  # due times in the unit's zone


def test_round_robin_among_consultants_on_duty(unit_a, public_user, consultant_a, consultant_a2):
    # Nobody on duty: the consultation waits unassigned.
    assert open_consultation(unit_a, public_user).assigned_to is None
    on_duty(unit_a, consultant_a, consultant_a2)
    got = [open_consultation(unit_a, public_user).assigned_to for _ in range(4)]
    assert got == [consultant_a2, consultant_a, consultant_a2, consultant_a]  # by name: Bambang, Konsultan
    services.duty_set(unit=unit_a, consultant=consultant_a2, actor=consultant_a2, on_duty=False)
    assert {open_consultation(unit_a, public_user).assigned_to for _ in range(2)} == {consultant_a}
    event = ConsultationEvent.objects.filter(kind=Kind.ASSIGNED).last()
    assert event.data["how"] == "round_robin"


@pytest.mark.django_db(transaction=True)
def test_round_robin_is_fair_when_two_open_at_once(unit_a, public_user, consultant_a, consultant_a2):
    on_duty(unit_a, consultant_a, consultant_a2)
    for _round in range(3):
        barrier = threading.Barrier(2)
        results, errors = [], []

        def open_one(barrier=barrier, results=results, errors=errors):
            try:
                barrier.wait(5)
                results.append(open_consultation(unit_a, public_user).assigned_to_id)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=open_one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors
        assert sorted(results) == sorted([consultant_a.pk, consultant_a2.pk])


def test_duty_toggle_on_the_inbox_page(client, unit_a, consultant_a, staff_b):
    client.force_login(consultant_a)
    client.post("/konsultasi/tugas/", {"unit": "7601", "on_duty": "1"})
    assert selectors.duties_of(user=consultant_a) == [(unit_a, True)]
    assert 'data-duty="on"' in client.get("/konsultasi/kotak-masuk/").content.decode()
    client.force_login(staff_b)
    assert client.post("/konsultasi/tugas/", {"unit": "7601", "on_duty": "1"}).status_code == 404


def test_manual_assignment_only_to_consultants_of_the_unit(
    client, unit_a, public_user, consultant_a, consultant_a2, staff_b
):
    consultation = open_consultation(unit_a, public_user)
    client.force_login(consultant_a)
    client.post(f"/konsultasi/{consultation.pk}/assign/", {"consultant": consultant_a2.pk})
    consultation.refresh_from_db()
    assert consultation.assigned_to == consultant_a2
    response = client.post(f"/konsultasi/{consultation.pk}/assign/", {"consultant": staff_b.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]]  # the refusal is shown
    consultation.refresh_from_db()
    assert consultation.assigned_to == consultant_a2
    client.force_login(staff_b)
    assert (
        client.post(f"/konsultasi/{consultation.pk}/assign/", {"consultant": staff_b.pk}).status_code == 404
    )


def test_canned_replies_managed_by_the_units_staff_and_offered_in_the_reply_box(
    client, unit_a, public_user, consultant_a, staff_b
):
    consultation = open_consultation(unit_a, public_user)
    client.force_login(consultant_a)
    client.post(
        "/konsultasi/balasan/7601/", {"title": "Salam", "body": "Terima kasih telah menghubungi PST."}
    )
    reply = CannedReply.objects.get()
    assert reply.unit == unit_a
    refused = client.post("/konsultasi/balasan/7601/", {"title": "X", "body": "<script>x</script>"})
    assert refused.status_code == 200
    assert CannedReply.objects.count() == 1
    page = client.get(f"/konsultasi/{consultation.pk}/").content.decode()
    assert 'data-body="Terima kasih telah menghubungi PST."' in page
    client.post(f"/konsultasi/balasan/7601/{reply.pk}/", {"title": "Salam pembuka", "body": "Halo."})
    reply.refresh_from_db()
    assert (reply.title, reply.body) == ("Salam pembuka", "Halo.")

    client.force_login(staff_b)
    assert client.get("/konsultasi/balasan/7601/").status_code == 404
    assert client.post(f"/konsultasi/balasan/7601/{reply.pk}/", {"delete": "1"}).status_code == 404
    assert client.post(f"/konsultasi/balasan/8200/{reply.pk}/", {"delete": "1"}).status_code == 404
    assert CannedReply.objects.count() == 1
    client.force_login(public_user)
    assert "canned-reply" not in client.get(f"/konsultasi/{consultation.pk}/").content.decode()


def test_referral_to_another_service_is_an_answer_with_a_message(
    client, unit_a, standard_a, public_user, consultant_a
):
    consultation = open_consultation(unit_a, public_user)
    client.force_login(consultant_a)
    client.post(
        f"/konsultasi/{consultation.pk}/refer/", {"service": "library", "note": "Tanyakan ke petugas."}
    )
    consultation.refresh_from_db()
    message = consultation.messages.last()
    assert message.author_kind == Message.Author.STAFF
    assert "Tanyakan ke petugas." in message.body
    assert consultation.status == Consultation.Status.ANSWERED
    event = consultation.events.get(kind=Kind.REFERRED)
    assert (event.data["service"], event.data["unit"], event.data["transfer"]) == ("library", "7601", False)


def test_referral_with_transfer_moves_the_consultation_to_the_other_units_inbox(
    client, unit_a, unit_b, standard_a, standard_b, public_user, consultant_a, staff_b
):
    consultation = open_consultation(unit_a, public_user)
    services.consultation_mark_clear(consultation=consultation, actor=consultant_a)
    client.force_login(consultant_a)
    response = client.post(
        f"/konsultasi/{consultation.pk}/refer/",
        {"service": "consultation", "to_unit": "8200", "transfer": "1"},
    )
    assert response["Location"] == "/konsultasi/kotak-masuk/"
    consultation.refresh_from_db()
    assert consultation.unit == unit_b
    assert consultation.assigned_to is None
    assert consultation.events.filter(kind=Kind.TRANSFERRED).exists()
    # The due time is now counted in unit B's calendar (WIT).
    assert consultation.due_at.astimezone(unit_b.zone).hour in (16, 17)
    assert client.get(f"/konsultasi/{consultation.pk}/").status_code == 404
    assert consultation.number in "".join(c.number for c in selectors.consultation_inbox(user=staff_b))
    client.force_login(public_user)
    assert "Maluku Utara" in client.get(f"/konsultasi/{consultation.pk}/").content.decode()


def test_bad_referrals_change_nothing(unit_a, public_user, consultant_a):
    from django.core.exceptions import ValidationError

    consultation = open_consultation(unit_a, public_user)
    before = (Message.objects.count(), ConsultationEvent.objects.count())
    with pytest.raises(ValidationError):
        services.consultation_refer(consultation=consultation, actor=consultant_a)
    with pytest.raises(ValidationError):
        services.consultation_refer(consultation=consultation, actor=consultant_a, service="spaceflight")
    with pytest.raises(ValidationError):
        services.consultation_refer(
            consultation=consultation, actor=consultant_a, service="library", transfer=True
        )
    assert (Message.objects.count(), ConsultationEvent.objects.count()) == before


def test_user_page_shows_status_and_due_time_in_the_units_zone(
    client, unit_b, standard_b, public_user, staff_b
):
    consultation = open_consultation(unit_b, public_user, now=dt.datetime(2026, 3, 16, 1, 0, tzinfo=dt.UTC))
    services.consultation_mark_clear(
        consultation=consultation, actor=staff_b, now=dt.datetime(2026, 3, 17, 1, 0, tzinfo=dt.UTC)
    )
    client.force_login(public_user)
    page = client.get(f"/konsultasi/{consultation.pk}/").content.decode()
    assert "27-03-2026" in page
    assert "WIT" in page
    assert 'id="chat-status"' in page


def test_admin_lists_canned_replies_of_own_units_only(client, unit_a, unit_b, admin_a, consultant_a, staff_b):
    mine = services.canned_reply_save(unit=unit_a, actor=consultant_a, title="Salam A", body="Halo A")
    other = services.canned_reply_save(unit=unit_b, actor=staff_b, title="Salam B", body="Halo B")
    client.force_login(admin_a)
    page = client.get("/admin/consultation/cannedreply/").content.decode()
    assert mine.title in page
    assert other.title not in page
