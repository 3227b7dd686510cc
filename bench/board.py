"""Board latency: from a call's commit to its receipt on 50 board WebSockets (Redis channel layer).

A uvicorn process serves the boards; this process makes the calls on PostgreSQL and timestamps
each one in an on-commit hook registered before the service's own, so the clock starts at the
commit. The baseline sends a message of the same size straight to the layer (no database), in
the same run, so the ratio shows what the call path adds. Goal: p95 < 100 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from bench._frontdesk import BENCH_UNIT, bench_office, configure, skip

CLIENTS = 50
CALLS = 100
GAP = 0.03


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen:
    env = dict(os.environ, DEBUG="1", LOG_LEVEL="WARNING")
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


class Boards:
    """CLIENTS WebSocket boards in an event loop of their own thread, recording receipt times."""

    def __init__(self, port: int) -> None:
        self.url = f"ws://127.0.0.1:{port}/ws/units/{BENCH_UNIT}/board/"
        self.received: list[tuple[str, float]] = []
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._main(),), daemon=True)

    async def _client(self) -> None:
        from websockets.asyncio.client import connect

        async with connect(self.url, origin="http://127.0.0.1") as ws:
            self._connected += 1
            if self._connected == CLIENTS:
                self.ready.set()
            while not self.stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                now = time.time()
                event = json.loads(raw)
                if event.get("type") in ("called", "probe"):
                    self.received.append((event["number"], now))

    async def _main(self) -> None:
        self._connected = 0
        await asyncio.gather(*(self._client() for _ in range(CLIENTS)))

    def __enter__(self):
        self.thread.start()
        if not self.ready.wait(30):
            raise RuntimeError("boards did not connect")
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(5)


def _latencies(marks: dict[str, float], received: list[tuple[str, float]]) -> list[float]:
    return [(at - marks[number]) * 1000 for number, at in received if number in marks]


def _report(label: str, samples: list[float], expected: int) -> float:
    samples.sort()
    p50 = statistics.median(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(
        f"bench.board: {label}: {len(samples)}/{expected} receipts, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {samples[-1]:.1f} ms"
    )
    return p95


def main() -> None:
    reason = configure()
    if reason:
        skip("bench.board", reason)
        return
    from django.db import connection, transaction

    from terpadu.frontdesk import broadcast, services
    from terpadu.frontdesk.services import board_group

    unit, desks = bench_office(2)
    for _ in range(CALLS):
        services.ticket_issue(unit=unit, service="library")
    connection.close()
    port = _free_port()
    server = _start_server(port)
    try:
        with Boards(port) as boards:
            time.sleep(0.5)
            boards.received.clear()
            # Baseline: the same fan-out without the database, a message of the same size.
            base_marks: dict[str, float] = {}
            for i in range(CALLS):
                number = f"P{i:03d}"
                base_marks[number] = time.time()
                message = {"type": "probe", "number": number, "counter": "Loket 1", "pad": "x" * 300}
                broadcast.send(board_group(unit.code), {"type": "board.event", "event": message})
                time.sleep(GAP)
            time.sleep(1)
            base = _latencies(base_marks, boards.received)
            boards.received.clear()

            marks: dict[str, float] = {}
            for i in range(CALLS):
                holder: dict[str, str] = {}
                with transaction.atomic():
                    transaction.on_commit(lambda h=holder: marks.__setitem__(h["number"], time.time()))
                    ticket = services.ticket_call_next(counter=desks[i % 2])
                    holder["number"] = ticket.number
                time.sleep(GAP)
            time.sleep(1)
            calls = _latencies(marks, boards.received)
        time.sleep(1)  # let the server see the boards go before it stops
    finally:
        server.terminate()
        server.wait(10)
        connection.close()
    base_p95 = _report("baseline (layer only)", base, CALLS * CLIENTS)
    p95 = _report(f"call commit → {CLIENTS} boards", calls, CALLS * CLIENTS)
    print(
        f"bench.board: p95 ratio to baseline {p95 / base_p95:.2f}x "
        f"(goal p95 < 100 ms: {'met' if p95 < 100 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
