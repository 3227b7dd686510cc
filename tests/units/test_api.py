"""The public units API: profiles, structured standards, history, filters, errors, schema."""

import datetime as dt

import pytest

from terpadu.units.models import ChannelKind, ServiceStandard, Unit, UnitComplaintChannel
from tests.units.test_views import (
    CHANNELS,
    ONLINE_PROCEDURE,
    ONLINE_REQUIREMENTS,
    ONLINE_TIME,
    PRODUCTS,
    WALK_IN_PROCEDURE,
    WALK_IN_REQUIREMENTS,
    WALK_IN_TIME,
    build_standard,
)

pytestmark = pytest.mark.django_db


def as_tree(items):
    return [
        {"text": text, "children": as_tree(children)}
        for text, children in ((e, []) if isinstance(e, str) else e for e in items)
    ]


def strip_mode(nodes):
    return [{"text": n["text"], "children": strip_mode(n["children"])} for n in nodes]


def test_unit_list_paginates(api_client, unit_a, unit_b):
    body = api_client.get("/api/v1/units/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    assert [u["code"] for u in body["results"]] == ["0000", "7600", "7601", "8200"]
    page = api_client.get("/api/v1/units/", {"page_size": 1}).json()
    assert page["count"] == 4
    assert len(page["results"]) == 1


def test_unit_list_pages_follow_next(api_client, unit_a, unit_b):
    first = api_client.get("/api/v1/units/", {"page_size": 2}).json()
    assert len(first["results"]) == 2
    assert first["previous"] is None
    second = api_client.get(first["next"]).json()
    assert [u["code"] for u in second["results"]] == ["7601", "8200"]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"parent": "7600"}, ["7601"]),
        ({"parent": "0000"}, ["7600", "8200"]),
        ({"kind": "province"}, ["7600", "8200"]),
        ({"kind": "regency"}, ["7601"]),
        ({"q": "majene"}, ["7601"]),
        ({"q": "82"}, ["8200"]),
        ({"q": "maluku", "kind": "regency"}, []),
    ],
)
def test_unit_list_filters(api_client, unit_a, unit_b, params, codes):
    body = api_client.get("/api/v1/units/", params).json()
    assert [u["code"] for u in body["results"]] == codes


def test_unit_profile(api_client, unit_a):
    unit_a.email = "bps7601@bps.go.id"
    unit_a.save()
    UnitComplaintChannel.objects.create(
        unit=unit_a, kind=ChannelKind.SMS_WHATSAPP, label="SMS/WhatsApp", value="0822-1000-7601", order=1
    )
    UnitComplaintChannel.objects.create(
        unit=unit_a, kind=ChannelKind.EMAIL, label="E-mail", value="bps7601@bps.go.id", order=0
    )
    body = api_client.get("/api/v1/units/7601/").json()
    assert body["code"] == "7601"
    assert body["time_zone"] == "Asia/Makassar"
    assert body["time_zone_abbreviation"] == "WITA"
    assert body["parent"]["code"] == "7600"
    assert body["email"] == "bps7601@bps.go.id"
    assert body["complaint_channels"] == [
        {
            "kind": "email",
            "label": "E-mail",
            "value": "bps7601@bps.go.id",
            "href": "mailto:bps7601@bps.go.id",
        },
        {
            "kind": "sms_whatsapp",
            "label": "SMS/WhatsApp",
            "value": "0822-1000-7601",
            "href": "https://wa.me/6282210007601",
        },
    ]
    assert body["office_hours_default"] is True
    assert [(h["weekday"], h["opens"], h["closes"]) for h in body["office_hours"]] == [
        (0, "07:30", "16:00"),
        (1, "07:30", "16:00"),
        (2, "07:30", "16:00"),
        (3, "07:30", "16:00"),
        (4, "07:30", "16:30"),
    ]
    province = api_client.get("/api/v1/units/7600/").json()
    assert [c["code"] for c in province["children"]] == ["7601"]


