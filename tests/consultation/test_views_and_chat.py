"""Pages (search-first form, live suggestions, deflection, chat page) and the chat WebSocket."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from terpadu.consultation import services
from terpadu.consultation.models import Consultation, Deflection, Message
from tests.conftest import make_user

from .conftest import Socket, open_consultation


@pytest.fixture
def article(unit_a, consultant_a):
    return services.article_save(
        actor=consultant_a,
        unit=unit_a,
        question="Bagaimana mendapatkan data kemiskinan Majene?",
        answer_html="<p>Unduh tabel garis kemiskinan di situs BPS Majene.</p>",
        subjects=["Kemiskinan"],
        published=True,
    )


def test_new_form_suggests_articles_live_and_records_deflection(client, unit_a, public_user, article):
    client.force_login(public_user)
    assert client.get("/konsultasi/baru/").status_code == 200
    response = client.get(
        "/konsultasi/saran/", {"topic": "angka miskin", "unit": "7601"}, HTTP_HX_REQUEST="true"
    )
    assert article.question in response.content.decode()
    response = client.post(
        f"/konsultasi/artikel/{article.pk}/terjawab/", {"q": "angka miskin", "unit": "7601"}
    )
    assert response.status_code == 200
    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.user, deflection.unit, deflection.query) == (
        article,
        public_user,
        unit_a,
        "angka miskin",
    )
    assert Consultation.objects.count() == 0


def test_open_from_the_form_and_chat_page(client, unit_a, standard_a, public_user):
    client.force_login(public_user)
    response = client.post("/konsultasi/baru/", {"unit": "7601", "topic": "IPM", "description": "IPM 2025?"})
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/konsultasi/{consultation.pk}/"
    page = client.get(f"/konsultasi/{consultation.pk}/").content.decode()
    assert consultation.number in page
    assert "IPM 2025?" in page
    client.post(f"/konsultasi/{consultation.pk}/", {"body": "Tambahan"})
    assert consultation.messages.count() == 2


def test_form_refuses_scripts_and_stores_nothing(client, unit_a, public_user):
    client.force_login(public_user)
    response = client.post(
        "/konsultasi/baru/", {"unit": "7601", "topic": "IPM", "description": "<script>x</script>"}
    )
    assert response.status_code == 200
    assert Consultation.objects.count() == 0


def test_pages_of_others_answer_404(client, unit_a, standard_a, public_user, staff_b):
    consultation = open_consultation(unit_a, public_user)
    for who in (staff_b, make_user("lain@example.com", "Lain")):
        client.force_login(who)
        assert client.get(f"/konsultasi/{consultation.pk}/").status_code == 404
        assert client.post(f"/konsultasi/{consultation.pk}/", {"body": "x"}).status_code == 404
        assert client.post(f"/konsultasi/{consultation.pk}/mark-clear/").status_code == 404
    assert consultation.messages.count() == 1


def test_consultant_marks_clear_on_the_page_and_sees_due_time_in_unit_zone(
    client, unit_a, standard_a, public_user, consultant_a
):
    consultation = open_consultation(unit_a, public_user)
    client.force_login(consultant_a)
    client.post(f"/konsultasi/{consultation.pk}/mark-clear/")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLEAR
    client.force_login(public_user)
    assert "WITA" in client.get(f"/konsultasi/{consultation.pk}/").content.decode()


# --- WebSocket --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_chat_live_and_catch_up_after_reconnect(unit_a, public_user, consultant_a):
    consultation = open_consultation(unit_a, public_user)
    async_to_sync(_chat_scenario)(consultation, public_user, consultant_a)


async def _chat_scenario(consultation, public_user, consultant_a):
    user_socket, staff_socket = Socket(public_user, consultation.pk), Socket(consultant_a, consultation.pk)
    assert await user_socket.connect()
    assert await staff_socket.connect()

    await staff_socket.send({"type": "message", "body": "Halo, data apa?"})
    for socket in (user_socket, staff_socket):
        got = await socket.receive()
        assert got["message"]["body"] == "Halo, data apa?"
        assert got["message"]["author_kind"] == "staff"
    last_seen = got["message"]["id"]

    await staff_socket.send({"type": "message", "body": "catatan", "internal": True})
    assert (await staff_socket.receive())["message"]["internal"] is True
    assert await user_socket.receive_nothing(0.2)

    await user_socket.close()  # the connection drops; meanwhile two messages are written
    for text in ("Pesan 1", "Pesan 2"):
        await sync_to_async(services.message_post)(consultation=consultation, actor=consultant_a, body=text)
    assert await staff_socket.receive()
    assert await staff_socket.receive()

    again = Socket(public_user, consultation.pk)
    assert await again.connect()
    await again.send({"type": "catch_up", "after": last_seen})
    bodies = [(await again.receive())["message"]["body"] for _ in range(2)]
    assert bodies == ["Pesan 1", "Pesan 2"]
    assert await again.receive_nothing(0.2)

    await again.send({"type": "message", "body": "<script>x</script>"})
    assert (await again.receive())["type"] == "error"
    assert await sync_to_async(Message.objects.filter(consultation=consultation).count)() == 5
    await again.close()
    await staff_socket.close()


@pytest.mark.django_db(transaction=True)
def test_socket_refused_for_other_units_staff(unit_a, public_user, staff_b):
    consultation = open_consultation(unit_a, public_user)

    async def scenario():
        assert not await Socket(staff_b, consultation.pk).connect()

    async_to_sync(scenario)()


def test_demo_is_idempotent(db):
    import io

    from terpadu.consultation import demo
    from terpadu.consultation.models import CannedReply, ConsultantDuty, KnowledgeArticle
    from terpadu.units.management.commands.demo import demo_users_load
    from terpadu.units.services import seed_load

    seed_load()
    demo_users_load()
    demo.load(io.StringIO())
    counts = (
        KnowledgeArticle.objects.count(),
        Consultation.objects.count(),
        Message.objects.count(),
        CannedReply.objects.count(),
        ConsultantDuty.objects.filter(on_duty=True).count(),
    )
    demo.load(io.StringIO())
    assert counts == (
        KnowledgeArticle.objects.count(),
        Consultation.objects.count(),
        Message.objects.count(),
        CannedReply.objects.count(),
        ConsultantDuty.objects.filter(on_duty=True).count(),
    )
    assert counts[0] == 4
    assert services.article_search_text(KnowledgeArticle.objects.get(unit__code="8200")).strip()
    statuses = set(Consultation.objects.values_list("status", flat=True))
    assert {"open", "clear", "awaiting_clarification", "closed"} <= statuses
    assert Consultation.objects.filter(close_reason="no_response").exists()
    assert Consultation.objects.filter(channel="whatsapp", assigned_to__isnull=False).exists()  # round-robin
    assert counts[3] == 5
    assert counts[4] == 3


def test_admin_lists_only_own_units_consultations(client, unit_a, unit_b, public_user, admin_a):
    mine = open_consultation(unit_a, public_user)
    other = open_consultation(unit_b, public_user)
    client.force_login(admin_a)
    page = client.get("/admin/consultation/consultation/").content.decode()
    assert mine.number in page
    assert other.number not in page
    assert client.get(f"/admin/consultation/consultation/{other.pk}/change/").status_code in (302, 404)
