"""Video meetings: a Jitsi room link by default, Zoom through its API (server-to-server OAuth) when
configured, tested against a local server speaking Zoom's JSON; provider errors store nothing."""

import base64
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from terpadu.consultation.meetings import providers, services
from terpadu.consultation.meetings.models import Meeting
from tests.consultation.meetings.conftest import parse_ics, unescape

WITA = ZoneInfo("Asia/Makassar")
NOW = dt.datetime(2026, 6, 8, 8, 0, tzinfo=WITA)
STARTS = dt.datetime(2026, 6, 9, 13, 0, tzinfo=WITA)


def propose(consultation, actor, provider="jitsi", starts_at=STARTS, minutes=45):
    return services.meeting_propose(
        consultation=consultation,
        actor=actor,
        provider=provider,
        starts_at=starts_at,
        duration_minutes=minutes,
        now=NOW,
    )


def calendar_part(message):
    return next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)


def test_jitsi_gives_an_unguessable_room_link_posted_and_mailed_with_the_invitation(
    consultation_a, consultant_a, smtp_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = propose(consultation_a, consultant_a)
    other = propose(consultation_a, consultant_a, starts_at=STARTS + dt.timedelta(hours=1))
    assert meeting.provider == "jitsi"
    assert meeting.join_url.startswith("https://meet.jit.si/PST-BPS-")
    room = meeting.join_url.rsplit("/", 1)[1]
    assert len(room) >= 30
    assert other.join_url != meeting.join_url
    message = consultation_a.messages.filter(body__contains=meeting.join_url).get()
    assert "13:00 WITA" in message.body
    assert "45" in message.body
    mail = next(m for m in smtp_inbox.to("warga@example.com") if calendar_part(m))
    [event] = parse_ics(calendar_part(mail).get_content())
    assert event["DTSTART"] == "20260609T050000Z"
    assert event["DTEND"] == "20260609T054500Z"
    assert unescape(event["LOCATION"]) == meeting.join_url
    assert meeting.join_url in unescape(event["DESCRIPTION"])


def test_jitsi_base_url_is_a_setting(settings, consultation_a, consultant_a):
    settings.JITSI_BASE_URL = "https://jitsi.bps.go.id/"
    assert propose(consultation_a, consultant_a).join_url.startswith("https://jitsi.bps.go.id/PST-BPS-")


@pytest.mark.parametrize(
    ("starts_at", "minutes", "message"),
    [
        (dt.datetime(2026, 6, 9, 15, 45, tzinfo=WITA), 30, "within office hours"),  # ends after 16:00
        (dt.datetime(2026, 6, 9, 7, 0, tzinfo=WITA), 30, "within office hours"),
        (dt.datetime(2026, 6, 13, 10, 0, tzinfo=WITA), 30, "closed on that day"),  # Saturday
        (dt.datetime(2026, 6, 8, 7, 30, tzinfo=WITA), 30, "in the future"),
        (STARTS, 5, "15 to 180 minutes"),
    ],
)
def test_bad_times_are_refused_and_nothing_stored(consultation_a, consultant_a, starts_at, minutes, message):
    before = consultation_a.messages.count()
    with pytest.raises(ValidationError, match=message):
        propose(consultation_a, consultant_a, starts_at=starts_at, minutes=minutes)
    assert not Meeting.objects.exists()
    assert consultation_a.messages.count() == before


def test_zoom_is_offered_only_when_configured(settings, zoom):
    assert providers.available() == ["jitsi", "zoom"]
    settings.ZOOM_CLIENT_SECRET = ""
    assert providers.available() == ["jitsi"]


def test_zoom_token_is_fetched_once_and_the_meeting_created(zoom, consultation_a, consultant_a):
    first = propose(consultation_a, consultant_a, provider="zoom")
    second = propose(consultation_a, consultant_a, provider="zoom", starts_at=STARTS + dt.timedelta(hours=1))
    assert zoom.token_calls == 1  # the access token came from the cache the second time
    token_request = zoom.requests[0]
    assert token_request["query"] == {"grant_type": ["account_credentials"], "account_id": ["acct-1"]}
    assert token_request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"cid:csecret").decode()
    create = json.loads(zoom.requests[1]["body"])
    assert create["type"] == 2
    assert create["start_time"] == "2026-06-09T05:00:00Z"
    assert create["duration"] == 45
    assert create["timezone"] == "Asia/Makassar"
    assert consultation_a.number in create["topic"]
    assert zoom.requests[1]["headers"]["Authorization"] == "Bearer tok-1"
    assert first.join_url == "https://us05web.zoom.us/j/85746065432?pwd=abc"
    assert (first.external_id, first.passcode) == ("85746065432", "x7Yk2p")
    assert second.provider == "zoom"
    message = consultation_a.messages.filter(body__contains="us05web.zoom.us").first()
    assert "x7Yk2p" in message.body


