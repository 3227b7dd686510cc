import pytest
from django.core.exceptions import ValidationError

from terpadu.frontdesk import selectors, services
from terpadu.frontdesk.models import LockerDeposit, Ticket, Visit
from terpadu.frontdesk.services import InvalidTransition
from terpadu.lib import personal_id
from tests.frontdesk.conftest import NIK_WOMAN, make_visit, visit_data


def test_visit_stores_id_encrypted_masked_and_hashed(unit_a, office_a):
    visit = make_visit(unit_a)
    visit.refresh_from_db()
    assert visit.id_number_masked == "7601********0001"
    assert NIK_WOMAN not in visit.id_number_encrypted
    assert personal_id.decrypt(visit.id_number_encrypted) == NIK_WOMAN
    assert Visit.objects.get(id_number_hash=personal_id.keyed_hash(NIK_WOMAN)) == visit


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": False}, "consent"),
        ({"id_number": "12345"}, "id_number"),
        ({"id_number": "7601013202900001"}, "id_number"),
        ({"id_type": "library-card"}, "id_type"),
        ({"services": []}, "services"),
        ({"services": ["karaoke"]}, "services"),
        ({"name": "  "}, "name"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_bad_guest_book_input_changes_nothing(unit_a, office_a, overrides, field):
    with pytest.raises(ValidationError) as info:
        services.visit_create(unit=unit_a, **visit_data(**overrides))
    assert field in info.value.message_dict
    assert not Visit.objects.exists()


def test_returning_visitor_found_by_email_or_phone_in_the_same_unit(unit_a, office_a, unit_b, office_b):
    visit = make_visit(unit_a)
    assert selectors.returning_visitor(unit=unit_a, email="SITI@example.com") == visit
    assert selectors.returning_visitor(unit=unit_a, phone="081234567890") == visit
    assert selectors.returning_visitor(unit=unit_b, email="siti@example.com") is None


def test_locker_cannot_be_handed_out_twice(unit_a, office_a, visit_a):
    from terpadu.frontdesk.models import Locker

    locker = Locker.objects.get(unit=unit_a, number="1")
    other = make_visit(unit_a, email="b@example.com")
    services.locker_deposit(unit=unit_a, visit=visit_a, id_type="ktp", id_number=NIK_WOMAN, locker=locker)
    with pytest.raises(InvalidTransition, match="already in use"):
        services.locker_deposit(
            unit=unit_a, visit=other, id_type="sim", id_number="123456789012", locker=locker
        )
    assert LockerDeposit.objects.count() == 1


def test_lockers_allocated_until_full_then_freed_on_return(unit_a, office_a, visit_a):
    deposits = [
        services.locker_deposit(unit=unit_a, visit=visit_a, id_type="sim", id_number=f"12345678901{i}")
        for i in range(3)
    ]
    assert sorted(d.locker.number for d in deposits) == ["1", "2", "3"]
    with pytest.raises(InvalidTransition, match="All lockers"):
        services.locker_deposit(unit=unit_a, visit=visit_a, id_type="sim", id_number="123456789019")
    assert selectors.unreturned_deposits(unit=unit_a).count() == 3
    services.locker_return(deposit=deposits[1])
    again = services.locker_deposit(unit=unit_a, visit=visit_a, id_type="sim", id_number="123456789019")
    assert again.locker.number == "2"
    with pytest.raises(InvalidTransition, match="already returned"):
        services.locker_return(deposit=deposits[1])


def test_out_of_order_locker_and_disabled_lockers(unit_a, office_a, visit_a):
    from terpadu.frontdesk.models import Locker

    locker = Locker.objects.get(unit=unit_a, number="1")
    locker.in_service = False
    locker.save()
    deposit = services.locker_deposit(unit=unit_a, visit=visit_a, id_type="ktp", id_number=NIK_WOMAN)
    assert deposit.locker.number == "2"
    unit_a.lockers_enabled = False
    unit_a.save()
    with pytest.raises(ValidationError, match="does not offer lockers"):
        services.locker_deposit(unit=unit_a, visit=visit_a, id_type="ktp", id_number=NIK_WOMAN)


def test_returning_the_last_card_checks_the_visit_out(unit_a, office_a, visit_a):
    ticket = services.ticket_issue(unit=unit_a, service="library", visit=visit_a)
    deposit = services.locker_deposit(unit=unit_a, visit=visit_a, id_type="ktp", id_number=NIK_WOMAN)
    with pytest.raises(InvalidTransition, match="ID card"):
        services.visit_checkout(visit=visit_a)
    services.locker_return(deposit=deposit)
    visit_a.refresh_from_db()
    ticket.refresh_from_db()
    assert visit_a.checked_out_at is not None
    assert visit_a.duration is not None
    assert ticket.status == Ticket.Status.CANCELLED
    with pytest.raises(InvalidTransition, match="already"):
        services.visit_checkout(visit=visit_a)


def test_id_numbers_are_purged_after_the_retention_period(unit_a, office_a, settings):
    import datetime as dt

    from django.utils import timezone

    from terpadu.frontdesk.tasks import purge_personal_ids

    settings.FRONTDESK_ID_RETENTION_DAYS = 30
    old = make_visit(unit_a, now=timezone.now() - dt.timedelta(days=31))
    deposit = services.locker_deposit(unit=unit_a, visit=old, id_type="ktp", id_number=NIK_WOMAN)
    recent = make_visit(unit_a, email="new@example.com")
    assert purge_personal_ids() == 1  # the card still held keeps its number
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.id_number_encrypted, old.id_number_hash, old.id_number_masked) == ("", "", "7601********0001")
    assert recent.id_number_encrypted
    services.locker_return(deposit=deposit, now=timezone.now() - dt.timedelta(days=31))
    assert purge_personal_ids() == 1
    assert purge_personal_ids() == 0
