"""Catalogue search: one box over metadata and the full text of every page.

Both databases index the same text: words reduced by the Snowball Indonesian stemmer in Python
(`terpadu.lib.stemming`), so "kemiskinan" and "miskin" meet at the stem "miskin" whichever
database runs. SQLite answers from an FTS5 table (bm25), PostgreSQL from a GIN-indexed tsvector
(ts_rank); both are created in migration 0002. A query that finds nothing is retried with each
unknown word replaced by the closest word of the title vocabulary by trigram similarity (pg_trgm
on PostgreSQL; the same similarity computed in Python over the vocabulary on SQLite), and then
with OR instead of AND.
"""

from __future__ import annotations

import html
import json
import re
import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection, connections
from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from terpadu.lib.stemming import stem_words, tokenize, trigram_similarity

from .models import DigitalFile, PrintCopy, Publication, SearchDocument, SearchTerm

# Rows of the full-text index read per query; publications are ranked from these.
CANDIDATE_ROWS = 300
# The metadata row (title, subjects, identifiers) counts more than one page that mentions a word.
METADATA_WEIGHT = 3.0
TYPO_THRESHOLD = 0.3  # pg_trgm's default similarity threshold
MAX_PAGE_HITS = 3

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE_RE = re.compile(r'"([^"]+)"')
_IDENTIFIER_RE = re.compile(r"^[0-9][0-9.\-xX/ ]{3,30}$")


# --- indexing -------------------------------------------------------------------------------------

# Each pair of neighbouring word stems is indexed as one more token ("tani0ekonom"), so a quoted
# phrase is a look-up of rare tokens instead of a position check over every row holding each word
# (PostgreSQL cannot check phrase positions in a GIN index). "0" joins them: both tokenizers keep
# letters and digits in one token, and no stem contains a digit.
PAIR_JOIN = "0"


def pair_tokens(stems: list[str]) -> list[str]:
    pairs = zip(stems, stems[1:], strict=False)
    return [f"{a}{PAIR_JOIN}{b}" for a, b in pairs if a.isalpha() and b.isalpha()]


def index_text(text: str) -> str:
    """The indexed words of `text`: its stems in order, then the pairs of neighbouring stems."""
    stems = stem_words(text)
    return " ".join(stems + pair_tokens(stems))


def metadata_text(publication: Publication) -> str:
    """The words of the metadata row; the title is repeated so it weighs more in bm25/ts_rank."""
    subjects = " ".join(s.name for s in publication.subjects.all())
    series = publication.series.name if publication.series_id else ""
    identifiers = " ".join(
        v
        for v in (
            publication.catalogue_number,
            publication.publication_number,
            publication.issn,
            publication.isbn,
        )
        if v
    )
    parts = [
        publication.title,
        publication.title,
        publication.subtitle,
        subjects,
        subjects,
        series,
        identifiers,
        publication.unit.name,
        str(publication.year),
        publication.abstract,
    ]
    return "\n".join(p for p in parts if p)


def index_publication(publication: Publication) -> None:
    """(Re)write the metadata row and add the title words to the typo vocabulary."""
    text = metadata_text(publication)
    SearchDocument.objects.update_or_create(
        publication=publication, page=0, defaults={"body": text, "stemmed": index_text(text)}
    )
    vocabulary_add(
        " ".join(
            [
                publication.title,
                publication.subtitle,
                publication.series.name if publication.series_id else "",
            ]
            + [s.name for s in publication.subjects.all()]
        )
    )


def index_pages(publication: Publication, texts: list[str]) -> None:
    """Replace the page rows of `publication` with `texts` (page 1 first)."""
    SearchDocument.objects.filter(publication=publication, page__gt=0).delete()
    SearchDocument.objects.bulk_create(
        [
            SearchDocument(publication=publication, page=number, body=text, stemmed=index_text(text))
            for number, text in enumerate(texts, start=1)
            if text.strip()
        ],
        batch_size=500,
    )


