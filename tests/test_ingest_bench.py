"""Benchmark: a 1,000,000-row, 5-column CSV (about 46 MB, 2,667 short indicator codes) read and validated.

Budget: <= 5 s and <= 1.5 GB peak memory on the development machine. The assertions are on
correctness (every row used); the figures are printed and stored in the benchmark's
extra_info. Peak memory is measured in a fresh process (VmHWM, the whole interpreter
included), next to plain pandas.read_csv on the same file in the same run, for the ratio.
Wall time depends on what else runs on the machine; the CPU time is reported as well.

    .venv/bin/python -m pytest tests/test_ingest_bench.py --benchmark-enable -s

The file comes from tests/support/ingest_files.py ("bench"); the other layouts at 1,000,000 rows are in
tests/test_ingest_bench_layouts.py (run only with --benchmark-enable).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import ingest_files

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000

_MEASURE = r"""
import json, sys, time
import pandas as pd
from jabodash.ingest import read_file
from jabodash.geo.regions import default_matcher

def high_water_mb():
    # VmHWM: peak resident memory of this process (reset by exec, unlike ru_maxrss)
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

default_matcher()
path = sys.argv[1]
base = high_water_mb()
t0, c0 = time.perf_counter(), time.process_time()
r = read_file(path)
t_ingest, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = high_water_mb()
out = {"seconds": t_ingest, "cpu_seconds": cpu, "peak_mb": peak, "baseline_mb": base, "ok": r.ok,
       "rows_read": r.rows_read, "rows_used": r.rows_used, "records": len(r.records),
       "layout": r.layout, "number_format": r.number_format, "errors": [m.key for m in r.errors]}
del r
t0, c0 = time.perf_counter(), time.process_time()
df = pd.read_csv(path, sep=";")
out["pandas_seconds"], out["pandas_cpu_seconds"] = time.perf_counter() - t0, time.process_time() - c0
out["pandas_rows"] = len(df)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    return ingest_files.write("bench", tmp_path_factory.mktemp("bench") / "besar.csv", ROWS)


@pytest.mark.benchmark
def test_million_rows_in_process(big_csv, benchmark, tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    from jabodash.geo.regions import default_matcher
    from jabodash.ingest import read_file
    default_matcher()
    result = benchmark.pedantic(read_file, args=(big_csv,), rounds=1, iterations=1)
    assert result.ok, result.errors
    assert result.rows_read == ROWS and result.rows_used == ROWS and len(result.records) == ROWS
    assert result.layout == "long" and result.number_format == "id" and result.level == "kabkota"
    assert result.roles["region"] == "nama_wilayah" and result.roles["ignored"] == ["kode_wilayah"]
    assert len(result.skipped) == 0
    first = result.records.iloc[0]
    assert str(first["region_code"]) == "3101" and int(first["year"]) == 2000


@pytest.mark.benchmark
def test_million_rows_time_and_peak_memory(big_csv, benchmark, tmp_path):
    size_mb = big_csv.stat().st_size / 1e6
    env = dict(os.environ, PYTHONPATH=str(ROOT), JABODASH_WORKSPACE=str(tmp_path / "ws"))

    def measure() -> dict:
        proc = subprocess.run([sys.executable, "-c", _MEASURE, str(big_csv)], capture_output=True, text=True,
                              env=env, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return json.loads(proc.stdout.strip().splitlines()[-1])

    figures = benchmark.pedantic(measure, rounds=1, iterations=1)
    figures["file_mb"] = round(size_mb, 1)
    figures["ratio_to_pandas"] = figures["seconds"] / figures["pandas_seconds"]
    benchmark.extra_info.update(figures)
    print("\ningest benchmark:", json.dumps({k: (round(v, 3) if isinstance(v, float) else v)
                                             for k, v in figures.items()}))
    assert figures["ok"] and figures["rows_used"] == ROWS and figures["records"] == ROWS
    assert figures["pandas_rows"] == ROWS
