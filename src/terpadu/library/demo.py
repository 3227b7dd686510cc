"""Demo catalogue for `terpadu demo`: ~360 BPS-like publications with small generated PDFs.

Idempotent: publications are keyed by (unit, publication number); one that exists is left alone.
PDFs are drawn with reportlab (a cover, a foreword, two tables with Indonesian text) and go
through the real upload path: validation, private storage, background processing.
"""

from __future__ import annotations

import io
import random
import time

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from terpadu.units.models import Unit

from . import services
from .models import DigitalFile, PrintCopy, Publication

YEARS = range(2020, 2026)
AREAS = {
    "0000": (
        "Indonesia",
        "Provinsi",
        [
            "Aceh",
            "Sumatera Utara",
            "Jawa Barat",
            "Jawa Timur",
            "Kalimantan Utara",
            "Sulawesi Barat",
            "Sulawesi Tenggara",
            "Maluku Utara",
            "Papua",
        ],
    ),
    "8200": (
        "Provinsi Maluku Utara",
        "Kabupaten/Kota",
        [
            "Halmahera Barat",
            "Halmahera Tengah",
            "Kepulauan Sula",
            "Halmahera Selatan",
            "Halmahera Utara",
            "Halmahera Timur",
            "Pulau Morotai",
            "Pulau Taliabu",
            "Ternate",
            "Tidore Kepulauan",
        ],
    ),
    "6500": (
        "Provinsi Kalimantan Utara",
        "Kabupaten/Kota",
        ["Malinau", "Bulungan", "Tana Tidung", "Nunukan", "Tarakan"],
    ),
    "7400": (
        "Provinsi Sulawesi Tenggara",
        "Kabupaten/Kota",
        ["Buton", "Muna", "Konawe", "Kolaka", "Bombana", "Wakatobi", "Kendari", "Baubau"],
    ),
    "7600": (
        "Provinsi Sulawesi Barat",
        "Kabupaten",
        ["Majene", "Polewali Mandar", "Mamasa", "Mamuju", "Pasangkayu", "Mamuju Tengah"],
    ),
    "7601": (
        "Kabupaten Majene",
        "Kecamatan",
        [
            "Banggae",
            "Banggae Timur",
            "Pamboang",
            "Sendana",
            "Tammerodo Sendana",
            "Tubo Sendana",
            "Malunda",
            "Ulumanda",
        ],
    ),
}

# (title pattern, catalogue base, subjects, series, table titles, foreword words)
TOPICS = [
    (
        "{area} Dalam Angka {y}",
        "1102001",
        ["Statistik Umum"],
        "Dalam Angka",
        ["Luas Wilayah menurut {level}", "Jumlah Penduduk menurut {level} dan Jenis Kelamin"],
        "geografi, pemerintahan, penduduk, ketenagakerjaan, pendidikan, kesehatan, perumahan, pertanian, "
        "industri, perdagangan dan perekonomian",
    ),
    (
        "Statistik Daerah {area} {y}",
        "1101002",
        ["Statistik Umum"],
        "Statistik Daerah",
        ["Indikator Utama menurut {level}", "Laju Pertumbuhan Penduduk menurut {level}"],
        "gambaran ringkas perkembangan pembangunan daerah",
    ),
    (
        "Statistik Kesejahteraan Rakyat {area} {y}",
        "4101002",
        ["Kesejahteraan Rakyat", "Kemiskinan"],
        "Statistik Kesejahteraan Rakyat",
        [
            "Persentase Penduduk yang Mengalami Keluhan Kesehatan menurut {level}",
            "Angka Partisipasi Sekolah menurut {level}",
        ],
        "kesejahteraan rakyat: kependudukan, kesehatan, pendidikan, perumahan, dan kemiskinan",
    ),
    (
        "Profil Kemiskinan {area} {y}",
        "3205011",
        ["Kemiskinan"],
        "",
        ["Jumlah dan Persentase Penduduk Miskin menurut {level}", "Garis Kemiskinan menurut {level}"],
        "angka kemiskinan, garis kemiskinan, indeks kedalaman dan keparahan kemiskinan penduduk miskin",
    ),
    (
        "Indeks Pembangunan Manusia {area} {y}",
        "4102002",
        ["Pembangunan Manusia"],
        "",
        ["Indeks Pembangunan Manusia menurut {level}", "Harapan Lama Sekolah menurut {level}"],
        "umur panjang dan hidup sehat, pengetahuan, serta standar hidup layak",
    ),
    (
        "Produk Domestik Regional Bruto {area} Menurut Lapangan Usaha {y0}–{y}",
        "9302008",
        ["Ekonomi", "Neraca Regional"],
        "PDRB Lapangan Usaha",
        ["PDRB Atas Dasar Harga Berlaku menurut {level}", "Laju Pertumbuhan Ekonomi menurut {level}"],
        "pertumbuhan ekonomi dan struktur perekonomian menurut lapangan usaha",
    ),
    (
        "Keadaan Angkatan Kerja di {area} Agustus {y}",
        "2303004",
        ["Ketenagakerjaan"],
        "Keadaan Angkatan Kerja",
        ["Tingkat Pengangguran Terbuka menurut {level}", "Penduduk Bekerja menurut Lapangan Pekerjaan Utama"],
        "angkatan kerja, penduduk bekerja, pengangguran terbuka dan tingkat partisipasi angkatan kerja",
    ),
    (
        "Tinjauan Perekonomian {area} {y}",
        "9199017",
        ["Ekonomi"],
        "",
        ["Inflasi Tahun Kalender menurut Kelompok Pengeluaran", "Nilai Tukar Petani menurut Subsektor"],
        "perekonomian daerah, inflasi, nilai tukar petani dan perdagangan",
    ),
    (
        "Statistik Harga Konsumen Perdesaan {area} {y}",
        "7201003",
        ["Harga"],
        "",
        ["Rata-rata Harga Eceran Beras menurut {level}", "Indeks Harga Konsumen Perdesaan"],
        "harga konsumen perdesaan dan daya beli rumah tangga",
    ),
    (
        "Statistik Pertanian Tanaman Pangan {area} {y}",
        "5203002",
        ["Pertanian"],
        "",
        ["Luas Panen Padi menurut {level}", "Produksi Jagung menurut {level}"],
        "luas panen, produktivitas dan produksi tanaman pangan",
    ),
]