def unindex_pages(publication: Publication) -> None:
    SearchDocument.objects.filter(publication=publication, page__gt=0).delete()


def vocabulary_add(text: str) -> None:
    words = {w for w in tokenize(text) if len(w) >= 4 and w.isalpha()}
    if not words:
        return
    stems = dict(zip(words, (stem_words(w)[0] for w in words), strict=True))
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=w[:64], stem=s[:64]) for w, s in stems.items()], ignore_conflicts=True
    )


# --- query parsing --------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    words: list[str]  # the surface words, lower-case, in order (for typo correction)
    terms: list[str]  # stems outside phrases
    phrases: list[list[str]]  # stems of each quoted phrase

    @property
    def stems(self) -> set[str]:
        return set(self.terms) | {t for p in self.phrases for t in p}

    @property
    def empty(self) -> bool:
        return not self.terms and not self.phrases


def parse_query(query: str) -> ParsedQuery:
    query = (query or "")[:300]
    phrases = [stem_words(p) for p in _PHRASE_RE.findall(query)]
    rest = _PHRASE_RE.sub(" ", query)
    terms = [t for t in stem_words(rest) if t not in ("or", "and", "not")]
    return ParsedQuery(
        words=tokenize(query), terms=list(dict.fromkeys(terms)), phrases=[p for p in phrases if p]
    )


# --- the database query ---------------------------------------------------------------------------


def _phrase_parts(phrase: list[str], *, sqlite: bool) -> list[str]:
    """A phrase of words as its pair tokens (all ANDed), or, with numbers in it, a positional phrase."""
    pairs = pair_tokens(phrase)
    if len(phrase) > 1 and len(pairs) == len(phrase) - 1:
        return [f'"{p}"' if sqlite else p for p in pairs]
    return ['"' + " ".join(phrase) + '"']


def _match_expression(parsed: ParsedQuery, *, any_term: bool) -> str:
    sqlite = connection.vendor == "sqlite"
    terms = [f'"{t}"' if sqlite else t for t in parsed.terms]
    phrases = [_phrase_parts(p, sqlite=sqlite) for p in parsed.phrases]
    if not any_term:
        return " ".join(terms + [part for parts in phrases for part in parts])
    if sqlite:
        groups = terms + ["(" + " ".join(parts) + ")" if len(parts) > 1 else parts[0] for parts in phrases]
        return " OR ".join(groups)
    # websearch_to_tsquery: "a or b c" is a | (b & c), so a phrase's pairs stay together.
    return " or ".join(terms + [" ".join(parts) for parts in phrases])


# The PostgreSQL query ranks a bounded sample of matching rows, newest publications first: the
# metadata rows (titles, subjects, identifiers) and, apart, the page rows. A broad word such as
# "ekonomi" matches most of a million pages; ranking them all cost ~1 s at full scale, and past a
# few thousand matches the order among equally good rows is noise. Each half has its own partial
# GIN index (migration 0004); for a common word the planner walks the (publication, page) index
# backwards and stops at the limit, for a rare one it reads the GIN index.
METADATA_SAMPLE = 2000
PAGE_SAMPLE = 1000


def fulltext_sql() -> str:
    """The raw full-text query the search issues (parameters: see `fulltext_params`)."""
    if connection.vendor == "sqlite":
        return (
            "SELECT d.publication_id, d.page, -bm25(library_search_fts) AS score "
            "FROM library_search_fts JOIN library_searchdocument d ON d.id = library_search_fts.rowid "
            "WHERE library_search_fts MATCH %s ORDER BY bm25(library_search_fts) LIMIT %s"
        )
    return POSTGRES_FULLTEXT_SQL


