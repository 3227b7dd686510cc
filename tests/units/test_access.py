"""Unit isolation in the back office: out of scope is 404, exactly as absent, and nothing changes.

Personas: unit A is Majene (7601) under Sulawesi Barat (7600); unit B is Maluku Utara (8200).
"""

import datetime as dt

import pytest
from django.urls import reverse

from terpadu.units.models import (
    CalendarOverride,
    ServiceStandard,
    StaffRole,
    Unit,
    UnitComplaintChannel,
)
from tests.conftest import make_staff
from tests.units.test_views import build_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def national_admin(national):
    return make_staff("admin.0000@bps.go.id", "Admin Pusat", national, StaffRole.Role.UNIT_ADMIN)


@pytest.fixture
def unit_a_objects(unit_a, admin_a):
    """One object of every scoped admin model belonging to unit A."""
    UnitComplaintChannel.objects.create(unit=unit_a, kind="email", label="E-mail", value="bps7601@bps.go.id")
    return {
        "unit": unit_a,
        "servicestandard": build_standard(unit_a, status=ServiceStandard.Status.DRAFT),
        "calendaroverride": CalendarOverride.objects.create(
            unit=unit_a, date=dt.date(2026, 8, 18), reason="HUT"
        ),
        "staffrole": StaffRole.objects.get(user=admin_a, unit=unit_a),
    }


def snapshot():
    """Everything the back office could change, as plain values."""
    return {
        "units": list(Unit.objects.order_by("pk").values()),
        "standards": list(ServiceStandard.objects.order_by("pk").values()),
        "overrides": list(CalendarOverride.objects.order_by("pk").values()),
        "roles": list(StaffRole.objects.order_by("pk").values("pk", "user_id", "unit_id", "role", "active")),
        "channels": list(UnitComplaintChannel.objects.order_by("pk").values()),
    }


MODELS = ["unit", "servicestandard", "calendaroverride", "staffrole"]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_unit_b_admin_gets_404_on_unit_a_objects(client, staff_b, unit_a_objects, model, view):
    obj = unit_a_objects[model]
    client.force_login(staff_b)
    before = snapshot()
    url = reverse(f"admin:units_{model}_{view}", args=[obj.pk])
    assert client.get(url).status_code == 404
    # A POST (save or confirm delete) is refused the same way and changes nothing.
    response = client.post(url, {"post": "yes", "name": "Diubah", "reason": "Diubah", "sk_number": "X"})
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("model", MODELS)
def test_unit_a_objects_absent_from_unit_b_lists(client, staff_b, unit_b, unit_a_objects, model):
    client.force_login(staff_b)
    response = client.get(reverse(f"admin:units_{model}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Majene" not in html
    assert "7601" not in html


def test_unit_b_publish_and_copy_urls_are_404(client, staff_b, unit_a_objects):
    standard = unit_a_objects["servicestandard"]
    client.force_login(staff_b)
    before = snapshot()
    for name in ("publish", "copy"):
        url = reverse(f"admin:units_servicestandard_{name}", args=[standard.pk])
        assert client.post(url).status_code == 404
    assert snapshot() == before


def test_unit_b_bulk_action_cannot_reach_unit_a(client, staff_b, unit_a_objects):
    standard = unit_a_objects["servicestandard"]
    standard.sk_number = "SK/1"
    standard.save()
    client.force_login(staff_b)
    before = snapshot()
    client.post(
        reverse("admin:units_servicestandard_changelist"),
        {"action": "publish_selected", "_selected_action": [standard.pk]},
    )
    assert snapshot() == before


def test_unit_b_cannot_pick_unit_a_in_forms(client, staff_b, unit_a):
    client.force_login(staff_b)
    for model in ("servicestandard", "calendaroverride", "staffrole"):
        html = client.get(reverse(f"admin:units_{model}_add")).content.decode()
        assert f'value="{unit_a.pk}"' not in html, model
        assert "Majene" not in html, model


def test_unit_b_cannot_create_a_standard_for_unit_a(client, staff_b, unit_a):
    client.force_login(staff_b)
    before = snapshot()
    response = client.post(
        reverse("admin:units_servicestandard_add"),
        {
            "unit": unit_a.pk,
            "service": "library",
            "title": "Palsu",
            "effective_from": "2026-01-01",
            "fee_amount": "0",
            "fee_wording": "Tidak dipungut biaya",
            "mode_headings": "{}",
            **{
                f"{prefix}-{k}": v
                for prefix in ("items", "completion_times", "complaint_channels")
                for k, v in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()
            },
        },
    )
    assert response.status_code == 200  # the form again, with an error on "unit"
    assert snapshot() == before


def test_province_admin_sees_its_regency(client, province_admin_a, unit_a, unit_b, unit_a_objects):
    client.force_login(province_admin_a)
    html = client.get(reverse("admin:units_unit_changelist")).content.decode()
    assert "BPS Kabupaten Majene" in html
    assert "BPS Provinsi Sulawesi Barat" in html
    assert "Maluku Utara" not in html
    for model in MODELS:
        url = reverse(f"admin:units_{model}_change", args=[unit_a_objects[model].pk])
        assert client.get(url).status_code == 200, model
    assert client.get(reverse("admin:units_unit_change", args=[unit_b.pk])).status_code == 404


def test_regency_admin_does_not_see_its_province(client, admin_a, province_a, unit_a):
    client.force_login(admin_a)
    assert client.get(reverse("admin:units_unit_change", args=[unit_a.pk])).status_code == 200
    assert client.get(reverse("admin:units_unit_change", args=[province_a.pk])).status_code == 404


def test_national_admin_sees_all(client, national_admin, unit_a, unit_b, unit_a_objects):
    client.force_login(national_admin)
    html = client.get(reverse("admin:units_unit_changelist")).content.decode()
    for name in ("BPS RI", "Sulawesi Barat", "Majene", "Maluku Utara"):
        assert name in html
    for unit in (unit_a, unit_b):
        assert client.get(reverse("admin:units_unit_change", args=[unit.pk])).status_code == 200
    for model in MODELS:
        url = reverse(f"admin:units_{model}_change", args=[unit_a_objects[model].pk])
        assert client.get(url).status_code == 200, model


def test_operational_staff_get_no_back_office_units(client, frontliner_a, unit_a):
    client.force_login(frontliner_a)
    index = client.get(reverse("admin:index"))
    assert "/admin/units/" not in index.content.decode()
    assert client.get(reverse("admin:units_unit_change", args=[unit_a.pk])).status_code in (403, 404)
    assert client.get(reverse("admin:units_unit_changelist")).status_code == 403


def test_nation_wide_overrides_only_for_the_national_admin(client, admin_a, national_admin, unit_a):
    override = CalendarOverride.objects.create(unit=None, date=dt.date(2026, 12, 24), reason="Cuti bersama")
    client.force_login(admin_a)
    assert client.get(reverse("admin:units_calendaroverride_change", args=[override.pk])).status_code == 404
    assert (
        "Cuti bersama" not in client.get(reverse("admin:units_calendaroverride_changelist")).content.decode()
    )
    client.force_login(national_admin)
    assert client.get(reverse("admin:units_calendaroverride_change", args=[override.pk])).status_code == 200
