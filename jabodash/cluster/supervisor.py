"""The serve command's process: N workers, HAProxy in front, restarts, a clean stop.

:class:`Cluster` prepares the shared store once (so N workers do not build the same DuckDB copy at
the same time), starts the workers on free loopback ports with one shared cookie secret, waits for
their health checks, writes the proxy configuration and starts HAProxy. :meth:`Cluster.run` then
watches: a worker that exits is started again on its port (HAProxy's health checks take it out and
back in meanwhile); HAProxy exiting stops everything. SIGTERM, SIGINT (Ctrl-C) and SIGHUP stop
everything it started: the proxy first, then each worker's process group.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from jabodash.cluster import proxy
from jabodash.cluster.workers import Worker, free_port, stop_group, wait_healthy

RESTART_PAUSE_S = 5.0


class ClusterError(Exception):
    """The cluster could not start; the message says why."""


class Cluster:
    def __init__(self, workers: int, port: int = 8501, bind: str = "127.0.0.1", upstreams: list | None = None,
                 start_timeout: float = 180.0, restart: bool = True, out=None, run_dir: Path | None = None):
        self.n = int(workers)
        self.port = int(port)
        self.bind = bind
        self.external = list(upstreams or [])      # [(host, port)] run elsewhere: proxy only
        self.start_timeout = start_timeout
        self.restart = restart
        self.out = out or sys.stderr
        self.run_dir = Path(run_dir) if run_dir else Path(tempfile.mkdtemp(prefix="jabodash-serve-"))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._own_run_dir = run_dir is None
        self.workers: list[Worker] = []
        self.haproxy: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self._last_start: dict[str, float] = {}

    @property
    def stats_socket(self) -> Path:
        return self.run_dir / "haproxy.sock"

    @property
    def config_path(self) -> Path:
        return self.run_dir / "haproxy.cfg"

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "::", "") else self.bind
        return f"http://{host}:{self.port}"

    def say(self, text: str) -> None:
        print(f"jabodash serve: {text}", file=self.out, flush=True)

    # -- start ------------------------------------------------------------------

    def start(self) -> None:
        binary = proxy.haproxy_path()
        if binary is None:
            raise ClusterError("haproxy is not installed (Debian: apt-get install haproxy; "
                               "scripts/serve.sh installs it)")
        if proxy.port_taken(self.bind, self.port):
            raise ClusterError(f"port {self.port} on {self.bind} is taken (another serve or program listens "
                               "there); stop it or choose another --port")
        if not self.external:
            self._prepare_store()
            self._start_workers()
        upstreams = self._upstreams()
        self.config_path.write_text(proxy.render_config(upstreams, self.bind, self.port, self.stats_socket),
                                    encoding="utf-8")
        problem = proxy.check_config(binary, self.config_path)
        if problem:
            raise ClusterError(f"haproxy refused the configuration {self.config_path}: {problem}")
        self.haproxy = proxy.start(binary, self.config_path)
        self._wait_proxy()
        self.say(f"{len(upstreams)} worker(s) behind {self.url} (proxy configuration: {self.config_path})")

    def _prepare_store(self) -> None:
        """Build the shared DuckDB copy of data/ once, before the workers open it."""
        self.say("preparing the data store")
        done = subprocess.run([sys.executable, "-c", "from jabodash.store import get_store; get_store()"],
                              cwd=str(proxy.ROOT), capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise ClusterError(f"the data store could not be prepared: {done.stderr.strip()[-2000:]}")

    def _start_workers(self) -> None:
        # One cookie secret for all workers: Streamlit signs its cookies with it, and a browser that
        # moves to another worker (failover) must still be recognised.
        env = {"STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET")
               or secrets.token_hex(32)}
        self.workers = [Worker(f"w{i + 1}", free_port(), env=env) for i in range(self.n)]
        self.say(f"starting {self.n} worker(s) on 127.0.0.1 ports {', '.join(str(w.port) for w in self.workers)}")
        for worker in self.workers:
            worker.start()
            self._last_start[worker.name] = time.monotonic()
        healthy = wait_healthy(self.workers, self.start_timeout, cancel=self.stopping)
        if self.stopping.is_set():
            raise ClusterError("stopped while starting")
        if len(healthy) < len(self.workers):
            bad = [w.name for w in self.workers if w not in healthy]
            raise ClusterError(f"worker(s) {', '.join(bad)} did not become healthy in {self.start_timeout:g} s")

    def _upstreams(self) -> list[proxy.Upstream]:
        if self.external:
            return [proxy.Upstream(f"w{i + 1}", host, port) for i, (host, port) in enumerate(self.external)]
        return [proxy.Upstream(w.name, w.address, w.port) for w in self.workers]

    def _wait_proxy(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.haproxy.poll() is not None:
                raise ClusterError(f"haproxy exited with status {self.haproxy.returncode} (is port {self.port} free?)")
            if self.stats_socket.exists():
                try:
                    proxy.stats(self.stats_socket)
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise ClusterError("haproxy did not start in 30 s")

    # -- run and stop --------------------------------------------------------------

    def run(self) -> int:
        """Watch until a stop signal or HAProxy's exit; returns the exit status."""
        while not self.stopping.wait(1.0):
            if self.haproxy is not None and self.haproxy.poll() is not None:
                self.say(f"haproxy exited with status {self.haproxy.returncode}; stopping")
                return 1
            for worker in self.workers:
                if not worker.alive() and self.restart:
                    self._restart(worker)
        return 0

    def _restart(self, worker: Worker) -> None:
        if time.monotonic() - self._last_start.get(worker.name, 0.0) < RESTART_PAUSE_S:
            return
        self.say(f"worker {worker.name} exited with status {worker.proc.returncode}; starting it again")
        stop_group(worker.proc, grace=2.0)  # what it left in its group (a SQL console worker)
        worker.start()
        self._last_start[worker.name] = time.monotonic()

    def stop(self) -> None:
        """Stop everything this cluster started: the proxy, then every worker's process group."""
        self.stopping.set()
        if self.haproxy is not None:
            stop_group(self.haproxy, grace=5.0)
        threads = [threading.Thread(target=w.stop) for w in self.workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self._own_run_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def install_signal_handlers(self) -> None:
        def handler(signum, frame):
            self.stopping.set()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, handler)
