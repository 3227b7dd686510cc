import io

import pytest

from terpadu.feedback import demo, selectors
from terpadu.feedback.models import Complaint, SurveyResponse
from tests.conftest import make_staff
from tests.frontdesk.conftest import publish_walk_in_standard

pytestmark = pytest.mark.django_db


def test_demo_gives_months_of_responses_and_complaints_in_several_states_once(unit_a):
    make_staff("admin.demo@bps.go.id", "Admin", unit_a, "unit_admin")
    make_staff("front.demo@bps.go.id", "Front", unit_a, "frontliner")
    publish_walk_in_standard(unit_a, "library", 5, "guest_book_entry")
    demo.load(io.StringIO())
    responses = SurveyResponse.objects.filter(unit=unit_a)
    assert responses.count() > 80
    months = {r.submitted_at.strftime("%Y-%m") for r in responses}
    assert len(months) >= 5
    assert {c.status for c in Complaint.objects.filter(unit=unit_a)} >= {
        "received",
        "in_progress",
        "answered",
        "closed",
    }
    assert Complaint.objects.filter(lapor_tracking_id__gt="").exists()
    result = selectors.ikm_for(unit=unit_a, period=selectors.parse_period(unit_a, "2000-01-01", "2100-01-01"))
    assert result.grade in {"A", "B", "C"}
    counts = (SurveyResponse.objects.count(), Complaint.objects.count())
    demo.load(io.StringIO())
    assert (SurveyResponse.objects.count(), Complaint.objects.count()) == counts
