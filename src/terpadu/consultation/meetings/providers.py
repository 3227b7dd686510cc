"""Video-meeting providers behind one interface: Jitsi (default, no account) and Zoom (when configured).

Zoom uses a Server-to-Server OAuth app: `POST {ZOOM_OAUTH_URL}?grant_type=account_credentials&
account_id=...` with HTTP Basic client id and secret gives an access token (kept in the cache until
a minute before it expires, so every app node shares it), then `POST {ZOOM_API_BASE}/users/me/meetings`
creates a scheduled meeting. Both base URLs are settings, so tests talk to a local server.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

JITSI = "jitsi"
ZOOM = "zoom"


class ProviderError(Exception):
    """The provider refused or could not be reached; the message is meant for the consultant."""


@dataclass(frozen=True)
class CreatedMeeting:
    join_url: str
    external_id: str = ""
    passcode: str = ""


class VideoProvider(Protocol):
    name: str

    def create_meeting(
        self, *, topic: str, starts_at: dt.datetime, duration_minutes: int, time_zone: str
    ) -> CreatedMeeting: ...

    def cancel_meeting(self, external_id: str) -> None:
        """Tell the provider the meeting is off."""


class JitsiProvider:
    """A room on a Jitsi server: the unguessable room name is the only key, no account needed."""

    name = JITSI

    def __init__(self, base_url: str = "https://meet.jit.si") -> None:
        self.base_url = base_url.rstrip("/")

    def create_meeting(self, *, topic, starts_at, duration_minutes, time_zone) -> CreatedMeeting:
        room = f"PST-BPS-{secrets.token_urlsafe(18).replace('_', 'x').replace('-', 'y')}"
        return CreatedMeeting(join_url=f"{self.base_url}/{room}", external_id=room)

    def cancel_meeting(self, external_id: str) -> None:
        """A room link has nothing to cancel: it is simply no longer shared."""


class ZoomProvider:
    name = ZOOM

    def __init__(
        self,
        *,
        account_id: str,
        client_id: str,
        client_secret: str,
        oauth_url: str = "https://zoom.us/oauth/token",
        api_base: str = "https://api.zoom.us/v2",
        timeout: float = 10,
    ) -> None:
        self.account_id = account_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.oauth_url = oauth_url
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout

    # -- HTTP -----------------------------------------------------------------------------------

    def _request(
        self, method: str, url: str, *, headers: dict, body: bytes | None = None
    ) -> tuple[int, dict]:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - https or a configured base
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
                return response.status, json.loads(raw) if raw else {}
        except urllib.error.HTTPError as exc:
            try:
                payload = json.loads(exc.read() or b"{}")
            except ValueError:
                payload = {}
            return exc.code, payload if isinstance(payload, dict) else {}
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            logger.warning("Zoom unreachable: %s", exc)
            raise ProviderError(_("Zoom could not be reached; try again later or use Jitsi.")) from exc
        except ValueError as exc:
            raise ProviderError(_("Zoom answered with something that is not JSON.")) from exc

    # -- token ----------------------------------------------------------------------------------

    def _cache_key(self) -> str:
        digest = hashlib.sha256(f"{self.oauth_url}|{self.account_id}|{self.client_id}".encode()).hexdigest()
        return f"zoom-token:{digest[:32]}"

    def access_token(self, *, fresh: bool = False) -> str:
        key = self._cache_key()
        if not fresh and (token := cache.get(key)):
            return token
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        query = urllib.parse.urlencode({"grant_type": "account_credentials", "account_id": self.account_id})
        status, payload = self._request(
            "POST",
            f"{self.oauth_url}?{query}",
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
        )
        token = payload.get("access_token")
        if status != 200 or not token:
            reason = payload.get("reason") or payload.get("error") or status
            raise ProviderError(
                _(
                    "Zoom refused the account credentials (%(reason)s): check ZOOM_ACCOUNT_ID, "
                    "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET."
                )
                % {"reason": reason}
            )
        expires_in = int(payload.get("expires_in") or 3600)
        # Kept until a minute before Zoom's expiry, so a token is never used as it runs out.
        cache.set(key, token, timeout=max(1, expires_in - 60))
        return token

    # -- meetings -------------------------------------------------------------------------------

    def create_meeting(self, *, topic, starts_at, duration_minutes, time_zone) -> CreatedMeeting:
        body = json.dumps(
            {
                "topic": topic[:200],
                "type": 2,  # a scheduled meeting
                "start_time": starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "duration": duration_minutes,
                "timezone": time_zone,
                "settings": {"join_before_host": False, "waiting_room": True},
            }
        ).encode()
        for attempt in range(2):
            token = self.access_token(fresh=attempt > 0)
            status, payload = self._request(
                "POST",
                f"{self.api_base}/users/me/meetings",
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                },
                body=body,
            )
            if status == 401 and attempt == 0:
                cache.delete(self._cache_key())  # revoked or expired early: one fresh token, once
                continue
            break
        if status not in (200, 201) or not payload.get("join_url"):
            raise ProviderError(
                _("Zoom did not create the meeting (%(status)s: %(message)s).")
                % {"status": status, "message": payload.get("message") or _("no reason given")}
            )
        return CreatedMeeting(
            join_url=payload["join_url"],
            external_id=str(payload.get("id") or ""),
            passcode=str(payload.get("password") or ""),
        )

    def cancel_meeting(self, external_id: str) -> None:
        if not external_id:
            return
        token = self.access_token()
        status, payload = self._request(
            "DELETE",
            f"{self.api_base}/meetings/{urllib.parse.quote(external_id)}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        if status not in (200, 204, 404):
            raise ProviderError(
                _("Zoom did not cancel the meeting (%(status)s: %(message)s).")
                % {"status": status, "message": payload.get("message") or _("no reason given")}
            )


def zoom_configured() -> bool:
    return all(
        getattr(settings, name, "") for name in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")
    )


def available() -> list[str]:
    """Jitsi always; Zoom when its three credentials are set."""
    return [JITSI, ZOOM] if zoom_configured() else [JITSI]


def get(name: str) -> VideoProvider:
    if name == JITSI:
        return JitsiProvider(getattr(settings, "JITSI_BASE_URL", "") or "https://meet.jit.si")
    if name == ZOOM and zoom_configured():
        return ZoomProvider(
            account_id=settings.ZOOM_ACCOUNT_ID,
            client_id=settings.ZOOM_CLIENT_ID,
            client_secret=settings.ZOOM_CLIENT_SECRET,
            oauth_url=getattr(settings, "ZOOM_OAUTH_URL", "") or "https://zoom.us/oauth/token",
            api_base=getattr(settings, "ZOOM_API_BASE", "") or "https://api.zoom.us/v2",
            timeout=getattr(settings, "ZOOM_TIMEOUT", 10),
        )
    raise ProviderError(_("This video-meeting provider is not available here."))