FOREWORD = (
    "Publikasi {title} diterbitkan oleh {unit} untuk memenuhi kebutuhan data bagi perencanaan, "
    "pemantauan dan evaluasi pembangunan. Publikasi ini memuat data {words} yang bersumber dari "
    "sensus, survei dan catatan administrasi instansi pemerintah. Kami menyampaikan terima kasih "
    "kepada semua pihak yang telah membantu penyusunan publikasi ini. Kritik dan saran untuk "
    "perbaikan publikasi mendatang sangat kami harapkan."
)


def _issn(seed: int) -> str:
    digits = f"{(seed * 7919) % 10_000_000:07d}"
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return f"{digits[:4]}-{digits[4:]}{'X' if check == 10 else check}"


def _wrap(c: canvas.Canvas, text: str, x: float, y: float, width: float, size: float = 10) -> float:
    c.setFont("Helvetica", size)
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if c.stringWidth(candidate, "Helvetica", size) > width:
            c.drawString(x, y, line)
            y -= size * 1.4
            line = word
        else:
            line = candidate
    if line:
        c.drawString(x, y, line)
        y -= size * 1.4
    return y


def make_pdf(
    *,
    title: str,
    unit_name: str,
    year: int,
    catalogue: str,
    words: str,
    tables: list[str],
    level: str,
    regions: list[str],
    rng: random.Random,
) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(title)
    c.setAuthor(unit_name)
    width, height = A4
    # Cover.
    c.setFillColorRGB(0.0, 0.29, 0.55)
    c.rect(0, height - 300, width, 300, fill=1, stroke=0)
    c.setFillColorRGB(1, 1, 1)
    y = _wrap(c, title, 50, height - 120, width - 100, size=22)
    c.setFont("Helvetica", 12)
    c.drawString(50, height - 270, f"Katalog: {catalogue}")
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(50, 80, "BADAN PUSAT STATISTIK")
    c.setFont("Helvetica", 11)
    c.drawString(50, 62, unit_name)
    c.showPage()
    # Foreword.
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, height - 72, "Kata Pengantar")
    y = _wrap(c, FOREWORD.format(title=title, unit=unit_name, words=words), 72, height - 100, width - 144)
    _wrap(c, f"{unit_name}, Agustus {year}. Kepala {unit_name}.", 72, y - 20, width - 144)
    c.showPage()
    # Tables, one landscape.
    for index, table in enumerate(tables, start=1):
        size = landscape(A4) if index == 2 else A4
        c.setPageSize(size)
        w, h = size
        c.setFont("Helvetica-Bold", 12)
        c.drawString(60, h - 60, f"Tabel {index}.1 {table.format(level=level)}, {year}")
        cols = ["No", level, f"{year - 1}", f"{year}", "Perubahan (%)"]
        col_w = (w - 120) / len(cols)
        top = h - 90
        c.setFont("Helvetica-Bold", 9)
        for k, head in enumerate(cols):
            c.drawString(60 + k * col_w + 3, top, head)
        c.setFont("Helvetica", 9)
        for r, region in enumerate(regions, start=1):
            row_y = top - r * 16
            before = rng.uniform(10, 900)
            after = before * rng.uniform(0.9, 1.12)
            values = [str(r), region, f"{before:,.2f}", f"{after:,.2f}", f"{(after / before - 1) * 100:.2f}"]
            for k, value in enumerate(values):
                c.drawString(60 + k * col_w + 3, row_y, value)
            c.line(60, row_y - 4, w - 60, row_y - 4)
        c.setFont("Helvetica-Oblique", 8)
        c.drawString(60, top - (len(regions) + 1) * 16 - 6, f"Sumber: {unit_name}")
        c.showPage()
    c.save()
    return buf.getvalue()


