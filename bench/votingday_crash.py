"""Kill PostgreSQL under voting-day marking load: no mark may be lost or duplicated.

Run (as root, which can act as the ``postgres`` OS user):
``.venv/bin/python bench/votingday_crash.py [--seconds 90] [--kills 3] [--clients 32]
[--workers 4] [--rate 0] [--drop-answers 0.01] [--kill-mode postmaster]
[--server granian|gunicorn]``
(about 2.5 minutes with the defaults; ``--help`` lists every option)

It never touches the machine's own PostgreSQL. Steps:

1. initdb a throw-away cluster (the newest ``/usr/lib/postgresql/*/bin``, run as the
   ``postgres`` user) in a temporary directory, listening only on a free loopback port,
   with fsync, full_page_writes and synchronous_commit on (checked with SHOW; the bench
   refuses to run otherwise and never turns them off).
2. Migrate and build the bench world of bench/votingday_marks.py (a booth per client,
   one marking user with an API token each), start the HTTP server (``--server``,
   granian by default, as bench/votingday_marks.py) against the cluster.
3. ``--clients`` threads act as devices. Each keeps its outbox in its own SQLite file:
   a mark (fresh client_uuid, a serial of its booth not used before) is written there
   before it is sent, and leaves only when the server has answered it. Batches of
   ``--batch-size`` go to POST /api/v1/votingday/marks; on a connection error, a
   timeout or any answer but 200 the device backs off and sends the same batch again.
   With ``--rate 0`` each device makes a new batch whenever its outbox runs low (as
   much load as the server takes); with ``--rate N`` the devices together make N marks
   a second whatever the server does, so outboxes fill up while the database is down.
   ``--drop-answers`` of the sends the device hangs up before the answer (a lost
   network) and resends 5 s later, so resends of stored batches surely happen.
4. ``--kills`` times, evenly spread over the ``--seconds`` of load, ``kill -9`` the
   postmaster (its PID from postmaster.pid, checked to be this cluster's), wait for its
   children to exit, wait ``--down-seconds``, and start the cluster again (crash
   recovery). The server is not touched: the app must recover on its own; the report
   shows per kill how long marking failed and whether it failed after the restart.
5. The load stops; every device reopens its outbox file (as after an app restart) and
   drains it, within ``--drain-seconds``. Then (``--idle-probe``) one more kill while
   the app is idle shows whether the first requests after a restart fail on the
   workers' kept connections.
6. Compares the database with the marks the devices generated (as recorded in their
   SQLite files): every generated client_uuid stored once, for its elector, nothing
   else stored, at most one standing mark per elector; amcheck checks the mark
   table's indexes, and the booth tallies, if the app keeps them, must match the
   marks. Exits 0 only if nothing was lost or duplicated, every kill was done and
   every outbox drained.

The server, the cluster and the temporary directory are always removed, also on Ctrl-C,
a failure or the overall deadline. Only loopback traffic; nothing else is contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from loadtest import (  # noqa: E402
    SERVERS,
    Cluster,
    percentile,
    recreate_database,
    start_server,
    stop_server,
)
from votingday_marks import (  # noqa: E402
    PATH,
    build_world,
    item,
    warm_up,
)

MAX_SECONDS = 900
REQUEST_TIMEOUT = 15
BACKOFF_FIRST = 0.1
BACKOFF_MAX = 2.0
DROPPED_WAIT = 5.0
DATABASE = "bw_votingday_crash"


class Deadline(Exception):
    """The whole run took too long, or the bench was asked to stop."""


def on_signal(signum: int, _frame: object) -> None:
    raise Deadline(f"stopped by signal {signum}")


def server_settings(url: str) -> dict[str, str]:
    import psycopg

    names = ["fsync", "synchronous_commit", "full_page_writes", "wal_sync_method"]
    with psycopg.connect(url) as conn:
        return {
            n: str(conn.execute(f"SHOW {n}").fetchone()[0])  # type: ignore[index]
            for n in names
        }


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


# --- the devices ----------------------------------------------------------------


class Outbox:
    """A device's outbox in its own SQLite file. `generated` records every mark the
    device made; `outbox` holds those the server has not answered yet."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = self.connect()

    def connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        # Survives the app being killed (not a power cut); fsync here would only slow
        # the devices down, and they share the disk with the server.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS generated (client_uuid TEXT PRIMARY KEY, "
            "part_id INTEGER NOT NULL, serial_no INTEGER NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
            "client_uuid TEXT NOT NULL UNIQUE, body TEXT NOT NULL)"
        )
        return db

    def reopen(self) -> None:
        """As after the app restarted: nothing but what is in the file."""
        self.db.close()
        self.db = self.connect()

    def add(self, marks: list[dict]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT INTO generated VALUES (?, ?, ?)",
                [(m["client_uuid"], m["part_id"], m["serial_no"]) for m in marks],
            )
            self.db.executemany(
                "INSERT INTO outbox (client_uuid, body) VALUES (?, ?)",
                [(m["client_uuid"], json.dumps(m)) for m in marks],
            )

    def head(self, n: int) -> list[dict]:
        rows = self.db.execute(
            "SELECT body FROM outbox ORDER BY seq LIMIT ?", (n,)
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def remove(self, uuids: list[str]) -> None:
        with self.transaction():
            self.db.executemany(
                "DELETE FROM outbox WHERE client_uuid = ?", [(u,) for u in uuids]
            )

    def pending(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def generated(self) -> list[tuple[str, int, int]]:
        return self.db.execute("SELECT * FROM generated").fetchall()

    @contextlib.contextmanager
    def transaction(self):  # type: ignore[no-untyped-def]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


@dataclass
class Device:
    """What one device thread did; written only by that thread."""

    index: int
    generated: list[dict] = field(default_factory=list)
    # (monotonic time, outcome, marks answered) per attempt; outcome "ok", "5xx",
    # "4xx", "timeout", "connection" or "bad answer".
    attempts: list[tuple[float, str, int]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    accepted: int = 0
    already: int = 0
    rejected: list[str] = field(default_factory=list)
    first_error: dict[str, str] = field(default_factory=dict)
    # Marks of batches that failed at least once and have not been answered yet, with
    # how their attempts failed.
    failing: dict[str, set[str]] = field(default_factory=dict)
    # Batches answered after failed attempts: (wall time the answered attempt was
    # sent, the batch's uuids, whether the device hung up on any of them).
    retried: list[tuple[float, list[str], bool]] = field(default_factory=list)
    exhausted: bool = False
    peak: int = 0  # the most marks its outbox held
    undrained: int = 0
    crashed: str = ""


class Run:
    """Shared switches between the main thread, the killer and the devices."""

    def __init__(self) -> None:
        self.stop_load = threading.Event()  # no new marks from now on
        self.abort = threading.Event()  # give up at once (deadline, Ctrl-C, failure)
        self.drain_until = 0.0
        self.t0 = 0.0  # monotonic, when the load started
        self.server: subprocess.Popen | None = None


def post(
    port: int,
    token: str,
    conn: http.client.HTTPConnection | None,
    batch: list[dict],
    drop: bool = False,
) -> tuple[http.client.HTTPConnection | None, str, list[dict] | str, float]:
    """One attempt. Returns the connection to reuse (None if it broke), the outcome,
    the results (or an error text) and the seconds it took. With `drop` the device
    hangs up right after sending, as when it loses the network: the server still
    does the work, but the answer never arrives."""
    body = json.dumps({"items": batch}).encode()
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept-Language": "en",
    }
    if conn is None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    t0 = time.perf_counter()
    try:
        conn.request("POST", PATH, body, headers)
        if drop:
            conn.close()
            return None, "dropped", "hung up before the answer", 0.0
        response = conn.getresponse()
        data = response.read()
    except TimeoutError as error:
        conn.close()
        return None, "timeout", repr(error), time.perf_counter() - t0
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return None, "connection", repr(error), time.perf_counter() - t0
    elapsed = time.perf_counter() - t0
    if response.status != 200:
        kind = "5xx" if response.status >= 500 else "4xx"
        text = f"HTTP {response.status}: {data[:300]!r}"
        return conn, kind, text, elapsed
    try:
        results = json.loads(data)["results"]
    except (ValueError, KeyError) as error:
        return conn, "bad answer", f"{error!r}: {data[:300]!r}", elapsed
    sent = [m["client_uuid"] for m in batch]
    if [r.get("client_uuid") for r in results] != sent:
        return conn, "bad answer", f"results do not match the batch: {data[:300]!r}", 0
    return conn, "ok", results, elapsed


def device_run(
    run: Run,
    device: Device,
    spec: dict,
    outbox_path: Path,
    port: int,
    batch_size: int,
    rate: float,
    drop_answers: float,
    started: threading.Barrier,
) -> None:
    outbox: Outbox | None = None
    serials = iter(spec["serials"])
    conn: http.client.HTTPConnection | None = None
    inflight: list[dict] | None = None
    failures = 0
    try:
        outbox = Outbox(outbox_path)
        started.wait(timeout=120)
        t0 = time.monotonic()
        draining = False
        while not run.abort.is_set():
            now = time.monotonic()
            if run.stop_load.is_set() and not draining:
                draining = True
                outbox.reopen()  # the app restarted: only the file is left
                inflight = None
            if draining and now >= run.drain_until:
                break
            if not draining and not device.exhausted:
                if rate > 0:
                    due = int(rate * (now - t0)) - len(device.generated)
                else:
                    due = batch_size if outbox.pending() < batch_size else 0
                fresh = []
                for _ in range(min(due, 10 * batch_size)):
                    serial = next(serials, None)
                    if serial is None:
                        device.exhausted = True
                        break
                    fresh.append(item(spec["part_id"], serial))
                if fresh:
                    outbox.add(fresh)  # on "disk" before it is ever sent
                    device.generated.extend(fresh)
                    device.peak = max(device.peak, outbox.pending())
            if inflight is None:
                inflight = outbox.head(batch_size)
            if not inflight:
                inflight = None
                if draining or (device.exhausted and rate <= 0):
                    break
                time.sleep(0.02)
                continue
            sent_at = time.time()
            drop = random.random() < drop_answers
            conn, outcome, answer, elapsed = post(
                port, spec["token"], conn, inflight, drop
            )
            if outcome == "ok" and isinstance(answer, list):
                uuids = [m["client_uuid"] for m in inflight]
                how = set().union(*(device.failing.pop(u, set()) for u in uuids))
                if how:
                    device.retried.append((sent_at, uuids, "dropped" in how))
                device.attempts.append((time.monotonic(), outcome, len(answer)))
                device.latencies.append(elapsed)
                for r in answer:
                    if r["status"] == "accepted":
                        device.accepted += 1
                        device.already += bool(r["already"])
                    else:
                        device.rejected.append(json.dumps(r))
                # Answered, so off the outbox (a rejected one would be shown to the
                # worker; here it counts as lost).
                outbox.remove([r["client_uuid"] for r in answer])
                inflight = None
                failures = 0
                continue
            device.attempts.append((time.monotonic(), outcome, 0))
            device.first_error.setdefault(outcome, str(answer))
            for m in inflight:
                device.failing.setdefault(m["client_uuid"], set()).add(outcome)
            device.retries += 1  # the same batch goes again
            if outcome == "dropped":
                # A device that lost the network tries again a while later.
                run.abort.wait(DROPPED_WAIT)
                continue
            failures += 1
            backoff = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (failures - 1))
            run.abort.wait(backoff * random.uniform(0.5, 1.0))
        device.undrained = outbox.pending()
    except Exception as error:  # noqa: BLE001 - reported, fails the run
        device.crashed = repr(error)
    finally:
        if conn is not None:
            conn.close()
        if outbox is not None:
            outbox.close()


# --- the killer -----------------------------------------------------------------


@dataclass
class Kill:
    at: float  # monotonic
    pid: int = 0
    children: int = 0
    children_exit: float = 0.0
    ready: float = 0.0  # monotonic, when pg_ctl saw it accept connections
    error: str = ""


def killer_run(
    run: Run,
    cluster: Cluster,
    times: list[float],
    down: float,
    everything: bool,
    kills: list[Kill],
) -> None:
    for at in times:
        if run.abort.wait(max(0.0, at - time.monotonic())):
            return
        kill = Kill(at=time.monotonic())
        kills.append(kill)
        try:
            kill.pid, kill.children, kill.children_exit = cluster.kill(everything)
            print(
                f"  kill {len(kills)} at {kill.at - run.t0:5.1f} s: postmaster "
                f"{kill.pid} killed (-9)"
                + (f" with its {kill.children} children" if everything else "")
                + f"; {kill.children} children gone after {kill.children_exit:.2f} s",
                flush=True,
            )
            time.sleep(down)
            cluster.start()
            kill.ready = time.monotonic()
            print(
                f"  restarted; accepting connections {kill.ready - kill.at:.1f} s "
                "after the kill",
                flush=True,
            )
        except Exception as error:  # noqa: BLE001 - reported, fails the run
            kill.error = repr(error)
            print(f"  kill {len(kills)} FAILED: {error}", flush=True)
            run.abort.set()
            return


# --- checks and report -----------------------------------------------------------


@dataclass
class Check:
    generated: int
    rows: int
    distinct_uuids: int
    lost: int
    extra: int
    duplicate_uuids: int
    double_standing: int
    wrong_elector: int
    amcheck: str
    # Batches whose answer was lost (the attempt failed) although the server had
    # stored their marks: the resend had to be answered from the stored marks.
    stored_unanswered: Counter[str] = field(default_factory=Counter)
    tallies: str = ""


def verify(
    url: str,
    generated: dict[str, tuple[int, int]],
    retried: list[tuple[float, list[str], bool]],
) -> Check:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT client_uuid::text, part_id, serial_no, received_at "
            "FROM votingday_votedmark"
        ).fetchall()
        row = conn.execute(
            "SELECT count(*), count(DISTINCT client_uuid) FROM votingday_votedmark"
        ).fetchone()
        assert row is not None
        count, distinct = int(row[0]), int(row[1])
        row = conn.execute(
            "SELECT count(*) FROM (SELECT voter_id FROM votingday_votedmark "
            "WHERE NOT undone GROUP BY voter_id HAVING count(*) > 1) AS d"
        ).fetchone()
        double_standing = int(row[0]) if row else -1
        tallies = check_tallies(conn)
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            indexes = conn.execute(
                "SELECT c.relname, bt_index_check(c.oid, true) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = 'votingday_votedmark'::regclass"
            ).fetchall()
            amcheck = f"{len(indexes)} indexes of the mark table check out (amcheck)"
        except psycopg.Error as error:
            amcheck = f"amcheck FAILED: {error}"
    stored = {u: (part_id, serial_no) for u, part_id, serial_no, _r in rows}
    received = {u: r.timestamp() for u, _p, _s, r in rows}
    wrong = sum(
        1 for u, where in stored.items() if u in generated and generated[u] != where
    )
    # Stored before the attempt that got the answer was sent: by an earlier attempt
    # whose answer was lost.
    stored_unanswered = Counter(
        "hang-up" if hung_up else "server"
        for sent_at, uuids, hung_up in retried
        if any(received.get(u, float("inf")) < sent_at for u in uuids)
    )
    return Check(
        generated=len(generated),
        rows=count,
        distinct_uuids=distinct,
        lost=len(generated.keys() - stored.keys()),
        extra=len(stored.keys() - generated.keys()),
        duplicate_uuids=count - distinct,
        double_standing=double_standing,
        wrong_elector=wrong,
        amcheck=amcheck,
        stored_unanswered=stored_unanswered,
        tallies=tallies,
    )


