"""The worker process: what DuckDB does not bound, the worker process does.

DuckDB's memory limit covers its buffer manager, not every allocation: ``repeat('x', 2000000000)``
builds one 2 GB string outside it, and the interrupt is only looked at between vectors, so that query
ran for a minute and took 3.7 GB although the limits were 256 MB and 2 s. A sandbox therefore runs
DuckDB (:class:`jabodash.sql.engine._Engine`) in a worker process of its own (``isolation="process"``,
the default on POSIX systems; ``python -m jabodash.sql --worker``, see ``__main__.py``), driven over a
pipe: JSON headers and Arrow IPC, nothing pickled. Before each query the worker caps its address
space (``RLIMIT_AS``: current size + memory limit + twice the result budget + 256 MB), so such an
allocation fails inside DuckDB as an out-of-memory error. Both limits hold for the whole request:
the time limit counts from the moment the app sent it (``started``, the shared monotonic clock)
and covers execution, fetching and the conversion to the reply (a result converted after the limit
is a timeout); the rows read stay within the result budget (a quarter of the memory limit at most,
see :mod:`jabodash.sql.engine`) and are written to the pipe from one Arrow buffer, never copied
again. A query that has not answered at the time limit (counted from the same start, the reply's
transfer included; DuckDB itself is told to stop a margin earlier, see
:func:`jabodash.sql.sandbox.stop_margin`) is ended by killing the worker; a new one starts at once
with the session's uploads. ``isolation="thread"`` (non-POSIX systems, or JABODASH_SQL_ISOLATION=thread) runs
the same engine in the app's process, with every check and DuckDB limit but without the hard cap.

:func:`worker_main` is the worker's side, :class:`_WorkerClient` the app's side.

The worker's start-up time is part of the first query's wait (and of every restart after a killed
query): it imports ``jabodash.sql`` (the package, so every module of it) but not pandas, the store or
the workspace. Keep it that way: the modules of this package import those only inside the functions
that need them, which only the app's process calls.

Workers of the app (one per browser session that opened the console, about 110 MB each) are counted
in a registry of this process: at most ``max_workers`` live at once (JABODASH_SQL_MAX_WORKERS, default
4; to start one more, the one idle longest is ended, after waiting for one to finish its query when
all are busy, else :class:`WorkersBusy`), and a reaper thread ends a worker idle for ``worker_idle_s``
(JABODASH_SQL_WORKER_IDLE_S, default 300 s) or whose owner session has ended, as told by the probe the
page sets with :func:`set_session_probe` (Streamlit's runtime; this package does not import streamlit).
A sandbox whose worker was ended starts a new one, with its uploads, on its next request.
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from typing import Callable

import duckdb
import pyarrow as pa
import pyarrow.ipc  # noqa: F401 (pa.ipc)

from jabodash.core.paths import ROOT
from jabodash.sql.engine import _Engine
from jabodash.sql.output import Result, spool_result
from jabodash.sql.problems import SqlProblem, problem_from_exception
from jabodash.sql.settings import memory_bytes, settings_from_env

# Messages both ways: 8-byte header (JSON length, number of blobs), the JSON, then each blob with
# an 8-byte length. Tables travel as Arrow IPC streams; nothing is pickled.

_WORKER_GRACE_S = 3.0
_WORKER_START_S = 60.0
_WORKER_IDLE_S = 1800.0


def _pack(header: dict, blobs: list[bytes] = ()) -> bytes:
    body = json.dumps(header, ensure_ascii=False).encode("utf-8")
    parts = [len(body).to_bytes(4, "big"), len(blobs).to_bytes(4, "big"), body]
    for blob in blobs:
        parts += [len(blob).to_bytes(8, "big"), blob]
    return b"".join(parts)


def _ipc_buffer(table: pa.Table) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _ipc(table: pa.Table) -> bytes:
    return _ipc_buffer(table).to_pybytes()


def _send(out, header: dict, blobs: list = ()) -> None:
    """Write one message piece by piece: a large blob (an Arrow buffer) is written as it is, not
    joined into one more copy of the reply."""
    body = json.dumps(header, ensure_ascii=False).encode("utf-8")
    out.write(len(body).to_bytes(4, "big") + len(blobs).to_bytes(4, "big") + body)
    for blob in blobs:
        view = memoryview(blob)
        out.write(view.nbytes.to_bytes(8, "big"))
        out.write(view)
    out.flush()


def _from_ipc(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


class _WorkerDied(Exception):
    pass


class WorkersBusy(RuntimeError):
    """Every worker the app may run is busy with a query: no new one can start now."""


# -- the registry of this process's workers ----------------------------------

_REGISTRY: list["_WorkerClient"] = []   # live workers, in the order they started
_REGISTRY_LOCK = threading.RLock()  # held while a worker is chosen and ended, and while one is claimed
_REAPER: threading.Thread | None = None
_SESSION_PROBE: Callable[[str], bool] | None = None


def set_session_probe(probe: Callable[[str], bool] | None) -> None:
    """probe(owner) -> False once the owner's browser session has ended (its worker is then ended)."""
    global _SESSION_PROBE
    _SESSION_PROBE = probe


