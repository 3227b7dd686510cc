"""The first fixtures: six BPS units and the five published service standards of ../shared/seeds/.

Transcription rules (so a reader can check every line against the seed files):

- Every item of every section is kept in the seed's own words. An item is what the seed numbers
  or bullets ("1.", "1)", "a.", "-"); a sentence the seed prints as one item stays one item, even
  when it joins two requirements with "; dan".
- Nesting is kept: "4. ... berikut: a. ... - ..." is an item with children, grandchildren.
- Lists the seed splits by mode ("Layanan Offline" / "Layanan online", "Layanan dengan cara
  kunjungan langsung" / "... online") are stored per mode with the seed's heading. A list the
  seed does not split is mode "both". Seed 003 prints walk-in and online steps as one numbered
  list (requirements 1-4 walk-in, 5-6 online; procedure 1-7 walk-in, 8-11 online): the modes are
  set by what each step says, and the seed's numbering is kept as the order.
- Obvious OCR slips are mended, nothing else: "perputakaan" -> "perpustakaan", "terpanjang" ->
  "terpajang", "aplikasipelayanan" -> "aplikasi pelayanan", "diruang" -> "di ruang", "E- mail" ->
  "E-mail", Majene's completion-time headline "0" -> "5 Menit" (its own text says 5 minutes), and
  markdown emphasis (**, *) dropped. Wording that is odd but legible (seed 000's digital library
  step "membaca pustaka hardcopy ...") is the published text and stays.
- The repeated page header/footer ("Pelayanan Statistik Terpadu BPS ...", the address line,
  "Badan Pusat Statistik / Sekretariat Utama / ...") is page furniture, not content.
- Effective dates: the seeds print none. A standard takes effect on 1 January of its SK's year;
  the two Maluku Utara standards print "No. SK :" with nothing after it, so their SK number is ""
  (the page says it is not stated) and they take effect on 2024-01-01.
"""

import datetime as dt

SEED_SOURCE_PREFIX = "seed "

# ---------------------------------------------------------------------------------------------
# Units. Contacts are the ones the seeds print, normalised to the way BPS writes them.
# ---------------------------------------------------------------------------------------------

