"""Search: stems, typos, identifiers, full-text page hits, facets, snippets; same on both databases."""

import pytest

from terpadu.library import search
from terpadu.library.models import Publication
from terpadu.library.search import Filters, publication_search
from terpadu.library.services import publication_save


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