def live_workers() -> int:
    """Worker processes of this process that are running."""
    with _REGISTRY_LOCK:
        return sum(1 for w in _REGISTRY if w.alive())


def _session_ended(worker: "_WorkerClient") -> bool:
    probe = _SESSION_PROBE
    if probe is None or worker.owner is None:
        return False
    try:
        return not probe(worker.owner)
    except Exception:  # a probe that fails never ends a worker
        return False


def reap() -> int:
    """End the idle workers whose session has ended or that have been idle too long; the number ended."""
    idle_s = float(settings_from_env()["worker_idle_s"])
    now = time.monotonic()
    with _REGISTRY_LOCK:  # a request claims its worker under this lock: none starts while one is ended
        ended = [w for w in _REGISTRY if not w.busy and _session_ended(w)]
        victims = ended + [w for w in _REGISTRY if not w.busy and w not in ended
                           and (not w.alive() or now - w.last_used > idle_s)]
        for worker in victims:
            worker.kill()
    for worker in ended:  # the session's spooled result goes with it
        hook = worker.on_session_end() if worker.on_session_end is not None else None
        if hook is not None:
            hook()
    return len(victims)


def _reaper_loop() -> None:
    global _REAPER
    while True:
        idle_s = float(settings_from_env()["worker_idle_s"])
        time.sleep(max(0.2, min(30.0, idle_s / 4)))
        reap()
        with _REGISTRY_LOCK:
            if not _REGISTRY:
                _REAPER = None
                return


def _make_room(starting: "_WorkerClient", wait_s: float) -> None:
    """Before a worker starts: end the ended sessions' and too-idle workers, then, at the cap, the one
    idle longest (waiting up to wait_s for one to finish its query); register the new one."""
    global _REAPER
    reap()
    cap = max(1, int(settings_from_env()["max_workers"]))
    deadline = time.monotonic() + wait_s
    while True:
        with _REGISTRY_LOCK:
            others = [w for w in _REGISTRY if w is not starting and w.alive()]
            if len(others) >= cap:
                idle = [w for w in others if not w.busy]
                if idle:
                    victim = min(idle, key=lambda w: w.last_used)
                    victim.kill()
                    continue
            if len(others) < cap:
                if starting not in _REGISTRY:
                    _REGISTRY.append(starting)
                if _REAPER is None:
                    _REAPER = threading.Thread(target=_reaper_loop, name="jabodash-sql-reaper", daemon=True)
                    _REAPER.start()
                return
        if time.monotonic() > deadline:
            raise WorkersBusy(f"all {cap} SQL workers are busy")
        time.sleep(0.05)


class _Pipe:
    """Reads exactly n bytes from a file descriptor before a deadline."""

    def __init__(self, fd: int):
        self.fd = fd

    def read(self, n: int, deadline: float | None) -> bytes:
        chunks, left = [], n
        while left:
            if deadline is not None:
                wait = deadline - time.monotonic()
                if wait <= 0 or not select.select([self.fd], [], [], wait)[0]:
                    raise TimeoutError
            chunk = os.read(self.fd, min(left, 1 << 20))
            if not chunk:
                raise _WorkerDied("end of stream")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def message(self, deadline: float | None, rest_s: float = 120.0) -> tuple[dict, list[bytes]]:
        head = self.read(8, deadline)
        later = time.monotonic() + rest_s  # the reply has started: the rest is a transfer
        if deadline is not None:
            later = min(later, max(deadline, time.monotonic() + 1.0))
        body = json.loads(self.read(int.from_bytes(head[:4], "big"), later))
        blobs = []
        for _ in range(int.from_bytes(head[4:], "big")):
            size = int.from_bytes(self.read(8, later), "big")
            blobs.append(self.read(size, later))
        return body, blobs


