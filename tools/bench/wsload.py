"""Protocol-level benchmarks of the real server: simulated users over Streamlit's websocket, no browser
(tools/bench/stproto.py), side by side with the naive map app, interleaved in one run.

    python tools/bench/wsload.py --scratch /tmp/x cost  --target after=server:. --target naive=naive [--changes 20] [--unseen]
    python tools/bench/wsload.py --scratch /tmp/x load  --target one=server:. --target two=serve2:. \\
        --target naive=naive [--users 5,10,20,40,80] [--seconds 40]
    python tools/bench/wsload.py --scratch /tmp/x soak  --target after=server:. [--users 20] [--minutes 30]
    python tools/bench/wsload.py --scratch /tmp/x fresh --target before=server:OLD --target after=server:. [--later 5]

Targets (``LABEL=KIND[:ROOT]``): ``server`` = ``python -m jabodash.server`` in ROOT (a checkout, e.g. an
older commit unpacked with ``git archive``; its cache and workspace in the scratch folder, boundaries
imported as tools/bench/pages.py does), ``serve2`` = ``python -m jabodash serve --workers 2`` in ROOT
(HAProxy in front), ``naive`` = tools/bench/naive_app.py under ``streamlit run``. Every target is
started first and stays up; the measurements then go target by target in turn.

The view is the map page at kab/kota, geographic map, IPM, years 2022 and 2024 (the naive app: the
same indicator and years).

* ``cost``: one user changes the year back and forth (the first two changes uncounted): per change the
  server processes' CPU time (every thread; all workers for serve2; the mean, as the kernel counts in
  10 ms ticks), the websocket bytes received and the wall time from the change to the end of the run
  (medians). The targets alternate change by change. ``--unseen``: after the two uncounted changes,
  each change goes to a year no target has drawn yet (the view's other years, newest first).
* ``load``: K users per target (each ``--users`` value in turn): each opens the page (a first load),
  then changes the year every 2-3 s (uniformly random) for ``--seconds``. p50/p95 of page loads and of
  year changes (from the change to the end of its run), errors, the load average.
* ``soak``: K users for ``--minutes`` on the first target; every user starts a new session (a new
  page load) after ``--session-changes`` year changes, so sessions are made and dropped all along. The
  server's RSS is sampled every ``--every`` seconds into soak.csv (minute, RSS MB, sessions, changes,
  p95 of the last interval, load average); the summary gives the curve by minute.

* ``fresh``: each target in turn is started, and as soon as it reports healthy a first user opens the
  map page; then ``--later`` more users, one after another, open the same view, and ``--later`` more
  open views nobody has opened (other years). The first page against the medians of the later ones
  (what a warm-up before health must make equal), then the target is stopped.

The load average is printed with every row: on a shared machine compare only rows of one run.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(HERE), str(ROOT / "tools")]
from stproto import Session  # noqa: E402

VIEWS = {  # kind: (page url path, query, year picker label)
    "jabodash": ("peta", "indicator=ipm&year=2024&map_type=geo", "Tahun"),
    "naive": ("", "indicator=ipm&year=2024", "Year"),
}
YEARS = ("2022", "2024")
TICK = os.sysconf("SC_CLK_TCK")


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK   # utime + stime, every thread


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# --- targets ------------------------------------------------------------------------------------

@dataclass
class Target:
    label: str
    kind: str                 # server | serve2 | naive
    root: Path
    url: str = ""
    stop: object = None
    _pids: object = None
    view: tuple = field(default_factory=tuple)

    def pids(self) -> list[int]:
        return self._pids()

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in self.pids())

    def rss(self) -> float:
        return sum(rss_mb(p) for p in self.pids())


def start(spec: str, scratch: Path) -> Target:
    label, _, rest = spec.partition("=")
    kind, _, root = rest.partition(":")
    target = Target(label, kind, Path(root or ROOT).resolve(), view=VIEWS["naive" if kind == "naive" else "jabodash"])
    place = scratch / label
    place.mkdir(parents=True, exist_ok=True)
    import browser  # tools/bench/browser.py: the servers as the browser benchmark starts them
    if kind == "server":
        proc, target.url = browser.start_server(target.root, place)
        target._pids, target.stop = (lambda: [proc.pid]), (lambda: _end(proc))
    elif kind == "naive":
        proc, target.url = browser.start_naive(place)
        target._pids, target.stop = (lambda: [proc.pid]), (lambda: _end(proc))
    elif kind == "serve2":
        _serve(target, place)
    else:
        raise SystemExit(f"unknown target kind {kind!r} (server, serve2, naive)")
    print(f"{label}: {kind} {target.root} at {target.url}, load {load_avg()}", file=sys.stderr, flush=True)
    return target


def _serve(target: Target, place: Path) -> None:
    """``serve --workers 2`` in the target's root, the cache prepared as for a single server."""
    import loadtest  # tools/loadtest.py: the cluster as its browser load test starts it
    env = {"JABODASH_CACHE_DIR": str(place / "cache"), "JABODASH_WORKSPACE": str(place / "workspace"),
           "PYTHONPATH": str(target.root)}
    bench = target.root / "tools" / "bench" if (target.root / "tools" / "bench" / "pages.py").exists() else HERE
    prep = (f"import sys; sys.path[:0] = [{str(target.root)!r}, {str(bench)!r}]; import pages; "
            f"from pathlib import Path; pages.prepare(Path({str(place)!r}))")
    subprocess.run([sys.executable, "-c", prep], cwd=target.root, env={**os.environ, **env}, check=True,
                   capture_output=True)
    os.environ["JABODASH_CACHE_DIR"] = env["JABODASH_CACHE_DIR"]
    loadtest.ROOT = target.root
    served = loadtest.Served(2, place)
    served.wait_up()
    target.url = served.url

    def workers() -> list[int]:
        kids = loadtest.procs.children_by_parent(zombies=False)
        return [p for p in kids.get(served.proc.pid, []) if loadtest._is_worker(loadtest.procs.cmdline(p))]
    target._pids, target.stop = workers, served.stop


