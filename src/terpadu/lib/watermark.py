"""Stamp a visible, traceable watermark on every page of a PDF.

The stamp (one small semi-transparent line along the bottom margin, and the code set faintly
across the page) is drawn with reportlab once per distinct visible page size, turned into a Form
XObject, and placed on each page with pikepdf by adding two tiny content streams around the
page's own: ``q`` before, ``Q q <matrix> cm /Stamp Do Q`` after. The page's own content, boxes,
rotation, annotations and the outline are not touched, and the extra streams are shared between
pages with the same geometry, so a 300-page book costs little more than a plain rewrite.

The same text and code go into the document Info dictionary and the XMP packet, so a leaked
copy can be traced by `find_watermark_code` even when one of the two channels was stripped.
"""

from __future__ import annotations

import io
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import BinaryIO

import pikepdf
import pypdfium2 as pdfium
from pikepdf import Array, Dictionary, Name
from pikepdf.models.metadata import PdfMetadata
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from terpadu.lib.pdfcheck import PdfSource, render_page_png

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{3,63}")
SEPARATOR = " · "

XMP_NAMESPACE = "https://pst.bps.go.id/ns/terpadu/1.0/"
XMP_PREFIX = "pst"
INFO_TEXT = Name("/PSTWatermark")
INFO_CODE = Name("/PSTWatermarkCode")

# A Unicode TrueType font is embedded (subset) so names such as "Agustín Pérez" come out right.
# DejaVu Sans (Debian fonts-dejavu-core) covers Latin, Greek and Cyrillic; reportlab's own Bitstream
# Vera, always installed with reportlab, covers Latin-1. Characters the font lacks fall back to
# their unaccented form (the Info/XMP copy keeps the exact text).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    os.path.join(os.path.dirname(pdfmetrics.__file__), "..", "fonts", "Vera.ttf"),
)
FONT_NAME = "TerpaduWatermark"

LINE_FONT_SIZE = 7.0
MIN_FONT_SIZE = 4.5
SIDE_MARGIN = 18.0
LINE_ALPHA = 0.6
DIAGONAL_ALPHA = 0.07


def watermark_pdf(
    src: PdfSource,
    dst: str | os.PathLike | BinaryIO,
    *,
    text: str,
    code: str,
    metadata: Mapping[str, str] | None = None,
) -> int:
    """Write a watermarked copy of `src` to `dst` and return its page count.

    `text` is the visible line ("Diunduh dari PST BPS ... · <code>"); `code` (4-64 letters, digits,
    "-" or "_") is appended when the text does not already contain it. `metadata` adds extra
    key/value pairs (e.g. {"unit": "7601"}) to the Info dictionary and XMP as /PSTUnit, pst:Unit.
    """
    line = _stamp_line(text, code)
    with pikepdf.open(_as_input(src)) as pdf:
        _stamp_pages(pdf, line, code)
        _write_metadata(pdf, line, code, metadata or {})
        # Saving drops any owner-password encryption: this copy belongs to the person it names.
        pdf.save(dst)
        return len(pdf.pages)


def render_watermarked_page_png(
    src: PdfSource, page_index: int, *, text: str, width_px: int, code: str = ""
) -> bytes:
    """PNG of one page with the stamp burned in, for the read-online-only reader."""
    line = _stamp_line(text, code) if code else " ".join(text.split())
    with pikepdf.open(_as_input(src)) as pdf:
        if not 0 <= page_index < len(pdf.pages):
            raise IndexError(f"page {page_index} out of range 0..{len(pdf.pages) - 1}")
        single = pikepdf.new()
        single.pages.append(pdf.pages[page_index])
        _stamp_pages(single, line, code)
        buf = io.BytesIO()
        single.save(buf)
    return render_page_png(buf.getvalue(), 0, width_px=width_px)


