"""Server CPU of every page: first load and warm rerun after a year change (AppTest).

Usage (from the repository root, with the app's venv):

    python tools/bench/pages.py --scratch /tmp/x [--app-root DIR] [--pages peta,ringkasan] [--reruns 10]
        [--level kecamatan] [--naive] [--profile OUT.prof] [--json]
    python tools/bench/pages.py --scratch /tmp/x --ab BEFORE_ROOT AFTER_ROOT --rounds 3 [...]

* ``--app-root``: the checkout whose app.py and jabodash are measured (default: this one), e.g. an
  older commit unpacked with ``git archive``.
* The scratch folder holds the cache (boundaries imported from ``JABODASH_TEST_BOUNDARIES``, the
  DuckDB copy) and the workspace (a saved kecamatan dataset, 217 kecamatan x 2 years, so the
  kecamatan map has a year to change). Nothing outside it is written.
* first load: a new AppTest session opening the page (the process caches warm from an earlier
  session); warm rerun: the page's year widget set to another year, then a run. CPU is the
  process CPU time (every thread: the script thread included), median over ``--reruns``; the first
  load's wall time too (``first_wall_ms``: what a wait on another process, e.g. the SQL console's
  worker, adds). ``--first-only``: first loads only (no warm reruns).
* ``--naive``: tools/bench/naive_app.py (pandas filter + gdf.to_json() per rerun) measured
  interleaved with the map page (and the overview), rerun by rerun.
* ``--ab``: runs this script alternately in the two roots (``--rounds`` processes each) and
  reports the medians of both.
* warm reruns run the page's fragment alone when the year widget is in one (as the server does;
  ``--full``: the whole page, as AppTest's run() and a page test do).
* ``--profile``: cProfile of the measured warm reruns of the (first) page, saved to the file.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = ("ringkasan", "peta", "kependudukan", "wilayah", "layanan", "kerjasama", "bandingkan", "data", "unggah",
         "sql", "presentasi")
YEAR_KEYS = ("w_year", "w_year_kec", "w_pop_year", "wil_year", "w_svc_year")


def _setup_env(scratch: Path, root: Path) -> None:
    os.environ["JABODASH_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JABODASH_WORKSPACE"] = str(scratch / "workspace")
    sys.path.insert(0, str(root))


def _kecamatan_csv(folder: Path) -> str:
    """Two years of a made-up count for every kecamatan of the development boundaries."""
    import geopandas as gpd
    gdf = gpd.read_file(folder / "jabodetabek_adm3.geojson")
    lines = ["kode_kecamatan,tahun,jumlah_bench"]
    for i, code in enumerate(gdf["code"].astype(str)):
        lines += [f"{code},2021,{100 + i}", f"{code},2022,{200 + 3 * i}"]
    return "\n".join(lines) + "\n"


def prepare(scratch: Path) -> None:
    """Boundaries in the cache and the kecamatan dataset in the workspace (once per scratch)."""
    folder = Path(os.environ.get("JABODASH_TEST_BOUNDARIES", ""))
    if not (folder / "jabodetabek_adm2.geojson").exists():
        sys.exit("set JABODASH_TEST_BOUNDARIES to the folder with jabodetabek_adm2/adm3.geojson")
    from jabodash.features import unggah
    from jabodash.geo import boundaries
    from jabodash.store import shelf
    for level, name in (("kabkota", "adm2"), ("kecamatan", "adm3")):
        if boundaries.load_cached(level) is None:
            path = folder / f"jabodetabek_{name}.geojson"
            boundaries.import_file(path.read_bytes(), level, "code", "name", path.name)
    if not shelf.list_datasets():
        text = _kecamatan_csv(folder)
        (scratch / "kecamatan.csv").write_text(text)
        result = unggah.read(text.encode(), "kecamatan.csv")
        meta = unggah.meta_from(result, "Jumlah bench", "unit", "higher", "bench")
        shelf.save_dataset(result, text.encode(), "kecamatan.csv", meta)


def _year_widget(at):
    for key in YEAR_KEYS:
        try:
            return at.selectbox(key=key)
        except KeyError:
            continue
    return None


def _cpu(fn) -> float:
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


def _cpu_wall(fn) -> tuple[float, float]:
    start, wall = time.process_time(), time.perf_counter()
    fn()
    return (time.process_time() - start) * 1000, (time.perf_counter() - wall) * 1000


def _check(at) -> None:
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])


def open_page(root: Path, page: str, params: dict, wall: bool = False) -> tuple:
    """A new session opening the page (switch_page first, as a shared link): (AppTest, CPU ms),
    with ``wall``: (AppTest, CPU ms, wall ms)."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    ms, wall_ms = _cpu_wall(at.run)
    _check(at)
    return (at, ms, wall_ms) if wall else (at, ms)