def load(stdout) -> None:
    started = time.monotonic()
    units = {u.code: u for u in Unit.objects.filter(code__in=AREAS)}
    if not units:
        stdout.write("Library demo: no seed units, nothing loaded.")
        return
    rng = random.Random(2025)  # noqa: S311 - demo data, reproducible on purpose
    created = files = copies = 0
    for code, (area, level, regions) in AREAS.items():
        unit = units.get(code)
        if unit is None:
            continue
        suffix = "" if code == "0000" else f".{code[:2]}" if code.endswith("00") else f".{code}"
        seq = 0
        for year in YEARS:
            for topic_index, (pattern, cat_base, subjects, series, tables, words) in enumerate(TOPICS):
                seq += 1
                number = f"{code}0.{year % 100:02d}{topic_index + 1:02d}"
                if Publication.objects.filter(unit=unit, publication_number=number).exists():
                    continue
                title_area = (
                    area if not (code == "0000" and pattern.startswith("{area} Dalam Angka")) else None
                )
                title = (
                    f"Statistik Indonesia {year}"
                    if title_area is None
                    else pattern.format(area=area, y=year, y0=year - 4)
                )
                catalogue = f"{cat_base}{suffix}"
                pub = services.publication_save(
                    actor=None,
                    unit=unit,
                    data={
                        "title": title,
                        "abstract": FOREWORD.format(title=title, unit=unit.name, words=words)[:600],
                        "catalogue_number": catalogue,
                        "publication_number": number,
                        "issn": _issn(int(cat_base) + int(code)) if topic_index in (0, 1, 2) else "",
                        "year": year,
                    },
                    subjects=subjects,
                    series=series,
                )
                created += 1
                if rng.random() < 0.9:
                    pdf = make_pdf(
                        title=title,
                        unit_name=unit.name,
                        year=year,
                        catalogue=catalogue,
                        words=words,
                        tables=tables,
                        level=level.split("/")[0],
                        regions=regions,
                        rng=rng,
                    )
                    roll = rng.random()
                    access = (
                        DigitalFile.Access.PUBLIC_DOWNLOAD
                        if roll < 0.75
                        else DigitalFile.Access.READ_ONLINE
                        if roll < 0.9
                        else DigitalFile.Access.ON_REQUEST
                    )
                    services.digital_file_upload(
                        actor=None, publication=pub, upload=pdf, access=access, name=f"{number}.pdf"
                    )
                    files += 1
                holders = [unit] + (
                    [units["7601"]] if code == "7600" and "7601" in units and year >= 2023 else []
                )
                for holder in holders:
                    for n in range(rng.choice((1, 1, 2))):
                        storage = year < 2023 or n == 1
                        PrintCopy.objects.create(
                            publication=pub,
                            unit=holder,
                            barcode=f"{holder.code}-{code}{year % 100:02d}{topic_index + 1:02d}-{n + 1}",
                            location=PrintCopy.Location.STORAGE if storage else PrintCopy.Location.DISPLAY,
                            shelf_code=(
                                f"G-{topic_index + 1:02d}-{year % 10}"
                                if storage
                                else f"R-{topic_index + 1:02d}"
                            ),
                            condition=PrintCopy.Condition.GOOD
                            if rng.random() < 0.9
                            else PrintCopy.Condition.FAIR,
                        )
                        copies += 1
    stdout.write(
        f"Library demo: {created} publications, {files} softcopies, {copies} printed copies created "
        f"in {time.monotonic() - started:.1f}s (softcopies are processed when the transaction commits)."
    )
