"""The integration API: opening, reading, chatting and staff actions, scoped per person and unit."""

import pytest
from django.utils import timezone

from terpadu.consultation import services
from terpadu.consultation.models import Consultation, ConsultationEvent, KnowledgeArticle, Message
from terpadu.units.models import StaffRole
from tests.conftest import api_as, make_staff, make_user

from .conftest import open_consultation


def counts():
    return (Consultation.objects.count(), Message.objects.count(), ConsultationEvent.objects.count())


def test_open_read_and_chat(unit_b, standard_b, public_user):
    client = api_as(public_user)
    response = client.post(
        "/api/v1/consultations/",
        {"unit": "8200", "topic": "Inflasi Ternate", "description": "Inflasi 2025?"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "number", "status"}
    assert body["status"] == "open"
    assert body["number"].startswith(f"K8200-{timezone.now().astimezone(unit_b.zone).year}-")

    detail = client.get(f"/api/v1/consultations/{body['id']}/").json()
    for key in (
        "status",
        "channel",
        "clock_started_at",
        "due_at",
        "answered_at",
        "closed_at",
        "close_reason",
    ):
        assert key in detail
    assert detail["channel"] == "web"
    assert detail["due_at"] is None

    posted = client.post(
        f"/api/v1/consultations/{body['id']}/messages/", {"body": "Per bulan, ya."}, format="json"
    )
    assert posted.status_code == 201
    messages = client.get(f"/api/v1/consultations/{body['id']}/messages/").json()
    assert [m["body"] for m in messages] == ["Inflasi 2025?", "Per bulan, ya."]
    after = client.get(f"/api/v1/consultations/{body['id']}/messages/?after={messages[0]['id']}").json()
    assert [m["id"] for m in after] == [messages[1]["id"]]
    assert [c["id"] for c in client.get("/api/v1/consultations/").json()] == [body["id"]]


def test_numbers_count_per_unit_and_year(unit_a, unit_b, public_user):
    first = open_consultation(unit_a, public_user)
    second = open_consultation(unit_a, public_user)
    other = open_consultation(unit_b, public_user)
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.number != other.number


def test_staff_actions_and_due_time_with_the_units_offset(unit_b, standard_b, public_user, staff_b):
    consultation = open_consultation(unit_b, public_user)
    staff = api_as(staff_b)
    response = staff.post(f"/api/v1/consultations/{consultation.pk}/mark-clear/")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "clear"
    assert data["due_at"].endswith("16:00:00+09:00") or data["due_at"].endswith("16:30:00+09:00")
    assert data["clock_started_at"].endswith("+09:00")

    response = staff.post(
        f"/api/v1/consultations/{consultation.pk}/request-clarification/",
        {"body": "Bulan apa?"},
        format="json",
    )
    assert response.json()["status"] == "awaiting_clarification"
    assert response.json()["clock_paused"] is True
    api_as(public_user).post(
        f"/api/v1/consultations/{consultation.pk}/messages/", {"body": "Januari."}, format="json"
    )
    staff.post(
        f"/api/v1/consultations/{consultation.pk}/messages/",
        {"body": "Catatan", "internal": True},
        format="json",
    )
    user_view = api_as(public_user).get(f"/api/v1/consultations/{consultation.pk}/messages/").json()
    assert "Catatan" not in [m["body"] for m in user_view]
    staff.post(
        f"/api/v1/consultations/{consultation.pk}/messages/", {"body": "Ini jawabannya."}, format="json"
    )
    assert staff.get(f"/api/v1/consultations/{consultation.pk}/").json()["status"] == "answered"
    closed = staff.post(f"/api/v1/consultations/{consultation.pk}/close/").json()
    assert closed["status"] == "closed"
    assert closed["close_reason"] == "resolved"
    assert closed["closed_at"].endswith("+09:00")


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("get", "", None),
        ("get", "messages/", None),
        ("post", "messages/", {"body": "Halo"}),
        ("post", "mark-clear/", None),
        ("post", "request-clarification/", {"body": "Apa?"}),
        ("post", "close/", None),
    ],
)
def test_other_units_staff_and_other_users_get_404_and_nothing_changes(
    unit_a, standard_a, public_user, staff_b, method, suffix, data
):
    consultation = open_consultation(unit_a, public_user)
    stranger = make_user("lain@example.com", "Orang Lain")
    before = counts()
    for who in (staff_b, stranger):
        response = getattr(api_as(who), method)(
            f"/api/v1/consultations/{consultation.pk}/{suffix}", data, format="json"
        )
        assert response.status_code == 404, (who, response.content)
    assert counts() == before
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN


