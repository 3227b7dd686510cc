"""Demo data for `terpadu demo`, idempotent: knowledge articles (matched by question), consultants
on duty, canned replies (by title) and consultations in every state (matched by user and topic)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from terpadu.units.models import StaffRole, Unit

from . import services
from .models import CannedReply, Consultation, KnowledgeArticle
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
    _load_desk(stdout)


# (email, name) of demo people who ask; the demo password is the one `terpadu demo` prints.
ASKERS = [
    ("pengguna@example.com", "Pengguna Demo"),
    ("mahasiswa.unsulbar@example.com", "Rahmat Hidayat"),
    ("peneliti.unkhair@example.com", "Nurlela Umasugi"),
]
EXTRA_CONSULTANTS = [("konsul2.7601@example.com", "Andi Pratiwi", "7601")]

CANNED = {
    "7601": [
        (
            "Salam pembuka",
            "Terima kasih telah menghubungi PST BPS Kabupaten Majene. "
            "Kami sedang mempelajari pertanyaan Anda.",
        ),
        ("Minta periode data", "Mohon sebutkan periode (tahun/bulan) dan wilayah data yang Anda perlukan."),
        (
            "Arahkan ke publikasi",
            'Data tersebut tersedia di publikasi "Kabupaten Majene Dalam Angka" pada menu Pustaka.',
        ),
    ],
    "8200": [
        ("Salam pembuka", "Terima kasih telah menghubungi PST BPS Provinsi Maluku Utara."),
        (
            "Jadwal rilis inflasi",
            "Inflasi Kota Ternate dirilis setiap tanggal 1 pukul 11.00 WIT dalam Berita Resmi Statistik.",
        ),
    ],
}


def _password_hash() -> str:
    from terpadu.units.management.commands.demo import DEMO_PASSWORD

    return make_password(DEMO_PASSWORD)


def _person(email: str, name: str, password_hash: list[str]):
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        password_hash[0] = password_hash[0] or _password_hash()
        user = User.objects.create_user(email=email, password=None, name=name)
        user.password = password_hash[0]
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _load_desk(stdout) -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in=["7601", "8200"])}
    if len(units) < 2:
        return
    User = get_user_model()
    password_hash = [""]
    for email, name, code in EXTRA_CONSULTANTS:
        person = _person(email, name, password_hash)
        if not person.is_staff:
            person.is_staff = True
            person.save(update_fields=["is_staff"])
        StaffRole.objects.get_or_create(user=person, unit=units[code], role=StaffRole.Role.CONSULTANT)
    consultants = {
        code: list(User.objects.filter(email__in=emails).order_by("email"))
        for code, emails in {
            "7601": ["konsul.7601@example.com", "konsul2.7601@example.com"],
            "8200": ["konsul.8200@example.com"],
        }.items()
    }
    for code, people in consultants.items():
        for person in people:
            services.duty_set(unit=units[code], consultant=person, actor=person, on_duty=True)
    replies = 0
    for code, items in CANNED.items():
        author = consultants[code][0] if consultants[code] else None
        for title, body in items:
            if author and not CannedReply.objects.filter(unit=units[code], title=title).exists():
                services.canned_reply_save(unit=units[code], actor=author, title=title, body=body)
                replies += 1
    askers = [_person(email, name, password_hash) for email, name in ASKERS]
    opened = 0
    for scenario in _scenarios(units, consultants, askers):
        if Consultation.objects.filter(user=scenario["user"], topic=scenario["topic"]).exists():
            continue
        scenario["play"]()
        opened += 1
    stdout.write(f"Consultation: {replies} canned replies, {opened} demo consultations created.")


def _scenarios(units, consultants, askers) -> list[dict]:
    """Consultations a desk sees on a normal week, played through the services at past times."""
    now = timezone.now()
    majene, malut = units["7601"], units["8200"]
    konsul_a = consultants["7601"][0] if consultants["7601"] else None
    konsul_b = consultants["8200"][0] if consultants["8200"] else None
    if konsul_a is None or konsul_b is None:
        return []
    demo, rahmat, nurlela = askers
    days = dt.timedelta(days=1)

    def open_(user, unit, topic, text, at, channel=Consultation.Channel.WEB):
        return services.consultation_open(
            user=user, unit=unit, topic=topic, description=text, channel=channel, now=at
        )

    def answered_and_closed():
        c = open_(
            demo,
            majene,
            "Jumlah penduduk Majene 2025",
            "Berapa jumlah penduduk Kabupaten Majene tahun 2025?",
            now - 12 * days,
        )
        services.consultation_mark_clear(
            consultation=c, actor=konsul_a, now=now - 12 * days + dt.timedelta(hours=1)
        )
        services.message_post(
            consultation=c,
            actor=konsul_a,
            body=(
                "Jumlah penduduk Kabupaten Majene tahun 2025 hasil proyeksi ada di publikasi "
                "Kabupaten Majene Dalam Angka 2025, tabel 3.1.1."
            ),
            now=now - 11 * days,
        )
        services.message_post(
            consultation=c,
            actor=demo,
            body="Terima kasih, sudah saya temukan.",
            now=now - 11 * days + dt.timedelta(hours=2),
        )
        services.consultation_close(consultation=c, actor=konsul_a, now=now - 10 * days)

    def closed_no_response():
        c = open_(
            rahmat, majene, "Data IPM per kecamatan", "Apakah ada data IPM per kecamatan?", now - 16 * days
        )
        services.message_post(
            consultation=c,
            actor=konsul_a,
            body=(
                "IPM dihitung sampai tingkat kabupaten. Untuk kecamatan, Anda bisa memakai indikator "
                "pendidikan dan kesehatan dari Kecamatan Dalam Angka. Apakah itu cukup?"
            ),
            now=now - 15 * days,
        )
        services.consultations_close_idle(
            now=now - 15 * days + services.IDLE_CLOSE_AFTER + dt.timedelta(hours=1)
        )

    def in_progress_due_soon():
        c = open_(
            nurlela,
            malut,
            "Inflasi Kota Ternate menurut kelompok pengeluaran",
            "Saya butuh inflasi Ternate menurut kelompok pengeluaran, Januari sampai Juni 2026.",
            now - 3 * days,
        )
        services.consultation_mark_clear(consultation=c, actor=konsul_b, now=now - 2 * days)
        services.message_post(
            consultation=c,
            actor=konsul_b,
            body="Catatan: cek tabel BRS Juli.",
            internal=True,
            now=now - 2 * days,
        )

    def waiting_for_clarification():
        c = open_(rahmat, majene, "Data produksi padi", "Minta data produksi padi.", now - 2 * days)
        services.consultation_request_clarification(
            consultation=c,
            actor=konsul_a,
            body="Untuk tahun berapa dan apakah per kecamatan atau kabupaten?",
            now=now - 2 * days + dt.timedelta(hours=3),
        )

    def new_whatsapp():
        open_(
            demo,
            malut,
            "Harga eceran beras",
            "Di mana saya bisa melihat harga eceran beras di Maluku Utara?",
            now - dt.timedelta(hours=3),
            channel=Consultation.Channel.WHATSAPP,
        )

    def new_web():
        open_(
            nurlela,
            majene,
            "Metode penghitungan garis kemiskinan",
            "Bagaimana garis kemiskinan kabupaten dihitung? Saya sedang menulis skripsi.",
            now - dt.timedelta(hours=1),
        )

    return [
        {"user": demo, "topic": "Jumlah penduduk Majene 2025", "play": answered_and_closed},
        {"user": rahmat, "topic": "Data IPM per kecamatan", "play": closed_no_response},
        {
            "user": nurlela,
            "topic": "Inflasi Kota Ternate menurut kelompok pengeluaran",
            "play": in_progress_due_soon,
        },
        {"user": rahmat, "topic": "Data produksi padi", "play": waiting_for_clarification},
        {"user": demo, "topic": "Harga eceran beras", "play": new_whatsapp},
        {"user": nurlela, "topic": "Metode penghitungan garis kemiskinan", "play": new_web},
    ]
