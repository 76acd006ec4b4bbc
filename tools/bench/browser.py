"""Browser times of every page in headless Chromium against the real server (issue 14).

Usage (from the repository root, with the app's venv; JABODASH_TEST_BOUNDARIES set):

    python tools/bench/browser.py --scratch /tmp/x --roots before=/tmp/base after=. [--pages peta,ringkasan]
        [--runs 5] [--screenshot kependudukan=/tmp/x/kep.png]

For each root (a checkout, e.g. an older commit unpacked with ``git archive``) one server is started
the way scripts/run.sh starts it (``python -m jabodash.server`` in that root, a cache and workspace in
the scratch folder, boundaries imported as tools/bench/pages.py does) and each page is opened:

* first load: a new browser context opening the page's URL (the server's caches warm from one
  earlier, uncounted load of the same page). ``settled``: the script finished (the app's
  script-state is notRunning) with the page drawn; ``drawn``: every plotly chart of the page has its
  ``.main-svg``. Both from the navigation start (``performance.now()`` in the page).
* year change (map, overview, population): the page's year picker set to the other of two years
  (warm: both seen before; the first two changes are not counted), from the click on the option to
  the URL showing the year with the script finished (settled) and to the chart naming the year
  (drawn), and the websocket bytes the page received for it (``ws KB``). ``cold`` (map): each change to a year the server has not drawn yet.

Medians of ``--runs``; the load average is printed with each row. Chromium is /usr/bin/chromium
with the launch options of the browser tests; every request to another host is blocked.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests"))
from support.appserver import CHROMIUM, CHROMIUM_ARGS, OutsideRequests, free_port  # noqa: E402

PAGES = {  # page: (URL path and query, plotly charts drawn, year picker label, chart naming the year, two years)
    "ringkasan": ("/?indicator=poverty_rate&year=2024", 2, "Tahun", 0, (2023, 2024)),
    "peta": ("/peta?indicator=ipm&year=2024&map_type=geo", 1, "Tahun", 0, (2022, 2024)),
    "kependudukan": ("/kependudukan?year=2020", 8, "Tahun sensus", 1, (2010, 2020)),
    "wilayah": ("/wilayah", 2, None, None, None),
    "layanan": ("/layanan", 2, None, None, None),
    "kerjasama": ("/kerjasama", 2, None, None, None),
    "bandingkan": ("/bandingkan", 4, None, None, None),
    "data": ("/data", 0, None, None, None),
    "unggah": ("/unggah", 0, None, None, None),
    "sql": ("/sql", 0, None, None, None),
    "presentasi": ("/presentasi", 1, None, None, None),
}
# --naive: tools/bench/naive_app.py in the same view as "peta" (its picker is labelled "Year")
NAIVE = ("/?indicator=ipm&year=2024", 1, "Year", 0, (2022, 2024))
SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  const main = document.querySelector("[data-testid='stMainBlockContainer'] [data-testid='stElementContainer']");
  return app && main && app.getAttribute('data-test-script-state') === 'notRunning' && performance.now();
}"""
# plotly charts of the page and of its same-origin frames (the map component, jabodash.ui.components.geomap)
PLOTS = """const plots = () => [document, ...[...document.querySelectorAll('iframe')].map(f => {
  try { return f.contentDocument; } catch (e) { return null; } }).filter(Boolean)]
  .flatMap(d => [...d.querySelectorAll('.js-plotly-plot')]);"""
