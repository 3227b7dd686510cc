"""Every user-facing consultation string has an Indonesian translation in translations_id.txt."""

import ast
import re
from pathlib import Path

import terpadu.consultation

APP_DIR = Path(terpadu.consultation.__file__).parent
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}


def read_translations() -> dict[str, str]:
    entries = {}
    for line in (APP_DIR / "translations_id.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            msgid, msgstr = (part.strip() for part in line.split("|||", 1))
            entries[msgid] = msgstr
    return entries


def all_msgids() -> set[str]:
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
    for path in APP_DIR.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        msgids.update(re.findall(r'{%\s*(?:translate|trans)\s+"([^"]+)"', text))
        msgids.update(re.findall(r"{%\s*(?:translate|trans)\s+'([^']+)'", text))
    return msgids


def test_every_consultation_msgid_has_an_indonesian_translation():
    translations = read_translations()
    missing = sorted(m for m in all_msgids() if not translations.get(m))
    assert not missing, missing


def test_placeholders_survive_translation():
    for msgid, msgstr in read_translations().items():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr)), msgid
