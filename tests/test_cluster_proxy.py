"""Two workers behind HAProxy, started by `python -m jabodash serve --workers 2`, driven by headless
Chromium through the proxy.

A browser is put on a given worker by the proxy's own cookie (JABODASH_WORKER=w1 or w2), exactly as
the proxy would after its first answer. The tests run in file order on one cluster: the worker kill
and the clean stop come last. Waits are for conditions (health, texts, process exits), never for
time; timeouts are generous for a loaded 2-core machine.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from support.appserver import (
    ARTIFACTS,
    CHROMIUM,
    OutsideRequests,
    full_screenshot,
    give_table_file,
    page_errors,
    wait_for_app,
)

from jabodash.cluster import proxy, workers
from jabodash.cluster.procs import children, cmdline
from jabodash.core.i18n import t

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(proxy.haproxy_path() is None,
                                 reason="haproxy is not installed (scripts/test.sh installs Debian's haproxy)"),
              pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="no system Chromium")]
ROOT = Path(__file__).resolve().parent.parent
START_S = 420        # two workers starting on a loaded 2-core machine
WAIT_MS = 120_000
PAGES = ("", "peta", "kependudukan", "wilayah", "layanan", "kerjasama", "bandingkan", "data", "unggah", "sql",
         "presentasi")


def csv_bytes(offset: int) -> bytes:
    names = ["KOTA DEPOK", "KOTA BOGOR", "KABUPATEN BOGOR", "KOTA BEKASI", "KABUPATEN BEKASI"]
    return ("wilayah,tahun,jumlah\n" + "".join(f"{n},2023,{i * 7 + offset}\n" for i, n in enumerate(names))).encode()


class Serve:
    """The serve command as a process, and what it started (found through /proc)."""

    def __init__(self, tmp: Path):
        self.run_dir = tmp / "run"
        self.workspace = tmp / "workspace"
        self.port = workers.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(ARTIFACTS / "cluster-serve.log", "wb")
        env = {**os.environ, "JABODASH_WORKSPACE": str(self.workspace)}
        self.proc = subprocess.Popen([sys.executable, "-m", "jabodash", "serve", "--workers", "2", "--port",
                                      str(self.port), "--run-dir", str(self.run_dir)], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_up(self) -> None:
        """Until the proxy's stats show both workers UP (the serve command waited for their health)."""
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (ARTIFACTS / "cluster-serve.log").read_text()[-3000:]
            try:
                rows = proxy.server_stats(self.run_dir / "haproxy.sock")
                if len(rows) == 2 and all(r["status"] == "UP" for r in rows.values()):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError("the cluster did not come up")

    def ports(self) -> dict[str, int]:
        """Worker name -> port, from the configuration the serve command wrote."""
        out = {}
        for line in (self.run_dir / "haproxy.cfg").read_text().splitlines():
            parts = line.split()
            if parts[:1] == ["server"]:
                out[parts[1]] = int(parts[2].rsplit(":", 1)[1])
        return out

    def worker_pid(self, name: str) -> int:
        port = str(self.ports()[name])
        for pid in children(self.proc.pid):
            args = cmdline(pid)
            if "--server.port" in args and args[args.index("--server.port") + 1] == port:
                return pid
        raise LookupError(name)

    def sessions(self, name: str) -> int:
        return int(proxy.server_stats(self.run_dir / "haproxy.sock")[name]["stot"])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def sql_workers(parent: int) -> list[int]:
    return [p for p in children(parent) if "jabodash.sql" in cmdline(p) and "--worker" in cmdline(p)]