def _result_message(result: Result) -> tuple[dict, list]:
    header = {"ok": result.ok, "columns": result.columns, "types": result.types, "truncated": result.truncated,
              "limit_reason": result.limit_reason, "elapsed_s": result.elapsed_s, "row_count": result.row_count,
              "spool": result.spool,
              "error": None if result.error is None else _problem_dict(result.error)}
    return header, ([] if result.table is None else [_ipc_buffer(result.table)])


def _run_reply(engine: _Engine, msg: dict, received: float) -> tuple[dict, list]:
    """Run a query and convert its result for the reply, within the time limit counted from the
    app's request start (``msg["started"]``, else ``received``): a reply ready only after the limit
    is a timeout, its rows dropped."""
    started = min(float(msg.get("started") or received), received)
    result = engine.run(msg["sql"], timeout_s=msg.get("timeout_s"), download_cap=msg.get("download_cap"),
                        check=msg.get("check", True), started=started)
    reply, blobs = _result_message(result)
    limit = engine.timeout_s if msg.get("timeout_s") is None else min(float(msg["timeout_s"]), engine.timeout_s)
    if result.ok and time.monotonic() - started > limit:
        result.table = None
        result.error = problem_from_exception(duckdb.InterruptException("INTERRUPT Error: Interrupted!"),
                                              msg["sql"], timed_out=True, timeout_s=limit,
                                              memory_limit=engine.memory_limit)
        reply, blobs = _result_message(result)
    elif result.ok and msg.get("spool"):  # every row to the file, the page's rows to the app
        spool_result(result, msg["spool"], int(msg.get("keep_rows") or 1))
        reply, blobs = _result_message(result)
    return reply, blobs


def _problem_dict(problem: SqlProblem) -> dict:
    return {k: getattr(problem, k) for k in ("kind", "key", "params", "detail", "error_type", "line", "column",
                                             "length", "query", "offset")}


def _set_memory_cap(allowance: int) -> None:
    """Cap this process's address space at its current size plus allowance (Linux): an allocation
    beyond it fails inside DuckDB as an out-of-memory error instead of growing without bound."""
    try:
        import resource  # POSIX only: elsewhere there is no cap (the ImportError below)
        with open("/proc/self/status", encoding="ascii") as fh:
            size = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = size + allowance
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (OSError, ValueError, ImportError, StopIteration):
        pass


def worker_main() -> int:
    """python -m jabodash.sql --worker: one sandbox engine, driven over stdin/stdout."""
    proto_out = os.fdopen(os.dup(1), "wb")  # buffered: writes every byte, then flush()
    os.dup2(2, 1)  # stray prints must not corrupt the protocol
    pipe = _Pipe(sys.stdin.fileno())
    engine: _Engine | None = None
    allowance = 0
    while True:
        if not select.select([pipe.fd], [], [], _WORKER_IDLE_S)[0]:
            return 0  # idle: the parent starts a new worker when it needs one
        try:
            msg, blobs = pipe.message(None)
        except (_WorkerDied, ValueError):
            return 0
        received = time.monotonic()
        op = msg.get("op")
        reply: dict = {"ok": True}
        out_blobs: list[bytes] = []
        try:
            if op == "init":
                engine = _Engine(msg["db_path"], timeout_s=msg["timeout_s"], memory_limit=msg["memory_limit"],
                                 threads=msg["threads"], download_cap=msg["download_cap"],
                                 download_max_bytes=msg["download_max_bytes"])
                allowance = memory_bytes(msg["memory_limit"]) + 2 * engine.result_budget + 256 * 2**20
            elif op == "add":
                engine.add(msg["name"], _from_ipc(blobs[0]))
            elif op == "remove":
                engine.remove(msg["name"])
            elif op == "run":
                _set_memory_cap(allowance)
                reply, out_blobs = _run_reply(engine, msg, received)
            elif op == "schema":
                reply["rows"] = engine.schema_rows()
            elif op == "settings":
                reply["settings"] = engine.settings()
            elif op == "quit":
                return 0
            else:
                reply = {"ok": False, "failure": f"unknown op {op!r}"}
        except Exception as exc:  # reported to the parent, which raises it there
            reply, out_blobs = {"ok": False, "failure": f"{type(exc).__name__}: {exc}"}, []
        try:
            _send(proto_out, reply, out_blobs)
        except (BrokenPipeError, OSError):
            return 0
        finally:
            out_blobs = None  # the reply's buffer is freed before the next request