def _end(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- cost: one user, change by change ----------------------------------------------------------------

async def cost(targets: list[Target], changes: int, unseen: bool = False) -> list[dict]:
    sessions = []
    for t in targets:
        page, query, _ = t.view
        s = Session(t.url, page, query)
        await s.open()
        sessions.append(s)
    steps = [YEARS[i % 2] for i in range(changes + 2)]
    if unseen:   # after the two uncounted changes, each to a year no target has drawn yet (newest first)
        offered = [{o.split(" ")[0] for o in s.find(t.view[2]).options} for t, s in zip(targets, sessions)]
        fresh = sorted(set.intersection(*offered) - set(YEARS), reverse=True)
        steps = list(YEARS) + fresh[:changes]
    rows = {t.label: [] for t in targets}
    for i, year in enumerate(steps):
        for t, s in zip(targets, sessions):
            await asyncio.sleep(0.3)   # the sender has written the last run out
            before = t.cpu()
            run = await s.choose(t.view[2], year)
            await asyncio.sleep(0.3)
            if i >= 2:
                rows[t.label].append({"cpu_ms": (t.cpu() - before) * 1000, "kb": run.bytes / 1000,
                                      "wall_ms": run.seconds * 1000, "exceptions": run.exceptions})
    for s in sessions:
        await s.close()
    out = []
    for t in targets:
        r = rows[t.label]
        out.append({"target": t.label, "kind": t.kind, "changes": len(r),
                    # CPU: the mean (the kernel counts in 10 ms ticks); bytes and wall time: medians
                    "cpu_ms": round(statistics.fmean(x["cpu_ms"] for x in r), 1),
                    **{k: round(statistics.median(x[k] for x in r), 1) for k in ("kb", "wall_ms")},
                    "exceptions": sum(x["exceptions"] for x in r), "load": load_avg()})
        print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


# --- load and soak: many users ------------------------------------------------------------------

@dataclass
class Tally:
    loads: list = field(default_factory=list)
    changes: list = field(default_factory=list)    # (time, seconds)
    errors: list = field(default_factory=list)
    sessions: int = 0


async def user(t: Target, tally: Tally, stop_at: float, session_changes: int = 0, seed: int = 0) -> None:
    page, query, label = t.view
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, 2))   # users arrive over 2 s, not in one burst
    while time.monotonic() < stop_at:
        s = Session(t.url, page, query)
        try:
            run = await s.open()
            tally.sessions += 1
            tally.loads.append(run.seconds)
            if run.exceptions:
                tally.errors.append("exception on the page")
            n = 0
            while time.monotonic() < stop_at and (not session_changes or n < session_changes):
                await asyncio.sleep(rng.uniform(2, 3))
                run = await s.choose(label, YEARS[n % 2] if n % 3 else rng.choice(YEARS))
                tally.changes.append((time.monotonic(), run.seconds))
                n += 1
                if run.exceptions:
                    tally.errors.append("exception on the page")
        except Exception as exc:  # noqa: BLE001 (counted, reported)
            tally.errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            await asyncio.sleep(1)
        finally:
            await s.close()