DRAWN = """(n) => {""" + PLOTS + """
  const charts = plots();
  return charts.length >= n && charts.every(c => c.querySelector('.main-svg')) && performance.now();
}"""
YEAR_SETTLED = """(year) => {
  const app = document.querySelector("[data-testid='stApp']");
  return location.search.includes('year=' + year) && app.getAttribute('data-test-script-state') === 'notRunning'
    && performance.now();
}"""
YEAR_DRAWN = """([year, index]) => {""" + PLOTS + """
  const chart = plots()[index];
  const texts = chart ? [...chart.querySelectorAll('.infolayer text')].map(e => e.textContent).join(' ') : '';
  return texts.includes(String(year)) && performance.now();
}"""
TIMEOUT_MS = 180_000


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _port() -> int:
    """A free loopback port: from ``JABODASH_BENCH_PORTS`` ("8640-8649") when set (a shared
    machine's lanes), else any."""
    lanes = os.environ.get("JABODASH_BENCH_PORTS")
    if not lanes:
        return free_port()
    import socket
    low, high = (int(x) for x in lanes.split("-"))
    for port in range(low, high + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {lanes}")


def start_server(root: Path, scratch: Path) -> tuple[subprocess.Popen, str]:
    """The real server of ``root`` on a free loopback port, cache and workspace in ``scratch``."""
    env = {**os.environ, "JABODASH_CACHE_DIR": str(scratch / "cache"), "JABODASH_WORKSPACE": str(scratch / "workspace"),
           "PYTHONPATH": str(root)}
    bench = root / "tools" / "bench" if (root / "tools" / "bench" / "pages.py").exists() else HERE   # the root's own
    prep = (f"import sys; sys.path[:0] = [{str(root)!r}, {str(bench)!r}]; import pages; "
            f"from pathlib import Path; pages.prepare(Path({str(scratch)!r}))")
    subprocess.run([sys.executable, "-c", prep], cwd=root, env=env, check=True, capture_output=True)
    port = _port()
    cmd = [sys.executable, "-m", "jabodash.server", "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log = open(scratch / f"server-{port}.log", "wb")
    return _healthy(subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT), port, log)


def start_naive(scratch: Path) -> tuple[subprocess.Popen, str]:
    """tools/bench/naive_app.py under plain ``streamlit run`` (the yardstick of the map page)."""
    port = _port()
    env = {**os.environ, "JABODASH_WORKSPACE": str(scratch / "workspace")}
    cmd = [sys.executable, "-m", "streamlit", "run", str(HERE / "naive_app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log = open(scratch / f"server-{port}.log", "wb")
    return _healthy(subprocess.Popen(cmd, cwd=HERE.parent.parent, env=env, stdout=log, stderr=subprocess.STDOUT),
                    port, log)


def _healthy(proc: subprocess.Popen, port: int, log) -> tuple[subprocess.Popen, str]:
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} (log: {log.name})")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise TimeoutError("the server did not become healthy")


class Received:
    """Bytes of the websocket frames the page has received (counted as Chromium hands them over)."""

    def __init__(self, page):
        self.bytes = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        self.bytes += len(payload)


def new_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    outside = OutsideRequests(url)
    page.route("**/*", outside)
    page.received = Received(page)
    return page, outside


def first_load(browser, url: str, charts: int) -> dict:
    """A new session opening ``url``: ms from the navigation start to settled and to ``charts``
    plotly charts drawn."""
    page, outside = new_page(browser, url)
    page.goto(url)
    settled = page.wait_for_function(SETTLED, timeout=TIMEOUT_MS, polling=20).json_value()
    drawn = None
    if charts:
        drawn = page.wait_for_function(DRAWN, arg=charts, timeout=TIMEOUT_MS, polling=20).json_value()
    if outside.blocked:
        raise RuntimeError(f"outside requests: {outside.blocked[:3]}")
    page.context.close()
    return {"settled": settled, "drawn": drawn}


def change_year(page, label: str, year: int, index: int) -> dict:
    """Pick ``year`` in the picker labelled ``label``: ms from the click to settled and to drawn, and
    the websocket bytes received until drawn (``kb``)."""
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).first.click()
    option = page.get_by_role("option", name=re.compile(rf"^{year}\b"))
    start = page.evaluate("() => performance.now()")
    got = page.received.bytes
    option.click()
    settled = page.wait_for_function(YEAR_SETTLED, arg=year, timeout=TIMEOUT_MS, polling=20).json_value()
    drawn = page.wait_for_function(YEAR_DRAWN, arg=[year, index], timeout=TIMEOUT_MS, polling=20).json_value()
    page.wait_for_timeout(300)   # the run's last frames (after the chart was drawn) counted too
    return {"settled": settled - start, "drawn": drawn - start, "kb": (page.received.bytes - got) / 1000}


def picker_years(page, label: str) -> list[int]:
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).first.click()
    names = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return [int(m.group()) for m in (re.match(r"\d{4}", n) for n in names) if m]


def _median(rows: list[dict], key: str) -> float | None:
    got = [r[key] for r in rows if r[key] is not None]
    return statistics.median(got) if got else None