def check_tallies(conn: object) -> str:
    """The app's running booth tallies (votingday_boothtally.marked): each must equal
    the booth's standing marks after the crashes too (a mismatch fails the run)."""
    exists = conn.execute(  # type: ignore[attr-defined]
        "SELECT count(*) FROM information_schema.columns WHERE "
        "table_name = 'votingday_boothtally' AND column_name IN ('part_id', 'marked')"
    ).fetchone()
    if not exists or exists[0] != 2:
        return ""
    rows = conn.execute(  # type: ignore[attr-defined]
        "SELECT t.part_id, t.marked, coalesce(m.n, 0) FROM votingday_boothtally t "
        "FULL JOIN (SELECT part_id, count(*) AS n FROM votingday_votedmark "
        "WHERE NOT undone GROUP BY part_id) m ON m.part_id = t.part_id"
    ).fetchall()
    wrong = [(p, t, n) for p, t, n in rows if t != n]
    if not wrong:
        return f"booth tallies agree with the standing marks for all {len(rows)} booths"
    return (
        f"FINDING: {len(wrong)} of {len(rows)} booth tallies disagree with the "
        f"standing marks (part, tally, marks): {wrong[:5]}"
    )


def exception_summary(log: Path) -> Counter[str]:
    """The exceptions the server logged (the last line of each traceback), with numbers,
    ports and quoted names blanked so that alike ones count together."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return Counter()
    found = re.findall(
        r"^([A-Za-z_][\w.]*(?:Error|Exception)(?::.*)?)$", text, re.MULTILINE
    )
    return Counter(re.sub(r"\d+", "N", line)[:160] for line in found)


def recovery_report(devices: list[Device], kills: list[Kill]) -> list[str]:
    """Per kill: how long the database was down, when marking worked again, and how
    many attempts failed while it was down and after it was back (the latter are the
    app's doing, not the database's)."""
    # A device hanging up on purpose says nothing about the database.
    attempts = sorted(a for d in devices for a in d.attempts if a[1] != "dropped")
    lines = []
    for n, kill in enumerate(kills, 1):
        if not kill.ready:
            continue
        end = kills[n].at if n < len(kills) else float("inf")
        window = [a for a in attempts if kill.at <= a[0] < end]
        first_ok = next(
            (t for t, outcome, _ in window if outcome == "ok" and t >= kill.ready),
            None,
        )
        back = first_ok if first_ok is not None else float("inf")
        down = Counter(o for t, o, _ in window if t < kill.ready and o != "ok")
        between = Counter(o for t, o, _ in window if kill.ready <= t < back)
        later = Counter(o for t, o, _ in window if t > back and o != "ok")
        answered = sum(1 for t, o, _ in window if t < kill.ready and o == "ok")
        ok_at = f"{back - kill.ready:.2f} s" if first_ok is not None else "never"
        lines.append(
            f"  kill {n}: database down {kill.ready - kill.at:.1f} s (batches "
            f"answered in it: {answered}, failed {dict(down) or 0}); first accepted "
            f"batch {ok_at} after the restart (failed before it {dict(between) or 0},"
            f" after it {dict(later) or 0})"
        )
    return lines


def idle_probe(cluster: Cluster, port: int, token: str, down: float, n: int) -> str:
    """Kill the database while the app is idle, restart it, then send `n` requests
    one after another, each on a new connection: do the workers' kept connections
    (DB_CONN_MAX_AGE) fail the first request after the restart?"""
    time.sleep(1)
    cluster.kill(False)
    time.sleep(down)
    cluster.start()
    statuses: Counter[int] = Counter()
    for _ in range(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(
                "POST",
                PATH,
                b'{"items": []}',
                {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                },
            )
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
        finally:
            conn.close()
    failed = n - statuses[200]
    return (
        f"kill while the app was idle, then {n} requests after the restart: "
        f"{failed} failed {dict(statuses)}"
        + (
            " (FINDING: workers kept dead connections; each failed its first "
            "request; Django's CONN_HEALTH_CHECKS would avoid that)"
            if failed
            else ""
        )
    )


class HelpFormatter(
    argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter
):
    """The module's text as it is written, and each option's default."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("--seconds", type=float, default=90, help="load, at most 900")
    parser.add_argument("--kills", type=int, default=3, help="kill -9 the postmaster")
    parser.add_argument("--clients", type=int, default=32, help="device threads")
    parser.add_argument("--batch-size", type=int, default=20, help="marks a request")
    parser.add_argument("--workers", type=int, default=4, help="server workers")
    parser.add_argument("--server", choices=SERVERS, default="granian")
    parser.add_argument(
        "--electors", type=int, default=3000, help="serials a device can mark"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="marks/s all devices together make; 0: as many as the server takes",
    )
    parser.add_argument(
        "--down-seconds",
        type=float,
        default=2,
        help="wait after the postmaster's children are gone, before the restart",
    )
    parser.add_argument(
        "--kill-mode",
        choices=["postmaster", "all"],
        default="postmaster",
        help="kill -9 the postmaster only, or all its processes at once",
    )
    parser.add_argument(
        "--drop-answers",
        type=float,
        default=0.01,
        help="share of sends where the device hangs up before the answer (as on a "
        "lost network), so that resends of stored batches happen besides the kills",
    )
    parser.add_argument(
        "--drain-seconds",
        type=float,
        default=120,
        help="time the devices get to empty their outboxes after the load",
    )
    parser.add_argument(
        "--idle-probe",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after the drain, one more kill while the app is idle, to see whether "
        "the first requests after the restart fail on stale connections",
    )
    args = parser.parse_args()
    if not 0 < args.seconds <= MAX_SECONDS:
        sys.exit(f"--seconds must be in (0, {MAX_SECONDS}]")
    if not 0 < args.drain_seconds <= MAX_SECONDS:
        sys.exit(f"--drain-seconds must be in (0, {MAX_SECONDS}]")
    if args.kills < 0 or (args.kills and args.seconds / (args.kills + 1) < 5):
        sys.exit("--kills must be ≥ 0, at least 5 s of load apart")
    if not 1 <= args.batch_size <= 100:
        sys.exit("--batch-size must be 1 to 100 (the API's limit)")
    if not 1 <= args.clients <= 200 or not 1 <= args.workers <= 32:
        sys.exit("--clients must be 1 to 200 and --workers 1 to 32")
    if not 0 <= args.drop_answers <= 0.5:
        sys.exit("--drop-answers must be 0 to 0.5")
    if not 1 <= args.electors <= 100_000 or args.rate < 0:
        sys.exit("--electors must be 1 to 100000 and --rate ≥ 0")
    if os.geteuid() != 0:
        sys.exit("Run as root: the cluster is run as the postgres user via runuser")

    started = time.monotonic()
    budget = int(args.seconds + args.drain_seconds + args.kills * 330 + 900)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(budget)

    base = Path(tempfile.mkdtemp(prefix="bw-votingday-crash-"))
    cluster = Cluster(base)
    run = Run()
    threads: list[threading.Thread] = []
    ok = False
    try:
        ok = crash_run(args, base, cluster, run, threads, started)
    except (KeyboardInterrupt, Deadline) as stop:
        print(f"\nstopped: {stop!r}", file=sys.stderr)
    finally:
        signal.alarm(0)
        run.abort.set()
        for t in threads:
            t.join(timeout=REQUEST_TIMEOUT + 5)
        if run.server is not None:
            stop_server(run.server)
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
        print(f"cleaned up: the server and the cluster stopped, {base} removed")
    sys.exit(0 if ok else 1)


