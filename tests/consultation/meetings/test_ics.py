"""The .ics writer: RFC 5545 folding and escaping, and UTC times for units in WIB, WITA and WIT."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from terpadu.lib import ics
from tests.consultation.meetings.conftest import parse_ics, unescape


def event(zone="Asia/Makassar", **overrides):
    tz = ZoneInfo(zone)
    values = {
        "uid": "abc@terpadu",
        "start": dt.datetime(2026, 6, 9, 10, 0, tzinfo=tz),
        "end": dt.datetime(2026, 6, 9, 10, 30, tzinfo=tz),
        "summary": "Konsultasi statistik (tatap muka) di BPS Kabupaten Majene",
        "description": "Kode janji: K7P2QX; bawa KTP, ya.\nSampai jumpa\\terima kasih",
        "location": "BPS Kabupaten Majene, Jl. Poros Majene–Mamuju No. 1, 91411",
        "organizer_email": "pst@bps.go.id",
        "organizer_name": "BPS Kabupaten Majene",
        "attendees": (("warga@example.com", "Siti Warga"),),
    }
    values.update(overrides)
    return ics.Event(**values)


@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [
        ("Asia/Jakarta", "20260609T030000Z", "20260609T033000Z"),  # WIB, UTC+7
        ("Asia/Makassar", "20260609T020000Z", "20260609T023000Z"),  # WITA, UTC+8
        ("Asia/Jayapura", "20260609T010000Z", "20260609T013000Z"),  # WIT, UTC+9
    ],
)
def test_ten_o_clock_in_each_indonesian_zone_is_written_in_utc(zone, start, end):
    text = ics.calendar([event(zone)], method="REQUEST", now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    [parsed] = parse_ics(text)
    assert (parsed["DTSTART"], parsed["DTEND"]) == (start, end)
    assert parsed["DTSTAMP"] == "20260601T000000Z"


def test_the_calendar_round_trips_through_a_parser():
    text = ics.calendar([event()], method="REQUEST")
    assert text.startswith("BEGIN:VCALENDAR\r\nPRODID:")
    assert "\r\nVERSION:2.0\r\n" in text
    assert "\r\nMETHOD:REQUEST\r\n" in text
    assert text.endswith("END:VCALENDAR\r\n")
    [parsed] = parse_ics(text)
    original = event()
    assert parsed["UID"] == "abc@terpadu"
    assert unescape(parsed["SUMMARY"]) == original.summary
    assert unescape(parsed["DESCRIPTION"]) == original.description
    assert unescape(parsed["LOCATION"]) == original.location
    for escaped in ("\\;", "\\,", "\\n"):
        assert escaped in parsed["DESCRIPTION"]
    assert parsed["ORGANIZER"] == "mailto:pst@bps.go.id"
    assert parsed["ATTENDEE"] == "mailto:warga@example.com"
    assert "CN=Siti Warga" in parsed["ATTENDEE/params"]


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    description = "Pertemuan konsultasi statistik — data kemiskinan Kabupaten Majene " * 6
    text = ics.calendar([event(description=description)])
    assert "\r\n " in text  # folded
    [parsed] = parse_ics(text)  # asserts every physical line is at most 75 octets
    # Unfolding gives the text back: no fold split the multi-octet dash.
    assert unescape(parsed["DESCRIPTION"]) == description


def test_naive_times_and_empty_events_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        ics.calendar([event(start=dt.datetime(2026, 6, 9, 10), end=dt.datetime(2026, 6, 9, 11))])  # noqa: DTZ001
    with pytest.raises(ValueError, match="end after it starts"):
        event(end=dt.datetime(2026, 6, 9, 9, 0, tzinfo=ZoneInfo("Asia/Makassar")))


def test_a_cancelled_event_says_so():
    [parsed] = parse_ics(ics.calendar([event(status="CANCELLED", sequence=1)], method="CANCEL"))
    assert parsed["STATUS"] == "CANCELLED"
    assert parsed["SEQUENCE"] == "1"
