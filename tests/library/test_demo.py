from io import StringIO

import pytest

from terpadu.library import demo
from terpadu.library.models import Publication


@pytest.mark.usefixtures("unit_a", "unit_b")
def test_demo_is_idempotent(monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(demo, "YEARS", range(2025, 2026))
    out = StringIO()
    demo.load(out)
    count = Publication.objects.count()
    assert count == 4 * len(demo.TOPICS)  # 0000, 7600, 7601 and 8200
    demo.load(out)
    assert Publication.objects.count() == count
    assert Publication.objects.filter(title="Provinsi Maluku Utara Dalam Angka 2025").exists()