POSTGRES_FULLTEXT_SQL = (
    "SELECT s.publication_id, s.page, ts_rank(s.tsv, websearch_to_tsquery('simple', %s)) AS score FROM ("
    "(SELECT publication_id, page, tsv FROM library_searchdocument "
    "WHERE page = 0 AND tsv @@ websearch_to_tsquery('simple', %s) ORDER BY publication_id DESC LIMIT %s) "
    "UNION ALL "
    "(SELECT publication_id, page, tsv FROM library_searchdocument "
    "WHERE page > 0 AND tsv @@ websearch_to_tsquery('simple', %s) ORDER BY publication_id DESC LIMIT %s)"
    ") s ORDER BY score DESC, s.publication_id DESC LIMIT %s"
)


def fulltext_params(expression: str, limit: int) -> list:
    if connection.vendor == "sqlite":
        return [expression, int(limit)]
    return [expression, expression, METADATA_SAMPLE, expression, PAGE_SAMPLE, int(limit)]


def fulltext_rows(expression: str, limit: int = CANDIDATE_ROWS) -> list[tuple[int, int, float]]:
    if not expression:
        return []
    with connection.cursor() as cursor:
        cursor.execute(fulltext_sql(), fulltext_params(expression, limit))
        return cursor.fetchall()


# --- typo correction ------------------------------------------------------------------------------

_vocab_lock = threading.Lock()
_vocab_cache: dict = {"key": None, "terms": []}


def _sqlite_vocabulary() -> list[tuple[str, set[str]]]:
    from terpadu.lib.stemming import trigrams

    key = SearchTerm.objects.aggregate(n=Count("id"), last=Count("id", filter=Q(id__gt=0)))
    key = (key["n"], SearchTerm.objects.order_by("-id").values_list("id", flat=True).first())
    with _vocab_lock:
        if _vocab_cache["key"] != key:
            _vocab_cache["terms"] = [
                (t, trigrams(t)) for t in SearchTerm.objects.values_list("term", flat=True)
            ]
            _vocab_cache["key"] = key
        return _vocab_cache["terms"]


