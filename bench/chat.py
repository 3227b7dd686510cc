"""Chat delivery: 500 WebSocket clients in 100 consultations across 2 uvicorn processes (Redis layer).

Each consultation has 5 sockets: the user in two tabs and three consultants, spread over two ASGI
server processes, so most deliveries cross from one node to the other through Redis. The user's
first tab sends a fixed number of messages over its socket; the consumer saves each message on
PostgreSQL and broadcasts it after commit; every socket of the consultation must receive it exactly
once. Latency is measured from the send to each receipt, in this process's clock.

The baseline, in the same run, is a raw channel-layer `group_send` of a message of the same size to
the same groups (no database, no service): the ratio shows what saving and committing adds.
Prints p50/p95 and lost/duplicated counts. Goal: p95 < 100 ms, 0 lost, 0 doubled.

`python -m bench.chat [conversations] [messages]` runs a smaller size (defaults 100 and 1000).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter

from bench._frontdesk import configure, skip

BENCH_UNIT = "9972"
CONVERSATIONS = 100
SOCKETS_PER_CONVERSATION = 5  # two tabs of the user, three consultants
MESSAGES = 1000
GAP = 0.01  # seconds between two messages (100 messages/s overall)
SERVERS = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen:
    # Persistent database connections, as a production ASGI node keeps them.
    env = dict(os.environ, DEBUG="1", LOG_LEVEL="WARNING", DB_CONN_MAX_AGE="60")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "terpadu.config.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--lifespan", "off", "--ws", "websockets-sansio", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310 - local
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("uvicorn did not start")


def _session_cookie(user) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _prepare(conversations: int) -> list[tuple[int, list[str]]]:
    """A clean bench unit with `conversations` open consultations; per consultation its id and the
    session cookies of its five sockets (user, user, three consultants)."""
    from django.contrib.auth import get_user_model

    from terpadu.consultation import services
    from terpadu.consultation.models import Consultation, ConsultationSequence
    from terpadu.units.models import StaffRole, Unit

    User = get_user_model()
    unit, _ = Unit.objects.get_or_create(
        code=BENCH_UNIT,
        defaults={"kind": Unit.Kind.NATIONAL, "name": "BPS Bench Chat", "time_zone": "Asia/Makassar"},
    )
    Consultation.objects.filter(unit=unit).delete()
    ConsultationSequence.objects.filter(unit=unit).delete()
    consultants = []
    for n in range(3):
        user, _ = User.objects.get_or_create(
            email=f"bench.konsultan{n}@bps.go.id", defaults={"name": f"Konsultan Bench {n}", "is_staff": True}
        )
        StaffRole.objects.get_or_create(user=user, unit=unit, role=StaffRole.Role.CONSULTANT)
        consultants.append(_session_cookie(user))
    plan = []
    for n in range(conversations):
        user, _ = User.objects.get_or_create(
            email=f"bench.warga{n}@example.com", defaults={"name": f"Warga {n}"}
        )
        consultation = services.consultation_open(
            user=user, unit=unit, topic=f"Bench {n}", description="Pertanyaan awal untuk bench."
        )
        cookie = _session_cookie(user)
        plan.append((consultation.pk, [cookie, cookie, *consultants]))
    return plan


class Run:
    """The clients behave like the chat page: a socket that drops reconnects and asks for every
    message after the last id it saw (`catch_up`), so a lost message is one the server never sent."""

    def __init__(self, plan, ports: list[int], messages: int) -> None:
        self.plan = plan
        self.ports = ports
        self.messages = messages
        self.sockets: list[tuple[int, int, str]] = []  # (client id, consultation, url)
        self.ws: dict[int, object] = {}
        self.last_id: dict[int, int] = {}
        self.receipts: list[tuple[int, str, float]] = []  # (client id, token, time)
        self.sent: dict[str, float] = {}
        self.errors: list[str] = []
        self.reconnects = 0
        self.stopping = False

    async def _client(self, client: int, url: str, cookie: str, connected: asyncio.Event) -> None:
        from websockets.asyncio.client import connect

        first = True
        while not self.stopping:
            try:
                async with connect(
                    url, origin="http://127.0.0.1", additional_headers={"Cookie": cookie}, max_queue=None
                ) as ws:
                    self.ws[client] = ws
                    if first:
                        connected.set()
                    else:
                        await ws.send(json.dumps({"type": "catch_up", "after": self.last_id.get(client, 0)}))
                    first = False
                    async for raw in ws:
                        now = time.time()
                        data = json.loads(raw)
                        if data.get("type") == "message":
                            message = data["message"]
                            if message["id"] > 0:
                                self.last_id[client] = max(self.last_id.get(client, 0), message["id"])
                            if message["body"].startswith("tok-"):
                                self.receipts.append((client, message["body"], now))
                        elif data.get("type") == "error":
                            self.errors.append(" ".join(data.get("errors", [])))
            except Exception:  # noqa: BLE001, S110 - a dropped socket reconnects below
                pass
            if not self.stopping:
                self.reconnects += 1
                await asyncio.sleep(0.5)

    async def connect_all(self) -> list[asyncio.Task]:
        tasks = []
        client = 0
        for pk, cookies in self.plan:
            for i, cookie in enumerate(cookies):
                # Spread each consultation's sockets over both servers: deliveries cross nodes.
                port = self.ports[(client + i) % len(self.ports)]
                url = f"ws://127.0.0.1:{port}/ws/consultations/{pk}/"
                connected = asyncio.Event()
                self.sockets.append((client, pk, url))
                tasks.append(asyncio.create_task(self._client(client, url, cookie, connected)))
                await asyncio.wait_for(connected.wait(), 30)
                client += 1
        await asyncio.sleep(1)
        return tasks

    async def baseline(self, layer) -> None:
        from terpadu.consultation.services import chat_group, staff_chat_group

        pks = [pk for pk, _ in self.plan]
        for n in range(self.messages):
            pk = pks[n % len(pks)]
            token = f"tok-base-{n}"
            message = {
                "id": -n - 1,
                "consultation": pk,
                "author_kind": "user",
                "author_name": "",
                "internal": False,
                "body": token,
                "created_at": "",
                "attachments": [],
            }
            self.sent[token] = time.time()
            event = {"type": "chat.message", "message": message}
            await layer.group_send(chat_group(pk), event)
            await layer.group_send(staff_chat_group(pk), event)
            await asyncio.sleep(GAP)

    async def chat(self) -> None:
        senders = {}
        for client, pk, _url in self.sockets:
            senders.setdefault(pk, client)  # the user's first tab
        pks = list(senders)
        for n in range(self.messages):
            pk = pks[n % len(pks)]
            token = f"tok-chat-{n}"
            for _attempt in range(20):
                try:
                    self.sent[token] = time.time()
                    await self.ws[senders[pk]].send(json.dumps({"type": "message", "body": token}))
                    break
                except Exception:  # noqa: BLE001 - the sender's socket dropped: send again once back
                    await asyncio.sleep(0.5)
            await asyncio.sleep(GAP)

    async def settle(self, expected: int, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while len(self.receipts) < expected and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)  # anything doubled arrives now

    def tally(self, prefix: str) -> tuple[list[float], int, int]:
        receipts = [r for r in self.receipts if r[1].startswith(prefix)]
        counts = Counter((client, token) for client, token, _ in receipts)
        per_pk = Counter(pk for _, pk, _ in self.sockets)
        sent_to = {t for t in self.sent if t.startswith(prefix)}
        pks = [pk for pk, _ in self.plan]
        expected = sum(per_pk[pks[int(t.rsplit("-", 1)[1]) % len(pks)]] for t in sent_to)
        doubled = sum(c - 1 for c in counts.values() if c > 1)
        lost = expected - len(counts)
        first = {}
        for client, token, at in receipts:
            first.setdefault((client, token), at)
        latencies = [(at - self.sent[token]) * 1000 for (_c, token), at in first.items()]
        return latencies, lost, doubled

    async def main(self) -> None:
        from channels.layers import get_channel_layer

        readers = await self.connect_all()
        sockets = len(self.sockets)
        await self.baseline(get_channel_layer())
        await self.settle(self.messages * SOCKETS_PER_CONVERSATION)
        self.base = self.tally("tok-base-")
        self.receipts.clear()
        await self.chat()
        await self.settle(self.messages * SOCKETS_PER_CONVERSATION)
        self.result = self.tally("tok-chat-")
        self.stopping = True
        for ws in self.ws.values():
            await ws.close()
        for task in readers:
            task.cancel()
        self.connected = sockets


def _report(label: str, latencies: list[float], lost: int, doubled: int) -> float:
    if not latencies:
        print(f"bench.chat: {label}: nothing received (lost {lost})")
        return float("inf")
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(
        f"bench.chat: {label}: {len(latencies)} receipts, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {latencies[-1]:.1f} ms, lost {lost}, doubled {doubled}"
    )
    return p95


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    conversations = int(argv[0]) if len(argv) > 0 else CONVERSATIONS
    messages = int(argv[1]) if len(argv) > 1 else MESSAGES
    # Like the other benchmarks: DATABASE_URL and REDIS_URL, defaulting to the bench database and
    # Redis on loopback; skipped with a message when either is missing or unreachable.
    reason = configure()
    if reason:
        skip("bench.chat", reason)
        return
    from django.db import connection

    plan = _prepare(conversations)
    connection.close()
    ports = [_free_port() for _ in range(SERVERS)]
    servers = [_start_server(port) for port in ports]
    try:
        run = Run(plan, ports, messages)
        asyncio.run(run.main())
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()  # still closing sockets after 10 s: the numbers are taken already
                server.wait(10)
    print(
        f"bench.chat: {run.connected} WebSocket clients in {conversations} consultations on {SERVERS} "
        f"uvicorn processes (Redis layer, PostgreSQL), {messages} messages"
    )
    if run.reconnects:
        print(f"bench.chat: {run.reconnects} sockets dropped and reconnected (caught up after their last id)")
    if run.errors:
        print(f"bench.chat: {len(run.errors)} messages refused, e.g. {run.errors[0]}")
    base_p95 = _report("baseline (raw group_send)", *run.base)
    p95 = _report("chat message (save, commit, broadcast)", *run.result)
    _latencies, lost, doubled = run.result
    met = p95 < 100 and lost == 0 and doubled == 0
    print(
        f"bench.chat: p95 ratio to baseline {p95 / base_p95:.2f}x "
        f"(goal p95 < 100 ms, 0 lost, 0 doubled: {'met' if met else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
