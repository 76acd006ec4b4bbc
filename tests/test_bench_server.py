"""Benchmarks of the real server over Streamlit's websocket (tools/bench/stproto.py, as
tools/bench/wsload.py drives it; run with --benchmark-enable, otherwise each runs once as a test).

The assertions are the behaviour, not the times: a map year change to a year this browser has not
seen sends the map as values and colours, at most 30 KB (the boundaries went once, as a file by content
hash), the whole page's change at most 50 KB (the region profile's tables, unchanged, go as references to
what the browser holds), a change back to the year before sends less than 15 KB, the run draws the year asked for, and the server's memory after many sessions' reruns stays within a
bound of where it started (JABODASH_SOAK_MINUTES, default 0.5: the 30-minute soak is
``tools/bench/wsload.py soak``)."""
import asyncio
import json
import os
import sys
import time
from pathlib import Path

import pytest
from support.appserver import app_server
from support.loops import run_coroutine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "bench"))
from stproto import Session  # noqa: E402

pytestmark = pytest.mark.benchmark
REAL = os.environ.get("JABODASH_TEST_BOUNDARIES")
QUERY = "indicator=ipm&year=2024&map_type=geo"


@pytest.fixture(scope="module")
def geo_server(tmp_path_factory):
    if not REAL:
        pytest.skip("JABODASH_TEST_BOUNDARIES not set")
    from jabodash.geo import boundaries
    cache = tmp_path_factory.mktemp("bench_server") / "cache"
    old = os.environ.get("JABODASH_CACHE_DIR")
    os.environ["JABODASH_CACHE_DIR"] = str(cache)
    try:
        path = Path(REAL) / "jabodetabek_adm2.geojson"
        boundaries.import_file(path.read_bytes(), "kabkota", "code", "name", path.name)
    finally:
        os.environ["JABODASH_CACHE_DIR"] = old or ""
        if old is None:
            del os.environ["JABODASH_CACHE_DIR"]
    with app_server(env={"JABODASH_CACHE_DIR": str(cache)}, timeout=300) as url:
        yield url


def _server_pid(port: int) -> int:
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"jabodash.server" in args and str(port).encode() in args:
            return int(proc.name)
    raise LookupError(f"no server on port {port}")


def _rss_mb(pid: int) -> float:
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_bench_map_year_change_sends_values_not_boundaries(benchmark, geo_server):
    async def run():
        s = Session(geo_server, "peta", QUERY)
        first = await s.open()
        years = [o.split(" ")[0] for o in s.find("Tahun").options]
        changes = []
        for year in years[::-1][1:5]:   # years this session has not seen
            run = await s.choose("Tahun", year)
            changes.append((year, run))
            assert f"year={year}" in s.query
        back = await s.choose("Tahun", years[-4])   # the year before last: the browser still holds its map
        await s.close()
        return first, changes, back

    first, changes, back = run_coroutine(run())
    assert first.exceptions == 0 and first.by_element["component_instance"] < 30_000   # no boundaries' 150 KB
    for year, run in changes:
        # the map's share: values, colours and texts; the tables of the region profile (13 and 6 KB
        # when sent whole) as references: Streamlit's message cache by content hash
        assert run.exceptions == 0 and run.by_element["component_instance"] <= 30_000, (year, run)
        assert run.bytes <= 50_000 and run.by_element.get("dataframe", 0) < 1_000, (year, run)
    assert back.exceptions == 0 and back.bytes < 15_000, back

    async def change():
        s = Session(geo_server, "peta", QUERY)
        await s.open()
        for year in ("2022", "2024"):
            await s.choose("Tahun", year)
        await s.close()
    benchmark.pedantic(lambda: run_coroutine(change()), rounds=3, iterations=1)


def test_bench_server_memory_stays_flat_over_many_sessions(geo_server):
    """Users come and go (a session of 3 year changes each) for JABODASH_SOAK_MINUTES: the server's
    RSS at the end stays within 60 MB of where it was after the first round."""
    server = _server_pid(int(geo_server.rsplit(":", 1)[1]))
    rss = lambda: _rss_mb(server)   # noqa: E731
    minutes = float(os.environ.get("JABODASH_SOAK_MINUTES", "0.5"))

    async def user(stop_at):
        while time.monotonic() < stop_at:
            s = Session(geo_server, "peta", QUERY)
            await s.open()
            for year in ("2022", "2024", "2023"):
                run = await s.choose("Tahun", year)
                assert run.exceptions == 0
            await s.close()

    async def crowd(seconds: float):
        stop_at = time.monotonic() + seconds
        await asyncio.wait_for(asyncio.gather(*(user(stop_at) for _ in range(5))), seconds + 600)

    run_coroutine(crowd(10))   # the first round: caches and the first sessions' objects in place
    start = rss()
    run_coroutine(crowd(minutes * 60))
    assert rss() - start < 60, (start, rss())
    print(json.dumps({"rss_start_mb": round(start), "rss_end_mb": round(rss()), "minutes": minutes}))
