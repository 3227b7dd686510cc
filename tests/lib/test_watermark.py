import io

import pikepdf
import pytest
from PIL import Image, ImageChops

from terpadu.lib.pdfcheck import extract_page_texts, render_page_png, validate_pdf
from terpadu.lib.watermark import find_watermark_code, render_watermarked_page_png, watermark_pdf

from .pdf_factory import A4_LANDSCAPE, encrypt_pdf, make_pdf

CODE = "K7Q2-9XJA"
TEXT = (
    "Diunduh dari PST BPS Kabupaten Majene oleh José Muñoz (jose@example.com) "
    f"pada 12-03-2025 14:05 WITA · {CODE}"
)
PAGES = [
    {
        "text": "Portrait with a table",
        "table": (12, 4),
        "link": "https://www.bps.go.id/",
        "bookmark": "Bab 1",
    },
    {"size": A4_LANDSCAPE, "text": "Landscape page", "bookmark": "Bab 2"},
    {"rotate": 90, "text": "Rotated ninety"},
    {"rotate": 180, "text": "Rotated half"},
    {"size": A4_LANDSCAPE, "rotate": 270, "text": "Rotated landscape", "link": "https://pst.bps.go.id/"},
    {"cropbox": (60, 100, 500, 790), "text": "Cropped page", "bookmark": "Lampiran"},
]


