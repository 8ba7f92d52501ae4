"""Shared pieces of the HTTP load benches (outreach_sync.py, votingday_marks.py,
votingday_crash.py).

A throw-away PostgreSQL database per run, or a throw-away cluster of our own
(`Cluster`); the HTTP server (granian or gunicorn) on a free loopback port started in
its own process group (so stopping it stops its workers too); and percentiles.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVERS = ("gunicorn", "granian")


def server_command(server: str, port: int, workers: int, threads: int = 1) -> list[str]:
    """The command line of `server` (one of SERVERS) serving boothwise on `port`.

    gunicorn's sync workers answer one request per connection (with `threads` > 1,
    its gthread workers); granian (Rust) keeps connections alive and parses HTTP
    outside Python, with `threads` Python threads per worker process (one: the
    workers never contend for a GIL; more: one thread's Python work overlaps
    another's wait on the database).
    """
    binary = str(Path(sys.executable).with_name(server))
    if server == "granian":
        return [
            binary,
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--backlog",
            "2048",
            "--no-ws",
            "--log-level",
            "warning",
            "boothwise.wsgi:application",
        ]
    return [
        binary,
        "boothwise.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "--preload",
        *(["--threads", str(threads)] if threads > 1 else []),
    ]


def start_server(
    url: str,
    workers: int,
    log: Path | None = None,
    server: str = "gunicorn",
    threads: int = 1,
) -> tuple[subprocess.Popen, int]:
    """Start `server` (gunicorn or granian); its output goes to `log` (appended) when
    given, else inherited."""
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DEBUG="False",
        LOG_LEVEL="ERROR",
        # The bench's own key when it signs sessions for the server, else a fresh one.
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DB_CONN_MAX_AGE="600",
        DJANGO_SETTINGS_MODULE="boothwise.settings",
    )
    output = log.open("ab") if log is not None else None
    process = subprocess.Popen(
        server_command(server, port, workers, threads),
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=output,
        stderr=output,
    )
    if output is not None:
        output.close()  # the server holds its own copy
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError(f"{server} did not start")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


# --- the throw-away cluster ------------------------------------------------------


def pg_bin() -> Path:
    """The bin directory of the newest PostgreSQL installed under /usr/lib/postgresql."""
    found = [
        p
        for p in Path("/usr/lib/postgresql").glob("*/bin")
        if (p / "postgres").exists() and p.parent.name.isdigit()
    ]
    if not found:
        sys.exit("No PostgreSQL binaries under /usr/lib/postgresql/*/bin")
    return max(found, key=lambda p: int(p.parent.name))


def processes_in(directory: Path) -> list[int]:
    """PIDs of the live processes whose working directory is `directory`: a postmaster
    changes into its data directory and every child it forks inherits that, so this
    finds all of one cluster's processes and none of another's."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:  # gone, or a zombie
            continue
        if cwd == str(directory):
            pids.append(int(entry.name))
    return pids


class Cluster:
    """A PostgreSQL cluster of our own in a temporary directory, run as `postgres`
    (the bench must run as root), with fsync, full page writes and synchronous commit
    on, listening only on a free loopback port."""

    def __init__(self, base: Path) -> None:
        self.bin = pg_bin()
        self.base = base
        self.data = base / "pgdata"
        self.sockets = base / "sockets"
        self.log = base / "postgresql.log"
        self.port = free_port()
        # start(), kill() and stop() one at a time; once stopped it stays stopped, so
        # a restart under way when the bench is interrupted cannot outlive it.
        self.lock = threading.Lock()
        self.closed = False

    def run(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,  # Ctrl-C in the terminal is ours to handle
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args[:2])} failed ({done.returncode}): "
                f"{(done.stdout + done.stderr).strip()[-2000:]}"
            )
        return done.stdout

    def init(self, extra: dict[str, str] | None = None) -> None:
        shutil.chown(self.base, "postgres", "postgres")
        self.sockets.mkdir()
        shutil.chown(self.sockets, "postgres", "postgres")
        self.run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.sockets}'",
            "fsync": "on",
            "full_page_writes": "on",
            "synchronous_commit": "on",
            "max_connections": "100",
            "log_min_messages": "warning",
            **(extra or {}),
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# boothwise bench\n")
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
        # pg_hba from initdb --auth=trust; only 127.0.0.1 is listened on.

    def start(self) -> None:
        with self.lock:
            if self.closed:
                raise RuntimeError("the cluster was stopped")
            self._start()

    def _start(self) -> None:
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "300",
            "start",
            timeout=330,
        )

    def postmaster_pid(self) -> int:
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        # Never signal anything but this cluster's postmaster.
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if str(self.data).encode() not in cmdline:
            raise RuntimeError(f"PID {pid} is not the postmaster of {self.data}")
        return pid

    def kill(self, everything: bool) -> tuple[int, int, float]:
        """kill -9 the postmaster (and with `everything` its children too); wait until
        all of them are gone. Returns the PID, how many children it had and the
        seconds the children took to exit."""
        with self.lock:
            if self.closed:
                raise RuntimeError("the cluster was stopped")
            return self._kill(everything)

    def _kill(self, everything: bool) -> tuple[int, int, float]:
        pid = self.postmaster_pid()
        children = [p for p in processes_in(self.data) if p != pid]
        os.kill(pid, signal.SIGKILL)
        if everything:
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)
        t0 = time.monotonic()
        while processes_in(self.data):
            if time.monotonic() - t0 > 60:
                raise RuntimeError(
                    f"children of postmaster {pid} still alive after 60 s"
                )
            time.sleep(0.05)
        return pid, len(children), time.monotonic() - t0

    def stop(self) -> None:
        """Stop it whatever state it is in; kill -9 whatever of it is left."""
        with self.lock:
            self.closed = True
            self._stop()

    def _stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self.run(
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "-t",
                    "30",
                    "stop",
                    timeout=60,
                )
        for pid in processes_in(self.data):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def recoveries(self) -> int:
        """How many times the server log says it started crash recovery."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return 0
        return text.count("automatic recovery in progress")


# --- where the machine's time goes during a load ------------------------------------


def _ticks(pid: int) -> tuple[str, int, int, int]:
    """(command name, process group, own CPU ticks, reaped children's CPU ticks)."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        raw = f.read().decode()
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # Fields after the name: state ppid pgrp ... utime(12) stime(13) cutime(14) ...
    return (
        name,
        int(fields[2]),
        int(fields[11]) + int(fields[12]),
        int(fields[13]) + int(fields[14]),
    )


def cpu_seconds(server_groups: list[int]) -> dict[str, float]:
    """CPU seconds used so far by PostgreSQL (every postgres process and the children
    its postmaster has reaped, such as autovacuum workers), by the HTTP servers (the
    process groups in `server_groups`), by this process, and by the whole machine
    ("busy", with "idle" and "steal" beside it) from /proc/stat."""
    hz = os.sysconf("SC_CLK_TCK")
    used = {"postgres": 0, "server": 0, "bench": 0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            name, group, own, reaped = _ticks(int(entry))
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
        if name == "postgres":
            used["postgres"] += own + reaped
        elif group in server_groups:
            used["server"] += own
        elif int(entry) == os.getpid():
            used["bench"] += own
    with open("/proc/stat") as f:
        total = [int(x) for x in f.readline().split()[1:]]
    idle = total[3] + total[4]
    out = {k: v / hz for k, v in used.items()}
    # user nice system idle iowait irq softirq steal: steal is time the hypervisor
    # gave another machine; high, it makes every other figure of the run noisy.
    out["busy"] = (sum(total[:7]) - idle) / hz
    out["steal"] = total[7] / hz
    out["idle"] = idle / hz
    return out
