"""The seed fixtures round-trip: every item of the five seed documents is in the database, in the
seed's own words, with its nesting, mode, completion time, channels and SK number."""

import datetime as dt
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from terpadu.core.models import AuditEvent
from terpadu.units import seed
from terpadu.units.models import (
    CompletionTime,
    ServiceStandard,
    StandardComplaintChannel,
    StandardItem,
    Unit,
    UnitComplaintChannel,
)
from terpadu.units.selectors import (
    completion_time_for,
    standard_current,
    standard_item_tree,
    standard_sections,
)
from terpadu.units.services import seed_load

# Each list is copied from the seed file (OCR slips mended, page furniture left out); indentation
# marks nesting. "walk_in"/"online"/"both" follow the seed's own split (see units/seed.py).
EXPECTED_ITEMS: dict[tuple[str, str, str], list[str]] = {
    ("000", "requirement", "walk_in"): [
        "Pengguna layanan datang langsung ke perpustakaan BPS Provinsi Maluku Utara; dan Pengguna layanan "
        "memiliki kartu identitas yang masih berlaku (KTP/SIM/Paspor/lain-lain)",
    ],
    ("000", "requirement", "online"): [
        "Pengguna layanan memiliki alamat email yang masih aktif, pengguna layanan memiliki akun PST online, "
        "dan pengguna layanan memiliki akun whatsapp yang aktif",
    ],
    ("000", "procedure", "walk_in"): [
        "Pengguna layanan datang langsung ke unit PST BPS",
        "Pengguna layanan menemui petugas frontliner unit PST BPS",
        "Pengguna layanan mengisi buku tamu elektronik",
        "Pengguna layanan mengakses layanan perpustakaan berikut:",
        "  Layanan perpustakaan tercetak",
        "    Pengguna layanan membaca pustaka hardcopy pada ruang layanan perpustakaan tercetak",
        "  Layanan perpustakaan digital",
        "    Pengguna layanan membaca pustaka hardcopy pada ruang layanan perpustakaan tercetak",
        "    Pengguna layanan bisa memperoleh pustaka softcopy dengan cara "
        "mengisi form permintaan dan mengirim "
        "publikasi softcopy ke email pengguna pada aplikasi perpustakaan online",
        "Pengguna layanan pulang",
    ],
    ("000", "procedure", "online"): [
        "Pengguna layanan mengakses layanan perpustakaan melalui aplikasi pelayanan (pst.bps.go.id)",
        "Pengguna layanan melakukan registrasi",
        "Pengguna layanan mencari/searching pustaka yang dibutuhkan",
        "Pengguna layanan membaca pustaka softcopy",
        "Pengguna layanan bisa memperoleh pustaka softcopy ber-watermark melalui menu unduh",
        "Pengguna layanan selesai mengakses layanan perpustakaan",
    ],
    ("000", "product", "both"): [
        "Layanan dengan cara kunjungan langsung pustaka hardcopy dan softcopy ber-watermark; dan Layanan "
        "dengan cara online pustaka softcopy ber-watermark",
    ],
    ("001", "requirement", "walk_in"): [
        "Pengguna layanan datang langsung ke Perpustakaan BPS Provinsi Maluku Utara;",
        "Pengguna layanan memiliki kartu identitas yang masih berlaku (KTP/SIM/Paspor/lain-lain);",
        "Pengguna layanan mengajukan permintaan layanan konsultasi statistik kepada petugas",
    ],
    ("001", "requirement", "online"): [
        "Pengguna layanan memiliki alamat email yang masih aktif;",
        "Pengguna layanan memiliki akun whatsapp yang aktif",
    ],
    ("001", "procedure", "walk_in"): [
        "Pengguna layanan datang langsung ke Perpustakaan BPS Provinsi Maluku Utara.",
        "Pengguna layanan menemui petugas frontliner unit PST BPS.",
        "Pengguna layanan mengisi buku tamu elektronik",
        "Pengguna layanan melakukan konsultasi dengan petugas layanan",
        "Pengguna layanan menerima informasi statistik yang dikonsultasikan.",
        "Jika pengguna layanan perlu menindaklanjuti informasi tersebut untuk mendapatkan produk-produk "
        "pelayanan lainnya, maka dapat mengakses jenis layanan lainnya pada PST",
        "Pengguna layanan selesai mengakses layanan konsultasi statistik",
    ],
    ("001", "procedure", "online"): [
        "Pengguna layanan mengakses layanan konsultasi statistik melalui aplikasi pst.bps.go.id, whatsapp "
        "(0823-5312-6066) atau email.",
        "Pengguna layanan melakukan registrasi",
        "Pengguna layanan mencari/searching informasi tentang materi yang ingin dikonsultasikan",
        "Jika informasi tidak diperoleh, maka pengguna layanan dapat membuat transaksi konsultasi statistik",
        "Pengguna layanan menyampaikan konsultasi melalui percakapan online atau bisa juga melakukan "
        "konsultasi lanjutan datang langsung atau melalui zoom meeting.",
        "Petugas memberikan informasi berkaitan dengan materi yang dikonsultasikan pengguna layanan",
        "Petugas layanan menutup percakapan online jika layanan konsultasi telah selesai atau pengguna "
        "layanan tidak merespon kembali selama 7 (tujuh) hari.",
        "Pengguna layanan selesai mengakses layanan konsultasi statistik",
    ],
    ("001", "product", "both"): ["Jasa konsultasi informasi statistik."],
    ("002", "requirement", "both"): [
        "Pengguna layanan berkunjung ke Unit Pelayanan Statistik Terpadu (PST) BPS",
        "Pengguna layanan memiliki kartu identitas yang masih berlaku (KTP, SIM, Paspor, dan lain-lain)",
        "Pengguna layanan memiliki alamat email yang masih aktif",
        "Pengguna layanan mengisi buku tamu",
    ],
    ("002", "procedure", "both"): [
        "Pengguna layanan mengakses layanan perpustakaan dengan mengunjungi unit PST BPS, mengambil nomor "
        "antrian dan menunggu antrian",
        "Pengguna layanan mengisi buku tamu di front office",
        "Pengguna layanan menyerahkan kartu identitas ke petugas frontoffice untuk penggunaan loker",
        "Pengguna layanan meletakkan tas pada loker",
        "Pengguna layanan mengakses layanan perpustakaan",
        "Pengguna layanan memberikan penilaian/rating/ pengaduan terhadap kualitas pelayanan perpustakaan",
        "Pengguna layanan selesai mengakses layanan perpustakaan",
    ],
    ("002", "product", "both"): ["Pustaka hardcopy dan softcopy ber-watermark"],
    ("003", "requirement", "walk_in"): [
        "Pengguna layanan datang langsung ke unit Pelayanan Statistik Terpadu (PST) BPS Provinsi Sulawesi "
        "Tenggara",
        "Pengguna layanan memiliki kartu identitas yang masih berlaku (KTP, SIM, Paspor, dan lain-lain)",
        "Pengguna layanan memiliki alamat email yang masih aktif",
        "Pengguna layanan mengisi buku tamu elektronik.",
    ],
    ("003", "requirement", "online"): [
        "Pengguna layanan memiliki alamat email yang masih aktif",
        "Pengguna layanan memiliki akun pada portal pst.bps.go.id",
    ],
    ("003", "procedure", "walk_in"): [
        "Pengguna layanan datang langsung ke unit PST BPS Provinsi Sulawesi "
        "Tenggara, mengambil nomor antrian "
        "dan menunggu antrian",
        "Pengguna layanan menemui petugas frontliner dan mengisi buku tamu elektronik.",
        "Pengguna layanan menyerahkan kartu identitas ke petugas frontliner untuk menggunakan loker",
        "Pengguna layanan menyimpan tas pada loker",
        "Pengguna layanan mengakses layanan perpustakaan berikut:",
        "  Layanan Perpustakaan Tercetak",
        "    Pengguna layanan membaca pustaka hardcopy pada ruang layanan "
        "perpustakaan. Jika pengguna layanan "
        "membutuhkan pustaka hardcopy yang tidak terpajang, selama pustaka hardcopy tersedia petugas layanan "
        "akan mengambilnya di ruang penyimpanan",
        "    Pengguna layanan dapat memanfaatkan alat pemindai secara mandiri",
        "  Layanan Perpustakaan Digital",
        "    Pengguna layanan membaca pustaka softcopy pada portal pst.bps.go.id",
        "    Pengguna layanan bisa memperoleh pustaka softcopy dengan cara "
        "mengisi form permintaan dan mengirim "
        "publikasi softcopy melalui portal pst.bps.go.id",
        "Pengguna layanan memberikan penilaian/rating/ pengaduan terhadap kualitas pelayanan perpustakaan",
        "Pengguna layanan mengambil tas pada loker kemudian pulang",
    ],
    ("003", "procedure", "online"): [
        "Pengguna layanan mengakses layanan perpustakaan melalui portal pst.bps.go.id",
        "Pengguna layanan melakukan registrasi",
        "Pengguna layanan mencari/searching pustaka yang dibutuhkan",
        "Pengguna layanan membaca pustaka softcopy",
    ],
    ("003", "product", "both"): ["Pustaka hardcopy dan softcopy berwatermark"],
    ("004", "requirement", "walk_in"): [
        "Pengguna layanan berkunjung ke Unit Pelayanan Statistik Terpadu (PST) BPS Kabupaten Majene",
        "Pengguna layanan memiliki kartu identitas yang masih berlaku (KTP, SIM, Paspor, dan lain-lain)",
        "Pengguna layanan memiliki alamat email yang masih aktif",
        "Pengguna layanan mengisi buku tamu",
    ],
    ("004", "requirement", "online"): [
        "Pengguna layanan memiliki alamat email yang masih aktif",
        "Pengguna layanan memiliki akun pada aplikasi pelayanan",
    ],
    ("004", "procedure", "walk_in"): [
        "Pengguna layanan mengakses layanan perpustakaan dengan mengunjungi unit PST BPS Kabupaten Majene",
        "Pengguna layanan mengisi buku tamu",
        "Pengguna layanan menyerahkan kartu identitas ke petugas frontline untuk penggunaan loker (opsional)",
        "Pengguna layanan meletakkan tas pada loker (opsional)",
        "Pengguna layanan mengakses layanan perpustakaan berikut :",
        "  Layanan Perpustakaan Tercetak",
        "    Pengguna layanan membaca pustaka hardcopy pada ruang layanan perpustakaan tercetak",
        "  Layanan Perpustakaan Digital",
        "    Pengguna layanan membaca pustaka softcopy pada aplikasi pelayanan;",
        "    Pengguna layanan bisa memperoleh pustaka softcopy dengan cara "
        "mengisi form permintaan dan mengirim "
        "pustaka softcopy melalui aplikasi pelayanan",
        "Pengguna layanan memberikan penilaian/rating terhadap kualitas pelayanan perpustakaan",
        "Pengguna layanan selesai mengakses layanan perpustakaan",
    ],
    ("004", "procedure", "online"): [
        "Pengguna layanan mengakses layanan perpustakaan melalui aplikasi pelayanan http://pst.bps.go.id",
        "Pengguna layanan melakukan registrasi (jika belum mempunyai akun)",
        "Pengguna layanan login ke aplikasi pelayanan",
        "Pengguna layanan mencari/searching pustaka yang dibutuhkan",
        "Pengguna layanan membaca pustaka softcopy",
        "Pengguna layanan bisa memperoleh pustaka softcopy ber-watermark melalui menu unduh",
        "Pengguna layanan memberikan penilaian/rating terhadap kualitas pelayanan perpustakaan",
        "Pengguna layanan selesai mengakses layanan perpustakaan",
    ],
    ("004", "product", "both"): ["Pustaka hardcopy dan softcopy ber-watermark"],
}

