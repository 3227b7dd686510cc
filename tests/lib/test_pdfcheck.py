import io
import re

import pytest
from PIL import Image

from terpadu.lib.pdfcheck import InvalidPdf, extract_page_texts, render_page_png, validate_pdf

from .pdf_factory import A4_LANDSCAPE, encrypt_pdf, make_empty_pdf, make_pdf

MB = 1_000_000


@pytest.fixture
def pdf_bytes():
    return make_pdf([{"text": "Statistik Indonesia 2024"}, {"text": "Bab 2"}], title="Statistik Indonesia")


def test_valid_pdf_from_bytes_and_path(pdf_bytes, tmp_path):
    path = tmp_path / "ok.pdf"
    path.write_bytes(pdf_bytes)
    for source in (pdf_bytes, path, str(path)):
        info = validate_pdf(source, max_bytes=MB)
        assert info.page_count == 2
        assert info.encrypted is False
        assert info.title == "Statistik Indonesia"
        assert info.size_bytes == len(pdf_bytes)


def test_owner_password_only_is_accepted_and_flagged(pdf_bytes):
    info = validate_pdf(encrypt_pdf(pdf_bytes, user=""), max_bytes=MB)
    assert info.encrypted is True
    assert info.page_count == 2


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, this is text", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, b"PK\x03\x04 a zip file"],
)
def test_not_a_pdf(data):
    with pytest.raises(InvalidPdf, match=re.escape("The file is not a PDF.")):
        validate_pdf(data, max_bytes=MB)


def test_truncated_pdf(pdf_bytes):
    with pytest.raises(InvalidPdf, match="damaged"):
        validate_pdf(pdf_bytes[: len(pdf_bytes) // 2], max_bytes=MB)


def test_broken_xref(pdf_bytes):
    # Point startxref at a wrong offset: the cross-reference table can no longer be found.
    broken = re.sub(rb"startxref\s+\d+", b"startxref\n123", pdf_bytes)
    assert broken != pdf_bytes
    with pytest.raises(InvalidPdf, match="damaged"):
        validate_pdf(broken, max_bytes=MB)


def test_user_password(pdf_bytes):
    with pytest.raises(InvalidPdf, match="password"):
        validate_pdf(encrypt_pdf(pdf_bytes, user="rahasia"), max_bytes=MB)


def test_zero_pages():
    with pytest.raises(InvalidPdf, match="no pages"):
        validate_pdf(make_empty_pdf(), max_bytes=MB)


def test_over_size_limit_checked_before_reading(pdf_bytes, tmp_path):
    path = tmp_path / "big.pdf"
    path.write_bytes(pdf_bytes)
    with pytest.raises(InvalidPdf, match="the limit is 1.0") as caught:
        validate_pdf(path, max_bytes=1024)
    assert "KB" in str(caught.value.message)
    # Oversized garbage reports the size, not "not a PDF": the size is what the uploader must fix.
    with pytest.raises(InvalidPdf, match="limit"):
        validate_pdf(b"x" * 2048, max_bytes=1024)


def test_message_is_lazy_translatable():
    with pytest.raises(InvalidPdf) as caught:
        validate_pdf(b"nope", max_bytes=MB)
    from django.utils.functional import Promise

    assert isinstance(caught.value.message, Promise)


def test_extract_page_texts(pdf_bytes, tmp_path):
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf_bytes)
    assert extract_page_texts(path) == ["Statistik Indonesia 2024", "Bab 2"]
    assert extract_page_texts(pdf_bytes) == ["Statistik Indonesia 2024", "Bab 2"]


def test_render_page_png_uses_displayed_size():
    data = make_pdf([{"text": "portrait"}, {"size": A4_LANDSCAPE, "rotate": 90, "text": "turned"}])
    for index in (0, 1):
        png = render_page_png(data, index, width_px=300)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        image = Image.open(io.BytesIO(png))
        # Both pages display as A4 portrait (the landscape one is turned by /Rotate 90).
        assert image.width == 300
        assert image.height == pytest.approx(300 * 842 / 595, abs=2)


def test_render_page_out_of_range(pdf_bytes):
    with pytest.raises(IndexError):
        render_page_png(pdf_bytes, 5, width_px=100)
