"""Bounded load test: K simulated users in headless Chromium against jabodash behind the proxy.

Each user, in a browser context of its own: opens a shared link (the overview with an indicator and
a year), changes the year, changes the indicator, opens the map, and uploads a small CSV on the
upload page. Reported per run: p50/p95 of page settle (navigation until the script run has
finished and the page's first chart, or the upload report, is drawn) and of rerun (a widget change
until the rerun has written the new URL and finished), errors, and the RSS of the worker processes
(Streamlit workers and their SQL console workers) before and with the K sessions open.

It starts `python -m jabodash serve --workers N` itself for every N given (or uses --url, which must
be a loopback address), talks only to loopback (every other request is blocked and counted as an
error), and stops by itself: every step has a timeout, and the whole run a deadline.

    .venv/bin/python tools/loadtest.py --workers 1,2 --users 1,4,8,12,20 --json out.json
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jabodash.cluster import procs, proxy  # noqa: E402
from jabodash.cluster.workers import die_with_parent, free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SHARED_LINK = "/?lang=id&indicator=population_census&year=2020"
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CSV = ("wilayah,tahun,jumlah\n" + "".join(f"{n},2023,{i * 7 + 10}\n" for i, n in enumerate(
    ["KOTA DEPOK", "KOTA BOGOR", "KABUPATEN BOGOR", "KOTA BEKASI", "KABUPATEN BEKASI"]))).encode()


# --- the cluster under test -------------------------------------------------------------------------

class Served:
    """`python -m jabodash serve --workers N` on a free loopback port, stopped with SIGTERM."""

    def __init__(self, workers: int, tmp: Path):
        self.run_dir = tmp / f"run-{workers}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp / f"serve-{workers}.log", "wb")
        env = {**os.environ, "JABODASH_WORKSPACE": str(tmp / "workspace")}   # nothing is saved; kept apart
        self.proc = subprocess.Popen([sys.executable, "-m", "jabodash", "serve", "--workers", str(workers),
                                      "--port", str(self.port), "--run-dir", str(self.run_dir)], cwd=ROOT,
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=die_with_parent)  # no cluster outlives a killed run
        self.workers = workers

    def wait_up(self, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}; see {self.log.name}")
            try:
                rows = proxy.server_stats(self.run_dir / "haproxy.sock")
                if len(rows) == self.workers and all(r["status"] == "UP" for r in rows.values()):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError("the cluster did not come up")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def worker_rss_mb(serve_pid: int) -> dict:
    """RSS of the Streamlit workers (children of the serve process, haproxy excluded) and of their
    own children (SQL console workers), in MB."""
    kids = procs.children_by_parent(zombies=True)
    streamlit = [p for p in kids.get(serve_pid, []) if _is_worker(procs.cmdline(p))]
    sub = [c for p in streamlit for c in kids.get(p, [])]
    return {"workers_mb": round(sum(map(_rss_kb, streamlit)) / 1024, 1),
            "sql_workers_mb": round(sum(map(_rss_kb, sub)) / 1024, 1), "processes": len(streamlit) + len(sub)}


def _is_worker(args: list[str]) -> bool:
    """A Streamlit worker of serve: started through the launcher (or plain streamlit run)."""
    return any("jabodash.server" in a or "streamlit" in a for a in args)


# --- one simulated user -----------------------------------------------------------------------------

class User:
    def __init__(self, browser, url: str, step_timeout_ms: int):
        self.browser, self.url, self.timeout = browser, url, step_timeout_ms
        self.settle: list[float] = []
        self.rerun: list[float] = []
        self.errors: list[str] = []
        self.blocked: list[str] = []

    async def _guard(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOOPBACK:
            await route.continue_()
        else:
            self.blocked.append(route.request.url)
            await route.abort()

    async def _settled(self, page, figure: bool = True) -> None:
        await page.wait_for_selector(DONE, timeout=self.timeout)
        await page.wait_for_selector("[data-testid='stMainBlockContainer']", timeout=self.timeout)
        if figure:
            await page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=self.timeout)

    async def _choose(self, page, label: str, text: str, url_part: str) -> None:
        """A rerun: pick ``text`` in the selectbox labelled ``label``; done when the URL has
        ``url_part`` and the run has finished."""
        picker = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
        await picker.click(timeout=self.timeout)
        await picker.locator("input").fill(text)
        start = time.perf_counter()
        await page.get_by_role("option", name=text).first.click(timeout=self.timeout)
        await page.wait_for_url(f"**{url_part}**", timeout=self.timeout)
        await page.wait_for_selector(DONE, timeout=self.timeout)
        self.rerun.append(time.perf_counter() - start)

    async def run(self) -> None:
        context = await self.browser.new_context(viewport={"width": 1400, "height": 900})
        try:
            page = await context.new_page()
            await page.route("**/*", self._guard)
            page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
            start = time.perf_counter()
            await page.goto(self.url + SHARED_LINK, timeout=self.timeout)
            await self._settled(page)
            self.settle.append(time.perf_counter() - start)
            await self._choose(page, "Tahun", "2010", "year=2010")
            await self._choose(page, "Indikator", "Kepadatan penduduk", "indicator=")
            start = time.perf_counter()
            await page.get_by_role("link", name="Peta").click(timeout=self.timeout)
            await page.wait_for_url("**/peta**", timeout=self.timeout)
            await self._settled(page)
            self.settle.append(time.perf_counter() - start)
            await self._upload(page)
            if await page.locator("[data-testid='stException']").count():
                self.errors.append("exception shown on the page")
        except Exception as exc:  # noqa: BLE001 (counted, reported)
            self.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        finally:
            self.context = context   # kept open until memory is read

    async def _upload(self, page) -> None:
        start = time.perf_counter()
        await page.get_by_role("link", name="Unggah data").click(timeout=self.timeout)
        await page.wait_for_url("**/unggah**", timeout=self.timeout)
        await self._settled(page, figure=False)
        await page.locator("[data-testid='stFileUploader']").first.wait_for(timeout=self.timeout)
        self.settle.append(time.perf_counter() - start)
        start = time.perf_counter()
        await page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(
            files=[{"name": "warung.csv", "mimeType": "text/csv", "buffer": CSV}])
        await page.get_by_text("Laporan validasi").wait_for(timeout=self.timeout)
        await page.wait_for_selector(DONE, timeout=self.timeout)
        self.rerun.append(time.perf_counter() - start)


# --- a run of K users ---------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def run_users(url: str, users: int, serve_pid: int | None, step_timeout_s: float) -> dict:
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        before = worker_rss_mb(serve_pid) if serve_pid else None
        load_start = os.getloadavg()
        crowd = [User(browser, url, int(step_timeout_s * 1000)) for _ in range(users)]
        started = time.perf_counter()
        await asyncio.gather(*(u.run() for u in crowd))
        wall = time.perf_counter() - started
        during = worker_rss_mb(serve_pid) if serve_pid else None   # sessions still open
        load_end = os.getloadavg()
        for u in crowd:
            await u.context.close()
        await browser.close()
    settle = [x for u in crowd for x in u.settle]
    rerun = [x for u in crowd for x in u.rerun]
    errors = [e for u in crowd for e in u.errors] + [f"outside request: {b}" for u in crowd for b in u.blocked]
    out = {"users": users, "wall_s": round(wall, 1), "settle_n": len(settle), "rerun_n": len(rerun),
           "settle_p50": pct(settle, 50), "settle_p95": pct(settle, 95),
           "rerun_p50": pct(rerun, 50), "rerun_p95": pct(rerun, 95), "errors": len(errors),
           "error_samples": errors[:5], "load_start": [round(x, 2) for x in load_start],
           "load_end": [round(x, 2) for x in load_end], "rss_before": before, "rss_during": during}
    if before and during:
        grown = during["workers_mb"] + during["sql_workers_mb"] - before["workers_mb"] - before["sql_workers_mb"]
        out["mb_per_session"] = round(grown / users, 1)
    return out


def first_over(rows: list[dict], key: str, limit: float = 1.0) -> int | None:
    for row in rows:
        if row[key] is not None and row[key] > limit:
            return row["users"]
    return None


def table(results: dict) -> str:
    def f(v):
        return "–" if v is None else f"{v:.2f}"
    lines = ["| workers | K | settle p50 / p95 (s) | rerun p50 / p95 (s) | errors | worker RSS with K open (MB) "
             "| MB per session | load avg start → end | wall (s) |", "|---|---|---|---|---|---|---|---|---|"]
    for workers, rows in results.items():
        for r in rows:
            rss = r["rss_during"] or {}
            lines.append(f"| {workers} | {r['users']} | {f(r['settle_p50'])} / {f(r['settle_p95'])} | "
                         f"{f(r['rerun_p50'])} / {f(r['rerun_p95'])} | {r['errors']} | "
                         f"{rss.get('workers_mb', '–')} (+{rss.get('sql_workers_mb', 0)} SQL) | "
                         f"{r.get('mb_per_session', '–')} | {r['load_start'][0]} → {r['load_end'][0]} | {r['wall_s']} |")
    lines.append("")
    for workers, rows in results.items():
        lines.append(f"- {workers} worker(s): p95 settle first over 1 s at K = {first_over(rows, 'settle_p95')}, "
                     f"p95 rerun at K = {first_over(rows, 'rerun_p95')} (None: not within the K run)")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", default="2", help="comma-separated worker counts to start (default 2)")
    ap.add_argument("--users", default="1,4", help="comma-separated numbers of simultaneous users (default 1,4)")
    ap.add_argument("--url", help="test this loopback server instead of starting one (memory not measured)")
    ap.add_argument("--step-timeout", type=float, default=180.0, help="seconds for one step of a user (180)")
    ap.add_argument("--deadline", type=float, default=3600.0, help="seconds for the whole run (3600)")
    ap.add_argument("--json", type=Path, help="write the results here as JSON")
    args = ap.parse_args(argv)
    if args.url and urlparse(args.url).hostname not in LOOPBACK:
        print("error: --url must be a loopback address (127.0.0.1, localhost, ::1)", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # so that the clusters below are stopped
    ks = [int(k) for k in args.users.split(",")]
    counts = [None] if args.url else [int(n) for n in args.workers.split(",")]
    results: dict[str, list[dict]] = {str(n or "?"): [] for n in counts}
    stop_at = time.monotonic() + args.deadline
    with tempfile.TemporaryDirectory(prefix="jabodash-loadtest-") as tmp:
        # every cluster is started first and stays up, so each K runs on 1, 2, ... workers side by side
        served = {n: None if args.url else Served(n, Path(tmp)) for n in counts}
        try:
            for one in served.values():
                if one:
                    one.wait_up()
            for k in ks:
                for n, one in served.items():
                    left = stop_at - time.monotonic()
                    if left <= 0:
                        print(f"deadline reached before K={k} on {n} worker(s)", file=sys.stderr)
                        break
                    row = asyncio.run(asyncio.wait_for(
                        run_users(args.url or one.url, k, one.proc.pid if one else None, args.step_timeout), left))
                    results[str(n or "?")].append(row)
                    print(json.dumps({"workers": n, **row}), flush=True)
        finally:
            for one in served.values():
                if one:
                    one.stop()
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