def closest_term(word: str) -> str | None:
    """The vocabulary word most similar to `word` (pg_trgm similarity ≥ 0.3), or None."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM library_searchterm WHERE term %% %s "
                "ORDER BY similarity(term, %s) DESC, term LIMIT 1",
                [word, word],
            )
            row = cursor.fetchone()
        return row[0] if row else None
    from terpadu.lib.stemming import trigrams

    grams = trigrams(word)
    best, best_score = None, TYPO_THRESHOLD
    for term, term_grams in _sqlite_vocabulary():
        if abs(len(term) - len(word)) > 4:
            continue
        shared = len(grams & term_grams)
        score = shared / (len(grams) + len(term_grams) - shared) if shared else 0.0
        if score > best_score or (score == best_score and best is not None and term < best):
            best, best_score = term, score
    return best


def _corrections(words: list[str]) -> dict[str, str]:
    """Each word whose stem the title vocabulary lacks, mapped to its closest vocabulary word.

    On PostgreSQL the vocabulary check and the trigram look-up of every word are one statement:
    this runs only after a query found nothing, and should cost about one more round trip.
    """
    candidates = list(dict.fromkeys(w for w in words if w.isalpha() and len(w) >= 4))
    if not candidates:
        return {}
    stems = [stem_words(w)[0] for w in candidates]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT w.word, (SELECT t.term FROM library_searchterm t WHERE t.term %% w.word "
                "ORDER BY similarity(t.term, w.word) DESC, t.term LIMIT 1) "
                "FROM unnest(%s::text[], %s::text[]) AS w(word, stem) "
                "WHERE NOT EXISTS (SELECT 1 FROM library_searchterm k WHERE k.stem = w.stem)",
                [candidates, stems],
            )
            return {word: term for word, term in cursor.fetchall() if term}
    known = set(SearchTerm.objects.filter(stem__in=stems).values_list("stem", flat=True))
    out = {}
    for word, stem in zip(candidates, stems, strict=True):
        if stem not in known and (term := closest_term(word)):
            out[word] = term
    return out


def correct_query(parsed: ParsedQuery) -> str | None:
    """The query with unknown words replaced by their closest vocabulary word, or None if unchanged."""
    fixes = _corrections(parsed.words)
    out = [fixes.get(word, word) for word in parsed.words]
    return " ".join(out) if out != parsed.words else None


# --- snippets -------------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def _stem_one(word: str) -> str:
    stemmed = stem_words(word)
    return stemmed[0] if stemmed else ""


def highlight(text: str, stems: set[str], *, width: int = 220) -> SafeString:
    """A window of `text` around the first matching word, HTML-escaped, matches in <mark>."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    # Words are stemmed only up to the end of the window: a PDF page holds thousands of them.
    words = _WORD_RE.finditer(text)
    first = next((m for m in words if _stem_one(m.group().lower()) in stems), None)
    start = 0
    if first is not None:
        start = max(0, first.start() - width // 4)
        # Begin at a word boundary.
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first.start() else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    matches = []
    if first is not None:
        matches.append(first)
        for m in words:
            if m.end() > end:
                break
            if _stem_one(m.group().lower()) in stems:
                matches.append(m)
    # The standard library's escape, which Django's wraps (same output, without the lazy-string
    # check on each of the many small pieces).
    out = ["…" if start else ""]
    cursor = start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        out.append(html.escape(text[cursor : m.start()]))
        out.append(f"<mark>{html.escape(m.group())}</mark>")
        cursor = m.end()
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


# --- the search -----------------------------------------------------------------------------------


@dataclass
class PageHit:
    page: int
    snippet: str


@dataclass
class SearchHit:
    publication: Publication
    score: float
    snippet: str
    title_html: str
    page_hits: list[PageHit] = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit]
    count: int
    page: int
    per_page: int
    facets: dict
    corrected_query: str | None = None
    matched_any: bool = False  # True when only the OR fallback found something

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class Filters:
    year: int | None = None
    subject: str = ""  # slug
    unit: str = ""  # BPS code
    series: str = ""  # slug
    availability: str = ""  # "print" or "softcopy"

    def apply(self, qs: QuerySet, *, skip: str = "") -> QuerySet:
        if self.year and skip != "year":
            qs = qs.filter(year=self.year)
        if self.subject and skip != "subject":
            qs = qs.filter(subjects__slug=self.subject)
        if self.unit and skip != "unit":
            qs = qs.filter(unit__code=self.unit)
        if self.series and skip != "series":
            qs = qs.filter(series__slug=self.series)
        if self.availability and skip != "availability":
            qs = qs.filter(_availability_q(self.availability, self.unit))
        return qs


def _availability_q(kind: str, unit_code: str) -> Q:
    if kind == "softcopy":
        return Q(digital_file__status=DigitalFile.Status.READY)
    if kind == "print":
        copies = PrintCopy.objects.exclude(status=PrintCopy.Status.WITHDRAWN)
        if unit_code:
            copies = copies.filter(unit__code=unit_code)
        return Q(id__in=copies.values("publication_id"))
    return Q()


def _ranked(
    parsed: ParsedQuery, *, any_term: bool
) -> tuple[list[int], dict[int, float], dict[int, list[int]]]:
    rows = fulltext_rows(_match_expression(parsed, any_term=any_term))
    scores: dict[int, float] = {}
    pages: dict[int, list[int]] = defaultdict(list)
    for pub_id, page, score in rows:
        weighted = float(score) * (METADATA_WEIGHT if page == 0 else 1.0)
        if weighted > scores.get(pub_id, float("-inf")):
            scores[pub_id] = weighted
        if page > 0 and len(pages[pub_id]) < MAX_PAGE_HITS:
            pages[pub_id].append(page)
    order = sorted(scores, key=lambda pid: (-scores[pid], pid))
    return order, scores, pages


def _identifier_matches(query: str) -> list[int]:
    q = query.strip()
    if not _IDENTIFIER_RE.match(q):
        return []
    return list(
        Publication.objects.filter(
            Q(catalogue_number=q)
            | Q(publication_number=q)
            | Q(issn=q)
            | Q(isbn=q)
            | Q(isbn=q.replace("-", ""))
        ).values_list("id", flat=True)[:50]
    )


