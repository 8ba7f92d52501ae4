"""Load-test voting-day marking through real HTTP against PostgreSQL (issue 6).

Run: ``.venv/bin/python bench/votingday_marks.py [--seconds 60] [--clients 64]
[--batch-size 20] [--workers 2] [--threads 2] [--booths 50] [--electors 4000]
[--raw-seconds 5] [--war-room-pause 1] [--war-room-workers 1]
[--server granian|gunicorn] [--own-cluster] [--interval 30]``

It needs PostgreSQL (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/bw_votingday_bench``); the database is dropped and
made anew on each run, so never point it at a database you care about. With
``--own-cluster`` it initdbs a throw-away cluster of its own instead (as root, like
bench/votingday_crash.py), set up as a polling-day database server on this machine
might be (POLLING_DAY_SETTINGS: 4 GB of shared buffers, 16 GB of WAL between
checkpoints), and removes it afterwards. Measured 2026-11-27 over 10 minutes it did
not help: 7,545 marks/s against 9,213 on the machine's own cluster with its defaults.
Synchronous commit must be on (the bench refuses to run otherwise and never changes
it). Steps:

1. Migrate, then build a bench world: a city with one block of ``--booths`` booths on
   AC 100, a synthetic roll (boothwise.rolls.generator, ``--electors`` a booth) and a
   marking user (a booth committee member, one booth, an API token) for each client's
   booth; with more booths than clients a client moves on to further booths, signing
   in as each booth's own worker (until 2026-11-27 one user held posts at all of a
   client's booths, which made every request read and scope five or six posts).
2. Start the HTTP server (``--server``: granian, the default, with ``--workers``
   processes of ``--threads`` Python threads each and keep-alive connections; or
   gunicorn's workers, one request per connection) on a free loopback port. On this
   2-core machine two workers of two threads did best in 40-second runs on
   2026-11-27 (8,900–10,100 marks/s with two workers of one thread, which left a
   tenth of the machine idle while they waited on the database; 9,500 with four of
   one; 11,100 with two of two).
3. ``--clients`` threads, one keep-alive connection each, start together and for
   ``--seconds`` (at most 900) post batches of ``--batch-size`` marks of distinct,
   not yet marked serials of their booth to POST /api/v1/votingday/marks.
   Meanwhile the city president's war room of every booth (the htmx partial the page
   polls) is fetched every ``--war-room-pause`` seconds from a second server of
   ``--war-room-workers`` workers (pages on their own pool, as a deployment routes
   them; 0 puts them in line with the marks); its latencies are reported and every
   answer must reconcile (tallies equal to the raw marks). Every ``--interval``
   seconds a timeline line shows that window's marks/s and p99, where the machine's
   CPU went (PostgreSQL, the HTTP servers, the bench itself, idle, stolen by the
   hypervisor), WAL written and full-page images per mark, checkpoints and autovacuum.
4. A tenth of the batches sent is replayed concurrently: every item must answer with
   its first mark and nothing new may be stored.
5. The raw engine figure in the same run: a bare loop of 20-row INSERTs, one
   transaction each, into a scratch copy of the marks table (one connection, then one
   connection per server thread), and the ratio of the HTTP figure to it.
6. Checks the database holds every accepted mark exactly once and nothing else. Every
   request has a timeout, the whole run a deadline, and the server is always stopped.

Only loopback traffic; nothing else is contacted.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import io
import json
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from loadtest import (  # noqa: E402
    SERVERS,
    Cluster,
    cpu_seconds,
    percentile,
    recreate_database,
    start_server,
    stop_server,
)

BENCH_DB = "bw_votingday_bench"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
# A database server for polling day on this 24 GB machine as its operators might set
# it up (--own-cluster): the machine's own cluster keeps PostgreSQL's defaults (128 MB
# of shared buffers, 1 GB of WAL between checkpoints), with which ten minutes of marks
# force a checkpoint every few seconds.
POLLING_DAY_SETTINGS = {
    "shared_buffers": "'4GB'",
    "max_wal_size": "'16GB'",
    "checkpoint_timeout": "'15min'",
    "effective_cache_size": "'12GB'",
}
PATH = "/api/v1/votingday/marks"
MAX_SECONDS = 900
REQUEST_TIMEOUT = 60


class Deadline(Exception):
    """The whole run took too long, or the bench was asked to stop."""


def synchronous_commit(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW synchronous_commit").fetchone()
    return str(row[0]) if row else "?"


def build_world(booths: int, electors: int, clients: int) -> dict:
    """The bench organisation and roll, and one marking user with a token per client."""
    from django.core.management import call_command
    from django.utils import timezone

    from boothwise.accounts.models import User
    from boothwise.accounts.tokens import api_token_create
    from boothwise.geography.models import AssemblyConstituency, Part, State
    from boothwise.organisation.models import Person, PostType, Unit
    from boothwise.organisation.services import post_appoint, unit_create
    from boothwise.rolls.generator import write_roll
    from boothwise.rolls.importer import roll_import

    call_command("migrate", verbosity=0)
    rj = State.objects.get(abbr="RJ")
    ac = AssemblyConstituency.objects.get(state=rj, number=100)
    L = Unit.Level
    state = unit_create(by=None, level=L.STATE, name="Rajasthan", parent=None, state=rj)
    city = unit_create(by=None, level=L.CITY, name="Bench city", parent=state, state=rj)
    block = unit_create(
        by=None, level=L.BLOCK, name="Bench block", parent=city, state=rj
    )
    units = []
    for n in range(1, booths + 1):
        part = Part.objects.create(
            ac=ac,
            number=str(n),
            name=f"Bench school {n}",
            latitude="26.45",
            longitude="74.64",
        )
        units.append(
            unit_create(
                by=None,
                level=L.BOOTH,
                name=f"Booth {n}",
                parent=block,
                state=rj,
                part=part,
            )
        )
    out = io.StringIO()
    write_roll(
        out,
        seed=7,
        ac=100,
        parts=booths,
        per_part=electors,
        part_numbers=[str(n) for n in range(1, booths + 1)],
    )
    roll_import(
        file=io.BytesIO(out.getvalue().encode()), file_name="bench.csv", by=None
    )
    today = timezone.localdate()

    def worker(name: str, unit: Unit) -> str:
        """A booth committee member at `unit` with an API token; returns the key."""
        user = User.objects.create_user(username=name, password=None)
        person = Person.objects.create(
            name=f"मतदान कार्यकर्ता {name}", unit=unit, user=user
        )
        post_appoint(
            by=None,
            person=person,
            post_type=PostType.BOOTH_MEMBER,
            unit=unit,
            start_date=today - timedelta(days=100),
        )
        return api_token_create(user=user, name="bench")[1]

    # Client d marks at booth d % booths; the clients of one booth share its serials
    # out round-robin, so no two clients ever send the same elector. With fewer
    # clients than booths, client d then moves on to every booth b with
    # b % clients == d (`more`), as that booth's own worker with their own token: a
    # booth committee member holds one booth, and a device is one worker's.
    per_booth = [len(range(b, clients, booths)) for b in range(booths)]
    result = []
    for d in range(clients):
        booth = units[d % booths]
        extra = list(range(d + clients, booths, clients)) if clients < booths else []
        share, of = d // booths, per_booth[d % booths]
        serials = [s for s in range(1, electors + 1) if (s - 1) % of == share]
        result.append(
            {
                "token": worker(f"bench-{d}", booth),
                "part_id": booth.part_id,
                "serials": serials,
                "more": [
                    (
                        units[b].part_id,
                        list(range(1, electors + 1)),
                        worker(f"bench-{d}-{b}", units[b]),
                    )
                    for b in extra
                ],
            }
        )
    return {"clients": result, "city_id": city.pk}


def war_room_cookie(city_id: int) -> str:
    """A signed-in session of the bench city's president, who watches its war room."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from boothwise.accounts.models import User
    from boothwise.organisation.models import Person, PostType, Unit
    from boothwise.organisation.services import post_appoint

    city = Unit.objects.get(pk=city_id)
    user = User.objects.create_user(username="bench-war-room", password=None)
    person = Person.objects.create(name="युद्ध कक्ष", unit=city, user=user)
    post_appoint(
        by=None,
        person=person,
        post_type=PostType.CITY_PRESIDENT,
        unit=city,
        start_date=timezone.localdate() - timedelta(days=100),
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class WarRoomWatch:
    """Refreshes the city's war room (the htmx partial the page polls) while the
    marking load runs; keeps latencies and whether each answer reconciled."""

    def __init__(self, port: int, city_id: int, cookie: str, pause: float) -> None:
        self.path = f"/votingday/war-room/?unit={city_id}"
        self.headers = {"Cookie": cookie, "HX-Request": "true", "Accept-Language": "en"}
        self.port = port
        self.pause = pause
        self.latencies: list[float] = []
        self.unreconciled = 0
        self.errors: list[str] = []
        self.booths = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def get(self) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            t0 = time.perf_counter()
            conn.request("GET", self.path, headers=self.headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - t0
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"war room answered HTTP {response.status}")
        self.latencies.append(elapsed)
        return body

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                body = self.get()
            except Exception as error:  # noqa: BLE001 - counted and reported
                self.errors.append(str(error))
            else:
                self.booths = body.count(b"data-part=")
                self.unreconciled += b'data-reconciled="1"' not in body
            self.stop.wait(self.pause)


class Timeline:
    """Every `interval` seconds of the load, one line: marks/s and p99 in that window,
    where the machine's CPU went (PostgreSQL, the HTTP servers, this bench, idle,
    stolen), the WAL written and its full-page images per mark, checkpoints, and
    whether autovacuum was at work as the window ended; so a slowdown over a long run
    shows its cause."""

    def __init__(self, url: str, tally: Tally, groups: list[int], interval: float):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.tally = tally
        self.groups = groups
        self.interval = interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def sample(self) -> dict:
        wal_bytes, wal_fpi, checkpoints, vacuums = self.conn.execute(
            "SELECT w.wal_bytes, w.wal_fpi, b.checkpoints_timed + b.checkpoints_req, "
            "(SELECT count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'autovacuum worker') "
            "FROM pg_stat_wal w, pg_stat_bgwriter b"
        ).fetchone()
        with self.tally.lock:
            requests = len(self.tally.latencies)
            marks = len(self.tally.accepted)
        return {
            "t": time.perf_counter(),
            "requests": requests,
            "marks": marks,
            "cpu": cpu_seconds(self.groups),
            "wal": float(wal_bytes),
            "fpi": wal_fpi,
            "checkpoints": checkpoints,
            "vacuums": vacuums,
        }

    def run(self) -> None:
        print(
            f"{'s':>5} {'marks/s':>8} {'p99 ms':>6}  CPU %: {'pg':>4} {'http':>4} "
            f"{'bench':>5} {'idle':>4} {'steal':>5}  {'WAL MB/s':>8} {'FPI/mark':>8} "
            f"{'ckpts':>5} autovacuum",
            flush=True,
        )
        start = last = self.sample()
        stopped = False
        while not stopped:
            # The last line covers the load's last, shorter window.
            stopped = self.stop.wait(self.interval)
            now = self.sample()
            span = now["t"] - last["t"]
            cpus = sum(
                now["cpu"][k] - last["cpu"][k] for k in ("busy", "idle", "steal")
            )
            used = {
                key: 100 * (now["cpu"][key] - last["cpu"][key]) / max(cpus, 1e-9)
                for key in now["cpu"]
            }
            window = self.tally.latencies[last["requests"] : now["requests"]]
            marks = max(now["marks"] - last["marks"], 1)
            row = (
                f"{now['t'] - start['t']:5.0f} "
                f"{(now['marks'] - last['marks']) / span:8,.0f} "
                f"{percentile(window, 99) * 1000:6.0f}  "
                f"       {used['postgres']:4.0f} {used['server']:4.0f} "
                f"{used['bench']:5.0f} {used['idle']:4.0f} {used['steal']:5.0f}  "
                f"{(now['wal'] - last['wal']) / span / 1e6:8.1f} "
                f"{(now['fpi'] - last['fpi']) / marks:8.2f} "
                f"{now['checkpoints'] - last['checkpoints']:5d} "
                f"{'yes' if now['vacuums'] else ''}"
            )
            print(row, flush=True)
            last = now

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        self.conn.close()


class Client:
    """One device: one keep-alive connection, a timeout on every request.

    HTTP/1.1 over a plain socket: http.client parses each answer's headers with the
    email parser, which made the bench's own threads a quarter of the machine's work
    and left that much less for the server under test.
    """

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.sign_in(token)
        self.sock: socket.socket | None = None
        self.buffer = b""

    def sign_in(self, token: str) -> None:
        """Send the next requests with `token` (the device changes hands)."""
        self.head = (
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Authorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nAccept-Language: en\r\n"
        )

    def post(self, body: bytes) -> tuple[float, dict]:
        """Send one batch's JSON body; the seconds until the answer, and the answer."""
        request = f"{self.head}Content-Length: {len(body)}\r\n\r\n".encode() + body
        for attempt in range(3):
            if self.sock is None:
                self.sock = socket.create_connection(
                    ("127.0.0.1", self.port), timeout=REQUEST_TIMEOUT
                )
                self.buffer = b""
            t0 = time.perf_counter()
            try:
                self.sock.sendall(request)
                status, data = self._response()
            except (OSError, ValueError):
                # Resending is safe: the batch is idempotent by client_uuid.
                self.close()
                if attempt == 2:
                    raise
                time.sleep(0.5)
                continue
            elapsed = time.perf_counter() - t0
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {data[:200]!r}")
            return elapsed, json.loads(data)
        raise RuntimeError("unreachable")

    def _receive(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise OSError("the server closed the connection")
        self.buffer += chunk

    def _response(self) -> tuple[int, bytes]:
        """Status and body of one answer (the server always sends Content-Length)."""
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip().lower()
        if b"content-length" not in fields:
            raise ValueError(f"an answer without Content-Length: {head[:200]!r}")
        length = int(fields[b"content-length"])
        while len(self.buffer) < length:
            self._receive()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if fields.get(b"connection") == b"close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def warm_up(port: int, clients: list[dict], workers: int) -> None:
    """Touch every worker a few times (imports, URL resolver, first DB connection)."""
    for i in range(workers * 4):
        client = clients[i % len(clients)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET",
            f"/api/v1/votingday/parts/{client['part_id']}/marks",
            headers={"Authorization": f"Bearer {client['token']}"},
        )
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise RuntimeError(f"warm-up answered HTTP {response.status}")


def item(part_id: int, serial: int) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "part_id": part_id,
        "serial_no": serial,
        "source": "desk",
        "entered_at": datetime.now(UTC).isoformat(),
        "device": "bench",
    }


# One mark of a batch as JSON text: formatting it is a tenth of the cost of building
# a dict and dumping it, and the bench's threads share the two cores with the server.
ITEM = (
    '{"client_uuid":"%s","part_id":%d,"serial_no":%d,"source":"desk",'
    '"entered_at":"%s","device":"bench"}'
)


def batch_body(part_id: int, serials: list[int]) -> tuple[bytes, list[str]]:
    """A batch of marks of `serials` of one booth, entered now: the request body and
    its client uuids in order."""
    now = datetime.now(UTC).isoformat()
    uuids = [str(uuid.uuid4()) for _ in serials]
    items = ",".join(
        ITEM % (uid, part_id, serial, now)
        for uid, serial in zip(uuids, serials, strict=True)
    )
    return b'{"items":[' + items.encode() + b"]}", uuids


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.accepted: dict[str, int] = {}  # client_uuid → mark id
        self.rejected = 0
        self.already = 0
        self.errors: list[str] = []
        # (client index, token, request body, its client uuids)
        self.sent: list[tuple[int, str, bytes, list[str]]] = []
        self.exhausted = 0


def run_load(
    port: int,
    clients: list[dict],
    batch_size: int,
    seconds: float,
    deadline: float,
    tally: Tally,
) -> float:
    """Every client posts batches of fresh serials until `seconds` have passed;
    returns the wall time the load took."""
    barrier = threading.Barrier(len(clients) + 1)
    stop_at = [0.0]

    def client_run(index: int, spec: dict) -> None:
        client = Client(port, spec["token"])
        booths = [(spec["part_id"], spec["serials"], spec["token"]), *spec["more"]]
        batches = (
            (token, *batch_body(part_id, serials[i : i + batch_size]))
            for part_id, serials, token in booths
            for i in range(0, len(serials), batch_size)
        )
        barrier.wait()
        try:
            for token, batch, uuids in batches:
                if time.monotonic() >= min(stop_at[0], deadline):
                    return
                client.sign_in(token)
                try:
                    elapsed, body = client.post(batch)
                except Exception as error:  # noqa: BLE001 - counted and reported
                    with tally.lock:
                        tally.errors.append(str(error))
                    return
                with tally.lock:
                    tally.latencies.append(elapsed)
                    tally.sent.append((index, token, batch, uuids))
                    for r in body["results"]:
                        if r["status"] == "accepted":
                            tally.accepted[r["client_uuid"]] = r["mark_id"]
                            tally.already += bool(r["already"])
                        else:
                            tally.rejected += 1
            with tally.lock:
                tally.exhausted += 1
        finally:
            client.close()

    threads = [
        threading.Thread(target=client_run, args=(i, spec), daemon=True)
        for i, spec in enumerate(clients)
    ]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    stop_at[0] = time.monotonic() + seconds
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.monotonic()))
    return time.perf_counter() - t0


