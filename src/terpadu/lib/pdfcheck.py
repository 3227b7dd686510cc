"""Validate uploaded PDFs, extract their text and render pages.

pikepdf (qpdf) decides whether a file is a sound PDF; pypdfium2 (PDFium) extracts text and
renders, because it is what the online reader uses and it must be able to open the file too.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PdfSource = str | os.PathLike | bytes

# The PDF spec puts the header at the start; readers accept it within the first 1024 bytes.
_HEADER_WINDOW = 1024


class InvalidPdf(ValueError):
    """The file is not an acceptable PDF; `message` is translatable and safe to show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PdfInfo:
    page_count: int
    encrypted: bool  # True also for an owner-password-only file, which opens without a password
    title: str
    author: str
    pdf_version: str
    size_bytes: int


def validate_pdf(source: PdfSource, *, max_bytes: int) -> PdfInfo:
    """Return what we know about the PDF, or raise InvalidPdf with a message for the uploader."""
    size = len(source) if isinstance(source, bytes | bytearray) else os.stat(source).st_size
    # Checked first so an oversized upload is never read into memory.
    if size > max_bytes:
        raise InvalidPdf(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    if isinstance(source, bytes | bytearray):
        head = bytes(source[:_HEADER_WINDOW])
    else:
        with open(source, "rb") as fh:
            head = fh.read(_HEADER_WINDOW)
    if b"%PDF-" not in head:
        raise InvalidPdf(_("The file is not a PDF."))

    try:
        # No recovery: a file whose cross-reference table must be rebuilt is damaged, and the
        # master copy of a publication should be exported again rather than patched up.
        pdf = pikepdf.open(_as_input(source), attempt_recovery=False)
    except pikepdf.PasswordError:
        raise InvalidPdf(
            _("The PDF is protected with a password to open it. Upload a copy without a password.")
        ) from None
    except (pikepdf.PdfError, ValueError, OSError):
        raise InvalidPdf(
            _("The PDF is damaged and cannot be opened. Export or save it again and upload the new file.")
        ) from None
    with pdf:
        try:
            page_count = len(pdf.pages)
        except (pikepdf.PdfError, RuntimeError):
            raise InvalidPdf(
                _("The PDF is damaged and cannot be opened. Export or save it again and upload the new file.")
            ) from None
        if page_count == 0:
            raise InvalidPdf(_("The PDF has no pages."))
        docinfo = pdf.docinfo
        info = PdfInfo(
            page_count=page_count,
            encrypted=pdf.is_encrypted,
            title=_info_str(docinfo, "/Title"),
            author=_info_str(docinfo, "/Author"),
            pdf_version=str(pdf.pdf_version),
            size_bytes=size,
        )

    # The reader renders with PDFium: the file must open there as well.
    try:
        doc = pdfium.PdfDocument(_as_pdfium_input(source))
    except pdfium.PdfiumError:
        raise InvalidPdf(
            _("The PDF is damaged and cannot be opened. Export or save it again and upload the new file.")
        ) from None
    try:
        if len(doc) != page_count:
            raise InvalidPdf(
                _("The PDF is damaged and cannot be opened. Export or save it again and upload the new file.")
            )
    finally:
        doc.close()
    return info


def extract_page_texts(source: PdfSource) -> list[str]:
    """One string per page, in page order (for the search index)."""
    doc = pdfium.PdfDocument(_as_pdfium_input(source))
    try:
        texts = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            try:
                texts.append(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
        return texts
    finally:
        doc.close()


def render_page_png(source: PdfSource, page_index: int, *, width_px: int) -> bytes:
    """Render one page (as the viewer sees it: /Rotate and CropBox applied) to PNG bytes."""
    doc = pdfium.PdfDocument(_as_pdfium_input(source))
    try:
        if not 0 <= page_index < len(doc):
            raise IndexError(f"page {page_index} out of range 0..{len(doc) - 1}")
        page = doc[page_index]
        try:
            # PDFium reports the size as displayed: CropBox, then /Rotate.
            width, _height = page.get_size()
            bitmap = page.render(scale=width_px / width, may_draw_forms=False)
            # pypdfium2 has no image encoder of its own; Pillow comes with pikepdf and reportlab.
            image = bitmap.to_pil()
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=False)
            return out.getvalue()
        finally:
            page.close()
    finally:
        doc.close()


def _as_input(source: PdfSource):
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    return Path(source)


def _as_pdfium_input(source: PdfSource):
    if isinstance(source, bytearray):
        return bytes(source)
    if isinstance(source, bytes):
        return source
    return str(source)


def _info_str(docinfo, key: str) -> str:
    value = docinfo.get(key)
    if value is None:
        return ""
    try:
        return str(value).strip()
    except (ValueError, UnicodeDecodeError):
        return ""
