"""Shared fixtures: the personas of two units (healthchecks' Alice/Bob/Charlie, here for BPS).

unit A is BPS Kabupaten Majene (7601, WITA) under BPS Provinsi Sulawesi Barat (7600);
unit B is BPS Provinsi Maluku Utara (8200, WIT). Every staff endpoint gets a test that the
unit-B persona answers 404 and changes nothing.
"""

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from terpadu.units.models import StaffRole, Unit


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run in-process in tests, also when REDIS_URL makes Redis the broker: no worker runs here."""
    from terpadu.config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service-level tests read messages in English; requests still pick their language per request
    (Indonesian by default), and tests/test_translations.py checks every message reads in Indonesian."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Real hashing costs ~1 s per persona; what the tests check does not depend on its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def national(db) -> Unit:
    return Unit.objects.create(code="0000", kind=Unit.Kind.NATIONAL, name="BPS RI", time_zone="Asia/Jakarta")


@pytest.fixture
def province_a(national) -> Unit:
    return Unit.objects.create(
        code="7600",
        kind=Unit.Kind.PROVINCE,
        parent=national,
        name="BPS Provinsi Sulawesi Barat",
        time_zone="Asia/Makassar",
    )


@pytest.fixture
def unit_a(province_a) -> Unit:
    return Unit.objects.create(
        code="7601",
        kind=Unit.Kind.REGENCY,
        parent=province_a,
        name="BPS Kabupaten Majene",
        time_zone="Asia/Makassar",
    )


@pytest.fixture
def unit_b(national) -> Unit:
    return Unit.objects.create(
        code="8200",
        kind=Unit.Kind.PROVINCE,
        parent=national,
        name="BPS Provinsi Maluku Utara",
        time_zone="Asia/Jayapura",
    )


def make_user(email: str, name: str, *, password: str = "Rahasia-123!", verified: bool = True, **extra):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email=email, password=password, name=name, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_staff(email: str, name: str, unit: Unit, role: str):
    user = make_user(email, name, is_staff=True)
    StaffRole.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def admin_a(unit_a):
    return make_staff("admin.a@bps.go.id", "Admin Majene", unit_a, StaffRole.Role.UNIT_ADMIN)


@pytest.fixture
def frontliner_a(unit_a):
    return make_staff("front.a@bps.go.id", "Frontliner Majene", unit_a, StaffRole.Role.FRONTLINER)


@pytest.fixture
def librarian_a(unit_a):
    return make_staff("pustaka.a@bps.go.id", "Pustakawan Majene", unit_a, StaffRole.Role.LIBRARIAN)


@pytest.fixture
def consultant_a(unit_a):
    return make_staff("konsul.a@bps.go.id", "Konsultan Majene", unit_a, StaffRole.Role.CONSULTANT)


@pytest.fixture
def province_admin_a(province_a):
    return make_staff("admin.7600@bps.go.id", "Admin Sulbar", province_a, StaffRole.Role.UNIT_ADMIN)


@pytest.fixture
def staff_b(unit_b):
    """A staff member of unit B holding every role there: must see nothing of unit A."""
    user = make_staff("staff.b@bps.go.id", "Staf Malut", unit_b, StaffRole.Role.UNIT_ADMIN)
    for role in (StaffRole.Role.FRONTLINER, StaffRole.Role.LIBRARIAN, StaffRole.Role.CONSULTANT):
        StaffRole.objects.create(user=user, unit=unit_b, role=role)
    return user


@pytest.fixture
def public_user(db):
    return make_user(
        "warga@example.com", "Siti Warga", phone="081234567890", institution="Universitas Khairun"
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def chromium_path() -> str:
    """Debian's Chromium for browser tests; never a downloaded browser."""
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Debian's chromium is not installed: browser tests skipped (apt-get install chromium)")
    return path


@pytest.fixture
def asgi_server(transactional_db):
    """The whole ASGI app (HTTP and WebSockets) under uvicorn in a thread on a free port, against the
    test database: Django's live_server speaks no WebSocket."""
    import socket
    import threading
    import time

    import uvicorn

    from terpadu.config.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, lifespan="off", ws="websockets-sansio", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def pytest_report_header(config):
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"terpadu: database={db} redis={'yes' if settings.REDIS_URL else 'no (in-memory)'}"
