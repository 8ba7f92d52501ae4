"""Shared pieces of the HTTP load benches (outreach_sync.py, votingday_marks.py).

A throw-away PostgreSQL database per run, gunicorn on a free loopback port started in
its own process group (so stopping it stops its workers too), and percentiles.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
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


def server_command(server: str, port: int, workers: int) -> list[str]:
    """The command line of `server` (one of SERVERS) serving boothwise on `port`.

    gunicorn's sync workers answer one request per connection; granian (Rust) keeps
    connections alive and parses HTTP outside Python, with one Python thread per
    worker process so the workers never contend for a GIL.
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
            "1",
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
    ]


def start_server(
    url: str, workers: int, log: Path | None = None, server: str = "gunicorn"
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
        server_command(server, port, workers),
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