UNITS: list[dict] = [
    {
        "code": "0000",
        "kind": "national",
        "parent": None,
        "name": "Badan Pusat Statistik (BPS RI)",
        "address": "Jl. Dr. Sutomo 6-8 Jakarta",
        "postcode": "10710",
        "phone": "(021) 3841195",
        "email": "bpshq@bps.go.id",
        "website": "https://www.bps.go.id",
        "time_zone": "Asia/Jakarta",
        "kemendagri_code": "",
        "lockers_enabled": True,
        # No seed for the national office: its channels are BPS' national complaint site (the one
        # seed 000/001 link to), the head-office mailbox and SP4N-LAPOR.
        "complaint_channels": [
            ("website", "Website", "https://pengaduan.bps.go.id", ""),
            ("email", "E-mail", "bpshq@bps.go.id", ""),
            ("sp4n_lapor", "SP4N-LAPOR", "www.lapor.go.id", ""),
        ],
    },
    {
        "code": "8200",
        "kind": "province",
        "parent": "0000",
        "name": "BPS Provinsi Maluku Utara",
        "address": "Jl. Stadion No 65 Ternate",
        # The seed prints "Ternate 12345": an obvious placeholder, so the postcode stays blank.
        "postcode": "",
        "phone": "(0921) 3126301",
        "email": "bps8200@bps.go.id",
        "website": "https://malut.bps.go.id",
        "time_zone": "Asia/Jayapura",
        "kemendagri_code": "82",
        "lockers_enabled": True,
        "complaint_channels": "000_cdea64b2a063b419.txt",  # the unit's channels are its standards'
    },
    {
        "code": "6500",
        "kind": "province",
        "parent": "0000",
        "name": "BPS Provinsi Kalimantan Utara",
        "address": "Jl. H. Masykur RT 19, Tanjung Selor Hilir, Tanjung Selor, Kabupaten Bulungan",
        # The seed prints "777212": six digits, one 7 too many.
        "postcode": "77212",
        "phone": "(0552) 2033254",
        "email": "bps6500@bps.go.id",
        "website": "https://kaltara.bps.go.id",
        "time_zone": "Asia/Makassar",
        "kemendagri_code": "65",
        "lockers_enabled": True,
        "complaint_channels": "002_a727dd5ce230b925.txt",
    },
    {
        "code": "7400",
        "kind": "province",
        "parent": "0000",
        "name": "BPS Provinsi Sulawesi Tenggara",
        "address": "Jl. Boulevard No. 1 Kota Kendari",
        "postcode": "93232",
        "phone": "(0401) 3135363",
        "email": "sultra@bps.go.id",  # as the seed's complaint section gives it
        "website": "https://sultra.bps.go.id",
        "time_zone": "Asia/Makassar",
        "kemendagri_code": "74",
        "lockers_enabled": True,
        "complaint_channels": "003_60687de65a061d3e.txt",
    },
    {
        "code": "7600",
        "kind": "province",
        "parent": "0000",
        "name": "BPS Provinsi Sulawesi Barat",
        # Not in the seeds beyond Majene's breadcrumb: the city, BPS' usual mailbox and site.
        "address": "Mamuju",
        "postcode": "",
        "phone": "",
        "email": "bps7600@bps.go.id",
        "website": "https://sulbar.bps.go.id",
        "time_zone": "Asia/Makassar",
        "kemendagri_code": "76",
        "lockers_enabled": True,
        "complaint_channels": [
            ("email", "E-mail", "bps7600@bps.go.id", ""),
            ("sp4n_lapor", "SP4N-LAPOR", "www.lapor.go.id", ""),
        ],
    },
    {
        "code": "7601",
        "kind": "regency",
        "parent": "7600",
        "name": "BPS Kabupaten Majene",
        "address": "Jl. Jend. Ahmad Yani, Kel. Rangas, Kec. Banggae",
        "postcode": "91415",
        "phone": "0822-1000-7601",
        "email": "bps7601@bps.go.id",
        "website": "https://majenekab.bps.go.id",
        "time_zone": "Asia/Makassar",
        # BPS 7601, Kemendagri 76.05: the two numberings differ.
        "kemendagri_code": "76.05",
        # Majene offers lockers; its standard calls their use optional ("(opsional)"), kept there.
        "lockers_enabled": True,
        "complaint_channels": "004_4762da83a37bee0f.txt",
    },
]

# ---------------------------------------------------------------------------------------------
# Standards: one dict per seed document.
#
# A list component maps mode -> {"heading": as printed ("" if none), "start": the seed's number
# of the first item (default 1), "items": [...]}. An item is its text, or (text, [children]).
# A completion time is one dict per mode; "0 Menit"-style headlines are in completion_time_summary.
# A complaint channel is (kind, label, value, url); url "" means derived from the value.
# ---------------------------------------------------------------------------------------------

