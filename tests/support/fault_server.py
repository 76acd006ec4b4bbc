"""A hostile loopback server for the fault suite that every outside source runs
(tests/test_official_faults.py). It answers each request with what ``answer(path)`` says:
``(None, payload)`` a good JSON answer, ``("raw", (status, body, content type))`` a source's own
error answer, or ``(fault, payload)`` with one of :data:`FAULTS`, applied to the good answer:

* ``quota``: HTTP 429 (with Retry-After: 0) on every try
* ``html``: a maintenance page, status 200, text/html
* ``timeout``: no answer until the test ends
* ``drip``: the good answer, one byte every 0.1 s (bounded to 60 s)
* ``redirect``: 302 to the same path on ``redirect_to`` (another host: 127.0.0.2)
* ``huge``: a 2 MB JSON answer (with a Content-Length); ``huge_nolength``: the same without one
* ``nested``: 100,000 nested arrays (200 KB)
* ``partial``: a Content-Length of the whole answer, half of it sent, then the connection closed
* ``duplicate``: the good answer with its first key (a list's: its first row's) given twice

Every value served is made up; only loopback addresses are used.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("quota", "html", "timeout", "drip", "redirect", "huge", "huge_nolength", "nested", "partial",
          "duplicate")
HTML = (b"<!DOCTYPE html><html><head><title>Maintenance</title></head>"
        b"<body><h1>Sedang dalam pemeliharaan</h1></body></html>")


class LoopbackServer:
    """A threaded HTTP server on a loopback address that hands every GET to :meth:`serve` and
    records the request paths; a context manager (the base of the stand-ins in tests/)."""

    def __init__(self, host: str = "127.0.0.1"):
        self.requests: list[str] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                server.requests.append(self.path)
                try:
                    server.serve(self)
                except (BrokenPipeError, ConnectionResetError):   # the client gave up
                    pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def _head(handler, status: int, ctype: str, length: int | None, extra: dict | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        if length is not None:
            handler.send_header("Content-Length", str(length))
        for key, value in (extra or {}).items():
            handler.send_header(key, value)
        handler.end_headers()

    def _send(self, handler, status: int, body: bytes, ctype: str = "application/json", extra=None) -> None:
        self._head(handler, status, ctype, len(body), extra)
        handler.wfile.write(body)

    def serve(self, handler) -> None:
        raise NotImplementedError


class FaultServer(LoopbackServer):
    def __init__(self, answer, host: str = "127.0.0.1", redirect_to: str | None = None):
        super().__init__(host)
        self.answer = answer
        self.redirect_to = redirect_to

    def serve(self, handler) -> None:
        fault, payload = self.answer(handler.path)
        if fault == "raw":
            return self._send(handler, *payload)
        body = json.dumps(payload).encode()
        if fault is None:
            return self._send(handler, 200, body)
        if fault == "quota":
            return self._send(handler, 429, b'{"status":"Error","message":"Too Many Requests"}',
                              extra={"Retry-After": "0"})
        if fault == "html":
            return self._send(handler, 200, HTML, "text/html; charset=utf-8")
        if fault == "timeout":
            self.release.wait(30)
            return None
        if fault == "redirect":
            return self._send(handler, 302, b"", "text/plain", {"Location": f"{self.redirect_to}{handler.path}"})
        if fault in ("huge", "huge_nolength"):
            big = json.dumps({"status": "OK", "pad": "a" * (2 * 1024 * 1024)}).encode()
            self._head(handler, 200, "application/json", len(big) if fault == "huge" else None)
            for i in range(0, len(big), 65536):
                handler.wfile.write(big[i:i + 65536])
            return None
        if fault == "nested":
            return self._send(handler, 200, b"[" * 100_000 + b"]" * 100_000)
        if fault == "partial":
            self._head(handler, 200, "application/json", len(body))
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return None
        if fault == "duplicate":      # the first key (of the first row of a list) once more, with another value
            if isinstance(payload, list):
                first = next(iter(payload[0]))
                return self._send(handler, 200, b"[{" + json.dumps(first).encode() + b": null, " + body[2:])
            first = next(iter(payload))
            return self._send(handler, 200, b"{" + json.dumps(first).encode() + b": null, " + body[1:])
        if fault == "drip":
            self._head(handler, 200, "application/json", len(body))
            end = time.monotonic() + 60
            for byte in body:
                if self.release.is_set() or time.monotonic() > end:
                    break
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.1)
            return None
        raise ValueError(f"unknown fault {fault!r}")
