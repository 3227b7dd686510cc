"""A small iCalendar (RFC 5545) writer for one-event invitations; pure Python, no Django.

Only what an appointment or video-meeting invitation needs: VCALENDAR with one or more VEVENTs,
times in UTC (the "Z" form, which every calendar converts to the reader's zone), TEXT values
escaped (backslash, semicolon, comma, newline) and content lines folded at 75 octets without
splitting a UTF-8 character, joined with CRLF as the RFC requires.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["Event", "calendar", "escape_text", "fold", "format_utc"]

CRLF = "\r\n"
MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash first, then ; , and line breaks."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line into pieces of at most 75 octets, continued with CRLF + space (§3.1)."""
    if len(line.encode("utf-8")) <= MAX_LINE_OCTETS:
        return line
    pieces: list[str] = []
    current, size = [], 0
    limit = MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            # Continuation lines start with a space, which counts towards their 75 octets.
            current, size, limit = [], 0, MAX_LINE_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def format_utc(moment: dt.datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"iCalendar times must be timezone-aware, got naive {moment!r}.")
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _mailto(address: str) -> str:
    return f"mailto:{address}"


def _param(value: str) -> str:
    # A parameter value with : ; , must be quoted; a double quote cannot appear at all (§3.2).
    value = (value or "").replace('"', "'")
    return f'"{value}"' if any(c in value for c in ":;,") else value


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    organizer_email: str = ""
    organizer_name: str = ""
    attendees: tuple[tuple[str, str], ...] = field(default=())  # (email, name)
    sequence: int = 0
    status: str = "CONFIRMED"  # or CANCELLED
    stamp: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("An event must end after it starts.")

    def lines(self, *, now: dt.datetime) -> list[str]:
        lines = [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            f"DTSTAMP:{format_utc(self.stamp or now)}",
            f"DTSTART:{format_utc(self.start)}",
            f"DTEND:{format_utc(self.end)}",
            f"SEQUENCE:{int(self.sequence)}",
            f"STATUS:{self.status}",
            f"SUMMARY:{escape_text(self.summary)}",
        ]
        if self.description:
            lines.append(f"DESCRIPTION:{escape_text(self.description)}")
        if self.location:
            lines.append(f"LOCATION:{escape_text(self.location)}")
        if self.url:
            lines.append(f"URL:{self.url}")
        if self.organizer_email:
            cn = f";CN={_param(self.organizer_name)}" if self.organizer_name else ""
            lines.append(f"ORGANIZER{cn}:{_mailto(self.organizer_email)}")
        for email, name in self.attendees:
            cn = f";CN={_param(name)}" if name else ""
            lines.append(f"ATTENDEE{cn};ROLE=REQ-PARTICIPANT;RSVP=FALSE:{_mailto(email)}")
        lines.append("END:VEVENT")
        return lines


def calendar(
    events: Iterable[Event],
    *,
    method: str = "PUBLISH",
    prodid: str = "-//BPS-Statistics Indonesia//Terpadu PST//ID",
    now: dt.datetime | None = None,
) -> str:
    """The whole VCALENDAR object as text, CRLF line endings, each line folded."""
    now = now or dt.datetime.now(dt.UTC)
    lines = ["BEGIN:VCALENDAR", f"PRODID:{prodid}", "VERSION:2.0", "CALSCALE:GREGORIAN", f"METHOD:{method}"]
    for event in events:
        lines.extend(event.lines(now=now))
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