def facet_counts(qs: QuerySet, filters: Filters) -> dict:
    """Counts per facet value, each facet counted with the other facets' filters applied."""

    def base(skip: str) -> QuerySet:
        return filters.apply(qs, skip=skip)

    years = base("year").values("year").annotate(n=Count("id", distinct=True)).order_by("-year")[:30]
    subjects = (
        base("subject")
        .filter(subjects__isnull=False)
        .values("subjects__slug", "subjects__name")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "subjects__name")[:20]
    )
    units = (
        base("unit")
        .values("unit__code", "unit__name")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n")[:20]
    )
    series = (
        base("series")
        .filter(series__isnull=False)
        .values("series__slug", "series__name")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n")[:20]
    )
    avail_qs = base("availability")
    return {
        "year": [{"value": r["year"], "label": str(r["year"]), "count": r["n"]} for r in years],
        "subject": [
            {"value": r["subjects__slug"], "label": r["subjects__name"], "count": r["n"]} for r in subjects
        ],
        "unit": [{"value": r["unit__code"], "label": r["unit__name"], "count": r["n"]} for r in units],
        "series": [{"value": r["series__slug"], "label": r["series__name"], "count": r["n"]} for r in series],
        "availability": [
            {
                "value": "print",
                "label": "print",
                "count": avail_qs.filter(_availability_q("print", filters.unit)).count(),
            },
            {
                "value": "softcopy",
                "label": "softcopy",
                "count": avail_qs.filter(_availability_q("softcopy", "")).count(),
            },
        ],
    }


def publication_search(
    *,
    query: str = "",
    filters: Filters | None = None,
    page: int = 1,
    per_page: int = 20,
    with_facets: bool = True,
) -> SearchResult:
    filters = filters or Filters()
    page = max(1, page)
    per_page = max(1, min(per_page, 100))
    base = Publication.objects.filter(is_published=True)
    parsed = parse_query(query)
    corrected = None
    matched_any = False

    if parsed.empty:
        qs = filters.apply(base).distinct()
        count = qs.count()
        pubs = list(
            qs.select_related("unit", "series", "digital_file").order_by("-year", "title", "id")[
                (page - 1) * per_page : page * per_page
            ]
        )
        hits = [SearchHit(p, 0.0, escape(p.abstract[:220]), escape(p.full_title)) for p in pubs]
        facets = facet_counts(base, filters) if with_facets else {}
        return SearchResult(query, hits, count, page, per_page, facets)

    order, scores, pages = _ranked(parsed, any_term=False)
    if not order:
        suggestion = correct_query(parsed)
        if suggestion:
            corrected_parsed = parse_query(suggestion)
            order, scores, pages = _ranked(corrected_parsed, any_term=False)
            if order:
                corrected, parsed = suggestion, corrected_parsed
    if not order and len(parsed.terms) + len(parsed.phrases) > 1:
        order, scores, pages = _ranked(parsed, any_term=True)
        matched_any = bool(order)
    exact = _identifier_matches(query)
    if exact:
        seen = set(exact)
        order = exact + [pid for pid in order if pid not in seen]

    count, window, facets = _candidates_and_page(order, pages, filters, page, per_page)
    stems = parsed.stems
    hits = []
    for pub, bodies in window:
        pid = pub.pk
        meta_text = pub.abstract or pub.subtitle or pub.title
        page_hits = [
            PageHit(n, highlight(bodies.get(n, ""), stems, width=180)) for n in sorted(pages.get(pid, []))
        ]
        hits.append(
            SearchHit(
                pub,
                scores.get(pid, 0.0),
                highlight(meta_text, stems),
                highlight(pub.full_title, stems, width=1000),
                page_hits,
            )
        )
    return SearchResult(
        query, hits, count, page, per_page, facets if with_facets else {}, corrected, matched_any
    )


