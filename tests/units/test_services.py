"""Units and standards services: validation, publishing and superseding, history, races, demo."""

import datetime as dt
import io
import threading
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.utils import translation

from terpadu.core.models import AuditEvent
from terpadu.units.models import (
    CompletionTime,
    ServiceStandard,
    StaffRole,
    StandardComplaintChannel,
    StandardItem,
    Unit,
)
from terpadu.units.selectors import (
    completion_time_for,
    standard_current,
    standard_history,
    standard_in_force,
    standard_item_tree,
    unit_search,
    unit_tree,
)
from terpadu.units.services import (
    seed_load,
    standard_copy_as_draft,
    standard_publish,
    unit_create,
    unit_update,
)
from tests.conftest import make_staff


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def seeded(db):
    seed_load()


@pytest.fixture
def majene(seeded) -> Unit:
    return Unit.objects.get(code="7601")


@pytest.fixture
def admin_majene(majene):
    return make_staff("admin.majene@bps.go.id", "Admin Majene", majene, StaffRole.Role.UNIT_ADMIN)


def _state() -> list:
    """Everything publishing may touch, to show a refused action changed nothing."""
    return [
        list(
            ServiceStandard.objects.order_by("pk").values_list(
                "pk", "status", "effective_until", "published_at"
            )
        ),
        AuditEvent.objects.count(),
    ]


def _draft(unit: Unit, *, sk_number: str = "020/KGP TAHUN 2026", effective_from=dt.date(2026, 1, 1)):
    current = ServiceStandard.objects.get(unit=unit, service="library", status="published")
    draft = standard_copy_as_draft(standard=current, actor=None, effective_from=effective_from)
    draft.sk_number = sk_number
    draft.save(update_fields=["sk_number"])
    return draft


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