EXPECTED_STANDARDS = {
    # seed: (unit, service, SK number, effective from, headline, title)
    "000": ("8200", "library", "", dt.date(2024, 1, 1), "5 Menit", "Perpustakaan BPS Provinsi Maluku Utara"),
    "001": (
        "8200",
        "consultation",
        "",
        dt.date(2024, 1, 1),
        "10 Menit",
        "Konsultasi Melalui Media Datang Langsung BPS Provinsi Maluku Utara",
    ),
    "002": ("6500", "library", "0330001/65/KPG TAHUN 2023", dt.date(2023, 1, 1), "5 Menit", "Perpustakaan"),
    "003": (
        "7400",
        "library",
        "0105004/7400 Tahun 2024",
        dt.date(2024, 1, 1),
        "5 Menit",
        "Pelayanan Perpustakaan",
    ),
    "004": ("7601", "library", "014a/KGP TAHUN 2023", dt.date(2023, 1, 1), "5 Menit", "Perpustakaan"),
}

EXPECTED_CHANNELS = {
    "000": [
        ("suggestion_box", "Kotak saran & pengaduan Ruang Pelayanan Statistik Terpadu", ""),
        ("website", "https://pengaduan.bps.go.id", "https://pengaduan.bps.go.id"),
        ("email", "bps8200@bps.go.id", "mailto:bps8200@bps.go.id"),
        ("sms_whatsapp", "081370208715", "https://wa.me/6281370208715"),
    ],
    "001": [
        ("suggestion_box", "Kotak saran & pengaduan Ruang Pelayanan Statistik Terpadu", ""),
        ("website", "https://pengaduan.bps.go.id", "https://pengaduan.bps.go.id"),
        ("email", "bps8200@bps.go.id", "mailto:bps8200@bps.go.id"),
        ("sms_whatsapp", "081370208715", "https://wa.me/6281370208715"),
    ],
    "002": [
        ("suggestion_box", "Kotak saran & pengaduan pada unit PST BPS Provinsi Kalimantan Utara", ""),
        ("website", "https://s.bps.go.id/pengaduan6500", "https://s.bps.go.id/pengaduan6500"),
        ("email", "bps6500@bps.go.id", "mailto:bps6500@bps.go.id"),
        ("sms_whatsapp", "0812-1767-8691", "https://wa.me/6281217678691"),
    ],
    "003": [
        ("suggestion_box", "Kotak saran dan pengaduan pada unit PST BPS Prov. Sultra", ""),
        ("website", "http://s.bps.go.id/saranpengaduan74", "http://s.bps.go.id/saranpengaduan74"),
        ("email", "sultra@bps.go.id", "mailto:sultra@bps.go.id"),
        ("sms_whatsapp", "081231007474", "https://wa.me/6281231007474"),
        ("sp4n_lapor", "www.lapor.go.id", "https://www.lapor.go.id"),
    ],
    "004": [
        ("suggestion_box", "Kotak saran dan pengaduan pada unit PST BPS Kabupaten Majene", ""),
        (
            "website",
            "Saran Pengaduan Online dan Rating Petugas Layanan (SPATULA)",
            "http://s.bps.go.id/pengaduan-7601",
        ),
        ("email", "bps7601@bps.go.id", "mailto:bps7601@bps.go.id"),
        ("sms_whatsapp", "0822-1000-7601", "https://wa.me/6282210007601"),
        ("sp4n_lapor", "www.lapor.go.id", "https://www.lapor.go.id"),
        ("social_media", "Twitter @lapor1708", "https://x.com/lapor1708"),
        ("social_media", "Instagram @lapor1708", "https://www.instagram.com/lapor1708"),
        ("social_media", "Facebook lapor1708", "https://www.facebook.com/lapor1708"),
    ],
}