STANDARD_000_MALUT_LIBRARY: dict = {
    "source": "000_cdea64b2a063b419.txt",
    "unit": "8200",
    "service": "library",
    "title": "Perpustakaan BPS Provinsi Maluku Utara",
    "sk_number": "",  # printed "No. SK :" with nothing after it
    "effective_from": dt.date(2024, 1, 1),  # no SK year: see the module docstring
    "requirement": {
        "walk_in": {
            "heading": "Layanan Offline",
            "items": [
                "Pengguna layanan datang langsung ke perpustakaan BPS Provinsi Maluku Utara; dan Pengguna "
                "layanan memiliki kartu identitas yang masih berlaku (KTP/SIM/Paspor/lain-lain)",
            ],
        },
        "online": {
            "heading": "Layanan Online",
            "items": [
                "Pengguna layanan memiliki alamat email yang masih aktif, pengguna layanan memiliki akun PST "
                "online, dan pengguna layanan memiliki akun whatsapp yang aktif",
            ],
        },
    },
    "procedure": {
        "walk_in": {
            "heading": "Layanan Offline",
            "items": [
                "Pengguna layanan datang langsung ke unit PST BPS",
                "Pengguna layanan menemui petugas frontliner unit PST BPS",
                "Pengguna layanan mengisi buku tamu elektronik",
                (
                    "Pengguna layanan mengakses layanan perpustakaan berikut:",
                    [
                        (
                            "Layanan perpustakaan tercetak",
                            [
                                "Pengguna layanan membaca pustaka hardcopy pada ruang layanan perpustakaan "
                                "tercetak",
                            ],
                        ),
                        (
                            "Layanan perpustakaan digital",
                            [
                                "Pengguna layanan membaca pustaka hardcopy pada ruang layanan perpustakaan "
                                "tercetak",
                                "Pengguna layanan bisa memperoleh pustaka softcopy dengan cara mengisi form "
                                "permintaan dan mengirim publikasi softcopy ke email pengguna pada aplikasi "
                                "perpustakaan online",
                            ],
                        ),
                    ],
                ),
                "Pengguna layanan pulang",
            ],
        },
        "online": {
            "heading": "Layanan online",
            "items": [
                "Pengguna layanan mengakses layanan perpustakaan melalui aplikasi pelayanan (pst.bps.go.id)",
                "Pengguna layanan melakukan registrasi",
                "Pengguna layanan mencari/searching pustaka yang dibutuhkan",
                "Pengguna layanan membaca pustaka softcopy",
                "Pengguna layanan bisa memperoleh pustaka softcopy ber-watermark melalui menu unduh",
                "Pengguna layanan selesai mengakses layanan perpustakaan",
            ],
        },
    },
    "completion_time_summary": "5 Menit",
    # The seed prints only the headline. It is the walk-in promise every library standard makes
    # (5 minutes after the guest-book entry); the seed states no online time, so none is stored.
    "completion_times": [
        {
            "mode": "walk_in",
            "amount": 5,
            "unit": "minutes",
            "clock_start": "guest_book_entry",
            "heading": "",
            "wording": "5 Menit",
        },
    ],
    "fee_amount": 0,
    "fee_wording": "Tidak dipungut biaya",
    "product": {
        "both": {
            "heading": "",
            "items": [
                "Layanan dengan cara kunjungan langsung pustaka hardcopy dan softcopy ber-watermark; dan "
                "Layanan dengan cara online pustaka softcopy ber-watermark",
            ],
        },
    },
    "complaint_channels": [
        (
            "suggestion_box",
            "Pengaduan Langsung",
            "Kotak saran & pengaduan Ruang Pelayanan Statistik Terpadu",
            "",
        ),
        ("website", "Website", "https://pengaduan.bps.go.id", ""),
        ("email", "E-mail", "bps8200@bps.go.id", ""),
        ("sms_whatsapp", "SMS/WA", "081370208715", ""),
    ],
}

