"""Library fixtures: private storage in a temporary folder, a small catalogue, sample PDFs."""

import pytest

from terpadu.library.models import DigitalFile, PrintCopy, Publication, Series, Subject


@pytest.fixture(autouse=True)
def _private_in_tmp(settings, tmp_path):
    settings.LIBRARY_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def subject_poverty(db) -> Subject:
    return Subject.objects.create(name="Kemiskinan", slug="kemiskinan")


@pytest.fixture
def series_dda(db) -> Series:
    return Series.objects.create(name="Dalam Angka", slug="dalam-angka")


@pytest.fixture
def publication_a(unit_a, subject_poverty) -> Publication:
    pub = Publication.objects.create(
        unit=unit_a,
        title="Profil Kemiskinan Kabupaten Majene 2024",
        abstract="Publikasi ini menyajikan angka kemiskinan dan ketimpangan pengeluaran penduduk.",
        catalogue_number="3205011.7601",
        publication_number="76010.2401",
        year=2024,
    )
    pub.subjects.add(subject_poverty)
    return pub


@pytest.fixture
def publication_b(unit_b, series_dda) -> Publication:
    return Publication.objects.create(
        unit=unit_b,
        title="Provinsi Maluku Utara Dalam Angka 2025",
        catalogue_number="1102001.82",
        publication_number="82000.2501",
        issn="0215-2169",
        year=2025,
        series=series_dda,
    )


@pytest.fixture
def storage_copy(publication_a, unit_a) -> PrintCopy:
    return PrintCopy.objects.create(
        publication=publication_a,
        unit=unit_a,
        barcode="7601-0001",
        location=PrintCopy.Location.STORAGE,
        shelf_code="G-03-2",
    )


@pytest.fixture
def display_copy(publication_a, unit_a) -> PrintCopy:
    return PrintCopy.objects.create(
        publication=publication_a,
        unit=unit_a,
        barcode="7601-0002",
        location=PrintCopy.Location.DISPLAY,
        shelf_code="R-01",
    )


def sample_pages():
    from tests.lib.pdf_factory import A4_LANDSCAPE

    return [
        {
            "text": ["Bab 1 Pendahuluan", "Angka kemiskinan Kabupaten Majene menurun."],
            "bookmark": "Bab 1",
            "link": "https://majenekab.bps.go.id",
        },
        {"text": "Tabel 2.1 Penduduk miskin menurut kecamatan", "size": A4_LANDSCAPE, "table": (10, 4)},
        {"text": "Halaman diputar sembilan puluh", "rotate": 90},
        {"text": "Halaman diputar seratus delapan puluh", "rotate": 180},
        {"text": "Halaman diputar dua ratus tujuh puluh", "rotate": 270},
        {"text": "Halaman dengan cropbox", "cropbox": (36, 36, 500, 780)},
    ]


@pytest.fixture
def sample_pdf() -> bytes:
    from tests.lib.pdf_factory import make_pdf

    return make_pdf(sample_pages(), title="Profil Kemiskinan")


@pytest.fixture
def uploaded(publication_a, librarian_a, sample_pdf):
    """publication_a with a processed softcopy (Celery runs eagerly: processing is done on commit)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from terpadu.library import services

    with _captured_on_commit():
        digital = services.digital_file_upload(
            actor=librarian_a,
            publication=publication_a,
            upload=SimpleUploadedFile("profil.pdf", sample_pdf, content_type="application/pdf"),
        )
    digital.refresh_from_db()
    assert digital.status == DigitalFile.Status.READY, digital.error
    return digital


class _captured_on_commit:  # noqa: N801 - used as a context manager like pytest's fixture
    """Run on_commit callbacks at the end of the block (tests run inside one transaction)."""

    def __enter__(self):
        from django.db import connection

        self._start = len(connection.run_on_commit)
        return self

    def __exit__(self, *exc):
        from django.db import connection

        if exc[0] is None:
            callbacks = connection.run_on_commit[self._start :]
            del connection.run_on_commit[self._start :]
            for _sids, func, _robust in callbacks:
                func()
        return False


captured_on_commit = _captured_on_commit


def make_walk_in(unit, name: str = "Siti Aminah", *, email: str = "siti@example.com", when=None, ticket=""):
    """A guest-book entry of `unit` (today unless `when`), optionally with a library ticket number."""
    from django.utils import timezone

    from terpadu.frontdesk.models import QueueService, Ticket, Visit

    when = when or timezone.now()
    visit = Visit.objects.create(
        unit=unit,
        created_at=when,
        name=name,
        email=email,
        id_type="passport",
        consent_at=when,
        consent_version="test",
        services=["library"],
    )
    if ticket:
        service, _ = QueueService.objects.get_or_create(
            unit=unit, kind="library", defaults={"name": "Perpustakaan", "prefix": ticket[0]}
        )
        Ticket.objects.create(
            unit=unit,
            service=service,
            numbering_service=service,
            local_day=when.astimezone(unit.zone).date(),
            sequence=int(ticket[1:]),
            number=ticket,
            visit=visit,
            issued_at=when,
        )
    return visit


@pytest.fixture
def visit_a(unit_a):
    return make_walk_in(unit_a, ticket="B007")


@pytest.fixture
def visit_b(unit_b):
    return make_walk_in(unit_b, "Yohana Tuhehay", email="yohana@example.com")
