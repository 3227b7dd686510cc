"""Every user-facing string of the project reads in Bahasa Indonesia, and placeholders survive."""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import trans_real

import terpadu

PACKAGE_DIR = Path(terpadu.__file__).parent
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
TEMPLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def source_msgids() -> set[str]:
    msgids = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                msgids.add(node.args[0].value)
    for path in PACKAGE_DIR.rglob("*.html"):
        msgids.update(match[1] for match in TEMPLATE_TAG.findall(path.read_text(encoding="utf-8")))
    return msgids


@pytest.fixture
def indonesian_catalogue() -> dict:
    with translation.override("id"):
        return trans_real.translation("id")._catalog


def test_every_msgid_has_an_indonesian_translation(indonesian_catalogue):
    missing = sorted(msgid for msgid in source_msgids() if not indonesian_catalogue.get(msgid))
    assert not missing, f"run `make messages` and translate: {missing[:20]}"


def test_placeholders_survive_translation(indonesian_catalogue):
    for msgid in source_msgids():
        msgstr = indonesian_catalogue.get(msgid)
        if isinstance(msgstr, str):
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_standard_headings_read_in_indonesian(client, db):
    assert "Satuan kerja" in client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