def page_params(root: Path, level: str) -> dict:
    """The map page's URL: the geographic map (as the naive app draws), at kecamatan the saved
    kecamatan dataset."""
    if level != "kecamatan":
        return {"map_type": "geo"}
    from jabodash.store import shelf
    indicator = shelf.indicator_id(shelf.list_datasets()[0]["id"], "Jumlah bench")
    return {"map_type": "geo", "level": "kecamatan", "indicator": indicator, "year": "2022"}


class Rerunner:
    """One session of a page; each step sets its year widget to the next year, then runs: the
    fragment that holds the widget when the page has one (as the server does: see
    tests/support/fragments.py), else the whole page (``full=True``: always the whole page)."""

    def __init__(self, at, full: bool = False, cold: bool = False):
        sys.path.insert(0, str(HERE.parent.parent / "tests"))
        from support.fragments import fragment_ids, rerun_fragment
        self.at, self.i, self.cold = at, 0, cold
        ids = [] if full else fragment_ids(at)
        self.mode = "fragment" if len(ids) == 1 else "full"
        self.run = (lambda: rerun_fragment(self.at, ids[0])) if self.mode == "fragment" else self.at.run

    def step(self) -> float:
        widget = _year_widget(self.at)
        if widget is not None and len(widget.options) > 1:
            self.i += 1
            widget.set_value(widget.options[self.i % 2])
        if self.cold:   # nothing built for an earlier view: every figure and table made again
            from jabodash.ui import source
            source._memo.clear()
        ms = _cpu(self.run)
        _check(self.at)
        return ms


@contextlib.contextmanager
def _profiling_script_thread(prof: cProfile.Profile | None):
    """Run every script run (AppTest's script thread) under ``prof``."""
    if prof is None:
        yield
        return
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
    original = ScriptRunner._run_script

    def profiled(self, rerun_data):
        prof.enable()
        try:
            return original(self, rerun_data)
        finally:
            prof.disable()

    ScriptRunner._run_script = profiled
    try:
        yield
    finally:
        ScriptRunner._run_script = original