def find_watermark_code(pdf_bytes: bytes, *, max_pages: int = 20) -> str | None:
    """Recover the download code from a watermarked copy: metadata first, then the page text."""
    try:
        with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
            candidates = [pdf.docinfo.get(INFO_CODE)]
            try:
                with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                    candidates.append(meta.get(f"{XMP_PREFIX}:Code"))
            except Exception:  # noqa: BLE001, S110 - a broken XMP packet just means look elsewhere
                pass
            for value in candidates:
                if value is not None and CODE_RE.fullmatch(str(value)):
                    return str(value)
    except pikepdf.PdfError:
        pass

    # Metadata stripped: read the stamped line back. The stamp is the last thing on each page,
    # so the code is the last "· CODE" of the page text; vote across pages.
    votes: Counter[str] = Counter()
    pattern = re.compile(r"·\s*(" + CODE_RE.pattern + r")\b")
    try:
        doc = pdfium.PdfDocument(pdf_bytes)
    except pdfium.PdfiumError:
        return None
    try:
        for index in range(min(len(doc), max_pages)):
            page = doc[index]
            textpage = page.get_textpage()
            try:
                found = pattern.findall(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
            if found:
                votes[found[-1]] += 1
    finally:
        doc.close()
    return votes.most_common(1)[0][0] if votes else None


# --- stamping ---------------------------------------------------------------------------------


def _stamp_line(text: str, code: str) -> str:
    if not CODE_RE.fullmatch(code):
        raise ValueError(f"watermark code must match {CODE_RE.pattern!r}")
    line = " ".join(text.split())
    return line if code in line else f"{line}{SEPARATOR}{code}"


def _stamp_pages(pdf: pikepdf.Pdf, line: str, code: str) -> None:
    # One form per visible size, one placement stream per (size, rotation, crop origin).
    geometries = [_geometry(page) for page in pdf.pages]
    sizes = list(dict.fromkeys((g[0], g[1]) for g in geometries))
    forms = _stamp_forms(pdf, sizes, line, code)
    form_names = {size: Name(f"/TpdWm{i}") for i, size in enumerate(sizes)}

    push = pdf.make_stream(b"q\n")
    placements: dict[tuple, pikepdf.Stream] = {}
    for page, geometry in zip(pdf.pages, geometries, strict=True):
        size = (geometry[0], geometry[1])
        name = form_names[size]
        if geometry not in placements:
            matrix = " ".join(_num(v) for v in _placement_matrix(*geometry[2:]))
            placements[geometry] = pdf.make_stream(f"Q\nq {matrix} cm {name} Do Q\n".encode())
        resources = page.obj.get(Name.Resources)
        if not isinstance(resources, Dictionary):
            resources = page.obj.Resources = Dictionary()
        xobjects = resources.get(Name.XObject)
        if not isinstance(xobjects, Dictionary):
            xobjects = resources.XObject = Dictionary()
        xobjects[name] = forms[size]

        contents = page.obj.get(Name.Contents)
        if contents is None:
            old = []
        elif isinstance(contents, Array):
            old = list(contents)
        else:
            old = [contents]
        page.obj.Contents = Array([push, *old, placements[geometry]])


def _geometry(page: pikepdf.Page) -> tuple:
    """(visible width, visible height, rotation, x0, y0, x1, y1) of the area the viewer shows."""
    mx0, my0, mx1, my1 = _box(page.mediabox)
    cx0, cy0, cx1, cy1 = _box(page.cropbox)
    x0, y0, x1, y1 = max(mx0, cx0), max(my0, cy0), min(mx1, cx1), min(my1, cy1)
    if x1 - x0 < 1 or y1 - y0 < 1:  # a CropBox outside the MediaBox: viewers fall back to it
        x0, y0, x1, y1 = mx0, my0, mx1, my1
    try:
        rotate = int(page.obj.get(Name.Rotate, 0))
    except (TypeError, ValueError):
        rotate = 0
    rotate = (round(rotate / 90) * 90) % 360
    width, height = (y1 - y0, x1 - x0) if rotate in (90, 270) else (x1 - x0, y1 - y0)
    return (round(width, 3), round(height, 3), rotate, x0, y0, x1, y1)


def _box(box) -> tuple[float, float, float, float]:
    a, b, c, d = (float(v) for v in box)
    return min(a, c), min(b, d), max(a, c), max(b, d)


def _placement_matrix(rotate: int, x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
    """Map the stamp's upright (as displayed) coordinates into page space.

    /Rotate turns the page clockwise for display, so the stamp is turned the other way and moved
    to the corner that ends up bottom-left on screen.
    """
    if rotate == 90:
        return (0, 1, -1, 0, x1, y0)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, -1, 1, 0, x0, y1)
    return (1, 0, 0, 1, x0, y0)


def _stamp_forms(pdf: pikepdf.Pdf, sizes: list[tuple[float, float]], line: str, code: str) -> dict:
    """Draw one stamp page per size with reportlab, return them as Form XObjects owned by `pdf`."""
    font = _font()
    line = _printable(line, font)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0, invariant=1)
    for width, height in sizes:
        c.setPageSize((width, height))
        _draw_stamp(c, width, height, line, code)
        c.showPage()
    c.save()
    forms = {}
    with pikepdf.open(io.BytesIO(buf.getvalue())) as stamp_pdf:
        for size, stamp_page in zip(sizes, stamp_pdf.pages, strict=True):
            forms[size] = pdf.copy_foreign(stamp_page.as_form_xobject())
    return forms


