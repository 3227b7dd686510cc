"""Public pages: home, directory, unit profile, service standard (page, print, PDF, versions)."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from terpadu.units.models import (
    ChannelKind,
    CompletionTime,
    OfficeHours,
    ServiceStandard,
    StandardComplaintChannel,
    StandardItem,
    UnitComplaintChannel,
)

pytestmark = pytest.mark.django_db

WALK_IN_REQUIREMENTS = [
    "Pengguna layanan berkunjung ke Unit PST BPS Kabupaten Majene",
    "Pengguna layanan memiliki kartu identitas yang masih berlaku (KTP, SIM, Paspor, dan lain-lain)",
]
ONLINE_REQUIREMENTS = ["Pengguna layanan memiliki alamat email yang masih aktif"]
# (text, children) with grandchildren: the Majene procedure's nesting.
WALK_IN_PROCEDURE = [
    ("Pengguna layanan mengisi buku tamu", []),
    (
        "Pengguna layanan mengakses layanan perpustakaan berikut :",
        [
            ("Layanan Perpustakaan Tercetak", ["Pengguna layanan membaca pustaka hardcopy"]),
            (
                "Layanan Perpustakaan Digital",
                ["Pengguna layanan membaca pustaka softcopy", "Mengisi form permintaan"],
            ),
        ],
    ),
    ("Pengguna layanan selesai mengakses layanan perpustakaan", []),
]
ONLINE_PROCEDURE = [("Pengguna layanan melakukan registrasi (jika belum mempunyai akun)", [])]
PRODUCTS = ["Pustaka hardcopy dan softcopy ber-watermark"]
WALK_IN_TIME = "Pengguna layanan akan dilayani maksimal 5 (lima) menit setelah mengisi buku tamu"
ONLINE_TIME = "Pengguna layanan dapat langsung mencari pustaka yang dibutuhkan secara mandiri"
CHANNELS = [
    (ChannelKind.SUGGESTION_BOX, "Pengaduan Langsung", "Kotak saran dan pengaduan pada unit PST", ""),
    (ChannelKind.WEBSITE, "Website", "http://s.bps.go.id/pengaduan-7601", ""),
    (ChannelKind.EMAIL, "E-mail", "bps7601@bps.go.id", ""),
    (ChannelKind.SMS_WHATSAPP, "SMS/WhatsApp", "0822-1000-7601", ""),
    (ChannelKind.SP4N_LAPOR, "SP4N-LAPOR", "www.lapor.go.id", ""),
    (ChannelKind.SOCIAL_MEDIA, "SP4N-LAPOR", "Instagram @lapor1708", ""),
]


def _add_items(standard, component, mode, items, parent=None):
    for order, entry in enumerate(items):
        text, children = (entry, []) if isinstance(entry, str) else entry
        item = StandardItem.objects.create(
            standard=standard, component=component, mode=mode, parent=parent, order=order, text=text
        )
        _add_items(standard, component, mode, children, parent=item)


def build_standard(
    unit,
    *,
    sk_number="014a/KGP TAHUN 2023",
    status=ServiceStandard.Status.PUBLISHED,
    effective_from=dt.date(2023, 1, 1),
    service="library",
    title="Perpustakaan",
):
    standard = ServiceStandard.objects.create(
        unit=unit,
        service=service,
        title=title,
        sk_number=sk_number,
        effective_from=effective_from,
        completion_time_summary="5 Menit",
        legal_basis="RAHASIA-DASAR-HUKUM-INTERNAL",
        mode_headings={"requirement": {"walk_in": "Layanan dengan cara kunjungan langsung"}},
    )
    ServiceStandard.objects.filter(pk=standard.pk).update(status=status)
    standard.refresh_from_db()
    _add_items(standard, "requirement", "walk_in", WALK_IN_REQUIREMENTS)
    _add_items(standard, "requirement", "online", ONLINE_REQUIREMENTS)
    _add_items(standard, "procedure", "walk_in", WALK_IN_PROCEDURE)
    _add_items(standard, "procedure", "online", ONLINE_PROCEDURE)
    _add_items(standard, "product", "both", PRODUCTS)
    CompletionTime.objects.create(
        standard=standard,
        mode="walk_in",
        amount=5,
        unit="minutes",
        clock_start="guest_book_entry",
        wording=WALK_IN_TIME,
        heading="Layanan dengan cara kunjungan langsung",
        order=0,
    )
    CompletionTime.objects.create(
        standard=standard,
        mode="online",
        amount=None,
        unit="self_service",
        clock_start="registration",
        wording=ONLINE_TIME,
        order=1,
    )
    for order, (kind, label, value, url) in enumerate(CHANNELS):
        StandardComplaintChannel.objects.create(
            standard=standard, kind=kind, label=label, value=value, url=url, order=order
        )
    return standard


def flatten(items):
    for entry in items:
        text, children = (entry, []) if isinstance(entry, str) else entry
        yield text
        yield from flatten(children)


def all_item_texts():
    return [
        *WALK_IN_REQUIREMENTS,
        *ONLINE_REQUIREMENTS,
        *flatten(WALK_IN_PROCEDURE),
        *flatten(ONLINE_PROCEDURE),
        WALK_IN_TIME,
        ONLINE_TIME,
        "Tidak dipungut biaya",
        *PRODUCTS,
        *(value for _k, _l, value, _u in CHANNELS),
    ]


def assert_in_order(haystack: str, needles: list[str]):
    position = -1
    for needle in needles:
        found = haystack.find(needle, position + 1)
        assert found > position, f"{needle!r} missing or out of order"
        position = found


def page_text(response) -> str:
    from html import unescape

    return unescape(response.content.decode())


@pytest.fixture
def standard_a(unit_a):
    return build_standard(unit_a)


def test_standard_page_shows_every_item_in_order(client, standard_a):
    response = client.get(reverse("standard-current", args=["7601", "library"]))
    assert response.status_code == 200
    html = page_text(response)
    assert_in_order(html, all_item_texts())
    assert "014a/KGP TAHUN 2023" in html
    assert "Layanan dengan cara kunjungan langsung" in html
    assert "RAHASIA-DASAR-HUKUM-INTERNAL" not in html  # internal components stay internal


def test_standard_page_nests_lists_as_ordered_lists(client, standard_a):
    html = page_text(client.get(reverse("standard-current", args=["7601", "library"])))
    # "berikut :" opens an <ol> holding "Tercetak", which opens an <ol> holding the reading step.
    pattern = (
        r"berikut :<ol[^>]*>\s*<li>Layanan Perpustakaan Tercetak<ol[^>]*>\s*"
        r"<li>Pengguna layanan membaca pustaka hardcopy</li>"
    )
    assert re.search(pattern, html)


def test_complaint_channels_have_working_links(client, standard_a):
    html = page_text(client.get(reverse("standard-current", args=["7601", "library"])))
    assert 'href="mailto:bps7601@bps.go.id"' in html
    assert 'href="https://wa.me/6282210007601"' in html
    assert 'href="https://www.lapor.go.id"' in html
    assert 'href="http://s.bps.go.id/pengaduan-7601"' in html
    assert 'href="https://www.instagram.com/lapor1708"' in html


def test_missing_sk_number_is_said_plainly(client, unit_a):
    build_standard(unit_a, sk_number="")
    with translation.override("en"):
        response = client.get(
            reverse("standard-current", args=["7601", "library"]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "Not stated in the published document." in page_text(response)


def test_superseded_version_stays_readable_with_a_banner(client, unit_a):
    old = build_standard(
        unit_a,
        sk_number="001/OLD/2020",
        status=ServiceStandard.Status.SUPERSEDED,
        effective_from=dt.date(2020, 1, 1),
    )
    build_standard(unit_a, sk_number="014a/KGP TAHUN 2023")
    current_url = reverse("standard-current", args=["7601", "library"])
    response = client.get(reverse("standard-version", args=["7601", "library", old.pk]))
    assert response.status_code == 200
    html = page_text(response)
    assert "superseded-banner" in html
    assert f'href="{current_url}"' in html
    assert "001/OLD/2020" in html
    assert_in_order(html, all_item_texts())
    current = page_text(client.get(current_url))
    assert "superseded-banner" not in current
    # The history lists both versions, each linked.
    assert reverse("standard-version", args=["7601", "library", old.pk]) in current
    assert "001/OLD/2020" in current


def test_drafts_and_unknown_services_are_not_public(client, unit_a):
    draft = build_standard(unit_a, status=ServiceStandard.Status.DRAFT)
    assert client.get(reverse("standard-current", args=["7601", "library"])).status_code == 404
    assert client.get(reverse("standard-version", args=["7601", "library", draft.pk])).status_code == 404
    assert client.get("/unit/7601/standar/nonsense/").status_code == 404
    assert client.get("/unit/9999/").status_code == 404


def test_print_stylesheet_is_linked(client, standard_a):
    html = page_text(client.get(reverse("standard-current", args=["7601", "library"])))
    assert re.search(r'<link rel="stylesheet" href="[^"]*terpadu/print\.css" media="print">', html)
    assert "data-print" in html  # the print button, wired in app.js (no inline script)
    assert "<script>" not in html


def test_pdf_download_contains_sk_number_and_items(client, standard_a):
    import pypdfium2 as pdfium

    response = client.get(reverse("standard-current-pdf", args=["7601", "library"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(io.BytesIO(response.content))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    # Lines wrap anywhere (also after the hyphen of "lain-lain"): compare without whitespace.
    # pdfium reports a hyphen at a possible break as U+FFFE.
    squeezed = re.sub(r"\s+", "", text).replace("\ufffe", "-")
    assert "014a/KGPTAHUN2023" in squeezed
    assert_in_order(squeezed, [re.sub(r"\s+", "", needle) for needle in all_item_texts()])
    assert "RAHASIA-DASAR-HUKUM-INTERNAL" not in squeezed


def test_superseded_pdf_carries_the_banner(client, unit_a):
    import pypdfium2 as pdfium

    old = build_standard(
        unit_a,
        sk_number="001/OLD/2020",
        status=ServiceStandard.Status.SUPERSEDED,
        effective_from=dt.date(2020, 1, 1),
    )
    response = client.get(
        reverse("standard-version-pdf", args=["7601", "library", old.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    pdf = pdfium.PdfDocument(io.BytesIO(response.content))
    text = " ".join(page.get_textpage().get_text_range() for page in pdf)
    assert "001/OLD/2020" in text
    assert "Superseded version." in text


def test_page_links_to_its_pdf(client, standard_a):
    html = page_text(client.get(reverse("standard-current", args=["7601", "library"])))
    assert reverse("standard-current-pdf", args=["7601", "library"]) in html


def test_section_headings_follow_the_language(client, standard_a):
    url = reverse("standard-current", args=["7601", "library"])
    english = page_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    for heading in (
        "Requirements",
        "Systems, mechanisms and procedures",
        "Completion time",
        "Fee / tariff",
        "Service products",
        "Complaint handling",
    ):
        assert heading in english
    with translation.override("id"):
        if translation.gettext("Requirements") == "Requirements":
            pytest.skip("the Indonesian catalogue is not compiled yet")
    indonesian = page_text(client.get(url))
    for heading in (
        "Persyaratan",
        "Sistem, Mekanisme dan Prosedur",
        "Waktu Penyelesaian",
        "Biaya / Tarif",
        "Produk Pelayanan",
        "Pengaduan Layanan",
    ):
        assert heading in indonesian


# --- language -------------------------------------------------------------------------------


def test_language_switch_is_remembered_by_cookie(client, national):
    first = client.get("/")
    assert 'lang="id"' in first.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    second = client.get("/")
    html = second.content.decode()
    assert 'lang="en"' in html
    assert "Find a BPS unit" in html


# --- home -----------------------------------------------------------------------------------


def test_home_lists_services_and_coming_soon_without_dead_links(client, standard_a):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = page_text(response)
    assert reverse("standard-current", args=["7601", "library"]) in html
    assert 'action="/unit/"' in html
    assert 'name="q"' in html
    assert f'href="{reverse("library:search")}"' in html
    assert f'href="{reverse("consultation:new")}"' in html
    for service in ("Front office", "Library catalogue", "Online consultation", "Feedback and complaints"):
        assert service in html
    # Every internal link on the page answers (the new consultation asks a visitor to log in first).
    for href in set(re.findall(r'href="(/[^"]*)"', html)):
        if href.startswith(("/static/", "/admin/", "/accounts/", "/akun/")):
            continue
        answer = client.get(href)
        assert answer.status_code == 200 or answer["Location"].startswith("/accounts/login/"), href
    assert 'href="#"' not in html


# --- directory and unit page ----------------------------------------------------------------


def test_directory_shows_the_hierarchy(client, unit_a, unit_b):
    html = page_text(client.get(reverse("unit-directory")))
    assert_in_order(
        html, ["BPS RI", "BPS Provinsi Sulawesi Barat", "BPS Kabupaten Majene", "BPS Provinsi Maluku Utara"]
    )
    # Majene is nested inside Sulawesi Barat's list.
    assert re.search(r"Sulawesi Barat</a>.*?<ul>\s*<li>.*?Majene", html, re.S)


@pytest.mark.parametrize(
    ("query", "found", "absent"),
    [
        ("majene", "BPS Kabupaten Majene", "Maluku Utara"),
        ("7601", "BPS Kabupaten Majene", "Maluku Utara"),
        ("82", "BPS Provinsi Maluku Utara", "Kabupaten Majene"),
        ("kabupaten majene", "BPS Kabupaten Majene", "Maluku Utara"),
    ],
)
def test_directory_search_by_name_or_code(client, unit_a, unit_b, query, found, absent):
    html = page_text(client.get(reverse("unit-directory"), {"q": query}))
    assert found in html
    assert absent not in html


def test_directory_search_answers_htmx_with_a_fragment(client, unit_a):
    response = client.get(reverse("unit-directory"), {"q": "majene"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "BPS Kabupaten Majene" in html
    assert "<html" not in html


def test_unit_page_shows_profile_hours_channels_and_standards(client, unit_a, standard_a):
    unit_a.address = "Jend. Ahmad Yani, Kel Rangas, Kec Banggae"
    unit_a.postcode = "91415"
    unit_a.phone = "0822-1000-7601"
    unit_a.email = "bps7601@bps.go.id"
    unit_a.website = "https://majenekab.bps.go.id"
    unit_a.save()
    UnitComplaintChannel.objects.create(
        unit=unit_a, kind=ChannelKind.EMAIL, label="E-mail", value="bps7601@bps.go.id"
    )
    html = page_text(client.get(reverse("unit-detail", args=["7601"]), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Jend. Ahmad Yani, Kel Rangas, Kec Banggae" in html
    assert "91415" in html
    assert 'href="tel:082210007601"' in html
    assert 'href="mailto:bps7601@bps.go.id"' in html
    assert 'href="https://majenekab.bps.go.id"' in html
    assert "WITA" in html
    assert "Monday–Thursday: 07:30–16:00 WITA" in html
    assert "Friday: 07:30–16:30 WITA" in html
    assert reverse("unit-detail", args=["7600"]) in html  # parent
    assert reverse("standard-current", args=["7601", "library"]) in html


def test_unit_page_uses_its_own_office_hours_and_lists_children(client, province_a, unit_a):
    import datetime

    for weekday in range(5):
        OfficeHours.objects.create(
            unit=province_a, weekday=weekday, opens=datetime.time(8, 0), closes=datetime.time(15, 0)
        )
    html = page_text(client.get(reverse("unit-detail", args=["7600"]), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Monday–Friday: 08:00–15:00 WITA" in html
    assert reverse("unit-detail", args=["7601"]) in html


def test_time_zone_abbreviations(client, unit_b):
    html = page_text(client.get(reverse("unit-detail", args=["8200"])))
    assert ">WIT<" in html


# --- the five seed documents, round-trip -----------------------------------------------------


def seed_expected_texts(data: dict) -> list[str]:
    """Every text of a seed standard in page order (requirements … complaint channels)."""
    from terpadu.units.seed import iter_items

    texts = []
    for component in ("requirement", "procedure"):
        for mode in ("walk_in", "online", "both"):
            section = data.get(component, {}).get(mode)
            if section:
                texts += [h for h in [section.get("heading", "")] if h]
                texts += [text for text, _depth in iter_items(section["items"])]
    texts += [data["completion_time_summary"]] if data.get("completion_time_summary") else []
    for time in data.get("completion_times", []):
        texts += [t for t in (time.get("heading", ""), time["wording"]) if t]
    texts.append(data["fee_wording"])
    for mode in ("walk_in", "online", "both"):
        section = data.get("product", {}).get(mode)
        if section:
            texts += [text for text, _depth in iter_items(section["items"])]
    for _kind, label, value, _url in data["complaint_channels"]:
        texts += [label, value]
    return texts


@pytest.fixture
def seeded(db):
    from terpadu.units import services

    services.seed_load()


def _seed_cases():
    from terpadu.units.seed import STANDARDS

    return [pytest.param(data, id=data["source"]) for data in STANDARDS]


@pytest.mark.parametrize("data", _seed_cases())
def test_seed_standard_round_trips_on_the_page(client, seeded, data):
    response = client.get(reverse("standard-current", args=[data["unit"], data["service"]]))
    assert response.status_code == 200
    html = page_text(response)
    assert_in_order(html, seed_expected_texts(data))
    if data["sk_number"]:
        assert data["sk_number"] in html


def _api_texts(nodes):
    for node in nodes:
        yield node["text"]
        yield from _api_texts(node["children"])


@pytest.mark.parametrize("data", _seed_cases())
def test_seed_standard_round_trips_in_the_api(client, seeded, data):
    from terpadu.units.seed import iter_items

    body = client.get(f"/api/v1/units/{data['unit']}/standards/").json()
    standard = next(s for s in body["results"] if s["service"] == data["service"])
    assert standard["sk_number"] == data["sk_number"]
    for component, key in (("requirement", "requirements"), ("procedure", "procedure")):
        for mode in ("walk_in", "online", "both"):
            section = data.get(component, {}).get(mode)
            expected = [text for text, _depth in iter_items(section["items"])] if section else []
            assert list(_api_texts(standard[key][mode])) == expected, (component, mode)
    products = [
        t
        for m in ("walk_in", "online", "both")
        for t, _d in iter_items(data.get("product", {}).get(m, {}).get("items", []))
    ]
    assert list(_api_texts(standard["products"])) == products
    assert standard["completion_time_summary"] == data["completion_time_summary"]
    assert [
        {k: t[k] for k in ("mode", "amount", "unit", "clock_start", "heading", "wording")}
        for t in standard["completion_time"]
    ] == [
        {k: t.get(k, "") for k in ("mode", "amount", "unit", "clock_start", "heading", "wording")}
        for t in data["completion_times"]
    ]
    assert standard["fee"] == {"amount": data["fee_amount"], "wording": data["fee_wording"]}
    assert [(c["kind"], c["label"], c["value"]) for c in standard["complaint_channels"]] == [
        (kind, label, value) for kind, label, value, _url in data["complaint_channels"]
    ]
    assert all(c["href"] for c in standard["complaint_channels"] if c["kind"] != "suggestion_box")


def test_seed_units_directory_and_home(client, seeded):
    html = page_text(client.get(reverse("unit-directory")))
    for code in ("0000", "8200", "6500", "7400", "7600", "7601"):
        assert reverse("unit-detail", args=[code]) in html
    home = page_text(client.get("/"))
    assert reverse("standard-current", args=["7601", "library"]) in home
    assert reverse("standard-current", args=["8200", "consultation"]) in home
