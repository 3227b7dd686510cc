"""Re-index every search row with the pairs of neighbouring stems (see search.index_text)."""

from django.db import migrations

from terpadu.lib.stemming import stem_words


def _index_text(text: str) -> str:
    stems = stem_words(text)
    pairs = [f"{a}0{b}" for a, b in zip(stems, stems[1:], strict=False) if a.isalpha() and b.isalpha()]
    return " ".join(stems + pairs)


def reindex(apps, schema_editor):
    SearchDocument = apps.get_model("library", "SearchDocument")
    last = 0
    while True:
        batch = list(SearchDocument.objects.filter(id__gt=last).order_by("id").only("id", "body")[:2000])
        if not batch:
            return
        for doc in batch:
            doc.stemmed = _index_text(doc.body)
        SearchDocument.objects.bulk_update(batch, ["stemmed"])
        last = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [("library", "0004_partial_fulltext_indexes")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