def crash_run(
    args: argparse.Namespace,
    base: Path,
    cluster: Cluster,
    run: Run,
    threads: list[threading.Thread],
    started: float,
) -> bool:
    cluster.init()
    cluster.start()
    url = f"postgres://postgres@127.0.0.1:{cluster.port}/{DATABASE}"
    recreate_database(url)
    settings = server_settings(url)
    for name in ("fsync", "synchronous_commit", "full_page_writes"):
        if settings[name] != "on":
            print(f"{name} is {settings[name]!r}; the bench runs with it on only")
            return False
    version = server_version(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boothwise.settings")
    import django

    django.setup()
    from django.db import connections

    t0 = time.perf_counter()
    world = build_world(args.clients, args.electors, args.clients)
    connections.close_all()  # the bench itself holds no connection across the kills
    specs = world["clients"]
    print(
        f"cluster: PostgreSQL {version} ({cluster.bin}) in {cluster.data}, "
        f"127.0.0.1:{cluster.port}; "
        + ", ".join(f"{k} {v}" for k, v in settings.items())
    )
    print(
        f"bench world: {args.clients} booths of {args.electors} electors, one device "
        f"each, built in {time.perf_counter() - t0:.1f} s"
    )
    server_log = base / "server.log"
    server, port = start_server(url, args.workers, log=server_log, server=args.server)
    run.server = server
    warm_up(port, specs, args.workers)
    errors_before = exception_summary(server_log)

    outboxes = base / "outboxes"
    outboxes.mkdir()
    devices = [Device(i) for i in range(len(specs))]
    barrier = threading.Barrier(len(specs) + 1)
    per_device = args.rate / len(specs)
    for device, spec in zip(devices, specs, strict=True):
        threads.append(
            threading.Thread(
                target=device_run,
                args=(
                    run,
                    device,
                    spec,
                    outboxes / f"device-{device.index}.sqlite3",
                    port,
                    args.batch_size,
                    per_device,
                    args.drop_answers,
                    barrier,
                ),
                daemon=True,
            )
        )
    for t in threads:
        t.start()
    print(
        f"load: {args.clients} devices, batches of {args.batch_size}, "
        + (f"{args.rate:,.0f} marks/s" if args.rate else "as fast as answered")
        + f", {args.seconds:.0f} s, {args.workers} {args.server} workers; "
        f"{args.kills} kills ({args.kill_mode})",
        flush=True,
    )
    barrier.wait(timeout=120)
    run.t0 = time.monotonic()
    kills: list[Kill] = []
    times = [
        run.t0 + args.seconds * (k + 1) / (args.kills + 1) for k in range(args.kills)
    ]
    killer = threading.Thread(
        target=killer_run,
        args=(run, cluster, times, args.down_seconds, args.kill_mode == "all", kills),
        daemon=True,
    )
    killer.start()
    threads.append(killer)
    while time.monotonic() < run.t0 + args.seconds and not run.abort.is_set():
        time.sleep(0.2)
    load_seconds = time.monotonic() - run.t0
    load_end = time.monotonic()
    while killer.is_alive():  # a restart under way finishes first
        killer.join(timeout=0.5)
    run.drain_until = time.monotonic() + args.drain_seconds
    run.stop_load.set()
    for t in threads:
        while t.is_alive():
            t.join(timeout=0.5)
    drain_seconds = time.monotonic() - load_end
    probe = ""
    if args.idle_probe and not run.abort.is_set():
        probe = idle_probe(
            cluster, port, specs[0]["token"], args.down_seconds, 4 * args.workers
        )
    stop_server(server)
    run.server = None

    # What the devices generated, as their files record it (and as they kept it).
    generated: dict[str, tuple[int, int]] = {}
    in_files = 0
    for device in devices:
        outbox = Outbox(outboxes / f"device-{device.index}.sqlite3")
        rows = outbox.generated()
        outbox.close()
        in_files += len(rows)
        generated.update({u: (p, s) for u, p, s in rows})
    in_memory = {m["client_uuid"] for d in devices for m in d.generated}
    retried = [b for d in devices for b in d.retried]
    check = verify(url, generated, retried)
    errors = exception_summary(server_log) - errors_before

    accepted = sum(d.accepted for d in devices)
    ok_in_load = sum(
        n
        for d in devices
        for t, outcome, n in d.attempts
        if outcome == "ok" and t < load_end
    )
    failed = Counter(o for d in devices for _t, o, _n in d.attempts if o != "ok")
    latencies = [x for d in devices for x in d.latencies]
    rejected = [r for d in devices for r in d.rejected]
    undrained = sum(d.undrained for d in devices)
    crashed = [d.crashed for d in devices if d.crashed]
    recoveries = cluster.recoveries()

    print("\nrecovery")
    for line in recovery_report(devices, kills):
        print(line)
    if probe:
        print(f"  {probe}")
    print(f"  crash recoveries in the PostgreSQL log: {recoveries}")
    if errors:
        print("  exceptions the server logged:")
        for line, n in errors.most_common(8):
            print(f"    {n:6d}  {line}")
    for outcome in sorted({k for d in devices for k in d.first_error} - {"dropped"}):
        first = next(
            d.first_error[outcome] for d in devices if outcome in d.first_error
        )
        if outcome == "5xx":  # an HTML error page; the exceptions are listed above
            first = first.split(":")[0]
        print(f"  first {outcome}: {first[:300]}")
    print("\nsummary")
    print(
        f"  generated {check.generated} marks ({in_files} rows in the device files, "
        f"{len(in_memory)} kept in memory); stored {check.rows} rows, "
        f"{check.distinct_uuids} distinct client_uuids"
    )
    print(
        f"  lost {check.lost}; duplicated {check.duplicate_uuids} (uuid twice) + "
        f"{check.double_standing} (elector with two standing marks) + {check.extra} "
        f"(stored, never generated); stored for the wrong elector {check.wrong_elector}"
    )
    print(
        f"  answers: accepted {accepted} ({sum(d.already for d in devices)} as "
        f"already marked), rejected {len(rejected)}; largest outbox "
        f"{max((d.peak for d in devices), default=0)} marks, left in outboxes "
        f"{undrained}"
    )
    print(
        f"  kills done {sum(1 for k in kills if k.ready)} of {args.kills} "
        f"({args.kill_mode}); retries {sum(d.retries for d in devices)} "
        f"{dict(failed) or ''}"
    )
    print(
        f"  throughput {ok_in_load / load_seconds:,.0f} marks/s over the "
        f"{load_seconds:.0f} s of load (kills included); drain took "
        f"{drain_seconds:.1f} s"
    )
    if latencies:
        print(
            f"  latency of answered batches p50 {percentile(latencies, 50) * 1000:.0f}"
            f" ms, p99 {percentile(latencies, 99) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms"
        )
    by_server = sum(1 for *_b, hung_up in retried if not hung_up)
    print(
        f"  batches answered only after failed attempts: {by_server} failed by the "
        f"server only (kills), {len(retried) - by_server} also by the device hanging "
        "up; "
        f"stored by an attempt whose answer was lost: "
        f"{check.stored_unanswered['server']} and "
        f"{check.stored_unanswered['hang-up']} (their resends were answered from the "
        "stored marks)"
    )
    print(f"  {check.amcheck}")
    if check.tallies:
        print(f"  {check.tallies}")
    if rejected:
        print(f"  first rejected: {rejected[0]}")
    if crashed:
        print(f"  {len(crashed)} device threads crashed; first: {crashed[0]}")
    if any(d.exhausted for d in devices):
        print(
            "  WARNING: devices ran out of serials before the end; "
            "raise --electors for steady load"
        )
    load = os.getloadavg()
    print(
        f"  total {time.monotonic() - started:.0f} s; load average {load[0]:.1f} "
        f"{load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores"
    )
    ok = (
        check.lost == 0
        and check.duplicate_uuids == 0
        and check.double_standing == 0
        and check.extra == 0
        and check.wrong_elector == 0
        and in_files == len(generated) == len(in_memory)
        and in_memory == generated.keys()
        and not crashed
        and undrained == 0
        and all(k.ready for k in kills)
        and len(kills) == args.kills
        and "FAILED" not in check.amcheck
        and not check.tallies.startswith("FINDING")
    )
    print(
        "\nPASS: every generated mark stored exactly once"
        if ok
        else "\nFAIL: see above"
    )
    if not ok:
        noise = ("not yet accepting", "is starting up", "Consistent recovery")
        lines = cluster.log.read_text(errors="replace").splitlines()
        tail = [x for x in lines if not any(n in x for n in noise)][-15:]
        print("last lines of the PostgreSQL log:\n  " + "\n  ".join(tail))
    return ok


if __name__ == "__main__":
    main()
