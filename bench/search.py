"""Catalogue search at scale: the project's search against the raw full-text query it issues.

Builds (once, then reuses) a reproducible catalogue of 100,000 publications with 1,000,000
full-text pages (BENCH_SCALE=0.1 for a tenth), runs a fixed mix of 200 queries — titles, stems,
typos, catalogue numbers, phrases from page text — through `publication_search` and, in the same
run, the raw database full-text statements it issued (`fulltext_rows`, recorded during the search:
one statement, or two or three when a typo or the any-word fallback made it retry), and prints
p50/p95 for both and the ratio.
Runs on SQLite always and on PostgreSQL when BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/terpadu_bench) answers. Goal on PostgreSQL: p95 ≤ 50 ms,
ratio ≤ 1.5.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

PAGES_PER_PUBLICATION = 10
ROOTS = [  # noqa: E501
    "miskin",
    "ekonomi",
    "tani",
    "didik",
    "sehat",
    "duduk",
    "kerja",
    "harga",
    "dagang",
    "industri",
    "bangun",
    "tumbuh",
    "hasil",
    "guna",
    "jalan",
    "rumah",
    "tangga",
    "usaha",
    "desa",
    "kota",
    "air",
    "listrik",
    "tanah",
    "hutan",
    "laut",
    "ikan",
    "ternak",
    "padi",
    "jagung",
    "beras",
    "pangan",
    "sekolah",
    "guru",
    "murid",
    "bayi",
    "ibu",
    "anak",
    "nikah",
    "lahir",
    "mati",
    "pindah",
    "upah",
    "gaji",
    "jual",
    "beli",
    "ekspor",
    "impor",
    "modal",
    "pajak",
    "uang",
    "bank",
    "kredit",
    "hutang",
    "pasar",
    "toko",
    "angkut",
    "kapal",
    "udara",
    "jalan",
    "wisata",
    "hotel",
    "kamar",
    "makan",
    "minum",
]
PREFIXES = ["", "ke", "pe", "per", "pen", "mem", "ber", "di"]
SUFFIXES = ["", "an", "kan", "nya", "i"]
AREAS = [
    "Provinsi Maluku Utara",
    "Kabupaten Majene",
    "Provinsi Sulawesi Barat",
    "Provinsi Kalimantan Utara",
    "Provinsi Sulawesi Tenggara",
    "Kota Ternate",
    "Kabupaten Halmahera Barat",
    "Kabupaten Mamuju",
    "Indonesia",
    "Provinsi Aceh",
    "Provinsi Papua",
    "Kota Kendari",
    "Kabupaten Bulungan",
    "Kabupaten Polewali Mandar",
]
TOPICS = [
    ("{a} Dalam Angka {y}", "1102001"),
    ("Statistik Kesejahteraan Rakyat {a} {y}", "4101002"),
    ("Profil Kemiskinan {a} {y}", "3205011"),
    ("Indeks Pembangunan Manusia {a} {y}", "4102002"),
    ("Tinjauan Perekonomian {a} {y}", "9199017"),
    ("Keadaan Angkatan Kerja di {a} {y}", "2303004"),
    ("Statistik Pertanian Tanaman Pangan {a} {y}", "5203002"),
    ("Statistik Daerah {a} {y}", "1101002"),
    ("Statistik Harga Konsumen Perdesaan {a} {y}", "7201003"),
    ("Statistik Perumahan {a} {y}", "4204001"),
]


def _child(url: str, scale: float) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terpadu.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from terpadu.lib.stemming import stem_words
    from terpadu.library import search
    from terpadu.library.models import Publication, SearchDocument, SearchTerm
    from terpadu.units.models import Unit

    call_command("migrate", verbosity=0)
    n_pubs = int(100_000 * scale)
    rng = random.Random(42)
    words = sorted({p + r + s for r in ROOTS for p in PREFIXES for s in SUFFIXES})
    stems = {w: stem_words(w)[0] for w in words}
    if Publication.objects.count() < n_pubs:
        started = time.monotonic()
        Publication.objects.all().delete()
        unit, _ = Unit.objects.get_or_create(code="0000", defaults={"kind": "national", "name": "BPS RI"})
        batch_pubs = []
        for i in range(n_pubs):
            pattern, cat = TOPICS[i % len(TOPICS)]
            area = AREAS[(i // len(TOPICS)) % len(AREAS)]
            year = 1980 + (i // (len(TOPICS) * len(AREAS))) % 46
            title = pattern.format(a=area, y=year) + (
                "" if i < len(TOPICS) * len(AREAS) * 46 else f" Jilid {i}"
            )
            batch_pubs.append(
                Publication(
                    unit=unit,
                    title=title,
                    year=year,
                    catalogue_number=f"{cat}.{i % 100:02d}",
                    publication_number=f"B{i:07d}",
                )
            )
        Publication.objects.bulk_create(batch_pubs, batch_size=5000)
        ids = list(Publication.objects.order_by("id").values_list("id", "title", "catalogue_number"))
        docs = []
        for pid, title, cat in ids:
            meta = f"{title}\n{title}\n{cat}"
            docs.append(
                SearchDocument(publication_id=pid, page=0, body=meta, stemmed=search.index_text(meta))
            )
            for page in range(1, PAGES_PER_PUBLICATION + 1):
                chosen = rng.choices(words, k=60)
                table = f"tabel {page}.{rng.randint(1, 20)} {rng.randint(100, 99999)}"
                body = " ".join(chosen) + " " + table
                # What search.index_text makes of `body`, from the stems computed once per word.
                page_stems = [stems[w] for w in chosen] + ["tabel", *table.split()[1:]]
                docs.append(
                    SearchDocument(
                        publication_id=pid,
                        page=page,
                        body=body,
                        stemmed=" ".join(page_stems + search.pair_tokens(page_stems)),
                    )
                )
            if len(docs) >= 20_000:
                SearchDocument.objects.bulk_create(docs, batch_size=5000)
                docs = []
        SearchDocument.objects.bulk_create(docs, batch_size=5000)
        for title in {t for _, t, _ in ids[: len(TOPICS) * len(AREAS)]}:
            search.vocabulary_add(title)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE library_searchdocument")
        else:
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO library_search_fts(library_search_fts) VALUES ('optimize')")
        print(
            f"  built {n_pubs:,} publications / {SearchDocument.objects.count():,} rows "
            f"in {time.monotonic() - started:.0f}s"
        )
    assert SearchTerm.objects.exists()
    if connection.vendor == "postgresql":
        # Statistics for every table, as autovacuum keeps them on a live server: the planner should
        # see 100,000 publications, not the empty table of the migration (a catalogue built by an
        # earlier version of this bench had only the full-text table analysed).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    qrng = random.Random(7)
    queries = []
    for _ in range(50):
        pattern, _cat = qrng.choice(TOPICS)
        queries.append(pattern.format(a=qrng.choice(AREAS), y=qrng.randint(1980, 2025)).lower())
    queries += [
        qrng.choice(
            [
                "miskin",
                "kemiskinan",
                "perekonomian",
                "ekonomi",
                "pertanian",
                "pendidikan",
                "kesehatan",
                "penduduk",
                "perdagangan",
                "pembangunan",
            ]
        )
        for _ in range(40)
    ]
    queries += [
        qrng.choice(
            ["kemiskinnan", "perekonomiaan", "pertaniann", "kesejahtraan", "pembangnan", "angkatn kerja"]
        )
        for _ in range(30)
    ]
    queries += [f"{qrng.choice(TOPICS)[1]}.{qrng.randint(0, 99):02d}" for _ in range(30)]
    queries += ['"' + " ".join(qrng.choices(words, k=2)) + '"' for _ in range(50)]

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000

    for q in queries[:10]:  # warm the caches
        search.publication_search(query=q)
    # The raw side is every full-text statement the search issued for the query: one for most,
    # two or three when nothing matched and it retried with corrected words, then with any word.
    issued: list[str] = []
    fulltext_rows = search.fulltext_rows

    def recording(expression, *args, **kwargs):
        issued.append(expression)
        return fulltext_rows(expression, *args, **kwargs)

    project, raw = [], []
    for q in queries:
        issued.clear()
        search.fulltext_rows = recording
        try:
            project.append(timed(lambda q=q: search.publication_search(query=q)))
        finally:
            search.fulltext_rows = fulltext_rows
        raw.append(sum(timed(lambda e=e: fulltext_rows(e)) for e in list(issued)))

    def p(values, pct):
        return statistics.quantiles(values, n=100)[pct - 1]

    print(f"  {connection.vendor}: {len(queries)} queries over {n_pubs:,} publications")
    print(f"    project search  p50 {p(project, 50):7.1f} ms  p95 {p(project, 95):7.1f} ms")
    print(f"    raw full text   p50 {p(raw, 50):7.1f} ms  p95 {p(raw, 95):7.1f} ms")
    print(f"    ratio (p95)     {p(project, 95) / max(p(raw, 95), 0.001):.2f}")


def main() -> None:
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    var = Path(os.environ.get("VAR_DIR", "var")).resolve()
    var.mkdir(parents=True, exist_ok=True)
    targets = [f"sqlite:///{var / f'bench-search-{scale:g}.sqlite3'}"]
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/terpadu_bench")
    try:
        import psycopg

        base = pg.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            name = pg.rsplit("/", 1)[1]
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        targets.append(pg)
    except Exception as exc:  # noqa: BLE001
        print(f"  PostgreSQL skipped ({exc.__class__.__name__})")
    for url in targets:
        subprocess.run([sys.executable, "-m", "bench.search", "--child", url, str(scale)], check=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], float(sys.argv[3]))
    else:
        main()