# seed: [(mode, amount, unit, clock_start, wording)]
EXPECTED_TIMES = {
    "000": [("walk_in", 5, "minutes", "guest_book_entry", "5 Menit")],
    "001": [
        (
            "walk_in",
            10,
            "minutes",
            "previous_ticket_finished",
            "Pengguna layanan akan dilayani maksimal 10 (sepuluh) menit sejak pengguna layanan pada antrian "
            "sebelumnya selesai.",
        ),
        (
            "online",
            3,
            "working_days",
            "request_clear_and_complete",
            "Pengguna layanan akan dilayani maksimal 3 (tiga) hari kerja setelah permintaan jelas dan "
            "persyaratan pelayanan lengkap",
        ),
    ],
    "002": [
        (
            "walk_in",
            5,
            "minutes",
            "guest_book_entry",
            "Pengguna layanan akan dilayani maksimal 5 (lima) menit setelah mengisi buku tamu",
        ),
        (
            "online",
            None,
            "self_service",
            "registration",
            "Pengguna layanan dapat langsung mencari pustaka yang dibutuhkan "
            "secara mandiri setelah registrasi "
            "pada aplikasi pelayanan",
        ),
    ],
    "003": [
        (
            "walk_in",
            5,
            "minutes",
            "guest_book_entry",
            "Pengguna layanan akan dilayani maksimal 5 (lima) menit setelah mengisi buku tamu elektronik",
        ),
        (
            "online",
            None,
            "self_service",
            "registration",
            "Pengguna dapat langsung mencari pustaka yang dibutuhkan secara mandiri setelah registrasi pada "
            "aplikasi perpustakaan Online",
        ),
    ],
    "004": [
        (
            "walk_in",
            5,
            "minutes",
            "guest_book_entry",
            "Pengguna layanan akan dilayani maksimal 5 (lima) menit setelah mengisi buku tamu",
        ),
        (
            "online",
            None,
            "self_service",
            "registration",
            "Pengguna layanan dapat langsung mencari pustaka yang dibutuhkan "
            "secara mandiri setelah registrasi "
            "pada aplikasi pelayanan",
        ),
    ],
}


