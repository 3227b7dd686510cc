"""OAI-PMH 2.0 data provider at /oai: the six verbs, oai_dc, sets by unit and by subject.

Lists are paged by keyset on (updated_at, id) — the datestamp order — and the resumption token
carries the last key seen, so page 1,500 costs what page 1 costs. Tokens are opaque (base64 of
a small JSON) and need no server state, so any app node can continue any harvest.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import xml.etree.ElementTree as ET  # noqa: S405 - we only build XML here, never parse input
from urllib.parse import urlparse

from django.conf import settings
from django.db.models import Min, Prefetch, Q
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Publication, Subject
from .models.catalogue import Subject as SubjectModel

PAGE_SIZE = 100
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
ET.register_namespace("", OAI_NS)
ET.register_namespace("xsi", XSI_NS)
ET.register_namespace("oai_dc", OAI_DC_NS)
ET.register_namespace("dc", DC_NS)

FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS),
}
VERB_ARGS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def repository_host() -> str:
    return urlparse(settings.SITE_URL).hostname or "terpadu.local"


def oai_identifier(pub_id: int) -> str:
    return f"oai:{repository_host()}:publication/{pub_id}"


def _parse_identifier(identifier: str) -> int:
    prefix = f"oai:{repository_host()}:publication/"
    if identifier.startswith(prefix) and identifier[len(prefix) :].isdigit():
        return int(identifier[len(prefix) :])
    raise OaiError("idDoesNotExist", "No record has this identifier.")


def _datestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(value: str, *, end: bool) -> tuple[dt.datetime, str]:
    for fmt, granularity in (("%Y-%m-%dT%H:%M:%SZ", "seconds"), ("%Y-%m-%d", "day")):
        try:
            moment = dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        if granularity == "day" and end:
            moment += dt.timedelta(days=1)
        elif end:
            moment += dt.timedelta(seconds=1)
        return moment, granularity
    raise OaiError("badArgument", f"Not a UTC datestamp: {value!r}.")


def _published() -> Q:
    return Q(is_published=True)


# --- the endpoint ---------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request):
    data = request.GET if request.method == "GET" else request.POST
    base_url = request.build_absolute_uri(reverse("library:oai"))
    root = ET.Element(f"{{{OAI_NS}}}OAI-PMH")
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    ET.SubElement(root, f"{{{OAI_NS}}}responseDate").text = _datestamp(dt.datetime.now(dt.UTC))
    request_el = ET.SubElement(root, f"{{{OAI_NS}}}request")
    request_el.text = base_url
    verb = data.get("verb", "")
    try:
        if any(len(data.getlist(key)) > 1 for key in data):
            raise OaiError("badArgument", "An argument is repeated.")
        if verb not in VERB_ARGS:
            raise OaiError("badVerb", "Illegal or missing verb.")
        args = {k: v for k, v in data.items() if k != "verb"}
        required, optional = VERB_ARGS[verb]
        if "resumptionToken" in args and verb in ("ListIdentifiers", "ListRecords", "ListSets"):
            if set(args) != {"resumptionToken"}:
                raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        else:
            missing = required - set(args)
            if missing:
                raise OaiError("badArgument", f"Missing argument(s): {', '.join(sorted(missing))}.")
        unknown = set(args) - required - optional
        if unknown:
            raise OaiError("badArgument", f"Illegal argument(s): {', '.join(sorted(unknown))}.")
        request_el.set("verb", verb)
        for key, value in args.items():
            request_el.set(key, value)
        body = HANDLERS[verb](args, base_url)
        root.append(body)
    except OaiError as exc:
        if exc.code in ("badVerb", "badArgument"):
            request_el.attrib.clear()
        error = ET.SubElement(root, f"{{{OAI_NS}}}error", {"code": exc.code})
        error.text = exc.message
    xml = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        root, encoding="utf-8", xml_declaration=False
    )
    return HttpResponse(xml, content_type="text/xml; charset=utf-8")


def _el(parent, tag: str, text: str | None = None, ns: str = OAI_NS, **attrs):
    el = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


# --- verbs ----------------------------------------------------------------------------------------


def identify(args, base_url):
    el = ET.Element(f"{{{OAI_NS}}}Identify")
    _el(el, "repositoryName", "Perpustakaan PST BPS (Terpadu)")
    _el(el, "baseURL", base_url)
    _el(el, "protocolVersion", "2.0")
    _el(el, "adminEmail", getattr(settings, "LIBRARY_OAI_ADMIN_EMAIL", "pst@bps.go.id"))
    earliest = Publication.objects.filter(_published()).aggregate(m=Min("updated_at"))["m"]
    _el(el, "earliestDatestamp", _datestamp(earliest or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    _el(el, "deletedRecord", "no")
    _el(el, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    return el


def list_metadata_formats(args, base_url):
    if "identifier" in args:
        _get_publication(args["identifier"])
    el = ET.Element(f"{{{OAI_NS}}}ListMetadataFormats")
    for prefix, (schema, namespace) in FORMATS.items():
        fmt = _el(el, "metadataFormat")
        _el(fmt, "metadataPrefix", prefix)
        _el(fmt, "schema", schema)
        _el(fmt, "metadataNamespace", namespace)
    return el


def list_sets(args, base_url):
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "Sets are listed in one response.")
    from terpadu.units.models import Unit

    el = ET.Element(f"{{{OAI_NS}}}ListSets")
    for spec, name in (("unit", "Unit BPS"), ("subject", "Subjek")):
        s = _el(el, "set")
        _el(s, "setSpec", spec)
        _el(s, "setName", name)
    unit_ids = Publication.objects.filter(_published()).values("unit_id")
    for unit in Unit.objects.filter(id__in=unit_ids).order_by("code"):
        s = _el(el, "set")
        _el(s, "setSpec", f"unit:{unit.code}")
        _el(s, "setName", unit.name)
    for subject in SubjectModel.objects.filter(publications__is_published=True).distinct().order_by("slug"):
        s = _el(el, "set")
        _el(s, "setSpec", f"subject:{subject.slug}")
        _el(s, "setName", subject.name)
    return el


def _get_publication(identifier: str) -> Publication:
    pub_id = _parse_identifier(identifier)
    pub = (
        Publication.objects.filter(_published(), pk=pub_id)
        .select_related("unit", "series")
        .prefetch_related("subjects")
        .first()
    )
    if pub is None:
        raise OaiError("idDoesNotExist", "No record has this identifier.")
    return pub


def get_record(args, base_url):
    if args["metadataPrefix"] not in FORMATS:
        raise OaiError("cannotDisseminateFormat", "Only oai_dc is offered.")
    pub = _get_publication(args["identifier"])
    el = ET.Element(f"{{{OAI_NS}}}GetRecord")
    _record(el, pub)
    return el


def _encode_token(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_token(token: str) -> dict:
    try:
        padded = token + "=" * (-len(token) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(state, dict) or state.get("m") not in FORMATS:
            raise ValueError
        dt.datetime.fromisoformat(state["t"])
        int(state["i"])
        return state
    except (ValueError, KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise OaiError("badResumptionToken", "The resumption token is invalid.") from None


def _list(args, *, with_records: bool):
    if "resumptionToken" in args:
        state = _decode_token(args["resumptionToken"])
    else:
        if args["metadataPrefix"] not in FORMATS:
            raise OaiError("cannotDisseminateFormat", "Only oai_dc is offered.")
        state = {
            "m": args["metadataPrefix"],
            "s": args.get("set", ""),
            "f": args.get("from", ""),
            "u": args.get("until", ""),
            "t": None,
            "i": 0,
        }
    qs = Publication.objects.filter(_published())
    granularities = set()
    if state["f"]:
        start, g = _parse_date(state["f"], end=False)
        granularities.add(g)
        qs = qs.filter(updated_at__gte=start)
    if state["u"]:
        stop, g = _parse_date(state["u"], end=True)
        granularities.add(g)
        qs = qs.filter(updated_at__lt=stop)
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity.")
    if (
        state["f"]
        and state["u"]
        and _parse_date(state["f"], end=False)[0] >= _parse_date(state["u"], end=True)[0]
    ):
        raise OaiError("badArgument", "from is after until.")
    spec = state["s"]
    if spec:
        kind, _, value = spec.partition(":")
        if kind == "unit" and value:
            qs = qs.filter(unit__code=value)
        elif kind == "subject" and value:
            qs = qs.filter(subjects__slug=value)
        elif spec not in ("unit", "subject"):
            raise OaiError("badArgument", f"Unknown set {spec!r}.")
    if state["t"]:
        last = dt.datetime.fromisoformat(state["t"])
        qs = qs.filter(Q(updated_at__gt=last) | Q(updated_at=last, id__gt=int(state["i"])))
    page = list(
        qs.select_related("unit", "series")
        .prefetch_related(Prefetch("subjects", queryset=Subject.objects.order_by("slug")))
        .order_by("updated_at", "id")[: PAGE_SIZE + 1]
    )
    if not page and not state["t"]:
        raise OaiError("noRecordsMatch", "No records match.")
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    el = ET.Element(f"{{{OAI_NS}}}{'ListRecords' if with_records else 'ListIdentifiers'}")
    for pub in page:
        if with_records:
            _record(el, pub)
        else:
            _header(el, pub)
    if more:
        last = page[-1]
        token = _encode_token({**state, "t": last.updated_at.isoformat(), "i": last.pk})
        _el(el, "resumptionToken", token)
    elif state["t"]:
        _el(el, "resumptionToken", "")  # the last page of a resumed list
    return el


def list_identifiers(args, base_url):
    return _list(args, with_records=False)


def list_records(args, base_url):
    return _list(args, with_records=True)


def _header(parent, pub: Publication):
    header = _el(parent, "header")
    _el(header, "identifier", oai_identifier(pub.pk))
    _el(header, "datestamp", _datestamp(pub.updated_at))
    _el(header, "setSpec", f"unit:{pub.unit.code}")
    for subject in pub.subjects.all():
        _el(header, "setSpec", f"subject:{subject.slug}")
    return header


def _record(parent, pub: Publication):
    record = _el(parent, "record")
    _header(record, pub)
    metadata = _el(record, "metadata")
    dc = ET.SubElement(metadata, f"{{{OAI_DC_NS}}}dc")
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")

    def add(tag, value):
        if value:
            _el(dc, tag, str(value), ns=DC_NS)

    add("title", pub.full_title)
    add("creator", pub.unit.name)
    for subject in pub.subjects.all():
        add("subject", subject.name)
    add("description", pub.abstract)
    add("publisher", "Badan Pusat Statistik")
    add("date", str(pub.release_date or pub.year))
    add("type", "Text")
    add("format", "application/pdf")
    add("identifier", f"{settings.SITE_URL}{reverse('library:publication', args=[pub.pk])}")
    if pub.catalogue_number:
        add("identifier", f"No. Katalog {pub.catalogue_number}")
    if pub.publication_number:
        add("identifier", f"No. Publikasi {pub.publication_number}")
    if pub.issn:
        add("identifier", f"ISSN {pub.issn}")
    if pub.isbn:
        add("identifier", f"ISBN {pub.isbn}")
    add("language", {"id": "ind", "en": "eng", "id-en": "ind"}.get(pub.language, "ind"))
    if pub.series_id:
        add("relation", pub.series.name)
    add("rights", "Hak cipta Badan Pusat Statistik")
    return record


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
