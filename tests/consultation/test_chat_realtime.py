"""Chat beyond messages: typing (relayed, never stored), read marks (stored per side, broadcast,
shown as ticks), who else among staff is viewing (shared cache, expiring), and bad input refused."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from terpadu.consultation import services
from terpadu.consultation.models import Consultation, Message
from tests.conftest import make_user

from .conftest import Socket, open_consultation

pytestmark = pytest.mark.django_db(transaction=True)


def run(scenario, *args):
    async_to_sync(scenario)(*args)


def test_typing_reaches_the_other_side_and_is_not_stored(unit_a, public_user, consultant_a):
    consultation = open_consultation(unit_a, public_user)

    async def scenario():
        user, staff = Socket(public_user, consultation.pk), Socket(consultant_a, consultation.pk)
        assert await user.connect()
        assert await staff.connect()
        await user.send({"type": "typing"})
        assert (await staff.receive_kind("typing"))["side"] == "user"
        assert await user.nothing_of("typing")  # not echoed to the typist

        await staff.send({"type": "typing", "internal": True})  # writing a note: the user is not told
        assert await user.nothing_of("typing")
        await staff.send({"type": "typing"})
        got = await user.receive_kind("typing")
        assert (got["side"], got["name"]) == ("staff", "Konsultan Majene")
        await user.close()
        await staff.close()

    run(scenario)
    assert Message.objects.filter(consultation=consultation).count() == 1


def test_read_marks_are_stored_per_side_broadcast_and_never_go_back(
    client, unit_a, public_user, consultant_a
):
    consultation = open_consultation(unit_a, public_user)
    answer = services.message_post(consultation=consultation, actor=consultant_a, body="Jawaban")
    note = services.message_post(consultation=consultation, actor=consultant_a, body="cat", internal=True)

    async def scenario():
        user, staff = Socket(public_user, consultation.pk), Socket(consultant_a, consultation.pk)
        assert await user.connect()
        assert await staff.connect()
        # The user reads up to the newest id they know of; an internal note never counts for them.
        await user.send({"type": "read", "up_to": note.pk})
        assert (await staff.receive_kind("read"))["user"] == answer.pk
        await user.send({"type": "read", "up_to": 1})  # an older mark does not move it back
        assert await staff.nothing_of("read")
        await user.close()
        await staff.close()

    run(scenario)
    consultation.refresh_from_db()
    assert (consultation.user_read_up_to, consultation.staff_read_up_to) == (answer.pk, 0)

    # Staff see the tick under their answer; the user, who has not been read yet, sees none.
    client.force_login(consultant_a)
    assert "✓✓" in client.get(f"/konsultasi/{consultation.pk}/").content.decode()
    client.force_login(public_user)
    assert "✓✓" not in client.get(f"/konsultasi/{consultation.pk}/").content.decode()


def test_staff_see_who_else_is_viewing_and_the_user_does_not(unit_a, public_user, consultant_a, admin_a):
    consultation = open_consultation(unit_a, public_user)

    async def scenario():
        user = Socket(public_user, consultation.pk)
        first, second = Socket(consultant_a, consultation.pk), Socket(admin_a, consultation.pk)
        assert await user.connect()
        assert await first.connect()
        assert [v["name"] for v in (await first.receive_kind("presence"))["viewers"]] == ["Konsultan Majene"]
        assert await second.connect()
        viewers = (await first.receive_kind("presence"))["viewers"]
        assert sorted(v["name"] for v in viewers) == ["Admin Majene", "Konsultan Majene"]
        await second.close()
        viewers = (await first.receive_kind("presence"))["viewers"]
        assert [v["name"] for v in viewers] == ["Konsultan Majene"]
        assert await user.nothing_of("presence")
        await user.close()
        await first.close()

    run(scenario)
    assert services.presence_viewers(consultation_id=consultation.pk) == []


def test_presence_expires_when_a_node_stops_renewing(unit_a, public_user, consultant_a, admin_a):
    from django.core.cache import cache

    consultation = open_consultation(unit_a, public_user)
    services.presence_touch(consultation_id=consultation.pk, connection="node1.a", user=consultant_a)
    viewers = services.presence_touch(consultation_id=consultation.pk, connection="node2.b", user=admin_a)
    assert len(viewers) == 2
    # node 2 crashed: its key expires (PRESENCE_TTL) without a goodbye.
    cache.delete(f"consultation:{consultation.pk}:viewer:node2.b")
    assert [v["name"] for v in services.presence_viewers(consultation_id=consultation.pk)] == [
        "Konsultan Majene"
    ]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("", "kosong"),
        ("   ", "kosong"),
        ("<script>alert(1)</script>", "Skrip"),
        ("<img src=x onerror=a()>", "Skrip"),
    ],
)
def test_bad_messages_over_the_socket_are_refused_and_nothing_is_stored(unit_a, public_user, body, says):
    consultation = open_consultation(unit_a, public_user)

    async def scenario():
        socket = Socket(public_user, consultation.pk)
        assert await socket.connect()
        await socket.send({"type": "message", "body": body})
        error = await socket.receive()
        assert error["type"] == "error"
        # The socket speaks the site's default language, Indonesian.
        assert says in " ".join(error["errors"])
        await socket.close()

    run(scenario)
    assert Message.objects.filter(consultation=consultation).count() == 1


def test_another_users_consultation_is_refused_over_the_socket(unit_a, public_user):
    consultation = open_consultation(unit_a, public_user)
    stranger = make_user("lain@example.com", "Lain")

    async def scenario():
        socket = Socket(stranger, consultation.pk)
        assert not await socket.connect()

    run(scenario)
    assert Message.objects.count() == 1


def test_catch_up_after_reconnect_has_no_loss_and_no_double(unit_a, public_user, consultant_a):
    consultation = open_consultation(unit_a, public_user)

    async def scenario():
        socket = Socket(public_user, consultation.pk)
        assert await socket.connect()
        await socket.send({"type": "catch_up", "after": 0})
        seen = [(await socket.receive())["message"]["id"]]
        await socket.close()
        for i in range(5):
            await sync_to_async(services.message_post)(
                consultation=consultation, actor=consultant_a, body=f"jawaban {i}"
            )
        again = Socket(public_user, consultation.pk)
        assert await again.connect()
        await again.send({"type": "catch_up", "after": seen[-1]})
        # A message written while catching up arrives once, whichever path brings it first.
        await sync_to_async(services.message_post)(consultation=consultation, actor=consultant_a, body="baru")
        got = []
        while not await again.receive_nothing(0.3):
            data = await again.receive()
            if data["type"] == "message":
                got.append(data["message"]["id"])
        await again.close()
        return seen + got

    ids = async_to_sync(scenario)()
    expected = list(
        Message.objects.filter(consultation=consultation).order_by("id").values_list("id", flat=True)
    )
    # The live page keeps one copy per id (chat.js `seen`); here the stream itself must cover every id.
    assert sorted(set(ids)) == expected
    assert Consultation.objects.get().status == "answered"
