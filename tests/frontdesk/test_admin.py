"""The unit admin issues and revokes kiosk/board tokens in the back office; other units see nothing."""

import pytest
from django.urls import reverse

from terpadu.frontdesk.models import Device

pytestmark = pytest.mark.django_db


def test_unit_admin_issues_a_device_token_shown_once(client, admin_a, unit_a):
    client.force_login(admin_a)
    assert client.get(reverse("admin:frontdesk_device_add")).status_code == 200
    response = client.post(
        reverse("admin:frontdesk_device_add"),
        {"unit": unit_a.pk, "kind": "kiosk", "name": "Kios lobi"},
        follow=True,
    )
    device = Device.objects.get(unit=unit_a, name="Kios lobi")
    page = response.content.decode()
    assert "tpd_" in page
    assert device.token_prefix in page


def test_unit_b_admin_gets_404_on_unit_a_device_and_cannot_revoke_it(client, admin_a, staff_b, unit_a):
    client.force_login(admin_a)
    client.post(
        reverse("admin:frontdesk_device_add"),
        {"unit": unit_a.pk, "kind": "board", "name": "Layar TV"},
        follow=True,
    )
    device = Device.objects.get(unit=unit_a)
    client.force_login(staff_b)
    assert client.get(reverse("admin:frontdesk_device_change", args=[device.pk])).status_code == 404
    listing = client.get(reverse("admin:frontdesk_device_changelist")).content.decode()
    assert "Layar TV" not in listing
    client.post(
        reverse("admin:frontdesk_device_changelist"), {"action": "revoke", "_selected_action": [device.pk]}
    )
    device.refresh_from_db()
    assert device.revoked_at is None
