"""Load-test the visit sync through real HTTP against PostgreSQL.

Run: ``.venv/bin/python bench/outreach_sync.py [--devices 500] [--batches 2]
[--batch-size 25] [--queue 2000] [--workers 4] [--max-seconds 900]``

It needs PostgreSQL (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/bw_outreach_bench``); the database is dropped and
made anew on each run, so never point it at a database you care about. Steps:

1. Migrate, then build a bench world: a city with one block of 50 booths on AC 100, a
   synthetic roll (bench/roll_generator.py, 400 electors a booth), one running campaign,
   and one field worker per device (a booth committee member, 10 per booth) with an API
   token.
2. Start gunicorn (``--workers`` sync worker processes) on a free loopback port.
3. **One device, 2,000 queued visits**: the outbox sends them in batches of 50, one after
   another, as walk.js does after a day offline; then sends them all again (a replay
   must store nothing).
4. **500 devices at once**: every device sends ``--batches`` batches of ``--batch-size``
   visits, all devices starting together (threads, one keep-alive connection each);
   then a tenth of the batches is replayed concurrently.
5. Checks the database holds every visit exactly once, prints throughput and latency
   percentiles, and stops the server. Every request has a timeout, the whole run a
   deadline, and the server is always stopped.

Only loopback traffic; nothing else is contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from loadtest import (  # noqa: E402
    percentile,
    recreate_database,
    start_server,
    stop_server,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bw_outreach_bench"
BOOTHS = 50
ELECTORS = 400
OUTBOX_BATCH = 50


def build_world(devices: int) -> dict:
    """The bench organisation, roll, campaign and one token per device."""
    import csv
    import io

    from django.core.management import call_command
    from django.utils import timezone
    from roll_generator import COLUMNS, RollGenerator

    from boothwise.accounts.models import User
    from boothwise.accounts.tokens import api_token_create
    from boothwise.geography.models import AssemblyConstituency, Part, State
    from boothwise.organisation.models import Person, PostType, Unit
    from boothwise.organisation.services import post_appoint, unit_create
    from boothwise.outreach.services import campaign_create
    from boothwise.rolls.importer import roll_import
    from boothwise.rolls.models import Voter

    call_command("migrate", verbosity=0)
    rj = State.objects.get(abbr="RJ")
    ac = AssemblyConstituency.objects.get(state=rj, number=100)
    L = Unit.Level
    state = unit_create(by=None, level=L.STATE, name="Rajasthan", parent=None, state=rj)
    city = unit_create(by=None, level=L.CITY, name="Bench city", parent=state, state=rj)
    block = unit_create(
        by=None, level=L.BLOCK, name="Bench block", parent=city, state=rj
    )
    booths = []
    for n in range(1, BOOTHS + 1):
        part = Part.objects.create(
            ac=ac,
            number=str(n),
            name=f"Bench school {n}",
            latitude="26.45",
            longitude="74.64",
        )
        booths.append(
            unit_create(
                by=None,
                level=L.BOOTH,
                name=f"Booth {n}",
                parent=block,
                state=rj,
                part=part,
            )
        )
    generator = RollGenerator(7)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for n in range(1, BOOTHS + 1):
        for row in generator.rows(100, 1, ELECTORS):
            row["part_no"] = str(n)
            writer.writerow(row)
    roll_import(
        file=io.BytesIO(out.getvalue().encode()), file_name="bench.csv", by=None
    )
    leader = User.objects.create_user(username="bench-leader", password=None)
    leader_person = Person.objects.create(name="बेंच नेता", unit=city, user=leader)
    today = timezone.localdate()
    post_appoint(
        by=None,
        person=leader_person,
        post_type=PostType.CITY_PRESIDENT,
        unit=city,
        start_date=today - timedelta(days=400),
    )
    campaign = campaign_create(
        by=leader,
        name="Bench campaign",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
        units=[city],
    )
    tokens = []
    for d in range(devices):
        booth = booths[d % BOOTHS]
        user = User.objects.create_user(username=f"bench-{d}", password=None)
        person = Person.objects.create(name=f"कार्यकर्ता {d}", unit=booth, user=user)
        post_appoint(
            by=None,
            person=person,
            post_type=PostType.BOOTH_MEMBER,
            unit=booth,
            start_date=today - timedelta(days=100),
        )
        tokens.append((api_token_create(user=user, name="bench")[1], booth.part_id))
    doors: dict[int, list[tuple[int, list[int]]]] = {}
    households: dict[tuple[int, object], list[int]] = {}
    for part_id, serial, household in Voter.objects.order_by("serial_no").values_list(
        "part_id", "serial_no", "household_id"
    ):
        households.setdefault((part_id, household or ("solo", serial)), []).append(
            serial
        )
    for (part_id, _key), serials in households.items():
        doors.setdefault(part_id, []).append((serials[0], serials))
    return {"campaign": campaign.pk, "tokens": tokens, "doors": doors}


def payloads(
    world: dict, part_id: int, count: int, rng: random.Random, start: float
) -> list[dict]:
    """`count` visits at doors of one part, in time order, 2–6 minutes apart."""
    doors = world["doors"][part_id]
    items = []
    at = start
    for i in range(count):
        first, serials = doors[i % len(doors)]
        at += rng.randint(120, 360)
        answers = [
            {"serial_no": s, "kind": "support", "value": rng.randint(1, 5)}
            for s in serials[:3]
        ]
        if rng.random() < 0.5:
            answers.append(
                {
                    "serial_no": first,
                    "kind": "issues",
                    "value": [rng.choice(["water", "roads", "jobs"])],
                }
            )
        items.append(
            {
                "client_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "campaign_id": world["campaign"],
                "part_id": part_id,
                "serial_no": first,
                "outcome": rng.choice(["met", "met", "met", "not_home", "refused"]),
                "at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(at)),
                "answers": answers,
                "device": "bench",
            }
        )
    return items


class Device:
    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.conn: http.client.HTTPConnection | None = None

    def post(self, items: list[dict]) -> tuple[float, dict]:
        body = json.dumps({"items": items}).encode()
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        }
        for attempt in range(3):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=120
                )
            t0 = time.perf_counter()
            try:
                self.conn.request("POST", "/api/v1/outreach/visits", body, headers)
                response = self.conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                time.sleep(0.5)
                continue
            elapsed = time.perf_counter() - t0
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
            return elapsed, json.loads(data)
        raise RuntimeError("unreachable")


def warm_up(port: int, token: str, workers: int) -> None:
    """Touch every worker once (imports, URL resolver, first DB connection)."""
    for _ in range(workers * 4):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET",
            "/api/v1/outreach/campaigns",
            headers={"Authorization": f"Bearer {token}"},
        )
        conn.getresponse().read()
        conn.close()


def report(title: str, latencies: list[float], visits: int, seconds: float) -> None:
    print(f"\n{title}")
    print(f"  requests {len(latencies)}, visits {visits}, wall {seconds:.2f} s")
    print(
        f"  throughput {visits / seconds:,.0f} visits/s, "
        f"{len(latencies) / seconds:,.1f} requests/s"
    )
    print(
        f"  latency p50 {percentile(latencies, 50) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 95) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )


def run_concurrent(
    port: int, jobs: list[tuple[str, list[list[dict]]]], deadline: float
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    created = [0]
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(jobs) + 1)

    def device_run(token: str, batches: list[list[dict]]) -> None:
        device = Device(port, token)
        barrier.wait()
        for batch in batches:
            if time.monotonic() > deadline:
                errors.append("deadline")
                return
            try:
                elapsed, body = device.post(batch)
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(str(error))
                return
            with lock:
                latencies.append(elapsed)
                created[0] += body["created"]

    threads = [
        threading.Thread(target=device_run, args=job, daemon=True) for job in jobs
    ]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.monotonic()))
    seconds = time.perf_counter() - t0
    if errors:
        print(f"  {len(errors)} devices failed; first: {errors[0]}")
    return latencies, created[0], seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--queue", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--max-seconds", type=int, default=900)
    args = parser.parse_args()
    started = time.monotonic()
    deadline = started + args.max_seconds
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The bench needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boothwise.settings")
    import django

    django.setup()
    t0 = time.perf_counter()
    world = build_world(args.devices)
    print(
        f"bench world: {BOOTHS} booths, {BOOTHS * ELECTORS} electors, "
        f"{args.devices} devices, built in {time.perf_counter() - t0:.1f} s"
    )
    from boothwise.outreach.models import Answer, Visit

    rng = random.Random(11)
    now = time.time()
    server, port = start_server(url, args.workers)
    try:
        token, part_id = world["tokens"][0]
        warm_up(port, token, args.workers)
        # 1. One device's outbox after a long day offline.
        queue = payloads(world, part_id, args.queue, rng, now - args.queue * 400)
        device = Device(port, token)
        latencies = []
        created = 0
        t0 = time.perf_counter()
        for i in range(0, len(queue), OUTBOX_BATCH):
            elapsed, body = device.post(queue[i : i + OUTBOX_BATCH])
            latencies.append(elapsed)
            created += body["created"]
        report(
            f"one device, {args.queue} queued visits in batches of {OUTBOX_BATCH}",
            latencies,
            created,
            time.perf_counter() - t0,
        )
        assert created == args.queue, created
        t0 = time.perf_counter()
        replayed = 0
        replay_latencies = []
        for i in range(0, len(queue), OUTBOX_BATCH):
            elapsed, body = device.post(queue[i : i + OUTBOX_BATCH])
            replay_latencies.append(elapsed)
            replayed += body["created"]
        report(
            "the same queue replayed (must store nothing)",
            replay_latencies,
            args.queue,
            time.perf_counter() - t0,
        )
        assert replayed == 0, replayed

        # 2. Many devices at once.
        jobs = []
        for token, part_id in world["tokens"]:
            items = payloads(
                world,
                part_id,
                args.batches * args.batch_size,
                rng,
                now - 3 * 86400 + rng.randint(0, 86400),
            )
            jobs.append(
                (
                    token,
                    [
                        items[i : i + args.batch_size]
                        for i in range(0, len(items), args.batch_size)
                    ],
                )
            )
        latencies, created, seconds = run_concurrent(port, jobs, deadline)
        expected = args.devices * args.batches * args.batch_size
        report(
            f"{args.devices} devices at once, {args.batches} batches of "
            f"{args.batch_size} each",
            latencies,
            created,
            seconds,
        )
        replay_jobs = [(token, batches[:1]) for token, batches in jobs[::10]]
        latencies, again, seconds = run_concurrent(port, replay_jobs, deadline)
        report(
            f"{len(replay_jobs)} devices replaying a batch at once",
            latencies,
            len(replay_jobs) * args.batch_size,
            seconds,
        )
    finally:
        stop_server(server)
    visits = Visit.objects.count()
    distinct = Visit.objects.values("client_uuid").distinct().count()
    print(
        f"\ndatabase: {visits} visits ({distinct} distinct uuids), "
        f"{Answer.objects.count()} answers; expected {args.queue + expected} visits"
    )
    print(f"created by the concurrent run {created}, by the replays {again + replayed}")
    ok = visits == distinct == args.queue + expected and again == 0
    print("every visit stored exactly once" if ok else "MISMATCH")
    print(f"total {time.monotonic() - started:.0f} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