def _norm(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def original():
    return make_pdf(PAGES, title="Statistik Daerah Majene 2024")


@pytest.fixture(scope="module")
def stamped(original):
    out = io.BytesIO()
    pages = watermark_pdf(original, out, text=TEXT, code=CODE, metadata={"unit": "7601", "user_id": "42"})
    assert pages == len(PAGES)
    return out.getvalue()


def _page_facts(data):
    with pikepdf.open(io.BytesIO(data)) as pdf:
        facts = []
        for page in pdf.pages:
            links = [str(a.A.URI) for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
            facts.append(
                (
                    [float(v) for v in page.mediabox],
                    [float(v) for v in page.cropbox],
                    int(page.obj.get("/Rotate", 0)),
                    links,
                )
            )
        with pdf.open_outline() as outline:
            marks = [
                (item.title, pdf.pages.index(pikepdf.Page(item.destination[0]))) for item in outline.root
            ]
    return facts, marks


def test_structure_is_unchanged(original, stamped):
    assert _page_facts(stamped) == _page_facts(original)
    facts, marks = _page_facts(stamped)
    assert marks == [("Bab 1", 0), ("Bab 2", 1), ("Lampiran", 5)]
    assert facts[0][3] == ["https://www.bps.go.id/"]
    assert validate_pdf(stamped, max_bytes=10_000_000).page_count == len(PAGES)


def test_every_page_carries_the_text_and_keeps_its_own(stamped):
    texts = extract_page_texts(stamped)
    assert len(texts) == len(PAGES)
    for spec, text in zip(PAGES, texts, strict=True):
        assert TEXT in _norm(text)  # accents included: the font is embedded with a ToUnicode map
        assert spec["text"] in text
    assert "1,096.0" in texts[0]  # table figures still extractable


def test_metadata_carries_text_and_code(stamped):
    with pikepdf.open(io.BytesIO(stamped)) as pdf:
        assert str(pdf.docinfo["/PSTWatermark"]) == TEXT
        assert str(pdf.docinfo["/PSTWatermarkCode"]) == CODE
        assert str(pdf.docinfo["/PSTUnit"]) == "7601"
        assert str(pdf.docinfo["/PSTUserId"]) == "42"
        assert str(pdf.docinfo["/Title"]) == "Statistik Daerah Majene 2024"
        meta = pdf.open_metadata()
        assert meta["pst:Watermark"] == TEXT
        assert meta["pst:Code"] == CODE
        assert meta["pst:UserId"] == "42"


def test_find_code_from_metadata_then_from_page_text(stamped):
    assert find_watermark_code(stamped) == CODE

    with pikepdf.open(io.BytesIO(stamped)) as pdf:
        del pdf.Root.Metadata
        del pdf.trailer.Info
        out = io.BytesIO()
        pdf.save(out)
    stripped = out.getvalue()
    with pikepdf.open(io.BytesIO(stripped)) as pdf:
        assert "/PSTWatermarkCode" not in pdf.docinfo
    assert find_watermark_code(stripped) == CODE


def test_find_code_in_unstamped_pdf_is_none(original):
    assert find_watermark_code(original) is None
    assert find_watermark_code(b"not a pdf") is None


def _ink(image):
    """Darkness per pixel, 0 = white."""
    return ImageChops.invert(image.convert("L"))


@pytest.mark.parametrize("index", range(len(PAGES)))
def test_stamp_is_upright_along_the_visible_bottom_and_hides_nothing(original, stamped, index):
    before = Image.open(io.BytesIO(render_page_png(original, index, width_px=600))).convert("L")
    after = Image.open(io.BytesIO(render_page_png(stamped, index, width_px=600))).convert("L")
    assert before.size == after.size
    added = ImageChops.subtract(before, after)  # how much darker each pixel became
    width, height = added.size
    strip = int(height * 0.035)

    bottom = added.crop((0, height - strip, width, height)).point(lambda v: 255 if v > 60 else 0)
    box = bottom.getbbox()
    # Upright along the bottom: a wide, low run of ink across the visible bottom margin.
    assert box is not None, "no stamp along the bottom"
    left, _top, right, _bottom = box
    assert right - left > width * 0.4
    # Nowhere else is anything more than faint: the content stays readable through the stamp.
    rest = added.crop((0, 0, width, height - strip))
    assert rest.getextrema()[1] < 40


def test_owner_password_only_source(original):
    out = io.BytesIO()
    watermark_pdf(encrypt_pdf(original), out, text=TEXT, code=CODE)
    assert all(TEXT in _norm(t) for t in extract_page_texts(out.getvalue()))


def test_code_is_appended_when_missing_and_long_text_wraps(tmp_path):
    src = tmp_path / "narrow.pdf"
    make_pdf([{"size": (200, 300), "text": "Leaflet"}], src)
    dst = tmp_path / "out.pdf"
    text = (
        "Diunduh dari PST BPS Provinsi Maluku Utara oleh Ñandú Łukasz 中文 (n@example.com) "
        "pada 1-2-2025 09:00 WIT"
    )
    watermark_pdf(src, dst, text=text, code="ABCD1234")
    page_text = _norm(extract_page_texts(dst)[0])
    assert "Ñandú Lukasz ?? (n@example.com)" in page_text or "Ñandú Łukasz ?? (n@example.com)" in page_text
    assert page_text.endswith("· ABCD1234 PST BPS · ABCD1234")
    with pikepdf.open(dst) as pdf:
        assert str(pdf.docinfo["/PSTWatermark"]) == f"{text} · ABCD1234"  # exact text kept in metadata
    assert find_watermark_code(dst.read_bytes()) == "ABCD1234"


@pytest.mark.parametrize("code", ["", "abc", "has space", "x" * 65, "ünï"])
def test_bad_code_rejected(original, code):
    with pytest.raises(ValueError, match="code"):
        watermark_pdf(original, io.BytesIO(), text=TEXT, code=code)


def test_same_geometry_shares_one_form_and_placement():
    data = make_pdf([{"text": f"Halaman {i}"} for i in range(30)] + [{"size": A4_LANDSCAPE}])
    out = io.BytesIO()
    watermark_pdf(data, out, text=TEXT, code=CODE)
    with pikepdf.open(io.BytesIO(out.getvalue())) as pdf:
        forms = {
            page.obj.Resources.XObject[name].objgen
            for page in pdf.pages
            for name in page.obj.Resources.XObject
        }
        tails = {page.obj.Contents[-1].objgen for page in pdf.pages}
    assert len(forms) == 2
    assert len(tails) == 2


def test_render_watermarked_page_png(original):
    png = render_watermarked_page_png(original, 2, text=TEXT, code=CODE, width_px=400)
    image = Image.open(io.BytesIO(png))
    assert image.width == 400
    plain = Image.open(io.BytesIO(render_page_png(original, 2, width_px=400)))
    assert ImageChops.difference(plain.convert("L"), image.convert("L")).getbbox() is not None
    with pytest.raises(IndexError):
        render_watermarked_page_png(original, 99, text=TEXT, width_px=100)
