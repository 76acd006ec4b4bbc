"""One hardened HTTP client for every outside source a refresh reads (BPS WebAPI, Dukcapil's GIS
service, ...): standard library only, no streamlit.

What it guarantees, whatever the server answers:

* **Base URL per source from settings** (:data:`SOURCES`: ``JABODASH_BPS_URL``, ...). A request
  goes only to the origin (scheme, host, port) of its source's base URL.
* **Credentials never leave for another host**: a redirect to another origin is refused (kind
  ``redirect``) and said; the credentials (a key in the path, as BPS requires) are never in a
  message, a kept URL or a log line (:func:`scrub`; this module logs no URL). Same-origin redirects are
  followed (at most :data:`MAX_REDIRECTS`).
* **Deadlines**: a per-read timeout, a deadline per table (``table_deadline_s``: an answer dripped
  a byte a second stops there) and one per run (``run_deadline_s``), both in :class:`Limits` and
  said in the report.
* **Size cap** (``max_bytes``, checked while reading), **content-type check** (an HTML page is not
  read as JSON), **JSON nesting bound** (``max_depth``, checked before parsing, so a 100,000-deep
  answer is ``malformed`` instead of a RecursionError), **duplicate keys** and NaN/Infinity
  literals make the answer ``malformed``.
* **Retries with backoff** on 429 and 5xx (``retries``, ``backoff_s``; a Retry-After is honoured
  while the table's deadline allows).
* **Progress**: ``on_bytes(received)`` while an answer arrives.

Every failure is a :class:`FetchError` whose ``kind`` is one of the constants below and whose
``detail`` is a short text of this module (never the server's words).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

BAD_KEY, QUOTA, NOT_AVAILABLE, NOT_JSON, TIMEOUT, HTTP, NETWORK, MALFORMED = (
    "bad_key", "quota", "not_available", "not_json", "timeout", "http", "network", "malformed")
REDIRECT, TOO_LARGE, DEADLINE = "redirect", "too_large", "deadline"
KINDS = (BAD_KEY, QUOTA, NOT_AVAILABLE, NOT_JSON, TIMEOUT, HTTP, NETWORK, MALFORMED, REDIRECT, TOO_LARGE,
         DEADLINE)
MAX_REDIRECTS = 3
USER_AGENT = "jabodash (official refresh)"
_RETRY = {429, 500, 502, 503, 504}
_REDIRECTS = {301, 302, 303, 307, 308}
_JSON_TYPES = re.compile(r"^(application|text)/([\w.+-]*\+)?json$|^text/plain$|^application/octet-stream$")
_HOST_TEXT = re.compile(r"[^0-9A-Za-z.:\[\]-]")


@dataclass(frozen=True)
class Source:
    """An outside service: its name, the setting that moves it and its public default."""
    name: str
    env: str
    default: str

    def base_url(self) -> str:
        url = (os.environ.get(self.env) or self.default).strip()
        return url if url.endswith("/") else url + "/"


SOURCES = {
    "bps": Source("bps", "JABODASH_BPS_URL", "https://webapi.bps.go.id/v1/"),
}


def _env_float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Limits:
    read_timeout_s: float = 20.0        # one read (or the connect) without a byte
    table_deadline_s: float = 60.0      # one table, all retries and redirects included
    run_deadline_s: float = 600.0       # the whole refresh
    max_bytes: int = 20 * 1024 * 1024
    max_depth: int = 64
    retries: int = 2
    backoff_s: float = 0.5

    @classmethod
    def from_env(cls, **given) -> "Limits":
        """Defaults, moved by ``JABODASH_FETCH_TABLE_DEADLINE_S``, ``..._RUN_DEADLINE_S`` and
        ``..._MAX_BYTES``; keyword arguments win."""
        base = cls(table_deadline_s=_env_float("JABODASH_FETCH_TABLE_DEADLINE_S", cls.table_deadline_s),
                   run_deadline_s=_env_float("JABODASH_FETCH_RUN_DEADLINE_S", cls.run_deadline_s),
                   max_bytes=int(_env_float("JABODASH_FETCH_MAX_BYTES", cls.max_bytes)))
        return replace(base, **{k: v for k, v in given.items() if v is not None})

    def said(self) -> dict:
        """The limits as the report states them."""
        return {"read_timeout_s": self.read_timeout_s, "table_deadline_s": self.table_deadline_s,
                "run_deadline_s": self.run_deadline_s, "max_bytes": self.max_bytes,
                "max_depth": self.max_depth, "retries": self.retries}


class FetchError(Exception):
    """One request failed: ``kind`` (see :data:`KINDS`), ``detail`` a short text of this module."""

    def __init__(self, kind: str, detail: str = ""):
        self.kind = kind
        self.detail = detail
        super().__init__(f"{kind}{': ' + detail if detail else ''}")


@dataclass
class Deadline:
    seconds: float
    start: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.start)

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0


def scrub(text: str, secrets) -> str:
    """``text`` with every secret replaced by ``***``."""
    text = str(text)
    for secret in secrets or ():
        if secret:
            text = text.replace(secret, "***")
    return text


def _origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(NETWORK, "not an http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(NETWORK, "bad port") from None
    return parts.scheme, parts.hostname.lower(), port


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings skipped)."""
    stripped = re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', body, flags=re.S)
    arr = np.frombuffer(stripped, dtype=np.uint8)
    steps = np.zeros(arr.shape, dtype=np.int32)
    steps[(arr == ord("[")) | (arr == ord("{"))] = 1
    steps[(arr == ord("]")) | (arr == ord("}"))] = -1
    return int(np.cumsum(steps).max(initial=0))


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise FetchError(MALFORMED, "duplicate key")
        out[key] = value
    return out