# --- the ranked candidates and the shown page, in one statement -----------------------------------
#
# After the full-text statement, one more round trip answers everything else: for every ranked
# candidate its facet values and whether it passes each filter (counted into the facets in
# Python, each facet with the other facets' filters), and for the candidates of the shown page,
# numbered in rank order among those passing every filter, the publication with its unit, series
# and digital file, and the bodies of its matching pages (for the snippets).

FACET_FILTERS = ("year", "unit", "series", "subject", "availability")


def _shown_models() -> tuple:
    """The models read for a shown hit, in column order: the publication, its unit, series and file."""
    return (
        Publication,
        Publication._meta.get_field("unit").related_model,
        Publication._meta.get_field("series").related_model,
        DigitalFile,
    )


_loaders: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _loaders_for(db) -> list:
    """For each shown model, a function that builds an instance from its columns (None if absent).

    Values go through the same converters the ORM applies (SQLite hands back dates and booleans
    as text and integers); they belong to the connection, so they are kept per connection.
    """
    if db not in _loaders:
        built = []
        for model in _shown_models():
            fields = model._meta.concrete_fields
            names = [f.attname for f in fields]
            converters = []
            for index, f in enumerate(fields):
                col = f.get_col(model._meta.db_table)
                found = db.ops.get_db_converters(col) + col.get_db_converters(db)
                if found:
                    converters.append((index, col, found))
            built.append((model, names, converters, names.index(model._meta.pk.attname)))
        _loaders[db] = built
    return _loaders[db]


def _load_shown(db, values: tuple) -> list:
    """The publication, unit, series and digital file of a shown hit from their columns."""
    out, start = [], 0
    for model, names, converters, pk_index in _loaders_for(db):
        end = start + len(names)
        part = values[start:end]
        start = end
        if part[pk_index] is None:
            if not out:  # no publication: a candidate that is not on the shown page
                return [None] * 4
            out.append(None)
            continue
        part = list(part)
        for index, col, funcs in converters:
            for func in funcs:
                part[index] = func(part[index], col, db)
        out.append(model.from_db(db.alias, names, part))
    return out


def _json(value):
    return json.loads(value) if isinstance(value, str) else (value or [])


