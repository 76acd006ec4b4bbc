"""python -m jabodash serve: N Streamlit workers behind HAProxy (sticky sessions, health checks).

Stops everything it started on SIGTERM, SIGINT (Ctrl-C) or SIGHUP. See jabodash/cluster.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def _upstream(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def register(sub) -> None:
    p = sub.add_parser("serve", help="run N app workers behind HAProxy (many users)",
                       description="Start N Streamlit workers on free loopback ports and HAProxy in front "
                                   "(sticky sessions by cookie, websockets, health checks). Ctrl-C or SIGTERM "
                                   "stops them all.")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="number of worker processes (default: the number of cores)")
    p.add_argument("--port", type=int, default=8501, help="the proxy's port (default 8501)")
    p.add_argument("--address", default="127.0.0.1",
                   help="the proxy's address (default 127.0.0.1; 0.0.0.0 to serve the network)")
    p.add_argument("--upstream", action="append", default=[], metavar="HOST:PORT",
                   help="proxy workers that run elsewhere instead of starting them (repeat; containers)")
    p.add_argument("--start-timeout", type=float, default=180.0, help="seconds to wait for the workers (180)")
    p.add_argument("--run-dir", default=None, metavar="DIR",
                   help="folder for the generated haproxy.cfg and its stats socket haproxy.sock "
                        "(default: a temporary folder, removed at exit)")
    p.add_argument("--no-restart", action="store_true", help="do not start a worker again when it exits")
    p.set_defaults(func=run)


def run(args) -> int:
    from jabodash.cluster.supervisor import Cluster, ClusterError
    if args.workers < 1 and not args.upstream:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        upstreams = [_upstream(u) for u in args.upstream]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cluster = Cluster(args.workers, port=args.port, bind=args.address, upstreams=upstreams,
                      start_timeout=args.start_timeout, restart=not args.no_restart,
                      run_dir=Path(args.run_dir) if args.run_dir else None)
    cluster.install_signal_handlers()
    try:
        cluster.start()
        return cluster.run()
    except (ClusterError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()
