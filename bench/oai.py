"""OAI-PMH ListRecords deep in the list vs the first page (goal: < 100 ms, ratio ≤ 2).

Builds (once) 200,000 publications, then times ListRecords for the first page and for the page
that starts at record 150,000 (a keyset resumption token), through the real /oai view.
Runs on SQLite, and on PostgreSQL when BENCH_POSTGRES_URL answers (as bench/search.py).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

N = 200_000
DEEP = 150_000
ROUNDS = 7


def _child(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terpadu.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from terpadu.library import oai
    from terpadu.library.models import Publication
    from terpadu.units.models import Unit

    call_command("migrate", verbosity=0)
    if Publication.objects.count() < N:
        started = time.monotonic()
        unit, _ = Unit.objects.get_or_create(code="0000", defaults={"kind": "national", "name": "BPS RI"})
        batch = [
            Publication(
                unit=unit, title=f"Statistik Daerah {i}", year=1980 + i % 46, abstract="Ringkasan " * 20
            )
            for i in range(N - Publication.objects.count())
        ]
        Publication.objects.bulk_create(batch, batch_size=5000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE library_publication")
        print(f"  built {N:,} publications in {time.monotonic() - started:.0f}s")
    last = (
        Publication.objects.filter(is_published=True)
        .order_by("updated_at", "id")
        .values_list("updated_at", "id")[DEEP - 1]
    )
    token = oai._encode_token(
        {"m": "oai_dc", "s": "", "f": "", "u": "", "t": last[0].isoformat(), "i": last[1]}
    )
    client = Client(HTTP_HOST="localhost")

    def timed(params) -> float:
        start = time.perf_counter()
        response = client.get("/oai", params)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200
        assert b"<record>" in response.content
        return elapsed

    first = [timed({"verb": "ListRecords", "metadataPrefix": "oai_dc"}) for _ in range(ROUNDS)]
    deep = [timed({"verb": "ListRecords", "resumptionToken": token}) for _ in range(ROUNDS)]
    f, d = statistics.median(first), statistics.median(deep)
    print(
        f"  {connection.vendor}: ListRecords first page {f:.1f} ms, "
        f"at record {DEEP:,} {d:.1f} ms, ratio {d / f:.2f}"
    )


def main() -> None:
    var = Path(os.environ.get("VAR_DIR", "var")).resolve()
    var.mkdir(parents=True, exist_ok=True)
    targets = [f"sqlite:///{var / 'bench-oai.sqlite3'}"]
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/terpadu_bench_oai")
    try:
        import psycopg

        with psycopg.connect(pg.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3) as conn:
            name = pg.rsplit("/", 1)[1]
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        targets.append(pg)
    except Exception as exc:  # noqa: BLE001
        print(f"  PostgreSQL skipped ({exc.__class__.__name__})")
    for url in targets:
        subprocess.run([sys.executable, "-m", "bench.oai", "--child", url], check=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        main()
