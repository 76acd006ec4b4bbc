"""The launcher's protections on the real server (python -m jabodash.server, which every browser test
uses through appserver.app_server): the security headers on every response, the content security
policy passed by the pages in Chromium, the Host check on HTTP routes and the websocket (crafted with
raw clients: a browser cannot forge Host), and the metrics route off unless enabled."""
import http.client
import re
import socket
import struct
import tempfile
import zlib
from pathlib import Path
from urllib.parse import urlparse

import pytest
from support.appserver import ARTIFACTS, app_server, map_root, open_page

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
EVIL = "evil.example"
ROUTES = ["/", "/peta", "/_stcore/health", "/_stcore/host-config", "/favicon.png", "/media/x.png",
          "/component/x/index.html", "/_stcore/agent/openapi.json", "/_stcore/metrics", "/no/such/path"]


@pytest.fixture(scope="module")
def configured_server():
    """Metrics on, one more allowed host, and synthetic boundaries for the geographic map."""
    from test_page_peta import squares_geojson

    from jabodash.geo import boundaries
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setenv("JABODASH_CACHE_DIR", tmp)
        boundaries.import_file(squares_geojson(Path(tmp) / "squares.geojson"), "kabkota", "kode", "nama")
        mp.undo()
        env = {"JABODASH_CACHE_DIR": tmp, "JABODASH_METRICS": "1", "JABODASH_ALLOWED_HOSTS": "Dash.Example.org"}
        with app_server(env=env) as url:
            yield url


def get(url: str, path: str, host: str | None = None, method: str = "GET"):
    """(status, lower-case headers, body) of one request with a chosen Host header."""
    parts = urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", host or parts.netloc)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def websocket_status(url: str, host: str) -> int:
    """Open Streamlit's websocket with Host and Origin host:port, as a page on that host would;
    the HTTP status of the handshake (101: accepted)."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect
    port = urlparse(url).port
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        with connect(f"ws://{host}:{port}/_stcore/stream", sock=sock, origin=f"http://{host}:{port}",
                     open_timeout=60) as ws:
            return ws.response.status_code
    except InvalidStatus as exc:
        return exc.response.status_code


def assert_security_headers(headers: dict) -> None:
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp


def test_every_route_carries_the_security_headers(server):
    status, headers, body = get(server, "/")
    assert status == 200 and b'id="root"' in body
    assert_security_headers(headers)
    script = re.search(rb'src="\./(static/js/[^"]+\.js)"', body).group(1).decode()
    for path in ["/" + script, "/_stcore/health", "/peta", "/no/such/path", "/media/x.png"]:
        status, headers, _ = get(server, path)
        assert status in (200, 404), (path, status)
        assert_security_headers(headers)


@pytest.mark.parametrize("host", [f"{EVIL}:{{port}}", EVIL, "localhost.evil.example", "127.0.0.1.evil.example:{port}"])
def test_a_request_for_another_host_is_refused_on_every_route(server, host):
    host = host.format(port=urlparse(server).port)
    for path in ROUTES:
        status, headers, body = get(server, path, host=host)
        assert status == 403, (path, status)
        assert body == b"Host not allowed.\n", path
        assert_security_headers(headers)
    assert get(server, "/_stcore/upload_file/s/f", host=host, method="PUT")[0] == 403


def test_the_websocket_is_refused_for_another_host_and_opens_for_loopback(server):
    """The issue's case: Host and Origin evil.example:PORT (DNS rebinding) was accepted."""
    assert websocket_status(server, EVIL) == 403
    assert websocket_status(server, "127.0.0.1") == 101
    assert websocket_status(server, "localhost") == 101


def test_a_request_without_host_header_is_answered(server):
    """HTTP/1.0 without Host, like a proxy's plain health check: not a browser, so not refused."""
    with socket.create_connection(("127.0.0.1", urlparse(server).port), timeout=60) as sock:
        sock.sendall(b"GET /_stcore/health HTTP/1.0\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"ok")
    assert b"x-frame-options: DENY" in reply


def test_metrics_are_off_by_default_and_on_when_enabled(server, configured_server):
    assert get(server, "/_stcore/metrics")[0] == 404
    assert get(server, "//_stcore/metrics/")[0] == 404
    status, _, body = get(configured_server, "/_stcore/metrics")
    assert status == 200 and b"session" in body.lower()


def test_a_configured_host_is_answered(configured_server):
    port = urlparse(configured_server).port
    assert get(configured_server, "/_stcore/health", host=f"dash.example.org:{port}")[0] == 200
    assert get(configured_server, "/_stcore/health", host=f"DASH.example.org.:{port}")[0] == 200
    assert get(configured_server, "/_stcore/health", host=f"{EVIL}:{port}")[0] == 403
    assert websocket_status(configured_server, "dash.example.org") == 101


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_the_app_renders_under_the_policy_on_loopback_names(server, browser, name):
    url = server.replace("127.0.0.1", name)
    page, outside, errors = open_page(browser, url + "/?lang=en", wait_figure=True)
    page.get_by_text("Jakarta metropolitan overview").wait_for()
    labels = page.locator("[data-testid='stMetricLabel']").all_inner_texts()
    assert [label.strip() for label in labels[:5]] == [
        "Population (census)", "Area", "Density", "HDI range", "Poverty (weighted)"]   # the five core KPIs first
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(ARTIFACTS / f"server-csp-{name}.png"))
    assert errors == [] and outside.blocked == []   # errors include every CSP violation
    # the reporter works: an image from another host is blocked by the policy, before any request
    page.evaluate("new Image().src = 'https://img.example/x.png'")
    page.wait_for_function("() => window.__cspViolations.some((v) => v.includes('img.example'))")
    assert [e.split(" in ")[0] for e in errors] == ["CSP violation: img-src blocked https://img.example/x.png"]
    assert outside.blocked == []


def test_the_app_cannot_be_framed(server, browser):
    context = browser.new_context()
    page = context.new_page()
    with page.expect_console_message(lambda msg: "frame-ancestors" in msg.text):
        page.set_content(f'<iframe src="{server}/"></iframe>')
    assert page.frames[1].locator("[data-testid='stApp']").count() == 0
    context.close()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xcc\xdd\xee")) + chunk(b"IEND", b""))


def test_the_online_map_background_passes_the_policy(configured_server, browser):
    """The map page's OpenStreetMap switch loads tiles from tile.openstreetmap.org (here answered
    locally: no outside request), which the policy allows; nothing else is blocked."""
    page, outside, errors = open_page(browser, configured_server + "/peta?lang=en&map_type=geo", wait_figure=True)
    tiles = []

    def tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=_png())
    page.route("https://tile.openstreetmap.org/**", tile)
    with page.expect_request(lambda req: req.url.startswith("https://tile.openstreetmap.org/"), timeout=120000):
        page.get_by_text("OpenStreetMap background (online)").click()
    map_root(page).get_by_text("OpenStreetMap contributors", exact=False).first.wait_for()   # the map's frame
    assert tiles
    page.screenshot(path=str(ARTIFACTS / "server-csp-osm.png"))
    assert [e for e in errors if e.startswith("CSP violation")] == []
    assert [e for e in errors if e != "Map error."] == []