def _standard(prefix: str) -> ServiceStandard:
    return ServiceStandard.objects.get(source_note__startswith=f"seed {prefix}_")


def _flatten(nodes, depth=0) -> list[str]:
    lines = []
    for node in nodes:
        lines.append("  " * depth + node["text"])
        lines.extend(_flatten(node["children"], depth + 1))
    return lines


@pytest.fixture
def seeded(db):
    seed_load()


@pytest.mark.parametrize(("prefix", "component", "mode"), list(EXPECTED_ITEMS))
def test_every_seed_item_is_stored_in_its_own_words_and_place(seeded, prefix, component, mode):
    standard = standard_current(unit=_standard(prefix).unit, service=_standard(prefix).service)
    assert (
        _flatten(standard_item_tree(standard, component, mode)) == EXPECTED_ITEMS[(prefix, component, mode)]
    )


def test_no_item_is_stored_that_the_seeds_do_not_have(seeded):
    for standard in ServiceStandard.objects.all():
        prefix = standard.source_note.removeprefix("seed ")[:3]
        stored = Counter()
        for item in standard.items.all():
            stored[(item.component, item.mode if item.parent_id is None else "child")] += 1
        expected = Counter()
        for (p, component, mode), lines in EXPECTED_ITEMS.items():
            if p == prefix:
                for line in lines:
                    expected[(component, "child" if line.startswith(" ") else mode)] += 1
        assert stored == expected, standard.source_note


