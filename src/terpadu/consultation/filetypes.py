"""Which files a consultation accepts: an allow-list of extensions, each checked by its content.

The extension decides what the file claims to be; the first bytes (and, for Office files, the zip
directory) must agree. An executable renamed to `.pdf`, a zip renamed to `.xlsx`, or a binary
renamed to `.csv` is refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

# Headers of programs and scripts: refused whatever the extension says.
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xfe\xed\xfa\xce",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",  # shell scripts
)


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str


KINDS = {
    "pdf": FileKind("pdf", "application/pdf", "PDF"),
    "png": FileKind("png", "image/png", "PNG"),
    "jpg": FileKind("jpg", "image/jpeg", "JPEG"),
    "jpeg": FileKind("jpeg", "image/jpeg", "JPEG"),
    "xlsx": FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "docx": FileKind(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
    ),
    "pptx": FileKind(
        "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"
    ),
    "csv": FileKind("csv", "text/csv", "CSV"),
    "txt": FileKind("txt", "text/plain", "TXT"),
}
# The folder an Office Open XML package must contain for its extension.
_OOXML_PART = {"xlsx": "xl/", "docx": "word/", "pptx": "ppt/"}
_TEXT_CONTROL_OK = {9, 10, 12, 13}


def allowed_labels() -> str:
    return ", ".join(dict.fromkeys(k.label for k in KINDS.values()))


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            text = head.decode("cp1252", errors="replace")
        else:
            text = head[: exc.start].decode("utf-8")
    return not any(ord(c) < 32 and ord(c) not in _TEXT_CONTROL_OK for c in text)


def _is_ooxml(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)


def sniff(name: str, read_all) -> FileKind | None:
    """The kind of file `name` is, if its extension is allowed and its content agrees; else None.

    `read_all` returns the file's bytes; only Office files are read whole (their directory sits at
    the end of the zip), the rest by their first 8 KiB.
    """
    kind = KINDS.get(extension_of(name))
    if kind is None:
        return None
    data = read_all()
    head = data[:8192]
    if any(head.startswith(magic) for magic in EXECUTABLE_MAGIC):
        return None
    ext = kind.extension
    if ext == "pdf":
        ok = head.startswith(b"%PDF-")
    elif ext == "png":
        ok = head.startswith(b"\x89PNG\r\n\x1a\n")
    elif ext in ("jpg", "jpeg"):
        ok = head.startswith(b"\xff\xd8\xff")
    elif ext in _OOXML_PART:
        ok = head.startswith(b"PK\x03\x04") and _is_ooxml(data, _OOXML_PART[ext])
    else:
        ok = bool(head) and _looks_like_text(head.removeprefix(b"\xef\xbb\xbf"))
    return kind if ok else None