STANDARD_001_MALUT_CONSULTATION: dict = {
    "source": "001_8b456b51b4a20059.txt",
    "unit": "8200",
    "service": "consultation",
    "title": "Konsultasi Melalui Media Datang Langsung BPS Provinsi Maluku Utara",
    "sk_number": "",  # printed "No. SK :" with nothing after it
    "effective_from": dt.date(2024, 1, 1),
    "requirement": {
        "walk_in": {
            "heading": "Layanan dengan cara kunjungan langsung",
            "items": [
                "Pengguna layanan datang langsung ke Perpustakaan BPS Provinsi Maluku Utara;",
                "Pengguna layanan memiliki kartu identitas yang masih berlaku (KTP/SIM/Paspor/lain-lain);",
                "Pengguna layanan mengajukan permintaan layanan konsultasi statistik kepada petugas",
            ],
        },
        "online": {
            "heading": "Layanan Online",
            "items": [
                "Pengguna layanan memiliki alamat email yang masih aktif;",
                "Pengguna layanan memiliki akun whatsapp yang aktif",
            ],
        },
    },
    "procedure": {
        "walk_in": {
            "heading": "Layanan dengan cara kunjungan langsung",
            "items": [
                "Pengguna layanan datang langsung ke Perpustakaan BPS Provinsi Maluku Utara.",
                "Pengguna layanan menemui petugas frontliner unit PST BPS.",
                "Pengguna layanan mengisi buku tamu elektronik",
                "Pengguna layanan melakukan konsultasi dengan petugas layanan",
                "Pengguna layanan menerima informasi statistik yang dikonsultasikan.",
                "Jika pengguna layanan perlu menindaklanjuti informasi tersebut untuk mendapatkan "
                "produk-produk pelayanan lainnya, maka dapat mengakses jenis layanan lainnya pada PST",
                "Pengguna layanan selesai mengakses layanan konsultasi statistik",
            ],
        },
        "online": {
            "heading": "Layanan dengan cara online",
            "items": [
                "Pengguna layanan mengakses layanan konsultasi statistik melalui aplikasi pst.bps.go.id, "
                "whatsapp (0823-5312-6066) atau email.",
                "Pengguna layanan melakukan registrasi",
                "Pengguna layanan mencari/searching informasi tentang materi yang ingin dikonsultasikan",
                "Jika informasi tidak diperoleh, maka pengguna layanan dapat membuat transaksi konsultasi "
                "statistik",
                "Pengguna layanan menyampaikan konsultasi melalui percakapan online atau bisa juga melakukan "
                "konsultasi lanjutan datang langsung atau melalui zoom meeting.",
                "Petugas memberikan informasi berkaitan dengan materi yang dikonsultasikan pengguna layanan",
                "Petugas layanan menutup percakapan online jika layanan konsultasi telah selesai atau "
                "pengguna layanan tidak merespon kembali selama 7 (tujuh) hari.",
                "Pengguna layanan selesai mengakses layanan konsultasi statistik",
            ],
        },
    },
    "completion_time_summary": "10 Menit",
    "completion_times": [
        {
            "mode": "walk_in",
            "amount": 10,
            "unit": "minutes",
            "clock_start": "previous_ticket_finished",
            "heading": "Layanan dengan cara kunjungan langsung",
            "wording": "Pengguna layanan akan dilayani maksimal 10 (sepuluh) menit sejak pengguna layanan "
            "pada antrian sebelumnya selesai.",
        },
        {
            "mode": "online",
            "amount": 3,
            "unit": "working_days",
            "clock_start": "request_clear_and_complete",
            "heading": "Layanan dengan cara online",
            "wording": "Pengguna layanan akan dilayani maksimal 3 (tiga) hari kerja setelah permintaan jelas "
            "dan persyaratan pelayanan lengkap",
        },
    ],
    "fee_amount": 0,
    "fee_wording": "Tidak dipungut biaya",
    "product": {"both": {"heading": "", "items": ["Jasa konsultasi informasi statistik."]}},
    "complaint_channels": [
        (
            "suggestion_box",
            "Pengaduan Langsung",
            "Kotak saran & pengaduan Ruang Pelayanan Statistik Terpadu",
            "",
        ),
        ("website", "Website", "https://pengaduan.bps.go.id", ""),
        ("email", "E-mail", "bps8200@bps.go.id", ""),
        ("sms_whatsapp", "SMS/WA", "081370208715", ""),
    ],
}

