"""`terpadu demo`: the seed units and standards, demo staff and a demo public user. Idempotent.

Later apps add their own demo data without touching this file: an installed app that has a
`demo` module with `load(stdout)` is called after the units' data, in INSTALLED_APPS order.
Each `load` must itself be idempotent (running `make run` twice changes nothing).
"""

import io
import os
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from terpadu.units.models import StaffRole, Unit
from terpadu.units.services import seed_load

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo password, printed on purpose

# (email, name, unit code or None for the public, roles)
DEMO_USERS: list[tuple[str, str, str | None, list[str]]] = [
    ("admin.0000@example.com", "Admin Nasional BPS RI", "0000", [StaffRole.Role.UNIT_ADMIN]),
    ("admin.7600@example.com", "Admin BPS Provinsi Sulawesi Barat", "7600", [StaffRole.Role.UNIT_ADMIN]),
    ("admin.7601@example.com", "Admin BPS Kabupaten Majene", "7601", [StaffRole.Role.UNIT_ADMIN]),
    ("front.7601@example.com", "Frontliner Majene", "7601", [StaffRole.Role.FRONTLINER]),
    ("pustaka.7601@example.com", "Pustakawan Majene", "7601", [StaffRole.Role.LIBRARIAN]),
    ("konsul.7601@example.com", "Konsultan Majene", "7601", [StaffRole.Role.CONSULTANT]),
    ("admin.8200@example.com", "Admin BPS Provinsi Maluku Utara", "8200", [StaffRole.Role.UNIT_ADMIN]),
    ("front.8200@example.com", "Frontliner Maluku Utara", "8200", [StaffRole.Role.FRONTLINER]),
    ("pustaka.8200@example.com", "Pustakawan Maluku Utara", "8200", [StaffRole.Role.LIBRARIAN]),
    ("konsul.8200@example.com", "Konsultan Maluku Utara", "8200", [StaffRole.Role.CONSULTANT]),
    ("pengguna@example.com", "Pengguna Demo", None, []),
]


@transaction.atomic
def demo_users_load() -> int:
    """Create the demo logins that are missing; existing ones keep their password and profile."""
    User = get_user_model()
    units = {unit.code: unit for unit in Unit.objects.filter(code__in={u[2] for u in DEMO_USERS if u[2]})}
    created = 0
    password_hash = ""
    for email, name, code, roles in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            # One hash for every demo login: hashing is deliberately slow, and they share a password.
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            institution = "Badan Pusat Statistik" if code else "Universitas Demo"
            user = User.objects.create_user(
                email=email, password=None, name=name, is_staff=bool(code), institution=institution
            )
            user.password = password_hash
            user.save(update_fields=["password"])
            created += 1
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        for role in roles:
            StaffRole.objects.get_or_create(user=user, unit=units[code], role=role)
    return created


def app_demo_modules() -> list:
    """The `demo` modules of installed apps other than units, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        if config.name == "terpadu.units":
            continue
        name = f"{config.name}.demo"
        try:
            module = import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        if callable(getattr(module, "load", None)):
            modules.append(module)
    return modules


class Command(BaseCommand):
    help = "Load the seed units and standards plus demo logins and data (idempotent); print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing unless something fails.")

    def handle(self, *args, quiet: bool = False, **options):
        out = io.StringIO() if quiet else self.stdout
        created = seed_load()
        out.write(f"Seed: {created['units']} units and {created['standards']} standards created.")
        out.write(f"Demo logins: {demo_users_load()} created.")
        for module in app_demo_modules():
            with transaction.atomic():
                module.load(out)
        if quiet:
            return
        port = os.environ.get("PORT") or "8000"
        out.write("")
        out.write(self.style.SUCCESS(f"Terpadu: http://127.0.0.1:{port}/"))
        out.write(f"Demo logins (password: {DEMO_PASSWORD})")
        rows = [("email", "name", "unit", "role")]
        for email, name, code, roles in DEMO_USERS:
            role = ", ".join(str(StaffRole.Role(r).label) for r in roles) or "public user"
            rows.append((email, name, code or "-", role))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for index, row in enumerate(rows):
            out.write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if index == 0:
                out.write("  " + "  ".join("-" * width for width in widths))
