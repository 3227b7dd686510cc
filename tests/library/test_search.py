"""Search: stems, typos, identifiers, full-text page hits, facets, snippets; same on both databases."""

import pytest

from terpadu.library import search
from terpadu.library.models import DigitalFile, PrintCopy, Publication
from terpadu.library.search import Filters, publication_search
from terpadu.library.services import print_copy_save, publication_save


@pytest.fixture
def catalogue(unit_a, unit_b):
    pubs = {}
    pubs["poverty"] = publication_save(
        actor=None,
        unit=unit_a,
        data={
            "title": "Profil Kemiskinan Kabupaten Majene 2024",
            "year": 2024,
            "catalogue_number": "3205011.7601",
            "abstract": "Publikasi ini menyajikan angka kemiskinan dan ketimpangan pengeluaran penduduk.",
        },
        subjects=["Kemiskinan"],
    )
    pubs["economy"] = publication_save(
        actor=None,
        unit=unit_b,
        data={
            "title": "Tinjauan Perekonomian Provinsi Maluku Utara 2024",
            "year": 2024,
            "catalogue_number": "9199017.82",
            "issn": "0215-2169",
        },
        subjects=["Ekonomi"],
        series="Tinjauan Ekonomi",
    )
    pubs["dda"] = publication_save(
        actor=None,
        unit=unit_b,
        data={
            "title": "Provinsi Maluku Utara Dalam Angka 2025",
            "year": 2025,
            "catalogue_number": "1102001.82",
            "publication_number": "82000.2501",
        },
        subjects=["Statistik Umum"],
        series="Dalam Angka",
    )
    search.index_pages(
        pubs["dda"],
        [
            "Bab 1 Geografi dan Iklim. Provinsi Maluku Utara terdiri dari pulau-pulau.",
            "Bab 2 Pemerintahan.",
            "Tabel 4.1 Jumlah penduduk miskin menurut kabupaten/kota, persentase penduduk miskin.",
        ],
    )
    return pubs


def titles(result):
    return [h.publication.title for h in result.hits]


def test_stem_matches_derived_words(catalogue):
    # "miskin" finds "Kemiskinan" (title) and the page that says "penduduk miskin".
    result = publication_search(query="miskin")
    assert set(titles(result)) == {catalogue["poverty"].title, catalogue["dda"].title}
    # ... and the other way round: "perekonomian" ↔ "ekonomi".
    assert titles(publication_search(query="ekonomi")) == [catalogue["economy"].title]
    assert titles(publication_search(query="kemiskinan"))[0] == catalogue["poverty"].title


def test_metadata_ranks_above_a_page_mention(catalogue):
    assert titles(publication_search(query="kemiskinan")) == [
        catalogue["poverty"].title,
        catalogue["dda"].title,
    ]


def test_full_text_page_hits_with_highlighted_snippet(catalogue):
    result = publication_search(query="penduduk miskin kabupaten")
    hit = next(h for h in result.hits if h.publication == catalogue["dda"])
    assert [p.page for p in hit.page_hits] == [3]
    assert "<mark>miskin</mark>" in hit.page_hits[0].snippet


def test_typo_still_finds_the_title(catalogue):
    result = publication_search(query="kemiskinnan")
    assert titles(result)[0] == catalogue["poverty"].title
    assert result.corrected_query == "kemiskinan"


def test_identifiers(catalogue):
    assert titles(publication_search(query="1102001.82")) == [catalogue["dda"].title]
    assert titles(publication_search(query="0215-2169")) == [catalogue["economy"].title]
    assert titles(publication_search(query="82000.2501")) == [catalogue["dda"].title]


def test_phrase(catalogue):
    assert titles(publication_search(query='"dalam angka"')) == [catalogue["dda"].title]
    # Both words are in the poverty title, but not next to each other: no phrase match.
    assert titles(publication_search(query='"kemiskinan majene"')) == []
    assert titles(publication_search(query='"profil kemiskinan kabupaten"')) == [catalogue["poverty"].title]
    # Stems meet inside a phrase too ("perekonomian" ~ "ekonomi").
    assert titles(publication_search(query='"tinjauan ekonomi"')) == [catalogue["economy"].title]
    # With nothing matching every part, the any-word fallback still finds the phrase.
    assert catalogue["dda"].title in titles(publication_search(query='"dalam angka" zzzqqq'))


