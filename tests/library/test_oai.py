"""OAI-PMH 2.0: harvested with a real client (sickle) over HTTP, and protocol errors checked."""

import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own test responses

import pytest
from sickle import Sickle
from sickle.oaiexceptions import BadResumptionToken, CannotDisseminateFormat, IdDoesNotExist

from terpadu.library import oai
from terpadu.library.models import Publication
from terpadu.library.services import publication_save

NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture
def many(unit_a, unit_b, monkeypatch):
    monkeypatch.setattr(oai, "PAGE_SIZE", 7)
    pubs = []
    for n in range(20):
        unit = unit_a if n % 2 else unit_b
        pubs.append(
            publication_save(
                actor=None,
                unit=unit,
                data={"title": f"Statistik Daerah {n}", "year": 2000 + n},
                subjects=["Kemiskinan"] if n % 3 == 0 else ["Ekonomi"],
            )
        )
    Publication.objects.filter(pk=pubs[0].pk).update(is_published=False)
    return pubs


@pytest.mark.django_db(transaction=True)
def test_harvest_with_sickle(many, live_server):
    sickle = Sickle(f"{live_server.url}/oai", max_retries=0)
    identify = sickle.Identify()
    assert identify.protocolVersion == "2.0"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    formats = [f.metadataPrefix for f in sickle.ListMetadataFormats()]
    assert formats == ["oai_dc"]
    specs = {s.setSpec for s in sickle.ListSets()}
    assert {"unit:7601", "unit:8200", "subject:kemiskinan", "subject:ekonomi"} <= specs

    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))  # 3 pages of 7, via resumption tokens
    assert len(records) == 19
    assert len({r.header.identifier for r in records}) == 19
    titles = {r.metadata["title"][0] for r in records}
    assert "Statistik Daerah 0" not in titles  # unpublished
    first = records[0]
    assert first.metadata["publisher"] == ["Badan Pusat Statistik"]
    assert any(spec.startswith("unit:") for spec in first.header.setSpecs)

    unit_a_ids = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="unit:7601"))
    assert len(unit_a_ids) == 10
    poverty = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="subject:kemiskinan"))
    assert len(poverty) == 6  # n = 3, 6, ..., 18 (0 is unpublished)

    record = sickle.GetRecord(identifier=first.header.identifier, metadataPrefix="oai_dc")
    assert record.metadata["title"] == first.metadata["title"]

    with pytest.raises(IdDoesNotExist):
        sickle.GetRecord(identifier="oai:elsewhere:publication/1", metadataPrefix="oai_dc")
    with pytest.raises(CannotDisseminateFormat):
        sickle.GetRecord(identifier=first.header.identifier, metadataPrefix="marc21")
    with pytest.raises(BadResumptionToken):
        list(sickle.ListRecords(resumptionToken="bm9wZQ"))
    assert 'code="badVerb"' in sickle.harvest(verb="Sing").raw
    assert 'code="badArgument"' in sickle.harvest(verb="ListRecords").raw


def test_dates_and_errors(many, client):
    def get(**params):
        response = client.get("/oai", params)
        assert response["Content-Type"].startswith("text/xml")
        return ET.fromstring(  # noqa: S314
            response.content
        )

    root = get(
        verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2000-01-01", "until": "2999-12-31"}
    )
    assert len(root.findall(".//o:header", NS)) == 7
    err = get(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2999-01-01"})
    assert err.find("o:error", NS).get("code") == "noRecordsMatch"
    err = get(
        verb="ListIdentifiers",
        metadataPrefix="oai_dc",
        **{"from": "2020-01-01", "until": "2020-01-01T00:00:00Z"},
    )
    assert err.find("o:error", NS).get("code") == "badArgument"
    err = get(verb="ListRecords", metadataPrefix="oai_dc", set="unit:7601", resumptionToken="x")
    assert err.find("o:error", NS).get("code") == "badArgument"
    assert err.find("o:request", NS).attrib == {}
    err = get(verb="Identify", extra="1")
    assert err.find("o:error", NS).get("code") == "badArgument"


def test_keyset_token_survives_changes_between_pages(many, client):
    root = ET.fromstring(  # noqa: S314
        client.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}).content
    )
    token = root.find(".//o:resumptionToken", NS).text
    seen = [h.find("o:identifier", NS).text for h in root.findall(".//o:header", NS)]
    # A record already harvested changes: it moves to the end, nothing is skipped.
    first = Publication.objects.filter(is_published=True).order_by("updated_at", "id").first()
    publication_save(actor=None, unit=first.unit, data={"abstract": "diperbarui"}, publication=first)
    while token:
        root = ET.fromstring(  # noqa: S314
            client.get("/oai", {"verb": "ListIdentifiers", "resumptionToken": token}).content
        )
        seen += [h.find("o:identifier", NS).text for h in root.findall(".//o:header", NS)]
        token = root.find(".//o:resumptionToken", NS).text
    assert len(set(seen)) == 19