def measure_page(root: Path, page: str, params: dict, reruns: int, profile: str | None = None,
                 full: bool = False, first_only: bool = False) -> dict:
    open_page(root, page, params)   # process caches warm
    firsts = [open_page(root, page, params, wall=True) for _ in range(max(3, reruns // 3))]
    first, first_wall = [f[1] for f in firsts], [f[2] for f in firsts]
    at = firsts[-1][0]
    elements = _count(at)
    if first_only:
        return {"page": page, "level": params.get("level", "kabkota"), "first_ms": statistics.median(first),
                "first_wall_ms": statistics.median(first_wall), "warm_ms": None, "rerun": None,
                "elements": elements, "elements_rerun": None}
    runner = Rerunner(at, full)
    runner.step()
    runner.step()
    prof = cProfile.Profile() if profile else None
    with _profiling_script_thread(prof):
        warm = [runner.step() for _ in range(reruns)]
    if prof:
        prof.dump_stats(profile)
    return {"page": page, "level": params.get("level", "kabkota"), "first_ms": statistics.median(first),
            "first_wall_ms": statistics.median(first_wall), "warm_ms": statistics.median(warm), "rerun": runner.mode, "elements": elements,
            "elements_rerun": _count(at)}


def _count(at) -> int:
    """Elements (blocks included) of the last run's tree."""
    def walk(node) -> int:
        children = getattr(node, "children", None) or {}
        return 1 + sum(walk(c) for c in children.values())
    return sum(walk(root) for root in at._tree.children.values())


def measure_naive(root: Path, page: str, params: dict, reruns: int, full: bool = False, cold: bool = False) -> dict:
    """The page and the naive app, rerun after rerun (A/B interleaved)."""
    from streamlit.testing.v1 import AppTest
    os.environ["JABODASH_NAIVE_LEVEL"] = params.get("level", "kabkota")
    naive = AppTest.from_file(str(HERE / "naive_app.py"), default_timeout=120)
    naive.run()
    _check(naive)
    app = Rerunner(open_page(root, page, params)[0], full, cold)
    other = Rerunner(naive)
    for _ in range(2):
        app.step()
        other.step()
    ours, theirs = [], []
    for _ in range(reruns):
        ours.append(app.step())
        theirs.append(other.step())
    a, b = statistics.median(ours), statistics.median(theirs)
    return {"page": page, "level": params.get("level", "kabkota"), "rerun": app.mode, "cold": cold, "jabodash_ms": a,
            "naive_ms": b, "ratio": b / a if a else None}


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_here(args) -> list[dict]:
    root = Path(args.app_root).resolve()
    scratch = Path(args.scratch).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    _setup_env(scratch, root)
    prepare(scratch)
    params = page_params(root, args.level)
    out = []
    for page in args.pages.split(","):
        p = params if page == "peta" else {}
        if args.naive:
            if page not in ("peta", "ringkasan"):
                continue
            row = measure_naive(root, page, p, args.reruns, args.full, args.cold)
        else:
            row = measure_page(root, page, p, args.reruns, args.profile if not out else None, args.full,
                               args.first_only)
        row["load"] = _load()
        out.append(row)
        if not args.json:
            print(row, flush=True)
    return out


def run_ab(args) -> None:
    """Alternate processes over the two roots; medians of each page's figures per root."""
    rows: dict[tuple, list] = {}
    for r in range(args.rounds):
        for label, root in (("before", args.ab[0]), ("after", args.ab[1])):
            cmd = [sys.executable, str(Path(__file__).resolve()), "--scratch", f"{args.scratch}/{label}", "--app-root", root,
                   "--pages", args.pages, "--reruns", str(args.reruns), "--level", args.level, "--json"] + \
                (["--full"] if args.full else []) + (["--first-only"] if args.first_only else [])
            # in the root: Streamlit reads .streamlit/config.toml from the working folder
            res = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=root)
            if res.returncode:
                sys.exit(res.stderr[-3000:])
            for row in json.loads(res.stdout.strip().splitlines()[-1]):
                rows.setdefault((row["page"], row["level"], label), []).append(row)
            print(f"round {r + 1} {label} done, load {_load()}", file=sys.stderr, flush=True)
    print("| page | level | first load before | after | first load wall before | after | warm rerun before | after "
          "| elements before | after |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")

    def cell(value) -> str:
        return "–" if value is None else f"{value:.0f}"

    for page in args.pages.split(","):
        got = {lb: rows.get((page, args.level if page == "peta" else "kabkota", lb)) for lb in ("before", "after")}
        if not all(got.values()):
            continue
        med = {lb: {k: (None if any(r.get(k) is None for r in got[lb]) else statistics.median(r[k] for r in got[lb]))
                    for k in ("first_ms", "first_wall_ms", "warm_ms", "elements")} for lb in got}
        print(f"| {page} | {args.level if page == 'peta' else 'kabkota'} | "
              + " | ".join(f"{cell(med['before'][k])} | {cell(med['after'][k])}"
                           for k in ("first_ms", "first_wall_ms", "warm_ms", "elements")) + " |")
    print(f"\nload average at the end: {_load()}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--app-root", default=str(HERE.parent.parent))
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--reruns", type=int, default=10)
    ap.add_argument("--level", default="kabkota", choices=("kabkota", "kecamatan"))
    ap.add_argument("--naive", action="store_true")
    ap.add_argument("--profile")
    ap.add_argument("--full", action="store_true", help="rerun the whole page even where a fragment would do")
    ap.add_argument("--cold", action="store_true", help="with --naive: clear the shared figure/table memos "
                    "(ui.source._memo) before each rerun, as for a view nobody has seen")
    ap.add_argument("--first-only", action="store_true", help="first loads only (no warm reruns)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--ab", nargs=2, metavar=("BEFORE_ROOT", "AFTER_ROOT"))
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    if args.ab:
        run_ab(args)
        return
    out = run_here(args)
    if args.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