def _no_constant(name):
    raise FetchError(MALFORMED, f"{name} literal")


def parse_json(body: bytes, max_depth: int):
    """JSON with the nesting bound, no duplicate keys and no NaN/Infinity; else FetchError."""
    if json_depth(body) > max_depth:
        raise FetchError(MALFORMED, f"nested deeper than {max_depth}")
    try:
        text = body.decode("utf-8-sig")
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FetchError(NOT_JSON, "not JSON") from None
    except RecursionError:                          # belt and braces: the depth check comes first
        raise FetchError(MALFORMED, "nested too deep") from None


@dataclass
class Response:
    status: int
    ctype: str
    body: bytes
    headers: dict


class Fetcher:
    """Requests to one source's origin under :class:`Limits`; ``secrets`` are never shown."""

    def __init__(self, base: str, limits: Limits | None = None, secrets=(), run: Deadline | None = None,
                 on_bytes: Callable[[int], None] | None = None):
        self.base = base if base.endswith("/") else base + "/"
        self.origin = _origin(self.base)
        self.limits = limits or Limits.from_env()
        self.secrets = tuple(s for s in secrets if s)
        self.run = run or Deadline(self.limits.run_deadline_s)
        self.on_bytes = on_bytes

    def table_deadline(self) -> Deadline:
        if self.run.expired:
            raise FetchError(DEADLINE, f"run {self.limits.run_deadline_s:g} s")
        return Deadline(min(self.limits.table_deadline_s, self.run.remaining()))

    def get_json(self, url: str, error_statuses: Callable[[int, bytes], FetchError | None] | None = None):
        """The JSON answer at ``url`` (an absolute URL at this source's origin)."""
        response = self.get(url, error_statuses)
        ctype = response.ctype.split(";")[0].strip().lower()
        if ctype and not _JSON_TYPES.match(ctype):
            raise FetchError(NOT_JSON, ctype[:40])
        return parse_json(response.body, self.limits.max_depth)

    def get(self, url: str, error_statuses=None) -> Response:
        deadline = self.table_deadline()
        attempt = 0
        while True:
            response = self._follow(url, deadline)
            if response.status == 200:
                return response
            known = error_statuses(response.status, response.body) if error_statuses else None
            if response.status in _RETRY and attempt < self.limits.retries:
                wait = self._backoff(attempt, response.headers.get("retry-after"))
                if wait < deadline.remaining():
                    time.sleep(wait)
                    attempt += 1
                    continue
            if known is not None:
                raise known
            raise FetchError(QUOTA if response.status == 429 else HTTP, f"HTTP {response.status}")

    def _backoff(self, attempt: int, retry_after) -> float:
        wait = self.limits.backoff_s * (2 ** attempt)
        try:
            wait = max(wait, float(retry_after)) if retry_after else wait
        except ValueError:
            pass
        return wait

    def _follow(self, url: str, deadline: Deadline) -> Response:
        for _ in range(MAX_REDIRECTS + 1):
            if _origin(url) != self.origin:
                raise FetchError(REDIRECT, f"another host {self._host(url)} refused; nothing was sent there")
            response = self._once(url, deadline)
            if response.status not in _REDIRECTS:
                return response
            location = response.headers.get("location") or ""
            if not location:
                raise FetchError(HTTP, f"HTTP {response.status} without a location")
            url = urllib.parse.urljoin(url, location)
        raise FetchError(REDIRECT, f"more than {MAX_REDIRECTS} redirects")

    @staticmethod
    def _host(url: str) -> str:
        try:
            host = urllib.parse.urlsplit(url).netloc.rsplit("@", 1)[-1]
        except ValueError:
            host = "?"
        return _HOST_TEXT.sub("", host)[:60] or "?"

    def _timeout(self, deadline: Deadline) -> float:
        left = deadline.remaining()
        if left <= 0:
            raise FetchError(DEADLINE, f"table {deadline.seconds:g} s")
        return min(self.limits.read_timeout_s, left)

    def _once(self, url: str, deadline: Deadline) -> Response:
        scheme, host, port = self.origin
        parts = urllib.parse.urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if scheme == "https":
            conn = http.client.HTTPSConnection(host, port, timeout=self._timeout(deadline),
                                               context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(host, port, timeout=self._timeout(deadline))
        try:
            conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
            resp = conn.getresponse()
            headers = {k.lower(): v for k, v in resp.getheaders()}
            body = self._read(conn, resp, deadline)
            return Response(resp.status, headers.get("content-type", ""), body, headers)
        except FetchError:
            raise
        except (TimeoutError, socket.timeout):
            if deadline.expired:
                raise FetchError(DEADLINE, f"table {deadline.seconds:g} s") from None
            raise FetchError(TIMEOUT, f"{self.limits.read_timeout_s:g} s") from None
        except http.client.IncompleteRead:
            raise FetchError(MALFORMED, "answer cut short") from None
        except (http.client.HTTPException, OSError, ValueError) as exc:
            raise FetchError(NETWORK, type(exc).__name__) from None
        finally:
            conn.close()

    def _read(self, conn, resp, deadline: Deadline) -> bytes:
        declared = resp.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise FetchError(TOO_LARGE, f"over {self.limits.max_bytes} bytes")
        chunks, size = [], 0
        while True:
            if conn.sock is not None:
                conn.sock.settimeout(self._timeout(deadline))
            chunk = resp.read1(65536)
            if not chunk:
                if declared and declared.isdigit() and size < int(declared):
                    raise FetchError(MALFORMED, "answer cut short")
                return b"".join(chunks)
            size += len(chunk)
            if size > self.limits.max_bytes:
                raise FetchError(TOO_LARGE, f"over {self.limits.max_bytes} bytes")
            chunks.append(chunk)
            if self.on_bytes is not None:
                self.on_bytes(size)
            if deadline.expired:
                raise FetchError(DEADLINE, f"table {deadline.seconds:g} s")