def test_standards_every_component_structured(api_client, unit_a):
    build_standard(unit_a)
    body = api_client.get("/api/v1/units/7601/standards/").json()
    assert body["count"] == 1
    standard = body["results"][0]
    assert standard["service"] == "library"
    assert standard["sk_number"] == "014a/KGP TAHUN 2023"
    assert standard["effective_from"] == "2023-01-01"
    assert strip_mode(standard["requirements"]["walk_in"]) == as_tree(WALK_IN_REQUIREMENTS)
    assert strip_mode(standard["requirements"]["online"]) == as_tree(ONLINE_REQUIREMENTS)
    assert standard["requirements"]["both"] == []
    assert strip_mode(standard["procedure"]["walk_in"]) == as_tree(WALK_IN_PROCEDURE)
    assert strip_mode(standard["procedure"]["online"]) == as_tree(ONLINE_PROCEDURE)
    assert strip_mode(standard["products"]) == as_tree(PRODUCTS)
    assert standard["completion_time_summary"] == "5 Menit"
    assert standard["completion_time"] == [
        {
            "mode": "walk_in",
            "amount": 5,
            "unit": "minutes",
            "clock_start": "guest_book_entry",
            "heading": "Layanan dengan cara kunjungan langsung",
            "wording": WALK_IN_TIME,
        },
        {
            "mode": "online",
            "amount": None,
            "unit": "self_service",
            "clock_start": "registration",
            "heading": "",
            "wording": ONLINE_TIME,
        },
    ]
    assert standard["fee"] == {"amount": 0, "wording": "Tidak dipungut biaya"}
    assert [(c["kind"], c["label"], c["value"]) for c in standard["complaint_channels"]] == [
        (str(kind), label, value) for kind, label, value, _url in CHANNELS
    ]
    assert all(c["href"] for c in standard["complaint_channels"] if c["kind"] != "suggestion_box")
    assert standard["mode_headings"] == {"requirement": {"walk_in": "Layanan dengan cara kunjungan langsung"}}
    assert "legal_basis" not in standard
    assert standard["web_url"].endswith("/unit/7601/standar/library/")
    assert standard["pdf_url"].endswith("/unit/7601/standar/library/pdf/")


def test_standards_lists_only_the_current_published_ones(api_client, unit_a):
    build_standard(
        unit_a, sk_number="OLD", status=ServiceStandard.Status.SUPERSEDED, effective_from=dt.date(2020, 1, 1)
    )
    build_standard(
        unit_a, sk_number="DRAFT", status=ServiceStandard.Status.DRAFT, effective_from=dt.date(2025, 1, 1)
    )
    build_standard(unit_a, sk_number="NOW")
    build_standard(unit_a, sk_number="KONSUL", service="consultation", title="Konsultasi")
    current = api_client.get("/api/v1/units/7601/standards/").json()
    assert [(s["service"], s["sk_number"]) for s in current["results"]] == [
        ("consultation", "KONSUL"),
        ("library", "NOW"),
    ]
    history = api_client.get("/api/v1/units/7601/standards/history/").json()
    assert [(s["service"], s["sk_number"], s["status"]) for s in history["results"]] == [
        ("consultation", "KONSUL", "published"),
        ("library", "NOW", "published"),
        ("library", "OLD", "superseded"),
    ]
    library = api_client.get("/api/v1/units/7601/standards/history/", {"service": "library"}).json()
    assert library["count"] == 2
    assert "/unit/7601/standar/library/" in library["results"][1]["web_url"]


@pytest.mark.parametrize(("language", "detail"), [("id", "Data tidak ditemukan."), ("en", "Not found.")])
@pytest.mark.parametrize("path", ["/api/v1/units/9999/", "/api/v1/units/9999/standards/", "/api/v1/units/x/"])
def test_unknown_unit_is_404_json_in_the_callers_language(api_client, national, language, detail, path):
    response = api_client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": detail}


def test_inactive_units_are_not_listed(api_client, unit_a):
    Unit.objects.filter(code="7601").update(is_active=False)
    assert api_client.get("/api/v1/units/", {"q": "7601"}).json()["count"] == 0
    assert api_client.get("/api/v1/units/7601/").status_code == 404


def test_api_is_read_only(api_client, unit_a, public_user):
    from tests.conftest import api_as

    for client in (api_client, api_as(public_user)):
        assert client.post("/api/v1/units/", {"code": "7602"}).status_code in (401, 403, 405)
        assert client.delete("/api/v1/units/7601/").status_code in (401, 403, 405)
    assert Unit.objects.filter(code="7601").exists()


def test_schema_documents_the_unit_paths(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for path in (
        "/api/v1/units/",
        "/api/v1/units/{code}/",
        "/api/v1/units/{code}/standards/",
        "/api/v1/units/{code}/standards/history/",
    ):
        assert path in schema["paths"], path
    standard = schema["components"]["schemas"]["ServiceStandard"]["properties"]
    for name in ("requirements", "procedure", "completion_time", "fee", "products", "complaint_channels"):
        assert name in standard
