"""PostgreSQL: one GIN index for the metadata rows and one for the page rows (see search.fulltext_sql).

The search ranks a bounded sample of each half separately; a partial index per half keeps a rare
word's look-up small and lets the planner estimate each half on its own. SQLite is unchanged.
"""

from django.db import migrations

UP = [
    "CREATE INDEX IF NOT EXISTS library_searchdoc_tsv_meta ON library_searchdocument USING GIN (tsv) WHERE page = 0",
    "CREATE INDEX IF NOT EXISTS library_searchdoc_tsv_pages ON library_searchdocument USING GIN (tsv) WHERE page > 0",
    "DROP INDEX IF EXISTS library_searchdoc_tsv",
]
DOWN = [
    "CREATE INDEX IF NOT EXISTS library_searchdoc_tsv ON library_searchdocument USING GIN (tsv)",
    "DROP INDEX IF EXISTS library_searchdoc_tsv_pages",
    "DROP INDEX IF EXISTS library_searchdoc_tsv_meta",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0003_walk_in_visits_and_import_jobs")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
