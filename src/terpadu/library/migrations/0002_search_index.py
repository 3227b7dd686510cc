"""The full-text index, built by the database that runs the project.

SQLite: an FTS5 table over library_searchdocument.stemmed (external content, kept in step by
triggers); the tokenizer keeps "1102001.82" and "0126-2912" whole, as terpadu.lib.stemming does.
PostgreSQL: a generated tsvector column with a GIN index, and pg_trgm over the title vocabulary.
Both index the same Snowball-stemmed text with no further stemming, so both find the same rows.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE library_search_fts USING fts5(
        stemmed, content='library_searchdocument', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '.,/-'")""",
    """CREATE TRIGGER library_searchdoc_ai AFTER INSERT ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(rowid, stemmed) VALUES (new.id, new.stemmed); END""",
    """CREATE TRIGGER library_searchdoc_ad AFTER DELETE ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, stemmed) VALUES ('delete', old.id, old.stemmed); END""",
    """CREATE TRIGGER library_searchdoc_au AFTER UPDATE ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, stemmed) VALUES ('delete', old.id, old.stemmed);
        INSERT INTO library_search_fts(rowid, stemmed) VALUES (new.id, new.stemmed); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS library_searchdoc_au",
    "DROP TRIGGER IF EXISTS library_searchdoc_ad",
    "DROP TRIGGER IF EXISTS library_searchdoc_ai",
    "DROP TABLE IF EXISTS library_search_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE library_searchdocument ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, stemmed)) STORED""",
    "CREATE INDEX library_searchdoc_tsv ON library_searchdocument USING GIN (tsv)",
    "CREATE INDEX library_searchterm_trgm ON library_searchterm USING GIN (term gin_trgm_ops)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS library_searchterm_trgm",
    "DROP INDEX IF EXISTS library_searchdoc_tsv",
    "ALTER TABLE library_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