def measure_root(browser, url: str, pages: list[str], runs: int, shots: dict, naive: bool = False) -> list[dict]:
    out = []
    for name in pages:
        path, charts, label, index, years = NAIVE if naive else PAGES[name]
        first_load(browser, url + path, charts)   # server caches warm (and Streamlit's page mode settled)
        loads = [first_load(browser, url + path, charts) for _ in range(runs)]
        out.append({"page": name, "what": "first load", "settled": _median(loads, "settled"),
                    "drawn": _median(loads, "drawn"), "load": _load()})
        print(json.dumps({"url": url, **out[-1]}), file=sys.stderr, flush=True)
        if label is None and name not in shots:
            continue
        page, _ = new_page(browser, url + path)
        page.goto(url + path)
        page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
        if name in shots:
            page.wait_for_function(DRAWN, arg=charts, timeout=TIMEOUT_MS)
            height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": 1600, "height": min(int(height) + 40, 9000)})
            page.wait_for_timeout(1000)
            page.screenshot(path=shots[name])
        if label is not None:
            changes = [change_year(page, label, years[i % 2], index) for i in range(runs + 2)][2:]
            out.append({"page": name, "what": "year change (warm)", "settled": _median(changes, "settled"),
                        "drawn": _median(changes, "drawn"), "kb": _median(changes, "kb"), "load": _load()})
            print(json.dumps({"url": url, **out[-1]}), file=sys.stderr, flush=True)
            if name == "peta":
                unseen = [y for y in picker_years(page, label) if y not in years][:runs]
                cold = [change_year(page, label, y, index) for y in unseen]
                out.append({"page": name, "what": f"year change (cold: {len(cold)} unseen years)",
                            "settled": _median(cold, "settled"), "drawn": _median(cold, "drawn"),
                            "kb": _median(cold, "kb"), "load": _load()})
                print(json.dumps({"url": url, **out[-1]}), file=sys.stderr, flush=True)
        page.context.close()
    return out


def table(results: dict[str, list[dict]]) -> str:
    labels = list(results)
    head = "| page | what | " + " | ".join(f"settled {lb} | drawn {lb} | ws KB {lb}" for lb in labels) \
        + " | load (1/5/15 min) |"
    lines = [head, "|---|---|" + "---:|---:|---:|" * len(labels) + "---|"]

    def ms(v):
        return "–" if v is None else f"{v / 1000:.2f} s"
    for row in results[labels[0]]:
        cells = []
        for lb in labels:   # the row of the same page and measure (the naive app has only the map's)
            other = next((r for r in results[lb] if (r["page"], r["what"]) == (row["page"], row["what"])),
                         {"settled": None, "drawn": None})
            kb = other.get("kb")
            cells += [ms(other["settled"]), ms(other["drawn"]), "–" if kb is None else f"{kb:.0f}"]
        lines.append(f"| {row['page']} | {row['what']} | " + " | ".join(cells) + f" | {row['load']} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--roots", nargs="+", default=[f"after={HERE.parent.parent}"], help="LABEL=ROOT ...")
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--screenshot", action="append", default=[], help="PAGE=PNG (full page; -LABEL.png per root)")
    ap.add_argument("--naive", action="store_true", help="also the naive map app, beside each root's map page")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright
    pages = args.pages.split(",")
    shots = dict(s.split("=", 1) for s in args.screenshot)
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        servers = {}
        try:
            for spec in args.roots:   # every server up first; then page by page, root by root (paired rows)
                label, root = spec.split("=", 1)
                scratch = Path(args.scratch).resolve() / label
                scratch.mkdir(parents=True, exist_ok=True)
                servers[label] = start_server(Path(root).resolve(), scratch)
            if args.naive:
                (Path(args.scratch).resolve() / "naive").mkdir(parents=True, exist_ok=True)
                servers["naive"] = start_naive(Path(args.scratch).resolve() / "naive")
            for name in pages:
                for label, (_, url) in servers.items():
                    if label == "naive" and name != "peta":
                        continue
                    results.setdefault(label, []).extend(measure_root(
                        browser, url, [name], args.runs, {k: v.replace(".png", f"-{label}.png") for k, v in shots.items()},
                        naive=label == "naive"))
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait(timeout=20)
        browser.close()
    print(table(results))
    print(f"\nload average at the end: {_load()}")
    (Path(args.scratch) / "browser.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