def run_replay(
    port: int,
    clients: list[dict],
    batches: list[tuple[int, str, bytes, list[str]]],
    accepted: dict[str, int],
) -> tuple[list[float], int, int, float]:
    """Replay batches concurrently, one thread per client; returns latencies, the
    items answered as their first mark (same uuid, same mark id as when `accepted`),
    the items answered otherwise and the wall."""
    latencies: list[float] = []
    same = [0]
    other: list[str] = []
    lock = threading.Lock()
    by_client: dict[int, list[tuple[str, bytes, list[str]]]] = {}
    for index, token, batch, uuids in batches:
        by_client.setdefault(index, []).append((token, batch, uuids))

    def replay_run(index: int, todo: list[tuple[str, bytes, list[str]]]) -> None:
        client = Client(port, clients[index]["token"])
        try:
            for token, batch, uuids in todo:
                client.sign_in(token)
                elapsed, body = client.post(batch)
                with lock:
                    latencies.append(elapsed)
                    for uid, r in zip(uuids, body["results"], strict=True):
                        if (
                            r["status"] == "accepted"
                            and r["client_uuid"] == uid
                            and r["mark_id"] == accepted.get(uid)
                            and not r["already"]
                        ):
                            same[0] += 1
                        else:
                            other.append(json.dumps(r))
        except Exception as error:  # noqa: BLE001 - counted and reported
            with lock:
                other.append(str(error))
        finally:
            client.close()

    threads = [
        threading.Thread(target=replay_run, args=job, daemon=True)
        for job in by_client.items()
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=REQUEST_TIMEOUT * 3)
    seconds = time.perf_counter() - t0
    if other:
        print(f"  {len(other)} replayed items answered otherwise; first: {other[0]}")
    return latencies, same[0], len(other), seconds