def test_seed_003_numbering_continues_from_walk_in_to_online(seeded):
    standard = _standard("003")
    procedure = standard_item_tree(standard, "procedure")
    assert [node["order"] for node in procedure] == list(range(1, 12))
    assert [node["mode"] for node in procedure] == ["walk_in"] * 7 + ["online"] * 4
    requirements = standard_item_tree(standard, "requirement")
    assert [node["mode"] for node in requirements] == ["walk_in"] * 4 + ["online"] * 2


def test_mode_headings_are_the_seeds_own(seeded):
    assert _standard("000").mode_headings["requirement"] == {
        "walk_in": "Layanan Offline",
        "online": "Layanan Online",
    }
    assert _standard("000").mode_headings["procedure"] == {
        "walk_in": "Layanan Offline",
        "online": "Layanan online",
    }
    sections = standard_sections(_standard("004"), "procedure")
    assert [(s["mode"], s["heading"]) for s in sections] == [
        ("walk_in", "Layanan dengan cara kunjungan langsung"),
        ("online", "Layanan dengan cara online"),
    ]
    assert _standard("003").mode_headings == {}
    assert [s["mode"] for s in standard_sections(_standard("002"), "requirement")] == ["both"]


@pytest.mark.parametrize("prefix", list(EXPECTED_STANDARDS))
def test_standard_header_fee_and_status(seeded, prefix):
    code, service, sk_number, effective_from, headline, title = EXPECTED_STANDARDS[prefix]
    standard = _standard(prefix)
    assert (standard.unit.code, standard.service, standard.sk_number) == (code, service, sk_number)
    assert (standard.effective_from, standard.completion_time_summary, standard.title) == (
        effective_from,
        headline,
        title,
    )
    assert standard.status == ServiceStandard.Status.PUBLISHED
    assert standard.effective_until is None
    assert standard.fee_amount == 0
    assert standard.fee_wording == "Tidak dipungut biaya"
    assert standard.is_free
    assert standard.source_note == f"seed {seed.standard_by_source(standard.source_note[5:])['source']}"