async def load(targets: list[Target], users: list[int], seconds: float) -> list[dict]:
    out = []
    for k in users:
        for t in targets:
            tally, start_load = Tally(), load_avg()
            stop_at = time.monotonic() + seconds
            await asyncio.gather(*(user(t, tally, stop_at, seed=i) for i in range(k)))
            changes = [s for _, s in tally.changes]
            row = {"target": t.label, "kind": t.kind, "users": k, "loads": len(tally.loads),
                   "load_p50_ms": _ms(pct(tally.loads, 50)), "load_p95_ms": _ms(pct(tally.loads, 95)),
                   "changes": len(changes), "change_p50_ms": _ms(pct(changes, 50)),
                   "change_p95_ms": _ms(pct(changes, 95)), "errors": len(tally.errors),
                   "error_samples": tally.errors[:3], "load_start": start_load, "load_end": load_avg()}
            out.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
            await asyncio.sleep(3)   # the sessions closed, the server quiet again
    return out


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000)


async def soak(t: Target, users: int, minutes: float, every: float, session_changes: int, csv: Path) -> list[dict]:
    tally = Tally()
    start = time.monotonic()
    stop_at = start + minutes * 60
    crowd = asyncio.gather(*(user(t, tally, stop_at, session_changes, seed=i) for i in range(users)))
    rows, seen = [], 0
    csv.write_text("minute,rss_mb,sessions,changes,change_p95_ms,errors,load1\n")
    while time.monotonic() < stop_at:
        await asyncio.sleep(every)
        recent = [s for _, s in tally.changes[seen:]]
        seen = len(tally.changes)
        row = {"minute": round((time.monotonic() - start) / 60, 2), "rss_mb": round(t.rss(), 1),
               "sessions": tally.sessions, "changes": len(tally.changes), "change_p95_ms": _ms(pct(recent, 95)),
               "errors": len(tally.errors), "load1": round(os.getloadavg()[0], 2)}
        rows.append(row)
        with csv.open("a") as f:
            f.write(",".join(str(row[k]) for k in row) + "\n")
        print(json.dumps(row), file=sys.stderr, flush=True)
    await crowd
    return rows


# --- tables ---------------------------------------------------------------------------------------