@pytest.mark.parametrize("suffix", ["mark-clear/", "request-clarification/", "close/"])
def test_the_owner_cannot_use_staff_actions(unit_a, standard_a, public_user, suffix):
    consultation = open_consultation(unit_a, public_user)
    before = counts()
    response = api_as(public_user).post(
        f"/api/v1/consultations/{consultation.pk}/{suffix}", {"body": "x"}, format="json"
    )
    assert response.status_code == 404
    assert counts() == before


def test_anonymous_gets_401_or_403(unit_a, public_user, api_client):
    consultation = open_consultation(unit_a, public_user)
    assert api_client.get(f"/api/v1/consultations/{consultation.pk}/").status_code in (401, 403)
    assert api_client.post(
        "/api/v1/consultations/", {"unit": "7601", "topic": "x", "description": "y"}
    ).status_code in (401, 403)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("<p></p>", "empty"),
        ("<script>alert(1)</script>", "Scripts"),
        ('<img src=x onerror="alert(1)">', "Scripts"),
        ('<a href="javascript:alert(1)">klik</a>', "Scripts"),
        ("x" * 10_001, "too long"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_stored(unit_a, public_user, body, message, settings):
    settings.LANGUAGE_CODE = "en"
    consultation = open_consultation(unit_a, public_user)
    before = counts()
    response = api_as(public_user).post(
        f"/api/v1/consultations/{consultation.pk}/messages/",
        {"body": body},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in str(response.json()["body"])
    assert counts() == before


def test_harmless_html_is_kept_escaped(unit_a, public_user):
    consultation = open_consultation(unit_a, public_user)
    response = api_as(public_user).post(
        f"/api/v1/consultations/{consultation.pk}/messages/",
        {"body": "a < b dan <b>tebal</b> <u>x</u>"},
        format="json",
    )
    assert response.json()["body"] == "a &lt; b dan <b>tebal</b> x"


@pytest.mark.parametrize(
    "data",
    [
        {"unit": "9999", "topic": "Inflasi", "description": "Data"},
        {"unit": "7601", "topic": "", "description": "Data"},
        {"unit": "7601", "topic": "Inflasi", "description": ""},
        {"unit": "7601", "topic": "Inflasi", "description": "<script>x</script>"},
        {"topic": "Inflasi", "description": "Data"},
    ],
)
def test_bad_openings_are_refused(unit_a, public_user, data):
    before = counts()
    response = api_as(public_user).post("/api/v1/consultations/", data, format="json")
    assert response.status_code == 400
    assert response.json()
    assert counts() == before


def test_closed_consultation_takes_no_more_messages(unit_a, standard_a, public_user, consultant_a):
    consultation = open_consultation(unit_a, public_user)
    services.consultation_close(consultation=consultation, actor=consultant_a)
    before = counts()
    response = api_as(public_user).post(
        f"/api/v1/consultations/{consultation.pk}/messages/", {"body": "Halo?"}, format="json"
    )
    assert response.status_code == 400
    assert counts() == before


def test_knowledge_search_is_indonesian_aware(unit_a, unit_b, consultant_a, staff_b, national):
    services.article_save(
        actor=consultant_a,
        unit=unit_a,
        question="Di mana data kemiskinan kabupaten?",
        answer_html='<p>Lihat <a href="https://x.id">garis kemiskinan</a>.</p><script>x()</script>',
        subjects=["Kemiskinan"],
        published=True,
    )
    services.article_save(
        actor=staff_b,
        unit=unit_b,
        question="Berapa inflasi Ternate?",
        answer_html="<p>Lihat BRS.</p>",
        published=True,
    )
    services.article_save(
        actor=consultant_a, unit=unit_a, question="Draf miskin", answer_html="<p>x</p>", published=False
    )
    article = KnowledgeArticle.objects.get(question__startswith="Di mana")
    assert "<script>" not in article.answer_html

    client = api_as(make_user("x@example.com", "X"))
    # "miskin" meets "kemiskinan" at the Snowball stem.
    results = client.get("/api/v1/knowledge/", {"q": "penduduk miskin"}).json()["results"]
    assert [r["question"] for r in results] == ["Di mana data kemiskinan kabupaten?"]
    # A typo still finds it.
    assert client.get("/api/v1/knowledge/", {"q": "kemiskinnan"}).json()["count"] == 1
    # Unit B's user looking in unit B sees unit B's and nation-wide articles only.
    assert client.get("/api/v1/knowledge/", {"q": "kemiskinan", "unit": "8200"}).json()["count"] == 0
    assert client.get("/api/v1/knowledge/", {"q": "inflasi", "unit": "8200"}).json()["count"] == 1
    assert client.get("/api/v1/knowledge/", {"q": "zzz"}).json()["count"] == 0
    assert client.get("/api/v1/knowledge/", {"q": "x", "unit": "0001"}).status_code == 400


def test_articles_only_for_own_unit(unit_a, unit_b, consultant_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.article_save(actor=consultant_a, unit=unit_b, question="Q", answer_html="A")
    with pytest.raises(ValidationError):
        services.article_save(actor=consultant_a, unit=None, question="Q", answer_html="A")
    assert KnowledgeArticle.objects.count() == 0


def test_inbox_api_filters_like_the_inbox_page(client, unit_a, unit_b, standard_a, public_user, consultant_a):
    from terpadu.consultation.forms import InboxFilterForm
    from terpadu.consultation.selectors import inbox_filtered

    from .conftest import WITA, local

    colleague = make_staff("konsul2.a@bps.go.id", "Bambang Konsultan", unit_a, StaffRole.Role.CONSULTANT)
    monday = local(WITA, 2026, 3, 16, 9, 0)
    mine = open_consultation(unit_a, public_user, topic="Kemiskinan Majene", now=monday)
    theirs = open_consultation(unit_a, public_user, topic="Penduduk", now=monday)
    waiting = open_consultation(unit_a, public_user, topic="Ekspor", now=monday)
    done = open_consultation(unit_a, public_user, topic="Upah", now=monday)
    other_unit = open_consultation(unit_b, public_user, topic="Inflasi Ternate", now=monday)
    services.consultation_mark_clear(consultation=mine, actor=consultant_a, now=monday)
    services.consultation_mark_clear(consultation=theirs, actor=colleague, now=monday)
    services.consultation_close(consultation=done, actor=consultant_a, now=monday)
    wa = services.consultation_open(
        user=public_user, unit=unit_a, topic="Upah", description="Upah?", channel="whatsapp", now=monday
    )
    api = api_as(consultant_a)

    def numbers(**params):
        response = api.get("/api/v1/consultations/", {"inbox": 1, **params})
        assert response.status_code == 200, response.content
        return {c["number"] for c in response.json()}

    assert numbers() == {mine.number, theirs.number, waiting.number, wa.number}  # not closed, own unit
    assert other_unit.number not in numbers(status="all")
    assert done.number in numbers(status="all")
    assert numbers(status="closed") == {done.number}
    assert numbers(mine=1) == {mine.number}
    assert numbers(unassigned=1) == {waiting.number, wa.number}
    assert numbers(channel="whatsapp") == {wa.number}
    assert numbers(q="kemiskinan") == {mine.number}
    assert numbers(q=theirs.number) == {theirs.number}
    # Mon 16 Mar cleared: due end of Thu 19 Mar, long past now.
    assert numbers(overdue=1) == {mine.number, theirs.number}
    assert numbers(due_soon=1) == set()
    assert numbers(overdue=1, mine=1) == {mine.number}

    # The same selector and form as the page: the page with the same filters lists the same rows.
    form = InboxFilterForm({"assigned": "none"})
    assert form.is_valid()
    page_rows = {c.number for c in inbox_filtered(user=consultant_a, filters=form.cleaned_data)}
    assert page_rows == numbers(unassigned=1)
    client.force_login(consultant_a)
    page = client.get("/konsultasi/kotak-masuk/", {"assigned": "none"}).content.decode()
    assert all(n in page for n in page_rows)
    assert mine.number not in page

    bad = api.get("/api/v1/consultations/", {"inbox": 1, "status": "lost"})
    assert bad.status_code == 400
    assert "status" in bad.json()
    assert api.get("/api/v1/consultations/", {"inbox": 1, "mine": 1, "unassigned": 1}).status_code == 400
    assert api.get("/api/v1/consultations/", {"inbox": 1, "due_soon": 1, "overdue": 1}).status_code == 400
    # A user asking for an inbox gets none.
    assert api_as(public_user).get("/api/v1/consultations/", {"inbox": 1}).json() == []
