"""The staff import page: a validation report before anything is written, then a progress bar."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from terpadu.library import imports
from terpadu.library.models import ImportJob, PrintCopy, Publication

from .conftest import captured_on_commit
from .test_imports import CSV_BAD, CSV_OK


def upload(client, name, content, code="7601"):
    return client.post(reverse("library:import", args=[code]), {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def staff_client(client, librarian_a):
    client.force_login(librarian_a)
    client.cookies["django_language"] = "en"
    return client


def test_not_a_catalogue_file_is_refused_and_nothing_stored(staff_client):
    response = upload(staff_client, "laporan.pdf", b"%PDF-1.7 not a catalogue")
    assert response.status_code == 400
    assert "Upload a CSV, XLSX, MARCXML or ISO 2709 (.mrc) file." in response.content.decode()
    broken = upload(staff_client, "katalog.xlsx", b"PK\x03\x04 broken zip")
    assert "The file could not be read. Check its format." in broken.content.decode()
    assert not ImportJob.objects.exists()
    assert not Publication.objects.exists()


def test_bad_rows_are_reported_row_by_row_and_nothing_stored(staff_client, storage_copy):
    content = CSV_BAD + "Statistik Daerah 2025,2025,1101002.7601,,7601-0001,display,R-2\n"  # barcode taken
    response = upload(staff_client, "katalog.csv", content.encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "<td>3</td>" in page
    assert "<code>issn</code>" in page
    assert "<code>shelf_code</code>" in page
    assert "<td>4</td>" in page
    assert "A printed copy with this barcode already exists." in page
    assert "<td>2</td>" not in page  # the good row is not listed as an error
    assert not ImportJob.objects.exists()
    assert list(Publication.objects.values_list("title", flat=True)) == [storage_copy.publication.title]


def test_report_then_confirm_runs_with_progress_to_100(staff_client, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_BATCH", 1)  # one row per batch: the bar moves row by row
    response = upload(staff_client, "katalog.csv", CSV_OK.encode())
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = staff_client.get(response["Location"]).content.decode()
    assert "2 rows, no errors. Nothing has been written yet." in page
    assert "Kabupaten Majene Dalam Angka 2025" in page  # the first rows, for a last look
    assert not Publication.objects.exists()  # not confirmed: the catalogue is untouched
    seen = []
    original = imports._import_batch

    def spy(**kwargs):
        seen.append(ImportJob.objects.get(pk=job.pk).percent)
        return original(**kwargs)

    monkeypatch.setattr(imports, "_import_batch", spy)
    with captured_on_commit():
        staff_client.post(reverse("library:import-start", args=["7601", job.pk]))
    assert seen == [0, 50]
    progress = staff_client.get(reverse("library:import-progress", args=["7601", job.pk]))
    assert progress.status_code == 286  # finished: htmx stops polling
    text = progress.content.decode()
    assert 'value="100"' in text
    assert "2 publications imported into the catalogue." in text
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.rows) == ("done", 2, 2, [])
    assert Publication.objects.count() == 2
    assert PrintCopy.objects.get(barcode="7601-A2").location == "storage"
    # Run again (a redelivered task): nothing doubles.
    imports.import_job_run(job_id=job.pk)
    assert Publication.objects.count() == 2
    again = staff_client.post(reverse("library:import-start", args=["7601", job.pk]), follow=True)
    assert "This import has already been started." in again.content.decode()


def test_row_taken_meanwhile_stops_with_a_clear_summary(staff_client, librarian_a, unit_a, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_BATCH", 1)
    upload(staff_client, "katalog.csv", CSV_OK.encode())
    job = ImportJob.objects.get()
    other = Publication.objects.create(unit=unit_a, title="Lain", year=2020)
    PrintCopy.objects.create(publication=other, unit=unit_a, barcode="7601-A2")  # entered meanwhile
    with captured_on_commit():
        imports.import_job_start(actor=librarian_a, job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.done) == ("failed", 1)
    assert job.error.startswith("Row 3:")
    page = staff_client.get(reverse("library:import-job", args=["7601", job.pk])).content.decode()
    assert "The import stopped." in page
    assert "The first 1 rows are in the catalogue" in page
    assert Publication.objects.filter(publication_number="76010.2501").exists()
    assert not Publication.objects.filter(publication_number="76010.2402").exists()


def test_staff_of_unit_b_get_404(client, librarian_a, staff_b):
    client.force_login(librarian_a)
    upload(client, "katalog.csv", CSV_OK.encode())
    job = ImportJob.objects.get()
    client.force_login(staff_b)
    assert client.get(reverse("library:import", args=["7601"])).status_code == 404
    assert upload(client, "katalog.csv", CSV_OK.encode()).status_code == 404
    for name in ("library:import-job", "library:import-progress"):
        assert client.get(reverse(name, args=["7601", job.pk])).status_code == 404
        assert client.get(reverse(name, args=["8200", job.pk])).status_code == 404
    assert client.post(reverse("library:import-start", args=["8200", job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == "checked"
    assert not Publication.objects.exists()


def test_desk_links_import_and_exports(staff_client):
    page = staff_client.get(reverse("library:desk", args=["7601"])).content.decode()
    assert reverse("library:import", args=["7601"]) in page
    for kind in ("csv", "marc", "marcxml"):
        assert f"/api/v1/units/7601/catalogue-export/?kind={kind}" in page