def _draw_stamp(c: canvas.Canvas, width: float, height: float, line: str, code: str) -> None:
    avail = max(width - 2 * SIDE_MARGIN, 36.0)
    one_pt = pdfmetrics.stringWidth(line, FONT_NAME, 1.0) or 1.0
    size = min(LINE_FONT_SIZE, avail / one_pt)
    if size >= MIN_FONT_SIZE:
        lines = [line]
    else:
        size = MIN_FONT_SIZE
        lines = simpleSplit(line, FONT_NAME, size, avail)
    leading = size * 1.2
    baseline = max(min(height * 0.012, 12.0), 4.0) + (len(lines) - 1) * leading

    c.saveState()
    c.setFillColorRGB(0.2, 0.2, 0.2)
    c.setFillAlpha(LINE_ALPHA)
    c.setFont(FONT_NAME, size)
    for i, text_line in enumerate(lines):
        c.drawCentredString(width / 2, baseline - i * leading, text_line)
    c.restoreState()

    if code:
        # The code alone, large and faint across the page: survives cropping of the margin line
        # and still lets the page be read through it.
        diagonal = f"PST BPS{SEPARATOR}{code}"
        c.saveState()
        c.setFillColorRGB(0.3, 0.3, 0.3)
        c.setFillAlpha(DIAGONAL_ALPHA)
        c.translate(width / 2, height / 2)
        c.rotate(_degrees(width, height))
        span = (width**2 + height**2) ** 0.5 * 0.6
        big = min(span / (pdfmetrics.stringWidth(diagonal, FONT_NAME, 1.0) or 1.0), 48.0)
        c.setFont(FONT_NAME, big)
        c.drawCentredString(0, -big / 3, diagonal)
        c.restoreState()


def _degrees(width: float, height: float) -> float:
    return math.degrees(math.atan2(height, width))


@cache
def _font() -> TTFont:
    for candidate in FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            font = TTFont(FONT_NAME, str(path.resolve()))
            pdfmetrics.registerFont(font)
            return font
    raise RuntimeError("no TrueType font for the watermark (reportlab's Vera.ttf is missing)")


def _printable(text: str, font: TTFont) -> str:
    covered = font.face.charToGlyph
    out = []
    for ch in text:
        if ord(ch) in covered:
            out.append(ch)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) in covered)
        out.append(plain if plain and not unicodedata.combining(plain[0]) else "?")
    return "".join(out)


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


# --- metadata ---------------------------------------------------------------------------------


def _write_metadata(pdf: pikepdf.Pdf, line: str, code: str, extra: Mapping[str, str]) -> None:
    PdfMetadata.register_xml_namespace(XMP_NAMESPACE, XMP_PREFIX)
    pairs = {"Watermark": line, "Code": code}
    for key, value in extra.items():
        # "user_id" -> "UserId": a valid PDF name and XML element name.
        clean = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", str(key)))
        if clean and not clean[0].isdigit():
            pairs[clean] = str(value)

    info = pdf.docinfo
    info[INFO_TEXT] = line
    info[INFO_CODE] = code
    for key, value in pairs.items():
        if key not in ("Watermark", "Code"):
            info[Name("/PST" + key)] = value
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        for key, value in pairs.items():
            meta[f"{XMP_PREFIX}:{key}"] = value


def _as_input(source: PdfSource):
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    return Path(source)
