"""The serve command's parts without a running cluster: the proxy configuration from
deploy/haproxy.cfg (checked by haproxy itself when installed), the worker command line, the
command-line arguments, and the unsaved-upload marker with the notice the pages show."""
import subprocess
import sys

import pytest
from support.apptest import run_page, texts
from support.data import ROOT

from jabodash.cli import build_parser
from jabodash.cluster import proxy, workers
from jabodash.core.i18n import t
from jabodash.features import unggah

UPSTREAMS = [proxy.Upstream("w1", "127.0.0.1", 40001), proxy.Upstream("w2", "127.0.0.1", 40002)]


def test_config_is_the_deploy_template_with_its_fields_filled(tmp_path):
    text = proxy.render_config(UPSTREAMS, "127.0.0.1", 8501, tmp_path / "haproxy.sock")
    template = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert "{{" not in text
    assert "    bind 127.0.0.1:8501" in text.splitlines()
    assert "    server w1 127.0.0.1:40001 check cookie w1" in text.splitlines()
    assert "    server w2 127.0.0.1:40002 check cookie w2" in text.splitlines()
    assert f"    stats socket {tmp_path / 'haproxy.sock'} mode 600 level user" in text.splitlines()
    # every template line is kept as it is, apart from the filled fields
    kept = [line for line in template.splitlines() if "{{" not in line]
    assert [line for line in text.splitlines() if line in kept] == kept
    for directive in ("cookie JABODASH_WORKER insert indirect nocache", "option httpchk GET /_stcore/health",
                      "option redispatch", "timeout tunnel 1h"):
        assert directive in text


@pytest.mark.parametrize("bind, port, upstream", [
    ("127.0.0.1\n    bind 0.0.0.0", 8501, UPSTREAMS[0]),
    ("127.0.0.1", 70000, UPSTREAMS[0]),
    ("127.0.0.1", 8501, proxy.Upstream("w1 backup", "127.0.0.1", 40001)),
    ("127.0.0.1", 8501, proxy.Upstream("w1", "127.0.0.1 check", 40001)),
])
def test_config_refuses_values_that_would_change_it(tmp_path, bind, port, upstream):
    with pytest.raises(ValueError):
        proxy.render_config([upstream], bind, port, tmp_path / "s.sock")