def cost_table(rows: list[dict]) -> str:
    naive = next((r for r in rows if r["kind"] == "naive"), None)
    lines = ["| target | server CPU per year change | websocket bytes | change to run finished | "
             "CPU ratio naive/this | load (1/5/15) |", "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        ratio = f"{naive['cpu_ms'] / r['cpu_ms']:.1f}x" if naive and r["cpu_ms"] else "–"
        lines.append(f"| {r['target']} | {r['cpu_ms']:.0f} ms | {r['kb']:.0f} KB | {r['wall_ms']:.0f} ms | {ratio} "
                     f"| {r['load']} |")
    return "\n".join(lines)


def load_table(rows: list[dict]) -> str:
    lines = ["| users | target | year change p50 / p95 | page load p50 / p95 | changes | errors | load start → end |",
             "|---:|---|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['users']} | {r['target']} | {r['change_p50_ms']} / {r['change_p95_ms']} ms | "
                     f"{r['load_p50_ms']} / {r['load_p95_ms']} ms | {r['changes']} | {r['errors']} | "
                     f"{r['load_start']} → {r['load_end']} |")
    return "\n".join(lines)


def soak_table(rows: list[dict]) -> str:
    lines = ["| minute | RSS (MB) | sessions so far | year changes so far | p95 (last interval) | errors | load1 |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    step = max(1, len(rows) // 30)
    for r in rows[::step] + ([rows[-1]] if rows and (len(rows) - 1) % step else []):
        lines.append(f"| {r['minute']} | {r['rss_mb']} | {r['sessions']} | {r['changes']} | {r['change_p95_ms']} ms "
                     f"| {r['errors']} | {r['load1']} |")
    return "\n".join(lines)


async def first_pages(t: Target, later: int) -> dict:
    """The first page of the process, then ``later`` first loads of the same view (its figure built
    by then) and ``later`` first loads of views nobody has opened (other years: their figures built
    on the way), each a new session."""
    page, query, _ = t.view

    async def load(q: str) -> float:
        s = Session(t.url, page, q)
        seconds = (await s.open()).seconds
        await s.close()
        return seconds
    first = await load(query)
    same = [await load(query) for _ in range(later)]
    unseen = [await load(query.replace("year=2024", f"year={y}")) for y in ("2016", "2017", "2020", "2021", "2022",
                                                                           "2023")[:later]]
    return {"target": t.label, "first_ms": round(first * 1000), "later_ms": round(statistics.median(same) * 1000),
            "unseen_ms": round(statistics.median(unseen) * 1000), "load": load_avg()}


def fresh(specs: list[str], scratch: Path, later: int) -> list[dict]:
    rows = []
    for spec in specs:
        t = start(spec, scratch)
        try:
            rows.append(asyncio.run(first_pages(t, later)))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        finally:
            t.stop()
    return rows


def fresh_table(rows: list[dict]) -> str:
    lines = ["| target | first page of a fresh process | later first loads, same view | later first loads, views "
             "not opened yet | load (1/5/15) |", "|---|---:|---:|---:|---|"]
    lines += [f"| {r['target']} | {r['first_ms']} ms | {r['later_ms']} ms | {r['unseen_ms']} ms | {r['load']} |"
              for r in rows]
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scratch", required=True, type=Path)
    ap.add_argument("--target", action="append", required=True, help="LABEL=server[:ROOT] | serve2[:ROOT] | naive")
    sub = ap.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("cost")
    c.add_argument("--changes", type=int, default=20)
    c.add_argument("--unseen", action="store_true",
                   help="change to years not drawn yet (as many as the view offers, at most --changes)")
    ld = sub.add_parser("load")
    ld.add_argument("--users", default="5,10,20,40,80")
    ld.add_argument("--seconds", type=float, default=40)
    s = sub.add_parser("soak")
    s.add_argument("--users", type=int, default=20)
    s.add_argument("--minutes", type=float, default=30)
    s.add_argument("--every", type=float, default=30, help="seconds between memory samples (30)")
    s.add_argument("--session-changes", type=int, default=10, help="year changes per session (10)")
    f = sub.add_parser("fresh")
    f.add_argument("--later", type=int, default=5)
    args = ap.parse_args(argv)
    args.scratch = args.scratch.resolve()
    if args.mode == "fresh":
        rows = fresh(args.target, args.scratch, args.later)
        print(fresh_table(rows))
        print(f"\nload average at the end: {load_avg()}")
        (args.scratch / "fresh.json").write_text(json.dumps(rows, indent=1))
        return
    targets = []
    try:
        targets = [start(spec, args.scratch) for spec in args.target]
        if args.mode == "cost":
            rows = asyncio.run(cost(targets, args.changes, args.unseen))
            print(cost_table(rows))
        elif args.mode == "load":
            rows = asyncio.run(load(targets, [int(k) for k in args.users.split(",")], args.seconds))
            print(load_table(rows))
        else:
            rows = asyncio.run(soak(targets[0], args.users, args.minutes, args.every, args.session_changes,
                                    args.scratch / "soak.csv"))
            print(soak_table(rows))
        print(f"\nload average at the end: {load_avg()}")
        (args.scratch / f"{args.mode}.json").write_text(json.dumps(rows, indent=1))
    finally:
        for t in targets:
            t.stop()


if __name__ == "__main__":
    main()
