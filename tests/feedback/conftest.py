"""Feedback fixtures: survey invitations for unit A and B, filled questionnaires, complaints."""

import pytest
from django.core.cache import cache

from terpadu.feedback import services
from terpadu.feedback.models import SourceKind, SurveyChannel
from tests.accounts.conftest import Inbox, body_of, link_in, smtp_inbox  # noqa: F401 - shared fixtures

_next_source = iter(range(1, 10**6))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def make_invitation(
    unit, *, service="library", staff=None, source_kind=SourceKind.TICKET, user=None, now=None
):
    invitation, _created = services.invitation_create(
        unit=unit,
        service=service,
        channel=SurveyChannel.KIOSK,
        source_kind=source_kind,
        source_id=next(_next_source),
        staff=staff,
        user=user,
        now=now,
    )
    return invitation, services.survey_token(invitation)


def filled(values=(4, 4, 3, 3, 4, 4, 4, 3, 3), **extra):
    data = {"answers": {f"u{i}": v for i, v in enumerate(values, start=1)}}
    data.update(extra)
    return data


@pytest.fixture
def invitation_a(unit_a):
    return make_invitation(unit_a)
