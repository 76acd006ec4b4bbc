"""One ASGI middleware around Streamlit's whole application: refuses requests for other hosts (HTTP
and websocket), hides the metrics route unless enabled, adds the security headers to every HTTP
response (the app's own, Streamlit's errors, and these refusals), and, given a warm-up
(:class:`jabodash.server.warmup.Warmup`), starts it when the application has started and answers the
health route 503 until it is done."""
from __future__ import annotations

import os
import re

from jabodash.server.headers import security_headers
from jabodash.server.hosts import HostPort, host_allowed

METRICS_ENV = "JABODASH_METRICS"
_SLASHES = re.compile(r"/{2,}")
# a component's files whose names change with their content (jabodash.ui.components.geomap)
_IMMUTABLE = re.compile(r"/component/[\w.-]+/(plotly-[\w.-]+\.min\.js|geo/[0-9a-f]{16,64}\.json)$")
_FOREVER = (b"cache-control", b"public, max-age=31536000, immutable")


def metrics_enabled(env: dict | None = None) -> bool:
    env = os.environ if env is None else env
    return env.get(METRICS_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _is_core_path(path: str, base_url: str, name: str) -> bool:
    path = _SLASHES.sub("/", path).rstrip("/")
    base = "/" + base_url.strip("/") if base_url.strip("/") else ""
    return path.lower() == f"{base}/_stcore/{name}"


def _is_component_path(path: str, base_url: str) -> bool:
    """A custom component's file (``/component/<name>/...``): the app frames these itself."""
    path = _SLASHES.sub("/", path)
    base = "/" + base_url.strip("/") if base_url.strip("/") else ""
    return path.startswith(f"{base}/component/") and ".." not in path


def _is_metrics_path(path: str, base_url: str) -> bool:
    return _is_core_path(path, base_url, "metrics")


class Protection:
    """``Protection(app, allowed, base_url, metrics)``: ``allowed`` from :func:`hosts.allowed_hosts`."""

    def __init__(self, app, allowed: list[HostPort], base_url: str = "", metrics: bool = False, warmup=None):
        self.app = app
        self.warmup = warmup
        self.allowed = allowed
        self.base_url = base_url or ""
        self.metrics = metrics
        self.headers = security_headers()
        self.frameable_headers = security_headers(frameable=True)

    async def __call__(self, scope, receive, send):
        kind = scope["type"]
        if kind == "lifespan" and self.warmup is not None:
            return await self.app(scope, receive, self._starting_warmup(send))
        if kind not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        if not host_allowed(_header(scope, b"host"), self.allowed):
            return await self._refuse(scope, send, 403, b"Host not allowed.\n")
        if not self.metrics and _is_metrics_path(scope.get("path", ""), self.base_url):
            return await self._refuse(scope, send, 404, b"Not found.\n")
        if kind == "websocket":
            return await self.app(scope, receive, send)
        if self.warmup is not None and not self.warmup.ready \
                and _is_core_path(scope.get("path", ""), self.base_url, "health"):
            return await self._refuse(scope, send, 503, b"warming up\n")
        path = scope.get("path", "")
        frameable = _is_component_path(path, self.base_url)
        forever = frameable and bool(_IMMUTABLE.search(_SLASHES.sub("/", path)))
        return await self.app(scope, receive, self._with_headers(send, frameable, forever))

    def _with_headers(self, send, frameable: bool = False, forever: bool = False):
        base = self.frameable_headers if frameable else self.headers

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                # only a found file may be kept for good (never a 404 of a file written a moment later)
                headers = [*base, _FOREVER] if forever and message.get("status") == 200 else base
                names = {name for name, _ in headers}
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in names]
                message = {**message, "headers": kept + headers}
            await send(message)
        return send_with_headers

    def _starting_warmup(self, send):
        async def send_and_start(message):
            await send(message)
            if message["type"] == "lifespan.startup.complete":   # Streamlit's runtime has started
                self.warmup.start()
        return send_and_start

    async def _refuse(self, scope, send, status: int, body: bytes):
        if scope["type"] == "websocket":  # closing before accepting: the server answers HTTP 403
            return await send({"type": "websocket.close", "code": 1008})
        headers = [(b"content-type", b"text/plain; charset=utf-8"),
                   (b"content-length", str(len(body)).encode()), *self.headers]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