def raw_inserts(url: str, table: str, connections: int, seconds: float) -> float:
    """Rows/s of a bare loop of 20-row INSERTs, one transaction per INSERT, into a
    scratch copy of the marks table (same columns, indexes and unique constraints)."""
    import psycopg

    scratch = "bench_raw_marks"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {scratch}")
        conn.execute(f"CREATE TABLE {scratch} (LIKE {table} INCLUDING ALL)")
        # Start from a fresh checkpoint, not in the middle of the HTTP load's one.
        conn.execute("CHECKPOINT")
        ids = conn.execute(
            "SELECT ac_id, part_id, by_id FROM votingday_votedmark LIMIT 1"
        ).fetchone()
    ac_id, part_id, by_id = ids if ids else (1, 1, 1)
    columns = (
        "voter_id, ac_id, part_id, serial_no, source, by_id, device, entered_at, "
        "received_at, client_uuid, undone"
    )
    row = "(%s, %s, %s, %s, 'desk', %s, 'bench', now(), now(), %s, false)"
    sql = f"INSERT INTO {scratch} ({columns}) VALUES " + ", ".join([row] * 20)
    rows = [0] * connections
    t_start = time.perf_counter()
    stop_at = time.monotonic() + seconds

    def loop(k: int) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            sync = conn.execute("SHOW synchronous_commit").fetchone()
            assert sync and sync[0] == "on", sync
            voter = k * 100_000_000
            while time.monotonic() < stop_at:
                params: list[object] = []
                for _ in range(20):
                    voter += 1
                    serial = voter % 1_000_000 + 1
                    params += [voter, ac_id, part_id, serial, by_id, uuid.uuid4()]
                conn.execute(sql, params)  # autocommit: one transaction per INSERT
                rows[k] += 20

    threads = [threading.Thread(target=loop, args=(k,)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - t_start
    with psycopg.connect(url, autocommit=True) as conn:
        stored = conn.execute(f"SELECT count(*) FROM {scratch}").fetchone()
        conn.execute(f"DROP TABLE {scratch}")
    assert stored and stored[0] == sum(rows), (stored, sum(rows))
    return sum(rows) / elapsed


def report(title: str, latencies: list[float], marks: int, seconds: float) -> float:
    print(f"\n{title}")
    print(f"  requests {len(latencies)}, marks {marks}, wall {seconds:.2f} s")
    rate = marks / seconds if seconds else 0.0
    print(
        f"  throughput {rate:,.0f} marks/s, "
        f"{len(latencies) / seconds if seconds else 0:,.1f} requests/s"
    )
    if latencies:
        print(
            f"  latency p50 {percentile(latencies, 50) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 95) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 99) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms"
        )
    return rate


def on_signal(signum: int, _frame: object) -> None:
    raise Deadline(f"stopped by signal {signum}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--booths", type=int, default=50)
    parser.add_argument("--electors", type=int, default=4000)
    parser.add_argument("--raw-seconds", type=float, default=5)
    parser.add_argument("--war-room-pause", type=float, default=1.0)
    parser.add_argument("--war-room-workers", type=int, default=1)
    parser.add_argument("--server", choices=SERVERS, default="granian")
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="Python threads in each marking server worker",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=30,
        help="seconds between the timeline's lines during the load",
    )
    parser.add_argument(
        "--own-cluster",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="a throw-away cluster set up as a polling-day server (needs root) "
        "instead of BENCH_DATABASE_URL",
    )
    args = parser.parse_args()
    if not 0 < args.seconds <= MAX_SECONDS:
        sys.exit(f"--seconds must be in (0, {MAX_SECONDS}]")
    if not 1 <= args.batch_size <= 100:
        sys.exit("--batch-size must be 1 to 100 (the API's limit)")
    if not args.own_cluster:
        measure(args, os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
        return
    if os.geteuid() != 0:
        sys.exit("--own-cluster needs root: the cluster runs as the postgres user")
    base = Path(tempfile.mkdtemp(prefix="bw-votingday-marks-"))
    cluster = Cluster(base)
    try:
        cluster.init(POLLING_DAY_SETTINGS)
        cluster.start()
        print(
            "own cluster: "
            + ", ".join(f"{k} {v}" for k, v in POLLING_DAY_SETTINGS.items())
            + "; fsync, full_page_writes and synchronous_commit on"
        )
        measure(args, f"postgres://postgres@127.0.0.1:{cluster.port}/{BENCH_DB}")
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def measure(args: argparse.Namespace, url: str) -> None:
    """Steps 1 to 6 of the module's docstring against the database at `url`."""
    started = time.monotonic()
    # The whole run: building the world, the load, the replay and the raw loop.
    budget = int(args.seconds + 4 * args.raw_seconds + 900)
    deadline = started + budget
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(budget + 60)
    if not url.startswith("postgres"):
        sys.exit("The bench needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    recreate_database(url)
    sync = synchronous_commit(url)
    if sync != "on":
        sys.exit(f"synchronous_commit is {sync!r}; the bench measures it on only")
    os.environ["DATABASE_URL"] = url
    # Shared with the server, which must read the war-room session signed here.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boothwise.settings")
    import django

    django.setup()
    t0 = time.perf_counter()
    world = build_world(args.booths, args.electors, args.clients)
    clients = world["clients"]
    print(
        f"bench world: {args.booths} booths, {args.booths * args.electors} electors, "
        f"{args.clients} clients, built in {time.perf_counter() - t0:.1f} s; "
        f"synchronous_commit {sync}, {args.server} workers {args.workers} × "
        f"{args.threads} threads"
    )
    from boothwise.votingday.models import VotedMark

    cookie = war_room_cookie(world["city_id"])
    server, port = start_server(
        url, args.workers, server=args.server, threads=args.threads
    )
    # Pages for people (the war room) on their own small pool, as a deployment would
    # route them, so they never wait in line behind thousands of devices' batches.
    pages, pages_port = (
        start_server(url, args.war_room_workers, server=args.server)
        if args.war_room_workers
        else (None, port)
    )
    try:
        warm_up(port, clients, args.workers * args.threads)
        watch = WarRoomWatch(pages_port, world["city_id"], cookie, args.war_room_pause)
        watch.get()  # the first view counts the booths once
        watch.latencies.clear()
        watch.thread.start()
        # The clients keep every mark for the final check, millions in a long run;
        # the cycle collector's full passes over them stalled every client thread at
        # once, which read as server latency. Nothing here makes cycles.
        gc.disable()
        tally = Tally()
        groups = [server.pid] + ([pages.pid] if pages is not None else [])
        timeline = Timeline(url, tally, groups, args.interval)
        timeline.thread.start()
        try:
            seconds = run_load(
                port, clients, args.batch_size, args.seconds, deadline, tally
            )
        finally:
            timeline.close()
            gc.enable()
        watch.stop.set()
        watch.thread.join(timeout=60)
        fresh = len(tally.accepted) - tally.already
        http_rate = report(
            f"{args.clients} clients for {args.seconds:.0f} s, batches of "
            f"{args.batch_size} marks",
            tally.latencies,
            len(tally.accepted),
            seconds,
        )
        print(
            f"  accepted {len(tally.accepted)} ({tally.already} already marked), "
            f"rejected {tally.rejected}, client errors {len(tally.errors)}, "
            f"clients that ran out of serials {tally.exhausted}"
        )
        if tally.errors:
            print(f"  first error: {tally.errors[0]}")
        if tally.exhausted:
            print(
                "  WARNING: some clients ran out of serials before the time was up, so"
                " the load thinned out; use more --electors or --booths"
            )
        print(
            f"\nwar room of {watch.booths} booths ("
            + (
                f"own pool of {args.war_room_workers} workers"
                if args.war_room_workers
                else "same workers as the marks"
            )
            + f"), refreshed every "
            f"{args.war_room_pause:g} s during the load: {len(watch.latencies)} "
            f"answers, p50 {percentile(watch.latencies, 50) * 1000:.0f} ms, "
            f"p95 {percentile(watch.latencies, 95) * 1000:.0f} ms, "
            f"p99 {percentile(watch.latencies, 99) * 1000:.0f} ms; "
            f"{watch.unreconciled} not reconciled, {len(watch.errors)} errors"
        )
        stored_before = VotedMark.objects.count()
        replay = tally.sent[::10]
        latencies, same, other, wall = run_replay(port, clients, replay, tally.accepted)
        replayed = sum(len(uuids) for *_sent, uuids in replay)
        report(
            f"{len(replay)} of {len(tally.sent)} batches replayed concurrently "
            "(must store nothing)",
            latencies,
            replayed,
            wall,
        )
        stored_after = VotedMark.objects.count()
        print(
            f"  answered as first sent {same} of {replayed}; marks stored "
            f"{stored_before} before the replay, {stored_after} after"
        )
    finally:
        stop_server(server)
        if pages is not None:
            stop_server(pages)
    signal.alarm(0)

    marks = VotedMark.objects.count()
    uuids = VotedMark.objects.values("client_uuid").distinct().count()
    voters = VotedMark.objects.values("voter_id").distinct().count()
    db_uuids = {str(u) for u in VotedMark.objects.values_list("client_uuid", flat=True)}
    ids_match = all(
        mark_id is not None for mark_id in tally.accepted.values()
    ) and db_uuids == set(tally.accepted)
    print(
        f"\ndatabase: {marks} marks, {uuids} distinct uuids, {voters} distinct "
        f"electors; clients had {len(tally.accepted)} accepted ({fresh} fresh)"
    )

    table = VotedMark._meta.db_table
    raw_one = raw_inserts(url, table, 1, args.raw_seconds)
    connections = args.workers * args.threads
    raw_many = raw_inserts(url, table, connections, args.raw_seconds)
    print(
        f"\nraw engine, 20-row INSERT per transaction, synchronous_commit {sync}:"
        f"\n  1 connection {raw_one:,.0f} rows/s; "
        f"{connections} connections {raw_many:,.0f} rows/s"
        f"\n  ratio HTTP marks/s ÷ raw rows/s: {http_rate / raw_one:.2f} "
        f"(1 connection), {http_rate / raw_many:.2f} ({connections} connections)"
    )

    ok = (
        marks == uuids == voters == len(tally.accepted) == fresh
        and ids_match
        and stored_after == stored_before
        and same == replayed
        and other == 0
        and not tally.errors
        and tally.rejected == 0
        and watch.unreconciled == 0
        and not watch.errors
    )
    print(
        "every accepted mark stored exactly once; the replay stored nothing"
        if ok
        else "MISMATCH"
    )
    load = os.getloadavg()
    print(
        f"total {time.monotonic() - started:.0f} s; load average {load[0]:.1f} "
        f"{load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
