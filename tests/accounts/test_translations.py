"""Every user-facing accounts string has an Indonesian translation (Bahasa Indonesia comes first)."""

import ast
import re
from pathlib import Path

import terpadu.accounts

from .conftest import read_translations

APP_DIR = Path(terpadu.accounts.__file__).parent
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}


def python_msgids() -> set[str]:
    msgids = set()
    for path in APP_DIR.rglob("*.py"):
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
    return msgids


def template_msgids() -> set[str]:
    msgids = set()
    for path in APP_DIR.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        msgids.update(re.findall(r'{%\s*(?:translate|trans)\s+"([^"]+)"', text))
        for body in re.findall(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", text, re.S):
            msgids.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body))
    return msgids


def all_msgids() -> set[str]:
    return python_msgids() | template_msgids()


def test_every_accounts_msgid_has_an_indonesian_translation():
    from django.utils.translation import trans_real

    ours = read_translations()
    catalog = trans_real.translation("id")._catalog
    # Strings Django, DRF or allauth already translate need no entry of ours.
    missing = sorted(m for m in all_msgids() if m not in ours and catalog.get(m) is None)
    assert missing == []


def test_translation_file_has_no_stale_or_empty_entries():
    ours = read_translations()
    assert all(ours.values())
    assert sorted(set(ours) - all_msgids()) == []
