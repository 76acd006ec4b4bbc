"""The Streamlit worker processes: how one is started, checked and stopped.

Each worker runs in a process group of its own (``start_new_session``), so stopping it ends
everything it started too: the SQL console's ``python -m jabodash.sql --worker`` processes are its
children in the same group (and they also end by themselves when their pipe to it closes). On
Linux a worker is also told to stop when the serve process dies (``PR_SET_PDEATHSIG``), so even a
killed serve command leaves no worker behind.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

from jabodash.cluster.procs import group_members
from jabodash.core.paths import ROOT


def free_port(host: str = "127.0.0.1") -> int:
    """A port that is free on ``host`` now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def worker_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The command line of one worker on ``address:port``: the app through jabodash.server (Host check,
    security headers), run from the repository root (Popen's cwd). The browser's Host passes through the
    proxy: names other than loopback go into JABODASH_ALLOWED_HOSTS, which the workers inherit."""
    return [sys.executable, "-m", "jabodash.server", "--server.port", str(port),
            "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false"]


def die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Worker:
    name: str
    port: int
    address: str = "127.0.0.1"
    env: dict = field(default_factory=dict)
    log: object = None
    proc: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    def start(self) -> None:
        preexec = die_with_parent if sys.platform.startswith("linux") else None
        self.proc = subprocess.Popen(worker_command(self.port, self.address), cwd=str(ROOT),
                                     env={**os.environ, **self.env}, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT if self.log else None, start_new_session=True,
                                     preexec_fn=preexec)
        self.starts += 1

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def healthy(self, timeout: float = 2.0) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/_stcore/health", timeout=timeout) as resp:
                return resp.status == 200
        except OSError:
            return False

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to the worker's process group, SIGKILL to what is left after ``grace``."""
        if self.proc is None:
            return
        stop_group(self.proc, grace)


def stop_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """End a process started with start_new_session and everything in its group."""
    pgid = proc.pid  # start_new_session: the group id is the leader's pid, also after it exited
    _signal_group(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + grace
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    _signal_group(pgid, signal.SIGKILL)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def group_alive(pgid: int) -> bool:
    """True while any process of group ``pgid`` exists (zombies not counted)."""
    return bool(group_members(pgid))


def wait_healthy(workers: list[Worker], timeout: float, cancel=None) -> list[Worker]:
    """Wait until every worker answers its health check (or has exited); return the healthy ones.
    ``cancel``: an Event that ends the wait early."""
    deadline = time.monotonic() + timeout
    pending = list(workers)
    while pending and time.monotonic() < deadline and not (cancel is not None and cancel.is_set()):
        pending = [w for w in pending if w.alive() and not w.healthy()]
        if pending:
            time.sleep(0.5)
    return [w for w in workers if w.alive() and w.healthy()]
