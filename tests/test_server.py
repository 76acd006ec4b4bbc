"""Unit tests of the launcher's protections (jabodash.server): which Host headers pass, what the
middleware answers and adds, and that the hook into the pinned Streamlit is where install() expects."""
import re

import pytest
from support.loops import run_coroutine

from jabodash.server import headers, hook, hosts
from jabodash.server.middleware import Protection, metrics_enabled

DEFAULT = hosts.allowed_hosts(None, env={})


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.0.0.1:8501", "localhost", "localhost:1", "LOCALHOST:8501", "localhost.", "Localhost.:8501",
    "[::1]", "[::1]:8501", "::1", "[::1]:65535", "[0:0:0:0:0:0:0:1]:8501",
])
def test_loopback_names_pass_with_any_port_case_and_a_trailing_dot(host):
    assert hosts.host_allowed(host, DEFAULT)


@pytest.mark.parametrize("host", [
    "", "evil.example", "evil.example:8501", "localhost.evil.example", "127.0.0.1.evil.example",
    "evil.example.localhost", "127.0.0.2", "0.0.0.0:8501", "[::2]:8501", "[::1", "[::1]8501", "::1]:8501",
    "localhost:abc", "localhost:", "localhost..", ".", "evil.example@127.0.0.1", "127.0.0.1 evil.example",
])
def test_other_hosts_and_malformed_values_are_refused(host):
    assert not hosts.host_allowed(host, DEFAULT)


def test_a_request_without_host_header_passes():
    """Browsers always send Host; a program that leaves it out could send any."""
    assert hosts.host_allowed(None, DEFAULT)


def test_the_setting_adds_names_to_loopback_and_a_port_pins_the_entry():
    allowed = hosts.allowed_hosts(None, env={hosts.ENV: "Dash.Example.org., intra:8443 [fd00::5]"})
    for ok in ["dash.example.org", "DASH.example.org:443", "dash.example.org.:8080", "intra:8443",
               "[fd00::5]:8501", "fd00::5", "127.0.0.1:8501"]:
        assert hosts.host_allowed(ok, allowed), ok
    for refused in ["intra", "intra:8444", "example.org", "sub.dash.example.org", "[fd00::6]"]:
        assert not hosts.host_allowed(refused, allowed), refused


def test_the_bound_address_is_allowed_unless_it_is_every_interface():
    assert hosts.host_allowed("10.1.2.3:8501", hosts.allowed_hosts("10.1.2.3", env={}))
    for wildcard in ["0.0.0.0", "::", "", None]:
        allowed = hosts.allowed_hosts(wildcard, env={})
        assert not hosts.host_allowed("10.1.2.3:8501", allowed)
        assert not hosts.host_allowed("0.0.0.0:8501", allowed)


def test_a_star_allows_every_host_and_a_bad_entry_stops_the_server():
    assert hosts.host_allowed("anything.example:1", hosts.allowed_hosts(None, env={hosts.ENV: "*"}))
    for bad in ["dash.example.org:http", "[::1", "a:b:c]"]:
        with pytest.raises(ValueError, match=hosts.ENV):
            hosts.allowed_hosts(None, env={hosts.ENV: bad})


def test_metrics_switch():
    assert not metrics_enabled({})
    assert not metrics_enabled({"JABODASH_METRICS": "0"})
    assert metrics_enabled({"JABODASH_METRICS": "1"}) and metrics_enabled({"JABODASH_METRICS": "true"})


# --- the middleware, driven as an ASGI app ------------------------------------------------------

class _App:
    """An inner app that records what reached it and answers 200 with its own headers."""

    def __init__(self):
        self.seen = []

    async def __call__(self, scope, receive, send):
        self.seen.append((scope["type"], scope.get("path")))
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept"})
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html"), (b"X-Frame-Options", b"SAMEORIGIN")]})
        await send({"type": "http.response.body", "body": b"<html>app</html>"})


def _call(middleware, kind="http", path="/", host="127.0.0.1:8501"):
    scope = {"type": kind, "path": path, "headers": [(b"host", host.encode())] if host is not None else []}
    sent = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
    run_coroutine(middleware(scope, receive, send))
    return sent


def _headers(message):
    return {k.decode().lower(): v.decode() for k, v in message["headers"]}


