"""A loopback HTTP server (127.0.0.1, free port) that plays BIG's ArcGIS REST layers and the
geoBoundaries API in their documented formats, and misbehaves on request: HTTP errors, slow
answers, bodies cut short, malformed JSON.

    with BoundaryServer() as server:
        server.route("/big/query", arcgis_layer(features, max_record_count=4))
        server.route("/gb/api", json_response({...}))
        url = server.url("/big/query")
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    delay: float = 0.0  # seconds before the status line: longer than the client timeout = timeout
    truncate_to: int | None = None  # send Content-Length of the whole body, then only this much
    headers: dict = field(default_factory=dict)


Handler = Callable[[dict], Response]


def json_response(obj, status: int = 200, **kwargs) -> Handler:
    body = json.dumps(obj).encode()
    return lambda query: Response(status=status, body=body, **kwargs)


def raw_response(body: bytes, status: int = 200, **kwargs) -> Handler:
    return lambda query: Response(status=status, body=body, **kwargs)


def arcgis_layer(features: list[dict], max_record_count: int = 1000,
                 flag_in_properties: bool = False) -> Handler:
    """An ArcGIS MapServer layer ``query`` endpoint (f=geojson), paging like the real thing:
    at most ``max_record_count`` features per answer, ``exceededTransferLimit: true`` while more
    remain; ``returnCountOnly=true`` answers ``{"count": n}``."""
    def handle(query: dict) -> Response:
        if query.get("returnCountOnly") == "true":
            return Response(body=json.dumps({"count": len(features)}).encode())
        if query.get("f") != "geojson":
            return Response(body=json.dumps({"error": {"code": 400, "message": "Invalid format",
                                                       "details": ["f must be geojson here"]}}).encode())
        offset = int(query.get("resultOffset", 0))
        count = min(int(query.get("resultRecordCount", max_record_count)), max_record_count)
        page = features[offset:offset + count]
        out: dict = {"type": "FeatureCollection", "features": page}
        if offset + count < len(features):
            if flag_in_properties:
                out["properties"] = {"exceededTransferLimit": True}
            else:
                out["exceededTransferLimit"] = True
        return Response(body=json.dumps(out).encode(), content_type="application/geo+json")
    return handle


class BoundaryServer:
    def __init__(self):
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server API)
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                server.requests.append((parts.path, query))
                handler = server.routes.get(parts.path)
                resp = handler(query) if handler else Response(status=404, body=b'{"error": "not found"}')
                if resp.delay:
                    time.sleep(resp.delay)
                try:
                    self.send_response(resp.status)
                    self.send_header("Content-Type", resp.content_type)
                    self.send_header("Content-Length", str(len(resp.body)))
                    for k, v in resp.headers.items():
                        self.send_header(k, v)
                    if resp.truncate_to is not None:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    body = resp.body if resp.truncate_to is None else resp.body[:resp.truncate_to]
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        class _Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass

        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "BoundaryServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