def wait_until(condition, timeout: float = 120.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise TimeoutError(what)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    serve = Serve(tmp_path_factory.mktemp("cluster"))
    try:
        serve.wait_up()
        yield serve
    finally:
        serve.stop()


def open_on(browser, cluster, path: str, worker: str | None = None):
    """A new browser context on the proxy; ``worker`` presets the proxy's cookie. Returns
    (page, context, outside, errors)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600})   # the overview's year picker in view
    if worker:
        context.add_cookies([{"name": proxy.COOKIE, "value": worker, "url": cluster.url}])
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    outside = OutsideRequests(cluster.url)
    page.route("**/*", outside)
    errors: list[str] = []
    page_errors(page, errors)
    page.goto(cluster.url + path)
    wait_for_app(page, WAIT_MS)
    return page, context, outside, errors


def worker_of(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == proxy.COOKIE), None)


def upload(page, data: bytes, name: str) -> None:
    """On a freshly opened /unggah (no report yet): give the file, wait for the report, name the
    indicator."""
    give_table_file(page, "data.csv", data, WAIT_MS)
    wait_for_app(page, WAIT_MS)
    page.get_by_label("Nama indikator").fill(name)
    page.keyboard.press("Enter")
    wait_for_app(page, WAIT_MS)


def picker_has(page, name: str) -> bool:
    """The overview's indicator picker offers the uploaded indicator ``name`` (its label is
    "Unggahan · name"): the name typed into the picker's search, the options read once the
    search box holds it."""
    label = f"Unggahan · {name}"
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Indikator").first
    picker.click()
    search = picker.locator("input")
    search.fill(label)
    page.wait_for_function("([el, v]) => el.value === v", arg=[search.element_handle(), label])
    listbox = page.get_by_role("listbox")
    listbox.wait_for()
    try:
        page.get_by_role("option", name=label).first.wait_for(timeout=5000)
    except playwright_api.TimeoutError:
        pass
    found = label in listbox.inner_text()
    page.keyboard.press("Escape")
    return found


def view_of(url: str) -> dict:
    """The view in a URL: its path and parameters, the unsaved-upload marker left out."""
    parts = urlsplit(url)
    return {"path": parts.path, **{k: v for k, v in parse_qsl(parts.query) if k != "unsaved"}}


def widget_texts(page) -> list[str]:
    return page.locator("[data-testid='stSelectbox'], [data-testid='stRadio']").all_inner_texts()


def test_a_session_stays_on_its_worker_across_reruns(cluster, browser):
    page, context, outside, errors = open_on(browser, cluster, "/?lang=id&indicator=population_census")
    mine = worker_of(context)
    assert mine in ("w1", "w2")
    other = "w2" if mine == "w1" else "w1"
    before = cluster.sessions(other)
    for year in ("2010", "2020", "2010"):
        picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Tahun").first
        picker.click()
        page.get_by_role("option", name=year, exact=False).first.click()
        page.wait_for_url(f"**year={year}**")
        wait_for_app(page, WAIT_MS)
    page.get_by_role("link", name="Peta").click()
    page.wait_for_url("**/peta**")
    wait_for_app(page, WAIT_MS)
    assert worker_of(context) == mine
    assert cluster.sessions(other) == before      # not one connection of this browser reached the other
    assert errors == [] and outside.blocked == []
    context.close()


def test_saved_dataset_reaches_the_other_worker_and_unsaved_one_does_not(cluster, browser):
    page_a, ctx_a, out_a, err_a = open_on(browser, cluster, "/unggah?lang=id", worker="w1")
    page_b, ctx_b, out_b, err_b = open_on(browser, cluster, "/?lang=id", worker="w2")
    upload(page_a, csv_bytes(10), "Pasar rakyat")
    page_a.get_by_role("button", name=t("unggah.save", "id")).click()
    page_a.get_by_text("Tersimpan di ruang kerja", exact=False).wait_for()
    page_a.goto(cluster.url + "/unggah?lang=id")     # a new session of the same browser, still on w1
    wait_for_app(page_a, WAIT_MS)
    upload(page_a, csv_bytes(50), "Warung kopi sesi")
    page_a.get_by_role("button", name=t("unggah.use", "id")).click()
    page_a.get_by_text("Siap:", exact=False).wait_for()
    # B's session was open before the save: a rerun there sees the saved dataset, not A's unsaved one
    page_b.get_by_role("link", name="Kependudukan").click()    # reruns of the same session
    page_b.wait_for_url("**/kependudukan**")
    wait_for_app(page_b, WAIT_MS)
    page_b.get_by_role("link", name="Ringkasan").click()
    page_b.wait_for_url(lambda url: "/kependudukan" not in url)
    wait_for_app(page_b, WAIT_MS)
    assert picker_has(page_b, "Pasar rakyat")
    assert not picker_has(page_b, "Warung kopi sesi")
    page_a.get_by_role("link", name="Ringkasan").click()
    page_a.wait_for_url(lambda url: "/unggah" not in url)
    wait_for_app(page_a, WAIT_MS)
    assert picker_has(page_a, "Warung kopi sesi")   # A itself has it
    assert (worker_of(ctx_a), worker_of(ctx_b)) == ("w1", "w2")
    assert err_a == err_b == [] and out_a.blocked == out_b.blocked == []
    ctx_a.close()
    ctx_b.close()


def test_two_workers_saving_at_once_keep_both_datasets(cluster, browser, monkeypatch):
    pages = []
    for worker, name, offset in (("w1", "Sekolah A", 100), ("w2", "Sekolah B", 200)):
        page, ctx, _, errors = open_on(browser, cluster, "/unggah?lang=id", worker=worker)
        upload(page, csv_bytes(offset), name)
        pages.append((page, ctx, errors))
    buttons = [p.get_by_role("button", name=t("unggah.save", "id")) for p, _, _ in pages]
    for button in buttons:
        button.wait_for()
    for button in buttons:   # both clicks before either page is waited for
        button.click(no_wait_after=True)
    for page, ctx, errors in pages:
        page.get_by_text("Tersimpan di ruang kerja", exact=False).wait_for()
        assert errors == [] and worker_of(ctx) in ("w1", "w2")
    monkeypatch.setenv("JABODASH_WORKSPACE", str(cluster.workspace))
    from jabodash.store import shelf
    saved = {m["title"]: m["id"] for m in shelf.list_datasets()}
    assert {"Sekolah A", "Sekolah B"} <= set(saved)
    for title, offset in (("Sekolah A", 100), ("Sekolah B", 200)):
        records = shelf.load_dataset(saved[title]).records
        assert sorted(records["value"].tolist()) == [offset + 7 * i for i in range(5)]
    for _, ctx, _ in pages:
        ctx.close()


def test_pages_load_through_the_proxy_without_outside_requests(cluster, browser):
    page, context, outside, errors = open_on(browser, cluster, "/?lang=id")
    for slug in PAGES:
        page.goto(f"{cluster.url}/{slug}?lang=id")
        wait_for_app(page, WAIT_MS)
        page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for()
        assert page.locator("[data-testid='stException']").count() == 0, slug
    page.goto(cluster.url + "/?lang=id")
    wait_for_app(page, WAIT_MS)
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    full_screenshot(page, "cluster-overview.png", width=1400)
    assert errors == [] and outside.blocked == []
    context.close()


def test_killed_worker_moves_its_browser_to_the_other_with_the_same_view(cluster, browser):
    victim_pid = cluster.worker_pid("w1")
    page, context, outside, errors = open_on(browser, cluster, "/unggah?lang=id", worker="w1")
    upload(page, csv_bytes(30), "Unggahan tak tersimpan")
    page.get_by_role("button", name=t("unggah.use", "id")).click()
    page.get_by_text("Siap:", exact=False).wait_for()
    view = "/peta?lang=id&indicator=population_census&year=2020&classification=natural_breaks&classes=4" \
           "&palette=high_contrast"
    page.goto(cluster.url + view + "&unsaved=1")
    wait_for_app(page, WAIT_MS)
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    before = widget_texts(page), view_of(page.url)
    assert before[1]["classification"] == "natural_breaks" and before[1]["palette"] == "high_contrast"
    sql_page = context.new_page()           # the same browser's SQL console starts a SQL worker on w1
    sql_page.goto(cluster.url + "/sql?lang=id")
    sql_kids = wait_until(lambda: sql_workers(victim_pid), what="a SQL console worker on w1")
    sql_page.close()

    os.kill(victim_pid, signal.SIGKILL)

    def moved():
        """The browser is on w2 (the proxy redispatched it), or on w1 started again: on a quiet machine
        the supervisor's restart can be up before the browser's reconnect, and the cookie stays w1."""
        try:
            restarted = cluster.worker_pid("w1") != victim_pid
        except LookupError:
            restarted = False
        return worker_of(context) == "w2" or (worker_of(context) == "w1" and restarted)
    wait_until(moved, timeout=180, what="the browser moved to w2 or to a restarted w1")
    page.get_by_text(t("cluster.uploads_lost", "id")[:40]).first.wait_for(timeout=WAIT_MS)
    wait_for_app(page, WAIT_MS)
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    # the reconnected page may still be filling its pickers after the script says it is done
    wait_until(lambda: (widget_texts(page), view_of(page.url)) == before, timeout=60,
               what="the same view after the failover")
    assert (widget_texts(page), view_of(page.url)) == before
    page.screenshot(path=str(ARTIFACTS / "cluster-failover.png"))
    wait_until(lambda: not any(Path(f"/proc/{p}").exists() and cmdline(p) for p in sql_kids), timeout=120,
               what="the killed worker's SQL console worker ended")
    assert errors == [] and outside.blocked == []
    context.close()


def test_serve_stops_proxy_workers_and_sql_workers_cleanly(cluster, browser):
    wait_until(lambda: len(proxy.server_stats(cluster.run_dir / "haproxy.sock")) == 2, what="stats")
    page, context, _, _ = open_on(browser, cluster, "/sql?lang=id", worker="w2")
    w2 = cluster.worker_pid("w2")
    sql_kids = wait_until(lambda: sql_workers(w2), what="a SQL console worker on w2")
    started = children(cluster.proc.pid)             # workers (w1 restarted after the kill) and haproxy
    assert len(started) >= 2
    context.close()
    cluster.proc.send_signal(signal.SIGTERM)
    assert cluster.proc.wait(timeout=180) == 0
    for pid in started:
        assert workers.group_members(pid) == [], cmdline(pid)  # each was the leader of its own group
    assert all(not cmdline(p) for p in sql_kids)
    with pytest.raises(OSError):
        proxy.stats(cluster.run_dir / "haproxy.sock", timeout=2)
