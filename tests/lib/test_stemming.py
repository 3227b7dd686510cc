import pytest

from terpadu.lib.stemming import stem_text, stem_words, tokenize, trigram_similarity, trigrams


@pytest.mark.parametrize(
    ("word", "stem"),
    [("kemiskinan", "miskin"), ("perekonomian", "ekonomi"), ("pertanian", "tani"), ("penduduk", "duduk")],
)
def test_snowball_indonesian_stems(word, stem):
    assert stem_words(word) == [stem]


def test_lower_case_and_punctuation():
    assert stem_text("Profil KEMISKINAN di Indonesia, Maret 2023!") == "profil miskin di indonesia maret 2023"


def test_catalogue_numbers_and_codes_stay_whole():
    assert stem_words("Katalog 1102001.82 (ISSN 0126-2912) tahun 2020/2021") == [
        "katalog",
        "1102001.82",
        "issn",
        "0126-2912",
        "tahun",
        "2020/2021",
    ]
    # Letters with digits are codes, not words: never stemmed.
    assert stem_words("SP2020 dan Susenas") == ["sp2020", "dan", "susenas"]


def test_hyphenated_words_and_pdf_artifacts():
    assert tokenize("anak-anak") == ["anak", "anak"]
    assert stem_text("pereko-\nnomian") == "ekonomi"  # hyphen at a line break in extracted text
    assert stem_text("\ufb01nansial") == stem_text("finansial")  # the "fi" ligature
    assert stem_text("per\u00adekonomian") == "ekonomi"  # soft hyphen


def test_empty_and_punctuation_only():
    assert stem_words("") == []
    assert stem_text(" -- ; , . ") == ""


def test_query_and_index_text_agree():
    index = stem_text("Laporan Perekonomian Provinsi Sulawesi Barat")
    query = stem_text("perekonomian sulawesi")
    assert set(query.split()) <= set(index.split())


def test_trigrams_match_pg_trgm():
    # SELECT show_trgm('word') -> {"  w"," wo","ord","rd ",wor}
    assert trigrams("word") == {"  w", " wo", "wor", "ord", "rd "}
    assert trigrams("Word, word!") == trigrams("word")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("word", "words", 4 / 7),  # pg_trgm docs: similarity('word', 'words') = 0.571429
        ("kemiskinan", "kemiskinan", 1.0),
        ("abc", "xyz", 0.0),
        ("", "kemiskinan", 0.0),
        ("", "", 0.0),
    ],
)
def test_trigram_similarity(a, b, expected):
    assert trigram_similarity(a, b) == pytest.approx(expected)
    assert trigram_similarity(b, a) == pytest.approx(expected)


def test_typo_is_closer_than_another_word():
    assert trigram_similarity("kemiskinan", "kemiskinn") > 0.5
    assert trigram_similarity("kemiskinan", "ketenagakerjaan") < 0.3
