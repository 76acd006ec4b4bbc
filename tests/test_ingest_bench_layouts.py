"""Benchmarks: ``python -m jabodash ingest FILE --json`` on 1,000,000-row files of every layout, side by
side with ``duckdb.read_csv`` and ``pandas.read_csv`` of the same file, each in its own process.

Budget (issue 14): 1,000,000 rows in 5 s and 1.5 GB on a quiet machine, for any layout. The files
come from tests/support/ingest_files.py (long with 2,667 indicators, wide with years or indicators as
columns, a facility list of points, and the first benchmark's file). Wall time, CPU time (user +
system) and peak memory (the child's maximum resident set) are printed and kept in extra_info, for the
command writing its report to a file, the same with the report thrown away, ``ingest FILE --save`` (records to Parquet), and the reader alone
(``read_file`` in its own process, as the upload page reads a file);
the assertions are on correctness only. They run only with --benchmark-enable (each file takes
a minute to write and the JSON of a wide file is about 2 GB):

    .venv/bin/python -m pytest tests/test_ingest_bench_layouts.py --benchmark-enable -s
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import ingest_files
from test_ingest_bench import _MEASURE

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
EXPECTED = {  # layout, records
    "long": ("long", 996_961), "wide_years": ("wide_years", 9_969_975),
    "wide_indicators": ("wide_indicators", 9_969_655), "points": ("points", None), "bench": ("long", 1_000_000)}
_DUCKDB = "import duckdb, sys; t = duckdb.read_csv(sys.argv[1], sep=';').to_arrow_table(); print(t.num_rows)"
_PANDAS = "import pandas, sys; print(len(pandas.read_csv(sys.argv[1], sep=';')))"


def run_measured(argv: list[str], env: dict, stdout) -> dict:
    """Run a process under /usr/bin/time: wall time, CPU time (user + system), peak resident memory.
    (The child's own ru_maxrss would count the parent's memory at fork time.)"""
    stats = Path(env["JABODASH_WORKSPACE"]).parent / "time.txt"
    proc = subprocess.run(["/usr/bin/time", "-o", str(stats), "-f", "%e %U %S %M", *argv], stdout=stdout,
                          stderr=subprocess.PIPE, env=env, cwd=ROOT)
    wall, user, system, peak_kb = stats.read_text().split()[-4:]
    return {"seconds": float(wall), "cpu_seconds": round(float(user) + float(system), 2),
            "peak_mb": round(int(peak_kb) / 1024), "exit": proc.returncode,
            "stderr": proc.stderr.decode("utf-8", "replace")[-2000:]}


@pytest.mark.benchmark
@pytest.mark.parametrize("layout", list(EXPECTED))
def test_ingest_cli_million_rows(layout, benchmark, tmp_path_factory):
    if benchmark.disabled:
        pytest.skip("a 1,000,000-row file per layout: run with --benchmark-enable")
    if not Path("/usr/bin/time").exists():
        pytest.skip("needs /usr/bin/time")
    folder = tmp_path_factory.mktemp(layout)
    path = ingest_files.write(layout, folder / f"{layout}.csv", ROWS)
    env = dict(os.environ, PYTHONPATH=str(ROOT), JABODASH_WORKSPACE=str(folder / "ws"),
               JABODASH_CACHE_DIR=str(folder / "cache"))
    out_path = folder / "report.json"

    def measure() -> dict:
        with out_path.open("wb") as out:
            return run_measured([sys.executable, "-m", "jabodash", "ingest", str(path), "--json"], env, out)

    figures = {"file_mb": round(path.stat().st_size / 1e6, 1), "ingest": benchmark.pedantic(measure, rounds=1,
                                                                                          iterations=1)}
    # the same command with its report thrown away: what writing the report to disk costs (a wide
    # file's is ~2 GB, mostly the kernel's time), and the reader alone (read_file, as the upload page)
    figures["ingest_to_devnull"] = run_measured([sys.executable, "-m", "jabodash", "ingest", str(path), "--json"],
                                                env, subprocess.DEVNULL)
    if layout != "points":  # (points are saved as counts per region: that needs boundaries, none here)
        figures["ingest_save"] = run_measured([sys.executable, "-m", "jabodash", "ingest", str(path), "--save"],
                                              env, subprocess.DEVNULL)   # the analyst's "keep it": Parquet, meta
    reader = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=900)
    assert reader.returncode == 0, reader.stderr[-2000:]
    figures["reader"] = {k: v for k, v in json.loads(reader.stdout.strip().splitlines()[-1]).items()
                         if k in ("seconds", "cpu_seconds", "peak_mb", "records", "rows_used", "layout")}
    for name, code in (("duckdb", _DUCKDB), ("pandas", _PANDAS)):
        figures[name] = run_measured([sys.executable, "-c", code, str(path)], env, subprocess.DEVNULL)
    figures["load_average"] = os.getloadavg()[0]
    benchmark.extra_info.update(figures)
    print(f"\n{layout}:", json.dumps({k: ({kk: vv for kk, vv in v.items() if kk != "stderr"}
                                          if isinstance(v, dict) else v) for k, v in figures.items()}))
    assert figures["ingest"]["exit"] == 0, figures["ingest"]["stderr"]
    with out_path.open(encoding="utf-8") as fh:
        head = fh.read(1 << 16)
    want_layout, want_records = EXPECTED[layout]
    assert re.search(r'"ok": true', head) and f'"layout": "{want_layout}"' in head
    if want_records is not None:
        assert f'"records_count": {want_records},' in head
    assert f'"rows_read": {ROWS},' in head
    assert figures["duckdb"]["exit"] == 0 and figures["pandas"]["exit"] == 0
    assert figures["ingest_to_devnull"]["exit"] == 0 and figures["reader"]["layout"] == want_layout
    saved = list((folder / "ws" / "datasets").glob("*/meta.json"))
    if layout != "points":
        assert figures["ingest_save"]["exit"] == 0 and len(saved) == 1
    if want_records is not None:
        assert json.loads(saved[0].read_text(encoding="utf-8"))["rows"] == want_records
