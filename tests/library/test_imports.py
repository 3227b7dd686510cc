"""Bulk import: a validation report before anything is written; CSV, XLSX and MARC round trips."""

import io

import pymarc
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from terpadu.library.models import PrintCopy, Publication
from tests.conftest import api_as

CSV_OK = (
    "title,year,catalogue_number,publication_number,issn,subjects,series,barcode,location,shelf_code\n"
    "Kabupaten Majene Dalam Angka 2025,2025,1102001.7601,76010.2501,,"
    "Statistik Umum,Dalam Angka,7601-A1,display,R-1\n"
    "Profil Kemiskinan Kabupaten Majene 2024,2024,3205011.7601,76010.2402,,"
    "Kemiskinan; Sosial,,7601-A2,storage,G-1\n"
)
CSV_BAD = (
    "title,year,catalogue_number,issn,barcode,location,shelf_code\n"
    "Judul Baik,2024,1102001.7601,,7601-B1,display,R-1\n"
    ",2024,12,0215-2168,7601-B2,storage,\n"
)


def post(user, name, content, apply=False):
    data = {"file": SimpleUploadedFile(name, content)}
    if apply:
        data["apply"] = "1"
    return api_as(user).post("/api/v1/units/7601/catalogue-import/", data, format="multipart")


def test_csv_report_then_apply(librarian_a):
    report = post(librarian_a, "katalog.csv", CSV_OK.encode())
    assert report.status_code == 200
    assert report.json() == {"ok": True, "rows": 2, "file_errors": [], "errors": []}
    assert not Publication.objects.exists()
    applied = post(librarian_a, "katalog.csv", CSV_OK.encode(), apply=True)
    assert applied.status_code == 201
    assert Publication.objects.count() == 2
    assert PrintCopy.objects.get(barcode="7601-A2").location == "storage"
    assert set(
        Publication.objects.get(publication_number="76010.2402").subjects.values_list("name", flat=True)
    ) == {
        "Kemiskinan",
        "Sosial",
    }


def test_bad_rows_reported_and_nothing_written(librarian_a):
    response = post(librarian_a, "katalog.csv", CSV_BAD.encode(), apply=True)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["line"] for e in errors] == [3]
    assert {"title", "catalogue_number", "issn", "shelf_code"} <= set(errors[0]["errors"])
    assert not Publication.objects.exists()
    assert not PrintCopy.objects.exists()


def test_xlsx_import(librarian_a):
    wb = Workbook()
    ws = wb.active
    ws.append(["title", "year", "catalogue_number"])
    ws.append(["Statistik Daerah Kabupaten Majene 2025", 2025, "1101002.7601"])
    out = io.BytesIO()
    wb.save(out)
    assert post(librarian_a, "katalog.xlsx", out.getvalue(), apply=True).status_code == 201
    assert Publication.objects.get().catalogue_number == "1101002.7601"


def test_marc_export_import_round_trip(librarian_a, publication_a, unit_a):
    client = api_as(librarian_a)
    xml = client.get("/api/v1/units/7601/catalogue-export/?kind=marcxml").content
    iso = client.get("/api/v1/units/7601/catalogue-export/?kind=marc").content
    records = pymarc.parse_xml_to_array(io.BytesIO(xml))
    assert records[0]["245"]["a"] == publication_a.title
    assert next(iter(pymarc.MARCReader(iso, to_unicode=True)))["088"]["a"] == "3205011.7601"
    csv_text = client.get("/api/v1/units/7601/catalogue-export/").content.decode()
    assert publication_a.title in csv_text
    publication_a.delete()
    assert post(librarian_a, "katalog.mrc", iso, apply=True).status_code == 201
    imported = Publication.objects.get()
    assert imported.title == "Profil Kemiskinan Kabupaten Majene 2024"
    assert imported.year == 2024
    assert list(imported.subjects.values_list("name", flat=True)) == ["Kemiskinan"]
    assert post(librarian_a, "katalog.xml", xml).json()["ok"] is False  # same publication number again


def test_unit_b_cannot_import_or_export(staff_b, publication_a):
    assert post(staff_b, "katalog.csv", CSV_OK.encode(), apply=True).status_code == 404
    assert api_as(staff_b).get("/api/v1/units/7601/catalogue-export/").status_code == 404
    assert Publication.objects.count() == 1