@pytest.mark.parametrize("prefix", list(EXPECTED_TIMES))
def test_completion_times_are_structured_per_mode(seeded, prefix):
    standard = _standard(prefix)
    stored = [(t.mode, t.amount, t.unit, t.clock_start, t.wording) for t in standard.completion_times.all()]
    assert stored == EXPECTED_TIMES[prefix]


def test_clocks_read_their_limits_from_the_standards(seeded):
    malut = Unit.objects.get(code="8200")
    majene = Unit.objects.get(code="7601")
    walk_in = completion_time_for(unit=malut, service="consultation", mode="walk_in")
    assert (walk_in.amount, walk_in.unit, walk_in.clock_start) == (10, "minutes", "previous_ticket_finished")
    online = completion_time_for(unit=malut, service="consultation", mode="online")
    assert (online.amount, online.unit, online.clock_start) == (
        3,
        "working_days",
        "request_clear_and_complete",
    )
    library = completion_time_for(unit=majene, service="library", mode="walk_in")
    assert (library.amount, library.unit, library.clock_start) == (5, "minutes", "guest_book_entry")
    assert completion_time_for(unit=majene, service="library", mode="online").unit == "self_service"
    assert completion_time_for(unit=majene, service="consultation", mode="walk_in") is None
    assert completion_time_for(unit=malut, service="library", mode="online") is None  # seed 000 states none


@pytest.mark.parametrize("prefix", list(EXPECTED_CHANNELS))
def test_complaint_channels_with_working_links(seeded, prefix):
    channels = [(c.kind, c.value, c.href) for c in _standard(prefix).complaint_channels.all()]
    assert channels == EXPECTED_CHANNELS[prefix]


def test_majene_spatula_and_lapor_labels(seeded):
    labels = list(_standard("004").complaint_channels.values_list("label", flat=True))
    assert labels == ["Pengaduan Langsung", "Website", "E-mail", "SMS/WhatsApp"] + ["SP4N-LAPOR"] * 4