def test_zoom_refusing_the_meeting_gives_a_clear_message_and_stores_nothing(
    zoom, consultation_a, consultant_a
):
    zoom.meeting_status = 400
    before = consultation_a.messages.count()
    with pytest.raises(ValidationError) as exc:
        propose(consultation_a, consultant_a, provider="zoom")
    assert "Zoom did not create the meeting (400: Invalid meeting start time.)" in exc.value.messages[0]
    assert not Meeting.objects.exists()
    assert consultation_a.messages.count() == before


def test_wrong_zoom_credentials_say_which_settings_to_check(settings, zoom, consultation_a, consultant_a):
    settings.ZOOM_CLIENT_SECRET = "wrong"
    with pytest.raises(ValidationError, match="ZOOM_CLIENT_SECRET"):
        propose(consultation_a, consultant_a, provider="zoom")
    assert not Meeting.objects.exists()


def test_an_expired_cached_token_is_replaced_once(zoom, consultation_a, consultant_a):
    propose(consultation_a, consultant_a, provider="zoom")
    zoom.token = "tok-2"  # Zoom revoked the cached token
    propose(consultation_a, consultant_a, provider="zoom", starts_at=STARTS + dt.timedelta(hours=1))
    assert zoom.token_calls == 2
    assert Meeting.objects.count() == 2


def test_zoom_unreachable_is_a_clear_error(settings, zoom, consultation_a, consultant_a):
    cache.clear()
    settings.ZOOM_OAUTH_URL = "http://127.0.0.1:9/oauth/token"  # discard port: nothing listens
    with pytest.raises(ValidationError, match="Zoom could not be reached"):
        propose(consultation_a, consultant_a, provider="zoom")
    assert not Meeting.objects.exists()


def test_the_meeting_page_for_staff_and_404_for_unit_b(client, zoom, consultation_a, consultant_a, staff_b):
    from django.utils import timezone

    from terpadu.units.calendar import unit_calendar

    unit = consultation_a.unit
    next_day = unit_calendar(unit).next_working_day(unit.local(timezone.now()).date())
    url = reverse("meetings:meeting-new", args=[consultation_a.pk])
    client.force_login(consultant_a)
    page = client.get(url).content.decode()
    assert 'value="zoom"' in page
    past = client.post(url, {"provider": "jitsi", "starts_at": "2020-06-09T10:00", "duration_minutes": "30"})
    assert "data-meeting-error" in past.content.decode()
    assert not Meeting.objects.exists()
    form = {"provider": "jitsi", "starts_at": f"{next_day.isoformat()}T10:00", "duration_minutes": "30"}
    assert client.post(url, form).status_code == 302
    # The consultant typed 10:00 in the unit's zone (WITA), whatever the server's zone.
    assert unit.local(Meeting.objects.get().starts_at).strftime("%H:%M") == "10:00"
    client.force_login(staff_b)
    assert client.get(url).status_code == 404
    assert client.post(url, form).status_code == 404
    assert Meeting.objects.count() == 1


def test_cancelling_a_zoom_meeting_deletes_it_there_and_tells_the_user(zoom, consultation_a, consultant_a):
    meeting = propose(consultation_a, consultant_a, provider="zoom")
    services.meeting_cancel(meeting=meeting, actor=consultant_a, now=NOW)
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert any(r.get("method") == "DELETE" and "85746065432" in r["path"] for r in zoom.requests)
    assert "dibatalkan" in consultation_a.messages.order_by("-id").first().body
