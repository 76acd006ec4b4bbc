"""HAProxy in front of the workers: the configuration from deploy/haproxy.cfg, the process, its stats.

The template's ``{{name}}`` fields are filled in by :func:`render_config` and nothing else is
changed, so what the serve command runs is the file in deploy/. HAProxy is Debian's package
(``/usr/sbin/haproxy``; scripts/serve.sh and scripts/test.sh install it when missing).
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from jabodash.cluster.workers import die_with_parent
from jabodash.core.paths import ROOT

TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
COOKIE = "JABODASH_WORKER"
_FIELD_RE = re.compile(r"\{\{(\w+)\}\}")
_HOST_RE = re.compile(r"^[A-Za-z0-9.:\[\]_-]{1,253}$")


@dataclass(frozen=True)
class Upstream:
    """One Streamlit worker as the proxy sees it: ``name`` is also its cookie value."""

    name: str
    host: str
    port: int

    def line(self) -> str:
        return f"    server {self.name} {self.host}:{self.port} check cookie {self.name}"


def haproxy_path() -> str | None:
    """The haproxy binary: /usr/sbin/haproxy (Debian), else one on PATH, else None."""
    if os.access("/usr/sbin/haproxy", os.X_OK):
        return "/usr/sbin/haproxy"
    return shutil.which("haproxy")


def render_config(upstreams: list[Upstream], bind: str, port: int, stats_socket: Path,
                  template: Path = TEMPLATE) -> str:
    """deploy/haproxy.cfg with its fields filled in. Every value is checked, so nothing but a host,
    a port, a path and the server lines can reach the configuration."""
    if not upstreams:
        raise ValueError("at least one worker is needed")
    for host in [bind] + [u.host for u in upstreams]:
        if not _HOST_RE.match(host):
            raise ValueError(f"not a host name or address: {host!r}")
    for number in [port] + [u.port for u in upstreams]:
        if not 0 < int(number) < 65536:
            raise ValueError(f"not a port: {number!r}")
    if any(not re.fullmatch(r"[a-z0-9_-]{1,32}", u.name) for u in upstreams):
        raise ValueError("worker names are [a-z0-9_-] only")
    if re.search(r"\s", str(stats_socket)):
        raise ValueError("the stats socket path must not contain spaces")
    fields = {"bind": bind, "port": str(int(port)), "stats_socket": str(stats_socket),
              "servers": "\n".join(u.line() for u in upstreams)}
    text = Path(template).read_text(encoding="utf-8")
    missing = set(_FIELD_RE.findall(text)) - set(fields)
    if missing:
        raise ValueError(f"unknown fields in {template}: {sorted(missing)}")
    return _FIELD_RE.sub(lambda m: fields[m.group(1)], text)


def check_config(binary: str, path: Path) -> str | None:
    """None when haproxy accepts the configuration file, else its message."""
    done = subprocess.run([binary, "-c", "-f", str(path)], capture_output=True, text=True, timeout=60)
    return None if done.returncode == 0 else ((done.stderr + done.stdout).strip() or f"status {done.returncode}")


def start(binary: str, path: Path, log=None) -> subprocess.Popen:
    """haproxy in the foreground (-db), in a process group of its own; on Linux it is told to stop
    when the serve process dies (PR_SET_PDEATHSIG, as the workers are), so a killed serve leaves
    no proxy answering 503 on its port."""
    preexec = die_with_parent if sys.platform.startswith("linux") else None
    return subprocess.Popen([binary, "-db", "-f", str(path)], stdout=log, stderr=subprocess.STDOUT if log else None,
                            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=preexec)


def port_taken(host: str, port: int) -> bool:
    """True when something already listens on ``host:port`` (HAProxy binds with SO_REUSEPORT, so
    without this check a second proxy would share the port with the first)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # a TIME_WAIT leftover is not "taken"
        try:
            sock.bind((host, int(port)))
        except OSError:
            return True
    return False


def stats(stats_socket: Path, timeout: float = 5.0) -> list[dict]:
    """``show stat`` over the stats socket: one dict per frontend, backend and server
    (``pxname``, ``svname``, ``status``, ``stot`` total sessions, ...)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(stats_socket))
        sock.sendall(b"show stat\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode("utf-8", "replace").lstrip("# ")
    return list(csv.DictReader(io.StringIO(text)))


def server_stats(stats_socket: Path) -> dict[str, dict]:
    """The workers' rows of :func:`stats`, by worker name."""
    return {row["svname"]: row for row in stats(stats_socket)
            if row.get("svname") not in ("FRONTEND", "BACKEND") and row.get("pxname") == "streamlit_workers"}