@lru_cache(maxsize=64)
def _candidates_sql(
    vendor: str, year: bool, unit: bool, series: bool, subject: bool, availability: str
) -> str:
    """The statement of `_candidates_and_page` for the given database and active filters."""
    qn = connection.ops.quote_name
    subjects_field = Publication._meta.get_field("subjects")
    through_pub, through_subject = qn(subjects_field.m2m_column_name()), qn(subjects_field.m2m_reverse_name())
    pub_model, unit_model, series_model, digital_model = _shown_models()
    t = {
        name: qn(model._meta.db_table)
        for name, model in {
            "pub": pub_model,
            "unit": unit_model,
            "series": series_model,
            "subject": subjects_field.related_model,
            "through": subjects_field.remote_field.through,
            "copy": PrintCopy,
            "digital": digital_model,
            "doc": SearchDocument,
        }.items()
    }
    if vendor == "sqlite":
        candidates = (
            "SELECT json_extract(j.value, '$[0]') AS id, json_extract(j.value, '$[1]') AS pages, "
            "j.key AS ord FROM json_each(%(candidates)s) AS j"
        )
        pair, agg, true, among = "json_array", "json_group_array", "1", ""
        page_in = "sd.page IN (SELECT value FROM json_each('[' || w.pages || ']'))"
    else:
        candidates = (
            "SELECT c.id, c.pages, c.ord "
            "FROM unnest(%(ids)s::bigint[], %(pages)s::text[]) WITH ORDINALITY AS c(id, pages, ord)"
        )
        pair, agg, true = "json_build_array", "json_agg", "TRUE"
        # The candidates again as a condition on the primary key, so that each join reads the few
        # candidates through the index whatever the table statistics say.
        among = " AND p.id = ANY(%(ids)s::bigint[])"
        page_in = "sd.page = ANY(string_to_array(w.pages, ',')::int[])"
    copy_unit = f"JOIN {t['unit']} cu ON cu.id = pc.unit_id AND cu.code = %(unit)s" if unit else ""
    conditions = dict.fromkeys(FACET_FILTERS, true)
    if year:
        conditions["year"] = "f.year = %(year)s"
    if unit:
        conditions["unit"] = "f.unit_code = %(unit)s"
    if series:
        conditions["series"] = "f.series_slug = %(series)s"
    if subject:
        has_subject = f"{t['through']} fs JOIN {t['subject']} fj ON fj.id = fs.{through_subject}"
        conditions["subject"] = (
            f"EXISTS (SELECT 1 FROM {has_subject} WHERE fs.{through_pub} = f.id AND fj.slug = %(subject)s)"  # noqa: S608
        )
    if availability:
        conditions["availability"] = {"print": "f.has_print", "softcopy": "f.has_softcopy"}.get(
            availability,
            "1 = 0",  # an unknown kind: nothing has it
        )
    flags = ", ".join(f"({conditions[name]}) AS ok_{name}" for name in FACET_FILTERS)
    every = " AND ".join(f"ok_{name}" for name in FACET_FILTERS)
    shown = ", ".join(
        f"{alias}.{qn(f.column)}"
        for alias, model in zip(("p", "pu", "pser", "pd"), _shown_models(), strict=True)
        for f in model._meta.concrete_fields
    )
    return f"""
WITH c AS ({candidates}),
f AS (
  SELECT c.ord, c.pages, p.id, p.year, u.code AS unit_code, u.name AS unit_name,
    s.slug AS series_slug, s.name AS series_name,
    EXISTS (SELECT 1 FROM {t["copy"]} pc {copy_unit}
            WHERE pc.publication_id = p.id AND pc.status <> %(withdrawn)s) AS has_print,
    EXISTS (SELECT 1 FROM {t["digital"]} d
            WHERE d.publication_id = p.id AND d.status = %(ready)s) AS has_softcopy,
    (SELECT {agg}({pair}(sj.slug, sj.name)) FROM {t["through"]} ps
       JOIN {t["subject"]} sj ON sj.id = ps.{through_subject} WHERE ps.{through_pub} = p.id) AS subjects
  FROM c JOIN {t["pub"]} p ON p.id = c.id
  JOIN {t["unit"]} u ON u.id = p.unit_id
  LEFT JOIN {t["series"]} s ON s.id = p.series_id
  WHERE p.is_published{among}
),
m AS (SELECT f.*, {flags} FROM f),
w AS (
  SELECT m.*, CASE WHEN {every} THEN row_number() OVER (PARTITION BY {every} ORDER BY ord) END AS rn
  FROM m
)
SELECT w.id, w.year, w.unit_code, w.unit_name, w.series_slug, w.series_name, w.has_print, w.has_softcopy,
  w.subjects, {", ".join(f"w.ok_{name}" for name in FACET_FILTERS)},
  {shown},
  CASE WHEN p.id IS NOT NULL THEN
    (SELECT {agg}({pair}(sd.page, sd.body)) FROM {t["doc"]} sd WHERE sd.publication_id = p.id AND {page_in})
  END AS bodies
FROM w
LEFT JOIN {t["pub"]} p ON p.id = w.id AND w.rn BETWEEN %(first)s AND %(last)s{among}
LEFT JOIN {t["unit"]} pu ON pu.id = p.unit_id
LEFT JOIN {t["series"]} pser ON pser.id = p.series_id
LEFT JOIN {t["digital"]} pd ON pd.publication_id = p.id
ORDER BY w.ord
"""  # noqa: S608 - table and column names come from the models; every value is a parameter