# --- units -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "parent_code", "message"),
    [
        ("76A1", "regency", "7600", "A BPS unit code has exactly four digits, e.g. 7601."),
        ("760", "regency", "7600", "A BPS unit code has exactly four digits, e.g. 7601."),
        ("7700", "regency", "7600", "A regency or city code does not end in 00, e.g. 7601."),
        ("8201", "regency", "7600", "A regency or city code starts with its province's two digits (76)."),
        ("7606", "province", "0000", "A province code ends in 00, e.g. 8200."),
        ("7605", "city", "7600", "A city code ends in 71 or higher, e.g. 8271."),
        ("7601", "regency", "7600", "Unit with this BPS code already exists."),
        ("9100", "national", None, "The national office has code 0000."),
    ],
)
def test_invalid_bps_codes_are_refused_with_a_clear_message(seeded, code, kind, parent_code, message):
    parent = Unit.objects.get(code=parent_code) if parent_code else None
    before = (Unit.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        unit_create(code=code, kind=kind, name="BPS Kabupaten Baru", parent=parent, time_zone="Asia/Makassar")
    assert message in _messages(error.value)
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_unknown_time_zone_is_refused(seeded):
    before = (Unit.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        unit_create(
            code="7602",
            kind="regency",
            name="BPS Kabupaten Mamuju",
            parent=Unit.objects.get(code="7600"),
            time_zone="Asia/Tokyo",
        )
    assert error.value.message_dict["time_zone"] == [
        "Unknown time zone “Asia/Tokyo”: a BPS unit keeps Asia/Jakarta (WIB), Asia/Makassar (WITA) or "
        "Asia/Jayapura (WIT)."
    ]
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_unit_create_and_update(seeded):
    mamuju = unit_create(
        code="7602",
        kind="regency",
        name="BPS Kabupaten Mamuju",
        parent=Unit.objects.get(code="7600"),
        time_zone="Asia/Makassar",
        kemendagri_code="76.02",
    )
    assert mamuju.path == "0000/7600/7602/"
    unit_update(unit=mamuju, phone="(0426) 21000")
    mamuju.refresh_from_db()
    assert mamuju.phone == "(0426) 21000"
    assert AuditEvent.objects.filter(action="unit.update", object_id=str(mamuju.pk)).count() == 1


def test_unit_update_refuses_bad_values_and_changes_nothing(majene):
    before = (Unit.objects.filter(pk=majene.pk).values().get(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        unit_update(unit=majene, postcode="914", time_zone="WITA")
    assert error.value.message_dict["postcode"] == ["A postcode has 5 digits."]
    assert "Unknown time zone “WITA”" in error.value.message_dict["time_zone"][0]
    with pytest.raises(ValidationError, match="cannot be changed here: code"):
        unit_update(unit=majene, code="7699")
    assert (Unit.objects.filter(pk=majene.pk).values().get(), AuditEvent.objects.count()) == before
    assert (majene.postcode, majene.time_zone, majene.code) == ("91415", "Asia/Makassar", "7601")


# --- publishing ------------------------------------------------------------------------------


def test_publish_supersedes_the_current_standard_and_keeps_history(majene, admin_majene):
    old = standard_current(unit=majene, service="library")
    draft = _draft(majene)
    published = standard_publish(standard=draft, actor=admin_majene)

    old.refresh_from_db()
    assert (old.status, old.effective_until) == ("superseded", dt.date(2025, 12, 31))
    assert (published.status, published.published_by, published.effective_until) == (
        "published",
        admin_majene,
        None,
    )
    assert published.published_at is not None
    assert draft.status == "published"  # the caller's instance follows
    assert standard_current(unit=majene, service="library") == published
    assert list(standard_history(unit=majene, service="library")) == [published, old]
    assert standard_in_force(unit=majene, service="library", on=dt.date(2025, 6, 1)) == old
    assert standard_in_force(unit=majene, service="library", on=dt.date(2026, 6, 1)) == published
    assert standard_in_force(unit=majene, service="library", on=dt.date(2022, 6, 1)) is None
    event = AuditEvent.objects.get(action="standard.publish")
    assert (event.actor, event.unit_code, event.object_id) == (admin_majene, "7601", str(published.pk))
    assert event.data["superseded_id"] == old.pk
    assert event.data["sk_number"] == "020/KGP TAHUN 2026"


def test_a_standard_without_sk_number_is_refused(majene, admin_majene):
    draft = _draft(majene, sk_number="  ")
    before = _state()
    with pytest.raises(ValidationError) as error:
        standard_publish(standard=draft, actor=admin_majene)
    assert error.value.message_dict["sk_number"] == ["A standard needs an SK number before it is published."]
    assert _state() == before


@pytest.mark.parametrize("effective_from", [dt.date(2023, 1, 1), dt.date(2022, 12, 31)])
def test_overlapping_effective_dates_are_refused(majene, admin_majene, effective_from):
    draft = _draft(majene, effective_from=effective_from)
    before = _state()
    with pytest.raises(ValidationError) as error:
        standard_publish(standard=draft, actor=admin_majene)
    assert error.value.message_dict["effective_from"] == [
        "The effective date must be after 2023-01-01, when the standard now published (SK 014a/KGP TAHUN "
        "2023) took effect."
    ]
    assert _state() == before
    assert standard_current(unit=majene, service="library").sk_number == "014a/KGP TAHUN 2023"


def test_only_a_draft_can_be_published(majene, admin_majene):
    current = standard_current(unit=majene, service="library")
    before = _state()
    with pytest.raises(ValidationError, match="Only a draft can be published; this standard is Published."):
        standard_publish(standard=current, actor=admin_majene)
    assert _state() == before


def test_first_standard_for_a_service_needs_no_predecessor(majene, admin_majene):
    library = standard_current(unit=majene, service="library")
    draft = standard_copy_as_draft(standard=library, actor=admin_majene, effective_from=dt.date(2026, 2, 1))
    draft.service = "consultation"
    draft.sk_number = "021/KGP TAHUN 2026"
    draft.save(update_fields=["service", "sk_number"])
    standard_publish(standard=draft, actor=admin_majene)
    assert standard_current(unit=majene, service="consultation") == draft
    assert standard_current(unit=majene, service="library") == library


def test_copy_as_draft_copies_every_component(majene, admin_majene):
    current = standard_current(unit=majene, service="library")
    draft = standard_copy_as_draft(standard=current, actor=admin_majene)
    assert (draft.status, draft.sk_number, draft.unit) == ("draft", "", majene)
    assert draft.effective_from > current.effective_from
    for component in ("requirement", "procedure", "product"):
        for mode in ("walk_in", "online", "both", None):
            assert _strip_ids(standard_item_tree(draft, component, mode)) == _strip_ids(
                standard_item_tree(current, component, mode)
            )
    fields = ("mode", "amount", "unit", "clock_start", "heading", "wording", "order")
    assert list(draft.completion_times.values_list(*fields)) == list(
        current.completion_times.values_list(*fields)
    )
    fields = ("kind", "label", "value", "url", "order")
    assert list(draft.complaint_channels.values_list(*fields)) == list(
        current.complaint_channels.values_list(*fields)
    )
    assert draft.mode_headings == current.mode_headings
    assert (
        StandardItem.objects.filter(standard=draft).count()
        == StandardItem.objects.filter(standard=current).count()
    )
    # The copy changes nothing in the clocks until it is published.
    assert completion_time_for(unit=majene, service="library", mode="walk_in").standard == current
    assert AuditEvent.objects.filter(action="standard.copy_as_draft", object_id=str(draft.pk)).exists()


def _strip_ids(nodes):
    return [{**node, "id": None, "children": _strip_ids(node["children"])} for node in nodes]


def test_clocks_follow_the_newly_published_standard(majene, admin_majene):
    draft = _draft(majene)
    CompletionTime.objects.filter(standard=draft, mode="walk_in").update(amount=7, wording="7 (tujuh) menit")
    assert completion_time_for(unit=majene, service="library", mode="walk_in").amount == 5
    standard_publish(standard=draft, actor=admin_majene)
    assert completion_time_for(unit=majene, service="library", mode="walk_in").amount == 7
    assert (
        completion_time_for(unit=majene, service="library", mode="walk_in", on=dt.date(2025, 3, 1)).amount
        == 5
    )


def test_seed_standards_without_sk_are_published_but_a_new_one_is_not(seeded):
    malut = Unit.objects.get(code="8200")
    seeded_library = standard_current(unit=malut, service="library")
    assert (seeded_library.sk_number, seeded_library.status) == ("", "published")
    draft = standard_copy_as_draft(standard=seeded_library, actor=None)
    before = _state()
    with pytest.raises(ValidationError, match="needs an SK number"):
        standard_publish(standard=draft, actor=None)
    assert _state() == before
    assert StandardComplaintChannel.objects.filter(standard=draft).count() == 4


# --- concurrency -----------------------------------------------------------------------------


def _race(targets: list) -> list:
    """Run each callable in its own thread and connection, released together; return results."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait(timeout=10)
            results[index] = target()
        except Exception as error:  # noqa: BLE001 - the test inspects what each racer got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results


@pytest.fixture
def slow_publish_check(monkeypatch):
    """Hold each publisher inside its transaction for a moment, so the two really overlap."""
    from terpadu.units import services

    original = services.check_standard_publish

    def slow(**kwargs):
        time.sleep(0.3)
        return original(**kwargs)

    monkeypatch.setattr(services, "check_standard_publish", slow)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("slow_publish_check")
def test_two_publishers_of_competing_drafts_cannot_both_win():
    seed_load()
    majene = Unit.objects.get(code="7601")
    admin = make_staff("admin.majene@bps.go.id", "Admin Majene", majene, StaffRole.Role.UNIT_ADMIN)
    drafts = [_draft(majene, sk_number=f"02{n}/KGP TAHUN 2026") for n in range(2)]
    results = _race([lambda d=d: standard_publish(standard=d, actor=admin) for d in drafts])

    winners = [r for r in results if isinstance(r, ServiceStandard)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1, results
    # The loser gets the clear validation message, not a database error: the unit lock serialised them.
    assert len(losers) == 1
    assert isinstance(losers[0], ValidationError), repr(losers[0])
    assert "effective_from" in losers[0].message_dict
    statuses = dict(ServiceStandard.objects.filter(unit=majene).values_list("pk", "status"))
    assert sorted(statuses.values()) == ["draft", "published", "superseded"]
    assert statuses[winners[0].pk] == "published"
    assert AuditEvent.objects.filter(action="standard.publish").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("slow_publish_check")
def test_the_same_draft_published_twice_at_once_is_published_once():
    seed_load()
    majene = Unit.objects.get(code="7601")
    draft = _draft(majene)
    results = _race(
        [lambda: standard_publish(standard=ServiceStandard.objects.get(pk=draft.pk), actor=None)] * 2
    )

    assert sum(isinstance(r, ServiceStandard) for r in results) == 1, results
    loser = next(r for r in results if isinstance(r, Exception))
    assert isinstance(loser, ValidationError), repr(loser)
    # The losing thread ran without the test's English override: the message is in Indonesian.
    assert "Hanya draf yang dapat diterbitkan" in loser.messages[0]
    assert ServiceStandard.objects.filter(unit=majene, status="published").get().pk == draft.pk
    assert ServiceStandard.objects.filter(unit=majene, status="superseded").count() == 1
    assert AuditEvent.objects.filter(action="standard.publish").count() == 1


# --- selectors -------------------------------------------------------------------------------


def test_unit_search_and_tree(seeded):
    assert [u.code for u in unit_search(q="majene")] == ["7601"]
    assert [u.code for u in unit_search(q="sulawesi barat")] == ["7600"]
    assert [u.code for u in unit_search(q="76")] == ["7600", "7601"]
    assert [u.code for u in unit_search(q="76.05")] == ["7601"]
    assert [u.code for u in unit_search(parent="0000")] == ["6500", "7400", "7600", "8200"]
    assert [u.code for u in unit_search(parent=Unit.objects.get(code="7600"))] == ["7601"]
    assert [u.code for u in unit_search(kind="regency")] == ["7601"]
    assert [u.code for u in unit_search(q="  ")] == ["0000", "6500", "7400", "7600", "7601", "8200"]

    tree = unit_tree()
    assert [node["unit"].code for node in tree] == ["0000"]
    assert [node["unit"].code for node in tree[0]["children"]] == ["6500", "7400", "7600", "8200"]
    sulbar = tree[0]["children"][2]
    assert [node["unit"].code for node in sulbar["children"]] == ["7601"]


def test_standard_current_prefetches_everything(seeded, django_assert_num_queries):
    majene = Unit.objects.get(code="7601")
    with django_assert_num_queries(4):
        standard = standard_current(unit=majene, service="library")
        for component in ("requirement", "procedure", "product"):
            standard_item_tree(standard, component, "walk_in")
        list(standard.completion_times.all())
        list(standard.complaint_channels.all())


# --- demo ------------------------------------------------------------------------------------


def test_demo_command_is_idempotent_and_prints_the_logins(db, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    first = io.StringIO()
    call_command("demo", stdout=first)
    counts = {
        "users": get_user_model().objects.count(),
        "roles": StaffRole.objects.count(),
        "emails": EmailAddress.objects.count(),
        "units": Unit.objects.count(),
        "standards": ServiceStandard.objects.count(),
        "items": StandardItem.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
    passwords = dict(get_user_model().objects.values_list("email", "password"))
    second = io.StringIO()
    call_command("demo", stdout=second)
    assert counts == {
        "users": get_user_model().objects.count(),
        "roles": StaffRole.objects.count(),
        "emails": EmailAddress.objects.count(),
        "units": Unit.objects.count(),
        "standards": ServiceStandard.objects.count(),
        "items": StandardItem.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
    assert dict(get_user_model().objects.values_list("email", "password")) == passwords

    output = second.getvalue()
    assert "http://127.0.0.1:8123/" in output
    assert "demo12345" in output
    for email in (
        "admin.0000@example.com",
        "admin.7600@example.com",
        "konsul.7601@example.com",
        "front.8200@example.com",
        "pengguna@example.com",
    ):
        assert email in output

    User = get_user_model()
    national = User.objects.get(email="admin.0000@example.com")
    assert national.check_password("demo12345")
    assert EmailAddress.objects.get(user=national).verified
    roles = set(StaffRole.objects.values_list("user__email", "unit__code", "role"))
    assert ("admin.7600@example.com", "7600", "unit_admin") in roles
    for code in ("7601", "8200"):
        for prefix, role in (
            ("admin", "unit_admin"),
            ("front", "frontliner"),
            ("pustaka", "librarian"),
            ("konsul", "consultant"),
        ):
            assert (f"{prefix}.{code}@example.com", code, role) in roles
    public = User.objects.get(email="pengguna@example.com")
    assert not public.is_staff
    assert not public.staff_roles.exists()
    assert EmailAddress.objects.get(user=public).verified


def test_demo_quiet_prints_nothing(db):
    out = io.StringIO()
    call_command("demo", "--quiet", stdout=out)
    assert out.getvalue() == ""
    assert Unit.objects.count() == 6


def test_demo_calls_each_apps_demo_module(db, monkeypatch):
    from terpadu.units.management.commands import demo

    calls = []

    class FakeModule:
        @staticmethod
        def load(stdout):
            calls.append(Unit.objects.count())
            stdout.write("frontdesk demo loaded")

    monkeypatch.setattr(demo, "app_demo_modules", lambda: [FakeModule])
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert calls == [6]  # after the seed units exist
    assert "frontdesk demo loaded" in out.getvalue()