def test_facets_and_filters(catalogue):
    result = publication_search(query="maluku utara")
    assert {f["value"]: f["count"] for f in result.facets["year"]} == {2024: 1, 2025: 1}
    assert {f["value"] for f in result.facets["series"]} == {"dalam-angka", "tinjauan-ekonomi"}
    filtered = publication_search(query="maluku utara", filters=Filters(series="dalam-angka"))
    assert titles(filtered) == [catalogue["dda"].title]
    by_unit = publication_search(query="", filters=Filters(unit="7601"))
    assert titles(by_unit) == [catalogue["poverty"].title]


@pytest.fixture
def holdings(catalogue, unit_a):
    """The poverty profile on unit A's shelf, the economy review as a ready softcopy."""
    print_copy_save(actor=None, publication=catalogue["poverty"], unit=unit_a, data={"barcode": "7601-0001"})
    DigitalFile.objects.create(
        publication=catalogue["economy"], status=DigitalFile.Status.READY, file="x.pdf", page_count=4
    )
    return catalogue


def facet(result, name):
    return {f["value"]: f["count"] for f in result.facets[name]}


def test_availability_subject_and_unit_filters(holdings, unit_a, unit_b):
    # "2024" is in the poverty profile and the economy review.
    both = publication_search(query="2024")
    assert set(titles(both)) == {holdings["poverty"].title, holdings["economy"].title}
    assert facet(both, "availability") == {"print": 1, "softcopy": 1}
    assert facet(both, "subject") == {"kemiskinan": 1, "ekonomi": 1}

    softcopy = publication_search(query="2024", filters=Filters(availability="softcopy"))
    assert titles(softcopy) == [holdings["economy"].title]
    assert softcopy.count == 1
    # Each facet is counted with the other facets' filters: availability itself still offers both.
    assert facet(softcopy, "availability") == {"print": 1, "softcopy": 1}
    assert facet(softcopy, "subject") == {"ekonomi": 1}
    assert facet(softcopy, "unit") == {unit_b.code: 1}

    assert titles(publication_search(query="2024", filters=Filters(availability="print"))) == [
        holdings["poverty"].title
    ]
    # A copy on another unit's shelf is not "in print" for a reader choosing unit B.
    assert (
        titles(publication_search(query="2024", filters=Filters(availability="print", unit=unit_b.code)))
        == []
    )
    assert titles(publication_search(query="2024", filters=Filters(subject="ekonomi"))) == [
        holdings["economy"].title
    ]
    assert titles(publication_search(query="2024", filters=Filters(year=2025))) == []
    assert titles(publication_search(query="2024", filters=Filters(unit=unit_a.code))) == [
        holdings["poverty"].title
    ]


def test_withdrawn_copy_is_not_in_print(holdings):
    PrintCopy.objects.update(status=PrintCopy.Status.WITHDRAWN)
    result = publication_search(query="2024", filters=Filters(availability="print"))
    assert titles(result) == []
    assert facet(result, "availability") == {"print": 0, "softcopy": 1}


def test_pages_of_results(catalogue):
    first = publication_search(query="maluku utara", per_page=1)
    second = publication_search(query="maluku utara", per_page=1, page=2)
    assert first.count == second.count == 2
    assert first.has_next
    assert not first.has_previous
    assert second.has_previous
    assert not second.has_next
    assert {*titles(first), *titles(second)} == {catalogue["economy"].title, catalogue["dda"].title}
    assert titles(publication_search(query="maluku utara", per_page=1, page=3)) == []


def test_hits_carry_what_the_result_list_shows(holdings, django_assert_num_queries):
    result = publication_search(query="tinjauan perekonomian")
    (hit,) = result.hits
    with django_assert_num_queries(0):
        pub = hit.publication
        shown = (
            pub.unit.name,
            pub.series.name,
            pub.digital_file.is_ready,
            pub.release_date,
            pub.is_published,
        )
    assert shown == (holdings["economy"].unit.name, "Tinjauan Ekonomi", True, None, True)
    assert "<mark>Perekonomian</mark>" in hit.title_html


def test_highlight_escapes_html():
    html = search.highlight("<b>angka</b> kemiskinan", {"miskin"})
    assert "<b>" not in html
    assert "<mark>kemiskinan</mark>" in html


def test_unpublished_not_found(catalogue):
    Publication.objects.filter(pk=catalogue["poverty"].pk).update(is_published=False)
    assert catalogue["poverty"].title not in titles(publication_search(query="kemiskinan"))


def test_reindex_after_delete(catalogue):
    catalogue["dda"].delete()
    assert titles(publication_search(query="pemerintahan")) == []