def test_an_allowed_request_reaches_the_app_and_gets_the_security_headers_once():
    app = _App()
    sent = _call(Protection(app, DEFAULT), path="/peta")
    assert app.seen == [("http", "/peta")]
    start = sent[0]
    assert start["status"] == 200
    names = [k.decode().lower() for k, _ in start["headers"]]
    assert names.count("x-frame-options") == 1
    got = _headers(start)
    assert got["x-frame-options"] == "DENY" and got["x-content-type-options"] == "nosniff"
    assert got["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in got["content-security-policy"]
    assert sent[1]["body"] == b"<html>app</html>"


@pytest.mark.parametrize("kind", ["http", "websocket"])
@pytest.mark.parametrize("host", ["evil.example:8501", ""])
def test_a_request_for_another_host_never_reaches_the_app(kind, host):
    app = _App()
    sent = _call(Protection(app, DEFAULT), kind=kind, path="/_stcore/stream", host=host)
    assert app.seen == []
    if kind == "websocket":
        assert sent == [{"type": "websocket.close", "code": 1008}]
    else:
        assert sent[0]["status"] == 403 and _headers(sent[0])["x-frame-options"] == "DENY"
        assert sent[1]["body"] == b"Host not allowed.\n"


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/", "//_stcore//metrics", "/base/_stcore/metrics"])
def test_metrics_answer_404_unless_enabled(path):
    base = "base" if path.startswith("/base") else ""
    app = _App()
    sent = _call(Protection(app, DEFAULT, base_url=base), path=path)
    assert sent[0]["status"] == 404 and app.seen == []
    app = _App()
    sent = _call(Protection(app, DEFAULT, base_url=base, metrics=True), path=path)
    assert sent[0]["status"] == 200 and app.seen == [("http", path)]


def test_lifespan_passes_through():
    calls = []

    async def inner(scope, receive, send):
        calls.append(scope["type"])
    run_coroutine(Protection(inner, DEFAULT)({"type": "lifespan"}, None, None))
    assert calls == ["lifespan"]


# --- the content security policy and the hook into Streamlit -------------------------------------

def test_every_inline_script_of_streamlits_page_is_allowed_by_its_hash():
    html = headers._streamlit_index_html()
    inline = [m for m in re.findall(r"<script([^>]*)>", html) if "src=" not in m]
    hashes = headers.inline_script_hashes(html)
    assert len(hashes) == len(inline) >= 1, "index.html has inline scripts the policy does not hash"
    policy = headers.content_security_policy()
    assert all(h in policy for h in hashes)
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert "'unsafe-eval'" not in policy


def test_the_hook_is_where_install_expects_it_in_the_pinned_streamlit(monkeypatch):
    """Fails when a Streamlit upgrade moves the app creation: then the launcher must be adapted
    (install() also refuses to start an unprotected server)."""
    from streamlit.web.server.starlette import starlette_routes, starlette_server
    assert "create_starlette_app" in starlette_server.UvicornServer.start.__code__.co_names
    assert starlette_routes.ROUTE_METRICS == "_stcore/metrics"
    monkeypatch.setattr(starlette_server, "create_starlette_app", lambda runtime: ("streamlit app", runtime))
    hook.install()
    hook.install()   # idempotent: wraps once
    app = starlette_server.create_starlette_app("runtime")
    assert isinstance(app, Protection) and app.app == ("streamlit app", "runtime")
    from streamlit import config
    assert app.allowed == hosts.allowed_hosts(config.get_option("server.address")) and app.metrics is False


def test_install_refuses_when_streamlit_no_longer_calls_the_hook(monkeypatch):
    from streamlit.web.server.starlette import starlette_server

    class Moved:
        async def start(self):
            return None
    monkeypatch.setattr(starlette_server, "UvicornServer", Moved)
    with pytest.raises(hook.HookMissing, match="no longer calls"):
        hook.install()
    monkeypatch.delattr(starlette_server, "create_starlette_app")
    with pytest.raises(hook.HookMissing, match="gone"):
        hook.install()


def test_the_repositorys_streamlit_config_serves_without_outside_calls_or_source_watching(monkeypatch):
    """What Streamlit reads from .streamlit/config.toml when started in the repository (as every
    launcher does): no usage statistics, loopback, no magic, and no source watcher (it walks every
    module's path after each run: ~half the server CPU of a map year change)."""
    from pathlib import Path

    from streamlit import config
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    config.get_config_options(force_reparse=True)
    try:
        assert config.get_option("server.fileWatcherType") == "none"
        assert config.get_option("server.runOnSave") is False
        assert config.get_option("runner.magicEnabled") is False
        assert config.get_option("browser.gatherUsageStats") is False
        assert config.get_option("server.address") == "127.0.0.1"
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)
