"""The server's start and garbage collection (issue 29): Streamlit's collection after every run is off
the way Streamlit reads its config, the launcher forces it off, the health route answers 503 until the
warm-up has visited every page, and then the objects alive are frozen and a timer collects."""
import gc
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from support.loops import run_coroutine

from jabodash.server import __main__ as launcher
from jabodash.server import gcpolicy, hosts, warmup
from jabodash.server.middleware import Protection

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = hosts.allowed_hosts(None, env={})


def test_streamlit_reads_post_script_gc_off_from_the_repositorys_config(monkeypatch, tmp_path):
    from streamlit import config
    try:
        monkeypatch.chdir(tmp_path)   # no config here: Streamlit's default
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is True
        monkeypatch.chdir(ROOT)
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is False
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)


def test_the_launcher_turns_the_collection_off_and_warms_up_whatever_the_working_folder(monkeypatch, tmp_path):
    from streamlit.web import cli
    seen = {}
    monkeypatch.chdir(tmp_path)   # no .streamlit/config.toml here
    monkeypatch.setattr(cli, "main", lambda args, prog_name: seen.setdefault("args", args))
    monkeypatch.setattr(launcher, "install", lambda factory: seen.setdefault("factory", factory))
    launcher.main(["--server.port", "1"])
    args = seen["args"]
    assert args[:2] == ["run", str(ROOT / "app.py")]
    assert args[args.index("--runner.postScriptGC") + 1] == "false"
    assert seen["factory"] is warmup.Warmup


def test_a_bad_gc_interval_stops_the_launcher(monkeypatch):
    monkeypatch.setenv(gcpolicy.ENV, "soon")
    with pytest.raises(SystemExit, match="JABODASH_GC_INTERVAL"):
        launcher.main([])


@pytest.mark.parametrize("raw, expected", [("", 60.0), ("30", 30.0), (" 0 ", 0.0), ("2.5", 2.5)])
def test_gc_interval_setting(raw, expected):
    assert gcpolicy.interval_from({gcpolicy.ENV: raw}) == expected


@pytest.mark.parametrize("raw", ["-1", "nan", "inf", "1m"])
def test_gc_interval_refuses_nonsense(raw):
    with pytest.raises(ValueError, match=gcpolicy.ENV):
        gcpolicy.interval_from({gcpolicy.ENV: raw})


def test_the_collector_collects_every_interval_until_stopped():
    calls = []
    collector = gcpolicy.Collector(0.02, collect=calls.append).start()
    deadline = time.monotonic() + 30
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    collector.stop()
    after = len(calls)
    time.sleep(0.1)
    assert calls[:3] == [2, 2, 2] and collector.runs == after == len(calls)


def test_settle_freezes_what_is_alive_and_starts_one_timer(monkeypatch):
    monkeypatch.setattr(gcpolicy, "_collector", None)
    try:
        first = gcpolicy.settle(interval=3600)
        assert gc.get_freeze_count() > 1000
        assert gcpolicy.settle(interval=3600) is first and first._thread.is_alive()
        assert gcpolicy.state()["interval"] == 3600
    finally:
        gc.unfreeze()
        if gcpolicy._collector:
            gcpolicy._collector.stop()


def test_warmup_visits_every_page_and_the_geographic_map():
    views = warmup.views(ROOT)
    slugs = {p.stem for p in (ROOT / "pages").glob("*.py")}
    assert views[0] == ("", "")   # the default page, as a first visit opens it
    assert {page for page, _ in views[1:]} | {warmup.DEFAULT_PAGE} == slugs
    assert ("peta", "map_type=geo") in views
    assert warmup.Warmup(env={warmup.ENV: "off"}).views == []


# --- the middleware: health 503 until warmed up, warm-up started with the application ---------------

class _Warm:
    def __init__(self):
        self.ready, self.started = False, 0

    def start(self):
        self.started += 1


