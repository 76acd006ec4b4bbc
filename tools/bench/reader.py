"""Process CPU and peak memory of the upload reader side by side with DuckDB's CSV reader (issue 29),
on 1,000,000-row files of each layout, each read in a fresh process, rounds interleaved in one run.

    python tools/bench/reader.py --scratch /tmp/x [--layout wide_years ...] [--rounds 3]
                                 [--before /path/to/other/checkout] [--json out.json]

CPU is the process's own (getrusage: user and system time of all its threads), so that a busy,
shared machine changes it far less than wall time; the system part (the kernel's fresh pages) still
varies from run to run, the user part little. Wall time (what the user waits for) is measured too:
compare it only side by side in one run, with the load average printed beside it. Peak memory is VmHWM (the interpreter included). The
reader is ``read_file`` as the upload page calls it; DuckDB's is ``duckdb.read_csv(...).to_arrow_table()``.
``--before`` adds the reader of another checkout (the same Python environment). Files come from
tests/support/ingest_files.py into the scratch folder (written once). The load average is printed
with each round.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYOUTS = ("wide_years", "wide_indicators", "long", "points", "bench")

_USAGE = r"""
import json, resource
def usage(r0, t0, t1, rows):
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/status") as fh:
        peak = next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmHWM:"))
    print(json.dumps({"user": r1.ru_utime - r0.ru_utime, "sys": r1.ru_stime - r0.ru_stime, "wall": t1 - t0,
                      "peak_mb": peak, "rows": rows}))
"""
READER = _USAGE + r"""
import resource, sys, time
from jabodash.geo.regions import default_matcher
from jabodash.ingest import read_file
default_matcher()
r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
result = read_file(sys.argv[1])
points = result.points if result.points is not None else ()
usage(r0, t0, time.perf_counter(), len(result.records) if result.layout != "points" else len(points))
"""
DUCKDB = _USAGE + r"""
import resource, sys, time
import duckdb
r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
table = duckdb.read_csv(sys.argv[1], sep=";").to_arrow_table()
usage(r0, t0, time.perf_counter(), table.num_rows)
"""


def measure(code: str, path: Path, checkout: Path, scratch: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(checkout), JABODASH_WORKSPACE=str(scratch / "ws"),
               JABODASH_CACHE_DIR=str(scratch / "cache"))
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                          cwd=checkout, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summary(runs: list[dict]) -> dict:
    med = {k: round(statistics.median(r[k] for r in runs), 2) for k in ("user", "sys", "wall")}
    return {**med, "cpu": round(statistics.median(r["user"] + r["sys"] for r in runs), 2),
            "peak_mb": round(max(r["peak_mb"] for r in runs)), "rows": runs[0]["rows"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scratch", type=Path, required=True, help="folder for the files and the workspace")
    ap.add_argument("--layout", action="append", choices=LAYOUTS)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--before", type=Path, help="another checkout whose reader is measured beside this one")
    ap.add_argument("--json", type=Path, help="write every run and the summary here")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from support import ingest_files
    args.scratch.mkdir(parents=True, exist_ok=True)
    readers = {"reader": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    out: dict = {"runs": {}, "summary": {}}
    for layout in args.layout or LAYOUTS:
        path = args.scratch / f"{layout}.csv"
        if not path.exists():
            ingest_files.write(layout, path)
        runs = out["runs"][layout] = {name: [] for name in (*readers, "duckdb")}
        for k in range(args.rounds):
            load = os.getloadavg()[0]
            for name, checkout in readers.items():
                runs[name].append({**measure(READER, path, checkout, args.scratch), "load": load})
            runs["duckdb"].append({**measure(DUCKDB, path, ROOT, args.scratch), "load": load})
            print(layout, k + 1, f"load {load:.2f}", {n: f"cpu {r[-1]['user'] + r[-1]['sys']:.2f} "
                                                         f"wall {r[-1]['wall']:.2f} peak {r[-1]['peak_mb']:.0f}"
                                                      for n, r in runs.items()})
        s = out["summary"][layout] = {name: summary(r) for name, r in runs.items()}
        s["load"] = [round(min(r["load"] for r in runs["duckdb"]), 2), round(max(r["load"] for r in runs["duckdb"]), 2)]
        duck = s["duckdb"]
        for name in readers:
            s[name]["cpu_ratio"] = round(s[name]["cpu"] / duck["cpu"], 2)
            s[name]["user_ratio"] = round(s[name]["user"] / duck["user"], 2)
            s[name]["wall_ratio"] = round(s[name]["wall"] / duck["wall"], 2)
            # (each round's reader beside the DuckDB run right after it: less swayed by the load's swings)
            s[name]["wall_ratio_by_round"] = round(statistics.median(
                r["wall"] / d["wall"] for r, d in zip(runs[name], runs["duckdb"])), 2)
            s[name]["memory_ratio"] = round(s[name]["peak_mb"] / duck["peak_mb"], 2)
        print(layout, json.dumps(s))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
