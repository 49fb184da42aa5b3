"""Real services that a test starts, harms and stops itself: a private redis-server, supervised
Celery workers and a beat. The machine's shared Redis is never touched, so a test may kill and
restart its own broker without harming anything else.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.conftest import wait_for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server on a free port that keeps nothing on disk: a restart loses every message,
    as a broker crash without persistence would."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        with open(self.directory / "redis.log", "ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        wait_for(self._answers, timeout_s=20, interval_s=0.05)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)

    def restart(self, down_s: float = 2.0) -> None:
        self.kill()
        time.sleep(down_s)
        self.start()
        self.restarts += 1


def process_children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (a prefork worker's pool), read from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses; the fields after its last ")" don't.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            children.append(int(entry.name))
    return children


def kill_process(pid: int) -> None:
    """``kill -9 pid``; a process that is already gone is fine."""
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


class CeleryProcess:
    """One ``celery worker`` or ``celery beat``, in its own process group, logging to a file."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path, ready: bytes):
        self.args, self.env, self.log_path, self.ready = args, env, log_path, ready
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout_s: float = 90) -> None:
        with open(self.log_path, "ab") as log:
            start = log.tell()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "aileague.celery", *self.args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )
        wait_for(lambda: self._ready(start), timeout_s=timeout_s, interval_s=0.1)

    def _ready(self, start: int) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"celery {self.args[0]} exited early:\n{self._tail()}")
        with open(self.log_path, "rb") as log:
            log.seek(start)
            return self.ready in log.read()

    def _tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def kill_all(self) -> None:
        """SIGKILL the whole process group: the main process and its pool, as a crashed
        container or an OOM-killed cgroup would lose them."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        self.kill_all()


def celery_env(*, database_url: str, broker_url: str, **settings: str) -> dict[str, str]:
    """The environment of a worker or beat on the test database and a given broker."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "PYTHONUNBUFFERED": "1",
        **settings,
    }


def celery_worker(name: str, env: dict[str, str], log_path: Path, concurrency: int = 2):
    args = ["worker", "--concurrency", str(concurrency), "--loglevel", "INFO", "-Q", "aileague"]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    args += ["--hostname", f"{name}@%h"]
    return CeleryProcess(args, env, log_path, ready=b" ready.")


def celery_beat(env: dict[str, str], directory: Path) -> CeleryProcess:
    args = ["beat", "--loglevel", "INFO", "--schedule", str(directory / "beat-schedule")]
    return CeleryProcess(args, env, directory / "beat.log", ready=b"beat: Starting")


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app (``task.delay`` on commit) at another broker, then back.

    The app caches its connection and producer pools, and kombu keeps them in a registry keyed
    by the broker URL; closing and forgetting all of them makes the next ``delay`` connect anew.
    """
    from kombu import pools

    from aileague.celery import app

    def drop_pools() -> None:
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    before = app.conf.broker_url
    drop_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        drop_pools()
        app.conf.broker_url = before


@contextmanager
def session_workers_paused() -> Iterator[None]:
    """Stop (SIGSTOP) the Celery workers this test session started, then let them go on.

    A woken worker claims whatever is queued, so a worker left over from other tests would
    score (or fail) a test's submissions meanwhile: a race test needs the queue to itself.
    """
    workers = []
    for pid in process_children(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"celery" in command:
            workers.append(os.getpgid(pid))
    for group in workers:
        with suppress(ProcessLookupError):
            os.killpg(group, signal.SIGSTOP)
    try:
        yield
    finally:
        _drop_pending_submissions()
        for group in workers:
            with suppress(ProcessLookupError):
                os.killpg(group, signal.SIGCONT)


def _drop_pending_submissions() -> None:
    """Before the workers go on: delete the test's queued submissions, so that a woken worker
    finds nothing to score while the test database is being flushed (a scoring transaction
    and the flush's TRUNCATE lock tables in different orders and can deadlock)."""
    from django.db import DatabaseError
    from django.db.models import ProtectedError

    from aileague.submissions.models import Submission, SubmissionState

    with suppress(DatabaseError, ProtectedError):
        Submission.objects.filter(
            state__in=[SubmissionState.QUEUED, SubmissionState.SCORING]
        ).delete()