STANDARD_002_KALTARA_LIBRARY: dict = {
    "source": "002_a727dd5ce230b925.txt",
    "unit": "6500",
    "service": "library",
    # The page prints "Perpustakaan" beside the breadcrumb's second line "Provinsi Kalimantan Utara"
    # (the same line recurs after the fee), so the title is "Perpustakaan".
    "title": "Perpustakaan",
    "sk_number": "0330001/65/KPG TAHUN 2023",
    "effective_from": dt.date(2023, 1, 1),
    # This seed does not split requirements or procedure by mode: one list each, mode "both".
    "requirement": {
        "both": {
            "heading": "",
            "items": [
                "Pengguna layanan berkunjung ke Unit Pelayanan Statistik Terpadu (PST) BPS",
                "Pengguna layanan memiliki kartu identitas yang masih berlaku "
                "(KTP, SIM, Paspor, dan lain-lain)",
                "Pengguna layanan memiliki alamat email yang masih aktif",
                "Pengguna layanan mengisi buku tamu",
            ],
        },
    },
    "procedure": {
        "both": {
            "heading": "",
            "items": [
                "Pengguna layanan mengakses layanan perpustakaan dengan mengunjungi unit PST BPS, mengambil "
                "nomor antrian dan menunggu antrian",
                "Pengguna layanan mengisi buku tamu di front office",
                "Pengguna layanan menyerahkan kartu identitas ke petugas frontoffice untuk penggunaan loker",
                "Pengguna layanan meletakkan tas pada loker",
                "Pengguna layanan mengakses layanan perpustakaan",
                "Pengguna layanan memberikan penilaian/rating/ pengaduan terhadap kualitas pelayanan "
                "perpustakaan",
                "Pengguna layanan selesai mengakses layanan perpustakaan",
            ],
        },
    },
    "completion_time_summary": "5 Menit",
    "completion_times": [
        {
            "mode": "walk_in",
            "amount": 5,
            "unit": "minutes",
            "clock_start": "guest_book_entry",
            "heading": "Layanan dengan cara kunjungan langsung",
            "wording": "Pengguna layanan akan dilayani maksimal 5 (lima) menit setelah mengisi buku tamu",
        },
        {
            "mode": "online",
            "amount": None,
            "unit": "self_service",
            "clock_start": "registration",
            "heading": "Layanan dengan cara online",
            "wording": "Pengguna layanan dapat langsung mencari pustaka yang dibutuhkan secara mandiri "
            "setelah registrasi pada aplikasi pelayanan",
        },
    ],
    "fee_amount": 0,
    "fee_wording": "Tidak dipungut biaya",
    "product": {"both": {"heading": "", "items": ["Pustaka hardcopy dan softcopy ber-watermark"]}},
    "complaint_channels": [
        (
            "suggestion_box",
            "Pengaduan Langsung",
            "Kotak saran & pengaduan pada unit PST BPS Provinsi Kalimantan Utara",
            "",
        ),
        ("website", "Website pengaduan", "https://s.bps.go.id/pengaduan6500", ""),
        ("email", "E-mail", "bps6500@bps.go.id", ""),
        ("sms_whatsapp", "SMS/Whatsapp", "0812-1767-8691", ""),
    ],
}

STANDARD_003_SULTRA_LIBRARY: dict = {
    "source": "003_60687de65a061d3e.txt",
    "unit": "7400",
    "service": "library",
    "title": "Pelayanan Perpustakaan",
    "sk_number": "0105004/7400 Tahun 2024",
    "effective_from": dt.date(2024, 1, 1),
    # One numbered list in the seed; walk-in first, then online, numbering kept (see docstring).
    "requirement": {
        "walk_in": {
            "heading": "",
            "items": [
                "Pengguna layanan datang langsung ke unit Pelayanan Statistik Terpadu (PST) BPS Provinsi "
                "Sulawesi Tenggara",
                "Pengguna layanan memiliki kartu identitas yang masih berlaku "
                "(KTP, SIM, Paspor, dan lain-lain)",
                "Pengguna layanan memiliki alamat email yang masih aktif",
                "Pengguna layanan mengisi buku tamu elektronik.",
            ],
        },
        "online": {
            "heading": "",
            "start": 5,
            "items": [
                "Pengguna layanan memiliki alamat email yang masih aktif",
                "Pengguna layanan memiliki akun pada portal pst.bps.go.id",
            ],
        },
    },
    "procedure": {
        "walk_in": {
            "heading": "",
            "items": [
                "Pengguna layanan datang langsung ke unit PST BPS Provinsi Sulawesi Tenggara, mengambil "
                "nomor antrian dan menunggu antrian",
                "Pengguna layanan menemui petugas frontliner dan mengisi buku tamu elektronik.",
                "Pengguna layanan menyerahkan kartu identitas ke petugas frontliner untuk menggunakan loker",
                "Pengguna layanan menyimpan tas pada loker",
                (
                    "Pengguna layanan mengakses layanan perpustakaan berikut:",
                    [
                        (
                            "Layanan Perpustakaan Tercetak",
                            [
                                "Pengguna layanan membaca pustaka hardcopy pada ruang layanan perpustakaan. "
                                "Jika pengguna layanan membutuhkan pustaka hardcopy yang tidak terpajang, "
                                "selama pustaka hardcopy tersedia petugas layanan akan mengambilnya di ruang "
                                "penyimpanan",
                                "Pengguna layanan dapat memanfaatkan alat pemindai secara mandiri",
                            ],
                        ),
                        (
                            "Layanan Perpustakaan Digital",
                            [
                                "Pengguna layanan membaca pustaka softcopy pada portal pst.bps.go.id",
                                "Pengguna layanan bisa memperoleh pustaka softcopy dengan cara mengisi form "
                                "permintaan dan mengirim publikasi softcopy melalui portal pst.bps.go.id",
                            ],
                        ),
                    ],
                ),
                "Pengguna layanan memberikan penilaian/rating/ pengaduan terhadap kualitas pelayanan "
                "perpustakaan",
                "Pengguna layanan mengambil tas pada loker kemudian pulang",
            ],
        },
        "online": {
            "heading": "",
            "start": 8,
            "items": [
                "Pengguna layanan mengakses layanan perpustakaan melalui portal pst.bps.go.id",
                "Pengguna layanan melakukan registrasi",
                "Pengguna layanan mencari/searching pustaka yang dibutuhkan",
                "Pengguna layanan membaca pustaka softcopy",
            ],
        },
    },
    "completion_time_summary": "5 Menit",
    "completion_times": [
        {
            "mode": "walk_in",
            "amount": 5,
            "unit": "minutes",
            "clock_start": "guest_book_entry",
            "heading": "Layanan dengan cara kunjungan langsung",
            "wording": "Pengguna layanan akan dilayani maksimal 5 (lima) menit setelah mengisi buku tamu "
            "elektronik",
        },
        {
            "mode": "online",
            "amount": None,
            "unit": "self_service",
            "clock_start": "registration",
            "heading": "Layanan dengan cara Online",
            "wording": "Pengguna dapat langsung mencari pustaka yang dibutuhkan secara mandiri setelah "
            "registrasi pada aplikasi perpustakaan Online",
        },
    ],
    "fee_amount": 0,
    "fee_wording": "Tidak dipungut biaya",
    "product": {"both": {"heading": "", "items": ["Pustaka hardcopy dan softcopy berwatermark"]}},
    "complaint_channels": [
        (
            "suggestion_box",
            "Pengaduan Langsung",
            "Kotak saran dan pengaduan pada unit PST BPS Prov. Sultra",
            "",
        ),
        ("website", "Website", "http://s.bps.go.id/saranpengaduan74", ""),
        ("email", "E-mail", "sultra@bps.go.id", ""),
        ("sms_whatsapp", "Whatsapp", "081231007474", ""),
        ("sp4n_lapor", "SP4N Lapor", "www.lapor.go.id", ""),
    ],
}

