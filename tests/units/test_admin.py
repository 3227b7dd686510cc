"""The back office for a unit admin: profile, calendar, staff roles, standards (publish, copy)."""

import datetime as dt

import pytest
from django.urls import reverse

from terpadu.units.models import (
    CalendarOverride,
    ServiceStandard,
    StaffRole,
    StandardItem,
    Unit,
)
from tests.conftest import make_user
from tests.units.test_views import build_standard

pytestmark = pytest.mark.django_db


def inline_management(*prefixes: str) -> dict:
    data = {}
    for prefix in prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


UNIT_INLINES = ("complaint_channels", "office_hours")
STANDARD_INLINES = ("items", "completion_times", "complaint_channels")


def test_unit_admin_edits_own_profile(client, admin_a, unit_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("admin:units_unit_change", args=[unit_a.pk]),
        {
            "name": "BPS Kabupaten Majene",
            "kemendagri_code": "76.05",
            "is_active": "on",
            "address": "Jend. Ahmad Yani, Kel Rangas, Kec Banggae",
            "postcode": "91415",
            "phone": "082210007601",
            "email": "bps7601@bps.go.id",
            "website": "https://majenekab.bps.go.id",
            "time_zone": "Asia/Makassar",
            "lockers_enabled": "on",
            "code": "9999",  # read-only: ignored
            **inline_management(*UNIT_INLINES),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit_a.refresh_from_db()
    assert unit_a.postcode == "91415"
    assert unit_a.kemendagri_code == "76.05"
    assert unit_a.code == "7601"


def test_bad_input_is_refused_and_changes_nothing(client, admin_a, unit_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("admin:units_unit_change", args=[unit_a.pk]),
        {
            "name": "BPS Kabupaten Majene",
            "postcode": "12",
            "time_zone": "Europe/Paris",
            **inline_management(*UNIT_INLINES),
        },
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    unit_a.refresh_from_db()
    assert unit_a.postcode == ""
    assert unit_a.time_zone == "Asia/Makassar"


def test_unit_admin_adds_a_closure_for_own_unit(client, admin_a, unit_a):
    client.force_login(admin_a)
    form = client.get(reverse("admin:units_calendaroverride_add")).content.decode()
    assert "BPS Kabupaten Majene" in form
    response = client.post(
        reverse("admin:units_calendaroverride_add"),
        {"unit": unit_a.pk, "date": "2026-08-18", "kind": "closed", "reason": "Renovasi ruang PST"},
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.get(unit=unit_a).reason == "Renovasi ruang PST"
    # Without a unit it would change the national list: refused for a regency admin.
    response = client.post(
        reverse("admin:units_calendaroverride_add"),
        {"unit": "", "date": "2026-08-19", "kind": "closed", "reason": "Nasional"},
    )
    assert response.status_code == 200
    assert not CalendarOverride.objects.filter(unit__isnull=True).exists()


def test_unit_admin_grants_a_role_by_email(client, admin_a, unit_a):
    person = make_user("pegawai@bps.go.id", "Pegawai Baru")
    client.force_login(admin_a)
    response = client.post(
        reverse("admin:units_staffrole_add"),
        {"email": "Pegawai@bps.go.id", "unit": unit_a.pk, "role": "librarian", "active": "on"},
    )
    assert response.status_code == 302
    assert StaffRole.objects.filter(user=person, unit=unit_a, role="librarian").exists()
    person.refresh_from_db()
    assert person.is_staff
    unknown = client.post(
        reverse("admin:units_staffrole_add"),
        {"email": "tidak.ada@bps.go.id", "unit": unit_a.pk, "role": "librarian", "active": "on"},
    )
    assert unknown.status_code == 200
    assert StaffRole.objects.filter(unit=unit_a, role="librarian").count() == 1


def test_published_standard_is_read_only(client, admin_a, unit_a):
    standard = build_standard(unit_a)
    client.force_login(admin_a)
    url = reverse("admin:units_servicestandard_change", args=[standard.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Salin menjadi draf baru" in html
    assert 'name="sk_number"' not in html
    response = client.post(url, {"sk_number": "DIUBAH", **inline_management(*STANDARD_INLINES)})
    assert response.status_code == 403
    standard.refresh_from_db()
    assert standard.sk_number == "014a/KGP TAHUN 2023"
    delete = client.post(reverse("admin:units_servicestandard_delete", args=[standard.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert ServiceStandard.objects.filter(pk=standard.pk).exists()


def test_copy_edit_publish_supersedes(client, admin_a, unit_a):
    old = build_standard(unit_a)
    client.force_login(admin_a)
    response = client.post(reverse("admin:units_servicestandard_copy", args=[old.pk]))
    assert response.status_code == 302
    draft = ServiceStandard.objects.get(unit=unit_a, status=ServiceStandard.Status.DRAFT)
    assert draft.items.count() == old.items.count()
    assert response["Location"] == reverse("admin:units_servicestandard_change", args=[draft.pk])
    # Publishing without an SK number is refused with a message, nothing changes.
    client.post(reverse("admin:units_servicestandard_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ServiceStandard.Status.DRAFT
    # The draft is editable: give it its SK number and date.
    page = client.get(reverse("admin:units_servicestandard_change", args=[draft.pk])).content.decode()
    assert 'name="sk_number"' in page
    assert "Terbitkan draf ini" in page
    ServiceStandard.objects.filter(pk=draft.pk).update(
        sk_number="020/KGP TAHUN 2026", effective_from=dt.date(2026, 1, 1)
    )
    response = client.post(reverse("admin:units_servicestandard_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    old.refresh_from_db()
    assert draft.status == ServiceStandard.Status.PUBLISHED
    assert draft.published_by == admin_a
    assert old.status == ServiceStandard.Status.SUPERSEDED
    # The public page now shows the new version; the old one stays readable with its banner.
    current = client.get(reverse("standard-current", args=["7601", "library"])).content.decode()
    assert "020/KGP TAHUN 2026" in current
    assert reverse("standard-version", args=["7601", "library", old.pk]) in current


def test_publish_action_from_the_list(client, admin_a, unit_a):
    draft = build_standard(unit_a, status=ServiceStandard.Status.DRAFT)
    client.force_login(admin_a)
    response = client.post(
        reverse("admin:units_servicestandard_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ServiceStandard.Status.PUBLISHED


def test_draft_standard_editing_through_the_admin(client, admin_a, unit_a, unit_b):
    draft = build_standard(unit_a, status=ServiceStandard.Status.DRAFT)
    other = build_standard(unit_b, status=ServiceStandard.Status.DRAFT)
    client.force_login(admin_a)
    html = client.get(reverse("admin:units_servicestandard_change", args=[draft.pk])).content.decode()
    # The parent-item choices are this standard's items, never another unit's.
    own = StandardItem.objects.filter(standard=draft).first()
    foreign = StandardItem.objects.filter(standard=other).first()
    assert f'<option value="{own.pk}"' in html
    assert f'<option value="{foreign.pk}"' not in html
    assert "RAHASIA-DASAR-HUKUM-INTERNAL" in html  # internal components are edited here


def test_unit_admin_cannot_add_units_but_province_admin_can(client, admin_a, province_admin_a, province_a):
    client.force_login(admin_a)
    assert client.get(reverse("admin:units_unit_add")).status_code == 403
    client.force_login(province_admin_a)
    response = client.post(
        reverse("admin:units_unit_add"),
        {
            "code": "7602",
            "kind": "regency",
            "parent": province_a.pk,
            "name": "BPS Kabupaten Mamuju",
            "is_active": "on",
            "time_zone": "Asia/Makassar",
            "lockers_enabled": "on",
            **inline_management(*UNIT_INLINES),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Unit.objects.get(code="7602")
    assert created.path == "0000/7600/7602/"
    # Unit codes are checked against kind and parent.
    bad = client.post(
        reverse("admin:units_unit_add"),
        {
            "code": "8201",
            "kind": "regency",
            "parent": province_a.pk,
            "name": "Salah",
            "time_zone": "Asia/Makassar",
            **inline_management(*UNIT_INLINES),
        },
    )
    assert bad.status_code == 200
    assert not Unit.objects.filter(code="8201").exists()