class _WorkerClient:
    """The app's side of one worker process: starts it, sends requests, kills it when it does not
    answer in time, and starts a new one (with the session's uploads) when needed."""

    def __init__(self, init: dict, owner: str | None = None):
        self.init = init
        self.owner = owner           # the browser session it serves (None: the command line, tests)
        self.busy = False            # in a request (never ended by the cap or the reaper then)
        self.last_used = time.monotonic()
        self.on_session_end = None   # weakref.WeakMethod of what to clean up when the session ends
        self.proc = None
        self.pipe: _Pipe | None = None
        self.pending = 0
        self.tables: dict[str, bytes] = {}  # name -> Arrow IPC, sent again to a new worker
        self.starts = 0

    @property
    def restarts(self) -> int:
        return max(0, self.starts - 1)

    def _start(self) -> None:
        _make_room(self, wait_s=float(self.init.get("timeout_s", 10.0)) + _WORKER_GRACE_S)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH", "")] if p])
        debug = os.environ.get("JABODASH_SQL_WORKER_DEBUG")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jabodash.sql", "--worker"], cwd=str(ROOT), env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None if debug else subprocess.DEVNULL,
            close_fds=True)
        self.pipe = _Pipe(self.proc.stdout.fileno())
        self.pending = 0
        self.starts += 1
        self._write(_pack({"op": "init", **self.init}))
        for name, data in self.tables.items():
            self._write(_pack({"op": "add", "name": name}, [data]))

    def _write(self, data: bytes) -> None:
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerDied(str(exc)) from exc
        self.pending += 1

    def _read(self, deadline: float | None) -> tuple[dict, list[bytes]]:
        msg, blobs = self.pipe.message(deadline)
        self.pending -= 1
        return msg, blobs

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _claim(self) -> bool:
        """Mark the worker busy (under the registry's lock); False when it already was (nested)."""
        with _REGISTRY_LOCK:
            if self.busy:
                return False
            self.busy = True
            self.last_used = time.monotonic()
            return True

    def _release(self) -> None:
        with _REGISTRY_LOCK:
            self.busy = False
            self.last_used = time.monotonic()

    def ensure(self) -> None:
        """Start the worker unless it runs (never ended by the cap or the reaper meanwhile)."""
        claimed = self._claim()
        try:
            if not self.alive():
                self.kill()
                self._start()
        finally:
            if claimed:
                self._release()

    def request(self, header: dict, blobs: list[bytes] = (), timeout_s: float | None = None):
        """Send one request, return (reply, blobs). TimeoutError when the worker did not answer in
        time (it is killed), _WorkerDied when it ended (crash, memory). ``timeout_s`` counts from the
        moment the request is sent (a new worker's start-up before it is not counted) and covers the
        whole reply, its transfer included; the start goes to the worker as ``started``."""
        claimed = self._claim()
        try:
            return self._request(header, blobs, timeout_s)
        finally:
            if claimed:
                self._release()

    def _request(self, header: dict, blobs: list[bytes], timeout_s: float | None):
        self.ensure()
        try:
            while self.pending:  # replies of init/add sent at start
                reply, _ = self._read(time.monotonic() + _WORKER_START_S)
                if not reply.get("ok", False) and reply.get("failure"):
                    failure = reply["failure"]
                    self.kill()
                    raise RuntimeError(f"the SQL worker could not start: {failure}")
            started = time.monotonic()
            self._write(_pack({**header, "started": started}, list(blobs)))
            deadline = None if timeout_s is None else started + timeout_s
            reply, out = self._read(deadline)
        except TimeoutError:
            self.kill()
            raise
        except _WorkerDied:
            self.kill()
            raise
        if not reply.get("ok", True) and "failure" in reply:
            raise RuntimeError(reply["failure"])
        return reply, out

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        with _REGISTRY_LOCK:
            if self in _REGISTRY:
                _REGISTRY.remove(self)
        if proc is None:
            return
        try:
            proc.kill()
            proc.wait(timeout=5)
        except Exception:
            pass
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except Exception:
                pass

    def close(self) -> None:
        """End the worker. Killing is safe: it holds the database read-only and writes nothing."""
        self.kill()
