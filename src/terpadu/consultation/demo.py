"""Demo knowledge articles for `terpadu demo` (idempotent: matched by question)."""

from terpadu.units.models import Unit

from .models import KnowledgeArticle
from .sanitise import clean_article_html
from .services import article_search_text

ARTICLES = [
    (
        None,
        "Bagaimana cara mendapatkan data kemiskinan?",
        "<p>Data kemiskinan (persentase penduduk miskin, garis kemiskinan) terbit dua kali setahun "
        "dalam Berita Resmi Statistik. Cari di menu <strong>Pustaka</strong> dengan kata kunci "
        "<em>kemiskinan</em>, atau buka tabel dinamis di situs BPS.</p>",
        ["Kemiskinan"],
    ),
    (
        None,
        "Apakah layanan konsultasi statistik dipungut biaya?",
        "<p>Tidak. Layanan konsultasi statistik di PST tidak dipungut biaya.</p>",
        ["Layanan"],
    ),
    (
        None,
        "Berapa lama konsultasi online dijawab?",
        "<p>Paling lama 3 (tiga) hari kerja setelah permintaan jelas dan persyaratan pelayanan lengkap.</p>",
        ["Layanan"],
    ),
    (
        "8200",
        "Di mana data inflasi Kota Ternate?",
        "<p>Inflasi Kota Ternate terbit setiap awal bulan dalam Berita Resmi Statistik "
        "BPS Provinsi Maluku Utara.</p>",
        ["Harga", "Inflasi"],
    ),
]


def load(stdout) -> None:
    created = 0
    for code, question, answer, subjects in ARTICLES:
        unit = Unit.objects.filter(code=code).first() if code else None
        if code and unit is None:
            continue
        article, was_created = KnowledgeArticle.objects.get_or_create(
            question=question,
            defaults={
                "unit": unit,
                "answer_html": clean_article_html(answer),
                "subjects": subjects,
                "published": True,
            },
        )
        if was_created:
            article.search_stemmed = article_search_text(article)
            article.save(update_fields=["search_stemmed"])
            created += 1
    stdout.write(f"Consultation: {created} knowledge articles created.")
