"""Faults of `python -m jabodash serve` (issue 28): a killed serve takes HAProxy with it, and a
second serve on a taken port is refused instead of sharing it with the first."""
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from support.data import ROOT

from jabodash.cluster import procs, proxy
from jabodash.cluster.supervisor import Cluster, ClusterError

pytestmark = pytest.mark.skipif(proxy.haproxy_path() is None, reason="haproxy is not installed")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _haproxy_of(pid: int) -> list[int]:
    return [c for c in procs.children(pid) if "haproxy" in " ".join(procs.cmdline(c))]


def test_kill_9_of_serve_takes_haproxy_with_it(tmp_path):
    port, upstream = _free_port(), _free_port()
    serve = subprocess.Popen([sys.executable, "-m", "jabodash", "serve", "--upstream", f"127.0.0.1:{upstream}",
                              "--port", str(port), "--run-dir", str(tmp_path / "run")], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    haproxy: list[int] = []
    try:
        assert _wait(lambda: bool(_haproxy_of(serve.pid)) and not _port_free(port), 60)
        haproxy = _haproxy_of(serve.pid)
        os.kill(serve.pid, signal.SIGKILL)
        serve.wait(10)
        # the proxy ends with serve: nothing answers on the port, which is free for the next serve
        assert _wait(lambda: not procs.running(haproxy), 10), "haproxy outlived a killed serve"
        assert _wait(lambda: _port_free(port), 10)
    finally:
        for pid in procs.running(haproxy):       # only what this test started
            os.kill(pid, signal.SIGKILL)
        if serve.poll() is None:
            serve.kill()


def test_serve_refuses_a_port_that_is_taken(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cluster = Cluster(1, port=port, upstreams=[("127.0.0.1", _free_port())], run_dir=tmp_path / "run")
        try:
            with pytest.raises(ClusterError) as err:
                cluster.start()
            assert f"port {port}" in str(err.value) and "taken" in str(err.value)
            assert cluster.haproxy is None            # nothing was started
        finally:
            cluster.stop()