def _candidates_and_page(
    order: list[int], pages: dict[int, list[int]], filters: Filters, page: int, per_page: int
) -> tuple[int, list[tuple[Publication, dict[int, str]]], dict]:
    """How many candidates pass the filters, the shown page's publications with the bodies of their
    matching pages, and the facets of the candidates."""
    if not order:
        return 0, [], _facets([], filters)
    sql = _candidates_sql(
        connection.vendor,
        bool(filters.year),
        bool(filters.unit),
        bool(filters.series),
        bool(filters.subject),
        filters.availability,
    )
    params = {
        "withdrawn": PrintCopy.Status.WITHDRAWN,
        "ready": DigitalFile.Status.READY,
        "year": filters.year,
        "unit": filters.unit,
        "series": filters.series,
        "subject": filters.subject,
        "first": (page - 1) * per_page + 1,
        "last": page * per_page,
    }
    page_lists = [",".join(map(str, pages[pid])) if pid in pages else "" for pid in order]
    if connection.vendor == "sqlite":
        params["candidates"] = json.dumps(list(zip(order, page_lists, strict=True)))
    else:
        # Array literals written here: ids and lists of page numbers need no quoting, and psycopg
        # adapting 300-element lists item by item cost more than the rest of the Python side.
        params["ids"] = "{" + ",".join(map(str, order)) + "}"
        params["pages"] = "{" + ",".join(f'"{pl}"' for pl in page_lists) + "}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    db = connections[connection.alias]
    digital_relation = Publication._meta.get_field("digital_file")
    digital_publication = DigitalFile._meta.get_field("publication")
    n_flags = len(FACET_FILTERS)
    candidates, shown, count = [], [], 0
    for row in rows:
        failed = [name for name, ok in zip(FACET_FILTERS, row[9 : 9 + n_flags], strict=True) if not ok]
        count += not failed
        candidates.append((row, failed))
        pub, unit, series, digital = _load_shown(db, row[9 + n_flags : -1])
        if pub is None:  # not on the shown page
            continue
        pub.unit, pub.series = unit, series
        digital_relation.set_cached_value(pub, digital)
        if digital is not None:
            digital_publication.set_cached_value(digital, pub)
        shown.append((pub, dict(_json(row[-1]))))
    return count, shown, _facets(candidates, filters)


def _facets(candidates: list[tuple[tuple, list[str]]], filters: Filters) -> dict:
    """Counts per facet value, each facet counted with the other facets' filters applied."""
    counters: dict[str, dict] = {k: defaultdict(int) for k in ("year", "subject", "unit", "series")}
    labels: dict[tuple, str] = {}
    availability = {"print": 0, "softcopy": 0}
    for row, failed in candidates:
        if len(failed) > 1:
            continue
        only = failed[0] if failed else None  # this row counts only in that facet
        _pid, year, unit_code, unit_name, series_slug, series_name, has_print, has_softcopy, subjects = row[
            :9
        ]
        if only in (None, "year"):
            counters["year"][year] += 1
            labels[("year", year)] = str(year)
        if only in (None, "unit"):
            counters["unit"][unit_code] += 1
            labels[("unit", unit_code)] = unit_name
        if series_slug and only in (None, "series"):
            counters["series"][series_slug] += 1
            labels[("series", series_slug)] = series_name
        if only in (None, "subject"):
            for slug, name in _json(subjects):
                counters["subject"][slug] += 1
                labels[("subject", slug)] = name
        if only in (None, "availability"):
            availability["print"] += bool(has_print)
            availability["softcopy"] += bool(has_softcopy)

    def top(kind: str, limit: int = 20, by_value: bool = False) -> list[dict]:
        items = counters[kind].items()
        ordered = (
            sorted(items, key=lambda kv: -kv[0])
            if by_value
            else sorted(items, key=lambda kv: (-kv[1], str(kv[0])))
        )
        return [{"value": v, "label": labels[(kind, v)], "count": n} for v, n in ordered[:limit]]

    return {
        "year": top("year", 30, by_value=True),
        "subject": top("subject"),
        "unit": top("unit"),
        "series": top("series"),
        "availability": [{"value": k, "label": k, "count": n} for k, n in availability.items()],
    }


__all__ = [
    "Filters",
    "SearchResult",
    "index_pages",
    "index_publication",
    "index_text",
    "publication_search",
    "trigram_similarity",
]
