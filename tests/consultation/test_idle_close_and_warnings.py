"""The 7-day close at its edge, what does not reset it, and the due warnings."""

import datetime as dt

from django.core import mail
from django.core.management import call_command

from terpadu.consultation import services, tasks
from terpadu.consultation.models import Consultation, ConsultationEvent, Message

from .conftest import WITA, local, open_consultation

Kind = ConsultationEvent.Kind
ANSWER_AT = local(WITA, 2026, 11, 2, 10, 0)
WEEK = dt.timedelta(days=7)
MINUTE = dt.timedelta(minutes=1)


def answered(unit, user, consultant):
    consultation = open_consultation(unit, user, now=ANSWER_AT - dt.timedelta(hours=1))
    services.message_post(
        consultation=consultation, actor=consultant, body="Datanya ada di tabel 3.", now=ANSWER_AT
    )
    consultation.refresh_from_db()
    return consultation


def test_closes_after_seven_days_without_a_reply_not_a_minute_before(
    unit_a, standard_a, public_user, consultant_a, django_capture_on_commit_callbacks
):
    consultation = answered(unit_a, public_user, consultant_a)
    assert services.consultations_close_idle(now=ANSWER_AT + WEEK - MINUTE) == []
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ANSWERED

    with django_capture_on_commit_callbacks(execute=True):
        closed = services.consultations_close_idle(now=ANSWER_AT + WEEK + MINUTE)
    assert [c.pk for c in closed] == [consultation.pk]
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED
    assert consultation.close_reason == Consultation.CloseReason.NO_RESPONSE
    assert consultation.closed_at == ANSWER_AT + WEEK + MINUTE
    closing = consultation.messages.last()
    assert closing.author_kind == Message.Author.SYSTEM
    assert "7" in closing.body
    # The closing mail (other apps, e.g. the satisfaction survey, may write too after the close).
    closing_mails = [m for m in mail.outbox if closing.body in m.body]
    assert len(closing_mails) == 1
    assert closing_mails[0].to == [public_user.email]
    assert consultation.number in closing_mails[0].subject
    # Running again changes nothing.
    assert services.consultations_close_idle(now=ANSWER_AT + WEEK + WEEK) == []
    assert consultation.events.filter(kind=Kind.CLOSED).count() == 1


def test_exactly_seven_days_closes(unit_a, standard_a, public_user, consultant_a):
    consultation = answered(unit_a, public_user, consultant_a)
    assert [c.pk for c in services.consultations_close_idle(now=ANSWER_AT + WEEK)] == [consultation.pk]


def test_internal_note_and_system_events_do_not_reset_the_count(
    unit_a, standard_a, public_user, consultant_a
):
    consultation = answered(unit_a, public_user, consultant_a)
    services.message_post(
        consultation=consultation,
        actor=consultant_a,
        body="Catatan: cek lagi.",
        internal=True,
        now=ANSWER_AT + 6 * WEEK / 7,
    )
    services.consultations_warn_due(now=ANSWER_AT + 6 * WEEK / 7)
    closed = services.consultations_close_idle(now=ANSWER_AT + WEEK + MINUTE)
    assert [c.pk for c in closed] == [consultation.pk]


def test_a_user_reply_stops_the_count(unit_a, standard_a, public_user, consultant_a):
    consultation = answered(unit_a, public_user, consultant_a)
    services.message_post(
        consultation=consultation,
        actor=public_user,
        body="Terima kasih, satu lagi...",
        now=ANSWER_AT + 6 * WEEK / 7,
    )
    assert services.consultations_close_idle(now=ANSWER_AT + 2 * WEEK) == []
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLEAR
    assert consultation.awaiting_user_since is None


def test_a_consultation_waiting_on_staff_never_closes(unit_a, standard_a, public_user):
    open_consultation(unit_a, public_user, now=ANSWER_AT)
    assert services.consultations_close_idle(now=ANSWER_AT + 10 * WEEK) == []


def test_management_command_and_task(unit_a, standard_a, public_user, consultant_a, capsys):
    answered(unit_a, public_user, consultant_a)
    # Real time is long after November 2026 only in the future; both entry points run the same service.
    assert tasks.close_idle_consultations.delay().get() in (0, 1)
    call_command("close_idle_consultations")
    call_command("warn_due_consultations")
    assert "consultation(s) closed." in capsys.readouterr().out


def test_due_warnings_once_at_one_day_left_and_once_at_breach(
    unit_a, standard_a, public_user, consultant_a, admin_a, django_capture_on_commit_callbacks
):
    consultation = open_consultation(unit_a, public_user, now=local(WITA, 2026, 11, 2, 8, 0))
    services.consultation_mark_clear(
        consultation=consultation, actor=consultant_a, now=local(WITA, 2026, 11, 2, 9, 0)
    )
    # Due Thu 5 Nov 16:00. On Tue evening 2 working days are left: no warning.
    assert services.consultations_warn_due(now=local(WITA, 2026, 11, 3, 17, 0)) == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.consultations_warn_due(now=local(WITA, 2026, 11, 4, 8, 0))
    assert [kind for _c, kind in sent] == [Kind.WARNED_DUE_SOON]
    assert sorted(mail.outbox[0].to) == sorted([admin_a.email, consultant_a.email])
    assert consultation.number in mail.outbox[0].subject
    assert services.consultations_warn_due(now=local(WITA, 2026, 11, 4, 9, 0)) == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.consultations_warn_due(now=local(WITA, 2026, 11, 5, 16, 1))
    assert [kind for _c, kind in sent] == [Kind.WARNED_BREACH]
    assert services.consultations_warn_due(now=local(WITA, 2026, 11, 6, 9, 0)) == []
    assert len(mail.outbox) == 2


def test_no_warning_while_paused_or_answered(unit_a, standard_a, public_user, consultant_a):
    consultation = open_consultation(unit_a, public_user, now=local(WITA, 2026, 11, 2, 8, 0))
    services.consultation_mark_clear(
        consultation=consultation, actor=consultant_a, now=local(WITA, 2026, 11, 2, 9, 0)
    )
    services.consultation_request_clarification(
        consultation=consultation,
        actor=consultant_a,
        body="Wilayah mana?",
        now=local(WITA, 2026, 11, 2, 10, 0),
    )
    assert services.consultations_warn_due(now=local(WITA, 2026, 11, 10, 9, 0)) == []
