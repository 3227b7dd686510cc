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


__all__ = ["DigitalFile"]