async def _inner(scope, receive, send):
    if scope["type"] == "lifespan":
        await send({"type": "lifespan.startup.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _call(app, scope):
    sent = []

    async def send(message):
        sent.append(message)
    run_coroutine(app(scope, None, send))
    return sent


def _http(path):
    return {"type": "http", "path": path, "headers": [(b"host", b"127.0.0.1:8501")]}


@pytest.mark.parametrize("path", ["/_stcore/health", "/_stcore/health/", "//_stcore//health"])
def test_health_answers_503_until_the_warmup_is_ready(path):
    warm = _Warm()
    app = Protection(_inner, DEFAULT, warmup=warm)
    sent = _call(app, _http(path))
    assert sent[0]["status"] == 503 and sent[1]["body"] == b"warming up\n"
    assert dict(sent[0]["headers"])[b"x-frame-options"] == b"DENY"
    assert _call(app, _http("/peta"))[0]["status"] == 200   # the app itself serves meanwhile
    warm.ready = True
    assert _call(app, _http(path))[0]["status"] == 200


def test_the_warmup_starts_when_the_application_has_started():
    warm = _Warm()
    sent = _call(Protection(_inner, DEFAULT, warmup=warm), {"type": "lifespan"})
    assert sent == [{"type": "lifespan.startup.complete"}] and warm.started == 1


# --- the real server ------------------------------------------------------------------------------

def test_the_real_server_is_healthy_only_after_warming_every_page_and_freezing(tmp_path):
    """Polls health from the start: 503 'warming up' first; by the first 200 the log says every
    view was warmed, none failed, and the objects were frozen."""
    import subprocess
    import sys

    from support.appserver import free_port
    port, log = free_port(), tmp_path / "server.log"
    env = {**__import__("os").environ, "JABODASH_CACHE_DIR": str(tmp_path / "cache"),
           "JABODASH_WORKSPACE": str(tmp_path / "ws")}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jabodash.server", "--server.port", str(port),
                                 "--server.headless", "true"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    answers = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as resp:
                    answers.append((resp.status, resp.read()))
                    break
            except urllib.error.HTTPError as exc:
                answers.append((exc.code, exc.read()))
            except OSError:
                pass
            time.sleep(0.05)
        text = log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert answers and answers[-1][0] == 200, (answers[-3:], text[-2000:])
    assert (503, b"warming up\n") in answers
    line = re.search(r"warmed up (\d+) views in [\d.]+ s \((.*)\); (\d+) objects frozen, a full collection "
                     r"every 60 s; healthy", text)
    assert line, text[-2000:]
    assert int(line.group(1)) == len(warmup.views(ROOT)) and "None s" not in line.group(2)
    assert int(line.group(3)) > 100_000
    assert "warm-up of" not in text and "warm-up stopped" not in text


def test_only_a_components_files_may_be_framed_and_only_by_the_app():
    sent = _call(Protection(_inner, DEFAULT), _http("/component/jabodash.ui.components.geomap.geomap/index.html"))
    headers = dict(sent[0]["headers"])
    assert headers[b"x-frame-options"] == b"SAMEORIGIN"
    assert b"frame-ancestors 'self'" in headers[b"content-security-policy"]
    assert b"script-src 'self'" in headers[b"content-security-policy"]
    for path in ["/", "/peta", "/componentx/a", "/_stcore/health", "/static/component/a.js"]:
        headers = dict(_call(Protection(_inner, DEFAULT, warmup=None), _http(path))[0]["headers"])
        assert headers[b"x-frame-options"] == b"DENY", path
        assert b"frame-ancestors 'none'" in headers[b"content-security-policy"], path


@pytest.mark.parametrize("path, forever", [
    ("/component/jabodash.ui.components.geomap.geomap/plotly-6.1.0.min.js", True),
    ("/component/jabodash.ui.components.geomap.geomap/geo/63a31cf34f00d0c6983a8aa0da42ef91.json", True),
    ("/component/jabodash.ui.components.geomap.geomap/index.html", False),
    ("/component/jabodash.ui.components.geomap.geomap/geomap.js", False),
    ("/component/x/geo/notahash.json", False),
    ("/static/plotly-6.1.0.min.js", False),
])
def test_only_files_named_by_their_content_may_be_kept_for_good(path, forever):
    headers = dict(_call(Protection(_inner, DEFAULT), _http(path))[0]["headers"])
    assert (headers.get(b"cache-control") == b"public, max-age=31536000, immutable") == forever


def test_a_missing_file_is_never_kept_for_good():
    async def missing(scope, receive, send):
        await send({"type": "http.response.start", "status": 404, "headers": [(b"cache-control", b"public")]})
        await send({"type": "http.response.body", "body": b""})
    path = "/component/jabodash.ui.components.geomap.geomap/geo/63a31cf34f00d0c6983a8aa0da42ef91.json"
    headers = dict(_call(Protection(missing, DEFAULT), _http(path))[0]["headers"])
    assert headers[b"cache-control"] == b"public"