STANDARD_004_MAJENE_LIBRARY: dict = {
    "source": "004_4762da83a37bee0f.txt",
    "unit": "7601",
    "service": "library",
    "title": "Perpustakaan",
    "sk_number": "014a/KGP TAHUN 2023",
    "effective_from": dt.date(2023, 1, 1),
    "requirement": {
        "walk_in": {
            "heading": "Layanan dengan cara kunjungan langsung",
            "items": [
                "Pengguna layanan berkunjung ke Unit Pelayanan Statistik Terpadu (PST) BPS Kabupaten Majene",
                "Pengguna layanan memiliki kartu identitas yang masih berlaku "
                "(KTP, SIM, Paspor, dan lain-lain)",
                "Pengguna layanan memiliki alamat email yang masih aktif",
                "Pengguna layanan mengisi buku tamu",
            ],
        },
        "online": {
            "heading": "Layanan dengan cara online",
            "items": [
                "Pengguna layanan memiliki alamat email yang masih aktif",
                "Pengguna layanan memiliki akun pada aplikasi pelayanan",
            ],
        },
    },
    "procedure": {
        "walk_in": {
            "heading": "Layanan dengan cara kunjungan langsung",
            "items": [
                "Pengguna layanan mengakses layanan perpustakaan dengan mengunjungi unit PST BPS "
                "Kabupaten Majene",
                "Pengguna layanan mengisi buku tamu",
                "Pengguna layanan menyerahkan kartu identitas ke petugas frontline untuk penggunaan loker "
                "(opsional)",
                "Pengguna layanan meletakkan tas pada loker (opsional)",
                (
                    "Pengguna layanan mengakses layanan perpustakaan berikut :",
                    [
                        (
                            "Layanan Perpustakaan Tercetak",
                            [
                                "Pengguna layanan membaca pustaka hardcopy pada ruang layanan perpustakaan "
                                "tercetak",
                            ],
                        ),
                        (
                            "Layanan Perpustakaan Digital",
                            [
                                "Pengguna layanan membaca pustaka softcopy pada aplikasi pelayanan;",
                                "Pengguna layanan bisa memperoleh pustaka softcopy dengan cara mengisi form "
                                "permintaan dan mengirim pustaka softcopy melalui aplikasi pelayanan",
                            ],
                        ),
                    ],
                ),
                "Pengguna layanan memberikan penilaian/rating terhadap kualitas pelayanan perpustakaan",
                "Pengguna layanan selesai mengakses layanan perpustakaan",
            ],
        },
        "online": {
            "heading": "Layanan dengan cara online",
            "items": [
                "Pengguna layanan mengakses layanan perpustakaan melalui aplikasi pelayanan http://pst.bps.go.id",
                "Pengguna layanan melakukan registrasi (jika belum mempunyai akun)",
                "Pengguna layanan login ke aplikasi pelayanan",
                "Pengguna layanan mencari/searching pustaka yang dibutuhkan",
                "Pengguna layanan membaca pustaka softcopy",
                "Pengguna layanan bisa memperoleh pustaka softcopy ber-watermark melalui menu unduh",
                "Pengguna layanan memberikan penilaian/rating terhadap kualitas pelayanan perpustakaan",
                "Pengguna layanan selesai mengakses layanan perpustakaan",
            ],
        },
    },
    # The seed's headline reads "0": the digit and "Menit" were lost in OCR; its own text says 5 minutes.
    "completion_time_summary": "5 Menit",
    "completion_times": [
        {
            "mode": "walk_in",
            "amount": 5,
            "unit": "minutes",
            "clock_start": "guest_book_entry",
            "heading": "Layanan dengan cara kunjungan langsung",
            "wording": "Pengguna layanan akan dilayani maksimal 5 (lima) menit setelah mengisi buku tamu",
        },
        {
            "mode": "online",
            "amount": None,
            "unit": "self_service",
            "clock_start": "registration",
            "heading": "Layanan dengan cara online",
            "wording": "Pengguna layanan dapat langsung mencari pustaka yang dibutuhkan secara mandiri "
            "setelah registrasi pada aplikasi pelayanan",
        },
    ],
    "fee_amount": 0,
    "fee_wording": "Tidak dipungut biaya",
    "product": {"both": {"heading": "", "items": ["Pustaka hardcopy dan softcopy ber-watermark"]}},
    "complaint_channels": [
        (
            "suggestion_box",
            "Pengaduan Langsung",
            "Kotak saran dan pengaduan pada unit PST BPS Kabupaten Majene",
            "",
        ),
        (
            "website",
            "Website",
            "Saran Pengaduan Online dan Rating Petugas Layanan (SPATULA)",
            "http://s.bps.go.id/pengaduan-7601",
        ),
        ("email", "E-mail", "bps7601@bps.go.id", ""),
        ("sms_whatsapp", "SMS/WhatsApp", "0822-1000-7601", ""),
        ("sp4n_lapor", "SP4N-LAPOR", "www.lapor.go.id", ""),
        ("social_media", "SP4N-LAPOR", "Twitter @lapor1708", ""),
        ("social_media", "SP4N-LAPOR", "Instagram @lapor1708", ""),
        ("social_media", "SP4N-LAPOR", "Facebook lapor1708", ""),
    ],
}

STANDARDS: list[dict] = [
    STANDARD_000_MALUT_LIBRARY,
    STANDARD_001_MALUT_CONSULTATION,
    STANDARD_002_KALTARA_LIBRARY,
    STANDARD_003_SULTRA_LIBRARY,
    STANDARD_004_MAJENE_LIBRARY,
]

LIST_COMPONENTS = ("requirement", "procedure", "product")


def source_note(standard: dict) -> str:
    """The `source_note` that names the seed file; part of the key that makes loading idempotent."""
    return f"{SEED_SOURCE_PREFIX}{standard['source']}"


def standard_by_source(source: str) -> dict:
    return next(s for s in STANDARDS if s["source"] == source)


def iter_items(items: list, depth: int = 0):
    """Yield (text, depth) for every item of a seed list, depth-first, in the seed's order."""
    for item in items:
        text, children = (item, []) if isinstance(item, str) else item
        yield text, depth
        yield from iter_items(children, depth + 1)
