"""Build small PDFs for tests and benchmarks with reportlab (and pikepdf for the odd cases).

    make_pdf([{"text": "Halaman satu"}, {"size": (842, 595), "rotate": 90}])

A page dict may hold:
    size      (width, height) in points, default A4 portrait (595, 842)
    text      a string or a list of lines, drawn from the top-left margin down
    rotate    0, 90, 180 or 270, written as the page's /Rotate
    cropbox   (x0, y0, x1, y1), written as the page's /CropBox
    link      a URL: a link annotation over the first text line
    bookmark  an outline (bookmark) title pointing at this page
    table     rows x columns (e.g. (20, 5)): a ruled table with numbers, like a statistics table
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from reportlab.pdfgen import canvas

A4 = (595.0, 842.0)
A4_LANDSCAPE = (842.0, 595.0)


def make_pdf(pages: list[dict], path: str | Path | None = None, *, title: str = "Publikasi Uji") -> bytes:
    """Return the PDF bytes (and write them to `path` when given)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("BPS")
    outline: list[tuple[str, str]] = []
    for index, page in enumerate(pages):
        width, height = page.get("size", A4)
        c.setPageSize((width, height))
        lines = page.get("text", f"Page {index + 1}")
        if isinstance(lines, str):
            lines = [lines]
        c.setFont("Helvetica", 12)
        y = height - 72
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        if page.get("link"):
            c.linkURL(page["link"], (72, height - 76, 300, height - 60), relative=0)
        if page.get("table"):
            _draw_table(c, *page["table"], top=y - 20, width=width)
        if page.get("bookmark"):
            key = f"p{index}"
            c.bookmarkPage(key)
            outline.append((page["bookmark"], key))
        c.showPage()
    for entry_title, key in outline:
        c.addOutlineEntry(entry_title, key, level=0)
    c.save()
    data = buf.getvalue()

    if any(p.get("rotate") or p.get("cropbox") for p in pages):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for page, spec in zip(pdf.pages, pages, strict=True):
                if spec.get("rotate"):
                    page.obj.Rotate = spec["rotate"]
                if spec.get("cropbox"):
                    page.obj.CropBox = pikepdf.Array(spec["cropbox"])
            out = io.BytesIO()
            pdf.save(out)
            data = out.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _draw_table(c: canvas.Canvas, rows: int, cols: int, *, top: float, width: float) -> None:
    left, row_h = 72.0, 14.0
    col_w = (width - 2 * left) / cols
    rows = min(rows, int((top - 72) // row_h))
    c.setFont("Helvetica", 8)
    c.setLineWidth(0.5)
    for r in range(rows + 1):
        c.line(left, top - r * row_h, left + cols * col_w, top - r * row_h)
    for k in range(cols + 1):
        c.line(left + k * col_w, top, left + k * col_w, top - rows * row_h)
    for r in range(rows):
        for k in range(cols):
            c.drawRightString(
                left + (k + 1) * col_w - 3, top - (r + 1) * row_h + 4, f"{(r + 1) * (k + 7) * 13.7:,.1f}"
            )


def make_empty_pdf() -> bytes:
    """A syntactically valid PDF with zero pages."""
    out = io.BytesIO()
    pikepdf.new().save(out)
    return out.getvalue()


def encrypt_pdf(data: bytes, *, user: str = "", owner: str = "pemilik") -> bytes:
    """Encrypt with AES-256; an empty `user` password gives an owner-password-only file."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=user, owner=owner, R=6))
    return out.getvalue()
