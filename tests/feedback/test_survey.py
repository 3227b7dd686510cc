"""The survey behind its single-use link: answered once, bad answers refused with clear errors and
nothing stored, on the page and through the API."""

import datetime as dt

import pytest
from django.utils import timezone

from terpadu.feedback.models import SurveyInvitation, SurveyResponse
from tests.conftest import api_as  # noqa: F401

from .conftest import filled, make_invitation

pytestmark = pytest.mark.django_db


def api_post(client, token, data):
    return client.post(f"/api/v1/surveys/{token}/", data, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_api_answer_once_then_409(api_client, invitation_a, consultant_a):
    invitation, token = invitation_a
    invitation.staff = consultant_a
    invitation.save()
    response = api_post(
        api_client, token, filled(staff_rating=5, comment="Cepat dan ramah", asked_for_money=False)
    )
    assert response.status_code == 201, response.content
    stored = SurveyResponse.objects.get()
    assert stored.answers == {"u1": 4, "u2": 4, "u3": 3, "u4": 3, "u5": 4, "u6": 4, "u7": 4, "u8": 3, "u9": 3}
    assert (stored.unit, stored.service, stored.staff) == (invitation.unit, "library", consultant_a)
    assert stored.staff_rating == 5
    assert stored.asked_for_money is False
    assert stored.offered_gift is None

    again = api_post(api_client, token, filled())
    assert again.status_code == 409
    assert "already been answered" in again.json()["detail"]
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ((0, 4, 4, 4, 4, 4, 4, 4, 4), "u1", "must be 1, 2, 3 or 4, not 0"),
        ((4, 4, 4, 4, 5, 4, 4, 4, 4), "u5", "must be 1, 2, 3 or 4, not 5"),
    ],
)
def test_api_answer_out_of_range_is_refused(api_client, invitation_a, values, field, message):
    _invitation, token = invitation_a
    response = api_post(api_client, token, filled(values))
    assert response.status_code == 400
    assert message in response.json()["errors"][field][0]
    assert SurveyResponse.objects.count() == 0
    assert SurveyInvitation.objects.get().used_at is None


def test_api_missing_element_is_refused_with_its_name(api_client, invitation_a):
    _invitation, token = invitation_a
    data = filled()
    del data["answers"]["u3"]
    response = api_post(api_client, token, data)
    assert response.status_code == 400
    assert response.json()["errors"]["u3"] == ["U3 (Completion time): please choose an answer."]
    assert SurveyResponse.objects.count() == 0


def test_api_bad_optional_answers_are_refused(api_client, invitation_a):
    _invitation, token = invitation_a
    response = api_post(api_client, token, filled(staff_rating=6, gender="robot", answers_extra=1))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"staff_rating", "gender"}
    assert SurveyResponse.objects.count() == 0


def test_unknown_and_expired_links(api_client, unit_a):
    assert api_post(api_client, "not-a-token", filled()).status_code == 404
    _invitation, token = make_invitation(unit_a, now=timezone.now() - dt.timedelta(days=31))
    response = api_post(api_client, token, filled())
    assert response.status_code == 410
    assert SurveyResponse.objects.count() == 0


def test_token_is_stored_only_hashed(invitation_a):
    invitation, token = invitation_a
    row = SurveyInvitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in str(row.values())


def test_page_survey_then_second_use_says_so(client, invitation_a):
    _invitation, token = invitation_a
    page = client.get(f"/survei/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="id">' in html  # Indonesian first (the wording is checked by test_translations)
    assert html.count('class="survey-element') == 9
    assert html.count('type="radio" name="u4"') == 4
    post = {f"u{i}": "3" for i in range(1, 10)} | {
        "staff_rating": "4",
        "comment": "Baik",
        "offered_gift": "no",
    }
    response = client.post(f"/survei/{token}/", post)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    stored = SurveyResponse.objects.get()
    assert stored.staff_rating == 4
    assert stored.offered_gift is False
    assert stored.comment == "Baik"

    second = client.get(f"/survei/{token}/")
    assert second.status_code == 409
    assert 'data-reason="used"' in second.content.decode()
    assert client.post(f"/survei/{token}/", post).status_code == 409
    assert SurveyResponse.objects.count() == 1


def test_page_missing_and_out_of_range_answers_show_errors_and_keep_the_rest(client, invitation_a):
    _invitation, token = invitation_a
    post = {f"u{i}": "4" for i in range(1, 9)} | {"u2": "5", "comment": "Ruang baca sempit"}
    response = client.post(f"/survei/{token}/", post)
    assert response.status_code == 400
    html = response.content.decode()
    assert "U9" in html
    assert "U2" in html
    assert "Ruang baca sempit" in html  # what was typed stays
    assert SurveyResponse.objects.count() == 0
