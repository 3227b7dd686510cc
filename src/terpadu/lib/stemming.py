"""Indonesian text for search: tokenising, Snowball stemming and pg_trgm-style similarity.

The same Snowball "indonesian" stemmer runs in PostgreSQL (the `indonesian` text search config)
and here (PyStemmer), so SQLite FTS5 and PostgreSQL agree on what a word's stem is. Build both
the index text and the query text with `stem_text` so the two sides always match.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import Stemmer

# A run of letters/digits, optionally joined to more runs by . , / or - (catalogue numbers such
# as 1102001.82, ISSN 0126-2912, periods 2020/2021, and hyphenated words like anak-anak).
_TOKEN_RE = re.compile(r"[^\W_]+(?:[.,/\-][^\W_]+)*")
_PART_SPLIT_RE = re.compile(r"[.,/\-]")
_DIGIT_RE = re.compile(r"\d")
# "pereko-\nnomian": a word hyphenated at a line break in text extracted from a PDF.
_LINE_BREAK_HYPHEN_RE = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[^\W\d_])")

_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # PyStemmer objects are not thread-safe; one per thread (web, Celery worker threads).
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("indonesian")
    return stemmer


def tokenize(text: str) -> list[str]:
    """Lower-case tokens: words split at hyphens, numbers and codes kept whole."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = _LINE_BREAK_HYPHEN_RE.sub("", text).lower()
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        parts = _PART_SPLIT_RE.split(token)
        if len(parts) > 1 and all(_DIGIT_RE.search(part) for part in parts):
            tokens.append(token)  # 1102001.82, 0126-2912, 2020/2021: one token
        else:
            tokens.extend(part for part in parts if part)
    return tokens


def stem_words(text: str) -> list[str]:
    """Tokens of `text`, words reduced to their Snowball Indonesian stem (order kept, repeats kept)."""
    stemmer = _stemmer()
    return [token if _DIGIT_RE.search(token) else stemmer.stemWord(token) for token in tokenize(text)]


def stem_text(text: str) -> str:
    """`stem_words` joined by spaces: the text to put in (or to query) a full-text index."""
    return " ".join(stem_words(text))


def trigrams(text: str) -> set[str]:
    """The trigram set pg_trgm builds: lower-cased alphanumeric words, padded "  word "."""
    grams: set[str] = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm `similarity(a, b)`: shared trigrams over all distinct trigrams, 0.0 if either is empty."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    shared = len(ta & tb)
    return shared / (len(ta) + len(tb) - shared)
