"""Benchmark (issue 29): a wide 1,000,000-row upload (about 10,000,000 figures) read by the upload reader
(``read_file``, as the upload page and ``python -m jabodash ingest`` read a file) side by side with
DuckDB's CSV reader of the same file, each in a fresh process, in one run.

Budget: the reader at most 3x DuckDB's wall time and 2x its peak memory (VmHWM, the whole
interpreter included in both). The memory ratio is asserted; the time ratio only when the machine
is quiet (the load average under 1 at the start and the end: a shared, busy machine gives the
threads of the two readers different shares of the cores), else it is printed and kept in
extra_info with the load. Runs only with --benchmark-enable (each file takes a minute to write):

    .venv/bin/python -m pytest tests/test_ingest_bench_wide.py --benchmark-enable -s
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import ingest_files
from test_ingest_bench import _MEASURE

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
RECORDS = {"wide_years": 9_969_975, "wide_indicators": 9_969_655}
_DUCKDB = r"""
import json, sys, time
import duckdb

def high_water_mb():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmHWM:"))

t0, c0 = time.perf_counter(), time.process_time()
table = duckdb.read_csv(sys.argv[1], sep=";").to_arrow_table()
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0,
                  "peak_mb": high_water_mb(), "rows": table.num_rows}))
"""


def _run(code: str, path: Path, env: dict) -> dict:
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.benchmark
@pytest.mark.parametrize("layout", list(RECORDS))
def test_wide_upload_against_duckdb_reader(layout, benchmark, tmp_path_factory):
    if benchmark.disabled:
        pytest.skip("a 1,000,000-row wide file: run with --benchmark-enable")
    folder = tmp_path_factory.mktemp(layout)
    path = ingest_files.write(layout, folder / f"{layout}.csv", ROWS)
    env = dict(os.environ, PYTHONPATH=str(ROOT), JABODASH_WORKSPACE=str(folder / "ws"),
               JABODASH_CACHE_DIR=str(folder / "cache"))
    load_start = os.getloadavg()[0]
    duck = _run(_DUCKDB, path, env)
    reader = benchmark.pedantic(lambda: _run(_MEASURE, path, env), rounds=1, iterations=1)
    load_end = os.getloadavg()[0]
    figures = {"file_mb": round(path.stat().st_size / 1e6, 1), "load_average": [load_start, load_end],
               "reader": {k: reader[k] for k in ("seconds", "cpu_seconds", "peak_mb", "records", "layout")},
               "duckdb": duck, "time_ratio": round(reader["seconds"] / duck["seconds"], 2),
               "memory_ratio": round(reader["peak_mb"] / duck["peak_mb"], 2)}
    benchmark.extra_info.update(figures)
    print(f"\n{layout}:", json.dumps(figures))
    assert reader["ok"] and reader["layout"] == layout and reader["records"] == RECORDS[layout]
    assert reader["rows_used"] == ROWS and duck["rows"] == ROWS
    assert figures["memory_ratio"] <= 2.0, figures
    if max(load_start, load_end) < 1.0:
        assert figures["time_ratio"] <= 3.0, figures
