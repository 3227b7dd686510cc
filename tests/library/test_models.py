import pytest
from django.core.exceptions import ValidationError

from terpadu.library.models import PrintCopy, Publication


def test_identifiers_validated(unit_a):
    pub = Publication(
        unit=unit_a,
        title="Statistik Daerah",
        year=2024,
        catalogue_number="12",
        issn="0215-2168",
        isbn="978-602-438-000-0",
    )
    with pytest.raises(ValidationError) as err:
        pub.full_clean()
    assert set(err.value.message_dict) == {"catalogue_number", "issn", "isbn"}


def test_valid_identifiers_pass(unit_a):
    pub = Publication(
        unit=unit_a,
        title="Statistik Daerah",
        year=2024,
        catalogue_number="1102001.82",
        issn="0215-2169",
        isbn="978-0-306-40615-7",
    )
    pub.full_clean()


def test_storage_copy_needs_shelf(publication_a, unit_a):
    copy = PrintCopy(publication=publication_a, unit=unit_a, barcode="ABCD-1", location="storage")
    with pytest.raises(ValidationError) as err:
        copy.full_clean()
    assert "shelf_code" in err.value.message_dict