def test_units_with_the_contacts_the_seeds_give(seeded):
    units = {unit.code: unit for unit in Unit.objects.all()}
    assert set(units) == {"0000", "8200", "6500", "7400", "7600", "7601"}
    assert {code: unit.time_zone for code, unit in units.items()} == {
        "0000": "Asia/Jakarta",
        "8200": "Asia/Jayapura",
        "6500": "Asia/Makassar",
        "7400": "Asia/Makassar",
        "7600": "Asia/Makassar",
        "7601": "Asia/Makassar",
    }
    assert units["7601"].parent == units["7600"]
    assert units["7601"].path == "0000/7600/7601/"
    assert units["7601"].kind == "regency"
    assert units["7601"].kemendagri_code == "76.05"
    assert units["7601"].lockers_enabled
    assert units["8200"].postcode == ""  # the seed's "12345" is a placeholder
    assert units["6500"].postcode == "77212"  # the seed's "777212" has one 7 too many
    assert (units["7400"].email, units["7400"].postcode, units["7400"].phone) == (
        "sultra@bps.go.id",
        "93232",
        "(0401) 3135363",
    )
    assert units["0000"].address == "Jl. Dr. Sutomo 6-8 Jakarta"
    assert units["0000"].kind == "national"
    for unit in units.values():
        unit.full_clean()


def test_unit_channels_come_from_their_standards(seeded):
    majene = Unit.objects.get(code="7601")
    unit_channels = [(c.kind, c.label, c.value, c.url) for c in majene.complaint_channels.all()]
    standard_channels = [(c.kind, c.label, c.value, c.url) for c in _standard("004").complaint_channels.all()]
    assert unit_channels == standard_channels
    assert UnitComplaintChannel.objects.filter(unit__code="8200").count() == 4


def test_seed_load_is_idempotent(db):
    first = seed_load()
    assert first == {"units": 6, "standards": 5}
    models = (
        Unit,
        UnitComplaintChannel,
        ServiceStandard,
        StandardItem,
        CompletionTime,
        StandardComplaintChannel,
    )

    def snapshot():
        return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in models} | {
            "audit": AuditEvent.objects.count(),
            "standards": list(
                ServiceStandard.objects.values_list("pk", "status", "published_at").order_by("pk")
            ),
        }

    before = snapshot()
    assert seed_load() == {"units": 0, "standards": 0}
    assert snapshot() == before


def test_seed_load_leaves_existing_units_as_edited(db):
    seed_load()
    Unit.objects.filter(code="7601").update(phone="0422-21000")
    seed_load()
    assert Unit.objects.get(code="7601").phone == "0422-21000"


# --- the transcription against the seed files themselves ------------------------------------

SEEDS_DIR = Path(
    os.environ.get("TERPADU_SEEDS_DIR", Path(__file__).resolve().parents[3] / "shared" / "seeds")
)
OCR_FIXES = {
    "perputakaan": "perpustakaan",
    "terpanjang": "terpajang",
    "aplikasipelayanan": "aplikasi pelayanan",
    "diruang": "di ruang",
    "E- mail": "E-mail",
}


def _seed_text(source: str) -> str:
    text = (SEEDS_DIR / source).read_text(encoding="utf-8")
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # markdown links keep their text
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = text.replace("**", "").replace("*", "")
    for wrong, right in OCR_FIXES.items():
        text = text.replace(wrong, right)
    return re.sub(r"\s+", " ", text)


@pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason="the seed documents (../shared/seeds) are not beside the repo"
)
def test_every_stored_text_is_found_in_its_seed_file(seeded):
    for standard in ServiceStandard.objects.all():
        source = standard.source_note.removeprefix("seed ")
        text = _seed_text(source)
        pieces = [item.text for item in standard.items.all()]
        pieces += [time.wording for time in standard.completion_times.all()]
        pieces += [time.heading for time in standard.completion_times.all() if time.heading]
        pieces += [channel.value for channel in standard.complaint_channels.all()]
        pieces += [channel.url for channel in standard.complaint_channels.all() if channel.url]
        pieces += [standard.sk_number, standard.title, standard.fee_wording]
        for headings in standard.mode_headings.values():
            pieces += headings.values()
        for piece in pieces:
            assert re.sub(r"\s+", " ", piece) in text, (source, piece)


@pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason="the seed documents (../shared/seeds) are not beside the repo"
)
def test_every_seed_file_is_transcribed():
    assert sorted(path.name for path in SEEDS_DIR.glob("*.txt")) == sorted(
        s["source"] for s in seed.STANDARDS
    )