@pytest.mark.skipif(proxy.haproxy_path() is None, reason="haproxy is not installed (scripts/test.sh installs it)")
def test_haproxy_accepts_the_generated_config(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(proxy.render_config(UPSTREAMS, "127.0.0.1", workers.free_port(), tmp_path / "s.sock"))
    assert proxy.check_config(proxy.haproxy_path(), path) is None
    path.write_text(path.read_text().replace("balance leastconn", "balance no-such-algorithm"))
    assert "balance" in proxy.check_config(proxy.haproxy_path(), path)


def test_worker_command_runs_the_app_on_loopback():
    cmd = workers.worker_command(41234)
    assert cmd[:3] == [sys.executable, "-m", "jabodash.server"]   # the launcher with the Host check
    assert cmd[cmd.index("--server.port") + 1] == "41234"
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--server.headless") + 1] == "true"


def test_serve_arguments():
    args = build_parser().parse_args(["serve"])
    assert args.workers >= 1 and args.port == 8501 and args.address == "127.0.0.1"
    args = build_parser().parse_args(["serve", "--workers", "3", "--port", "9000", "--upstream", "app1:8501"])
    assert (args.workers, args.port, args.upstream) == (3, 9000, ["app1:8501"])


def test_serve_rejects_a_bad_upstream_without_a_traceback():
    done = subprocess.run([sys.executable, "-m", "jabodash", "serve", "--upstream", "nohostport"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "expected HOST:PORT" in done.stderr and "Traceback" not in done.stderr


def test_group_members_sees_a_process_group_until_it_is_stopped():
    proc = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
                             "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
                             "time.sleep(600)"], start_new_session=True)
    try:
        deadline_members = []
        for _ in range(200):
            deadline_members = workers.group_members(proc.pid)
            if len(deadline_members) == 2:
                break
            subprocess.run(["sleep", "0.1"])
        assert len(deadline_members) == 2  # the process and its child
    finally:
        workers.stop_group(proc, grace=5)
    assert workers.group_members(proc.pid) == []


# --- the unsaved-upload marker -----------------------------------------------------------------

def test_marker_follows_the_session_uploads():
    assert unggah.unsaved_marker({}) == {}
    assert unggah.unsaved_marker({unggah.RAW_KEY: ("a.csv", b"x")}) == {"unsaved": "1"}
    assert unggah.unsaved_marker({unggah.SESSION_KEY: {"s1": object()}}) == {"unsaved": "1"}


def test_a_new_session_with_the_marker_has_lost_its_uploads():
    params = {"unsaved": ["1"], "year": ["2020"]}
    assert unggah.take_unsaved_marker(params) is True and params == {"year": ["2020"]}
    ss = {}
    assert unggah.note_reconnect(True, ss) is True
    assert unggah.uploads_lost(ss)
    assert unggah.note_reconnect(True, ss) is False      # said once per session
    ss[unggah.RAW_KEY] = ("b.csv", b"y")                   # a new upload clears it
    assert unggah.note_reconnect(False, ss) is False and not unggah.uploads_lost(ss)
    assert unggah.note_reconnect(True, {unggah.RAW_KEY: ("a.csv", b"x")}) is False


@pytest.mark.parametrize("lang", ["id", "en"])
def test_upload_page_says_plainly_that_unsaved_uploads_were_lost(lang):
    at = run_page("pages/unggah.py", unsaved="1", lang=lang)
    assert t("cluster.uploads_lost", lang) in texts(at, "warning")
    assert at.query_params.get("unsaved") in (None, [], "")   # the marker goes once it was read


def test_overview_says_so_too_and_keeps_the_view(store):
    at = run_page("pages/ringkasan.py", unsaved="1", year="2020", lang="en")
    assert t("cluster.uploads_lost", "en") in texts(at, "warning")
    at = run_page("pages/ringkasan.py", year="2020", lang="en")
    assert t("cluster.uploads_lost", "en") not in texts(at, "warning")


def test_a_session_with_uploads_keeps_the_marker_in_the_url():
    entries = {}
    at = run_page("pages/unggah.py", session=entries, lang="id")
    assert at.query_params.get("unsaved") in (None, [], "")
    at.session_state[unggah.RAW_KEY] = ("a.csv", b"wilayah,tahun,jumlah\nKOTA DEPOK,2023,5\n")
    at.run()
    value = at.query_params.get("unsaved")
    assert (value[-1] if isinstance(value, list) else value) == "1"
    assert t("cluster.uploads_lost", "id") not in texts(at, "warning")


# --- the proxy in front of two stand-in workers (plain HTTP servers, no Streamlit) ---------------

class _Backend:
    """A stand-in worker: answers /_stcore/health and every other path with its name."""

    def __init__(self, name: str):
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"ok" if self.path == "/_stcore/health" else name.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _get(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    import urllib.request
    request = urllib.request.Request(url, headers={"Cookie": f"{proxy.COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as resp:
        return resp.read().decode(), resp.headers.get("Set-Cookie")


@pytest.mark.skipif(proxy.haproxy_path() is None, reason="haproxy is not installed (scripts/test.sh installs it)")
def test_proxy_sticks_by_cookie_and_sends_a_dead_workers_browser_elsewhere(tmp_path):
    from jabodash.cluster.supervisor import Cluster
    one, two = _Backend("one"), _Backend("two")
    cluster = Cluster(0, port=workers.free_port(), upstreams=[("127.0.0.1", one.port), ("127.0.0.1", two.port)],
                      run_dir=tmp_path, out=open(tmp_path / "serve.log", "w"))
    try:
        cluster.start()
        body, cookie = _get(cluster.url + "/")
        assert cookie.startswith(f"{proxy.COOKIE}=w") and "HttpOnly" in cookie
        assert body == {"w1": "one", "w2": "two"}[cookie.split("=")[1].split(";")[0]]
        assert [_get(cluster.url + "/page", "w1")[0] for _ in range(5)] == ["one"] * 5
        assert [_get(cluster.url + "/page", "w2")[0] for _ in range(5)] == ["two"] * 5
        one.close()
        body, cookie = _get(cluster.url + "/page", "w1")   # the cookie names a dead worker
        assert body == "two" and cookie.startswith(f"{proxy.COOKIE}=w2")
    finally:
        cluster.stop()
        two.close()
    assert workers.group_members(cluster.haproxy.pid) == []
