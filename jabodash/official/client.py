"""A small client for BPS's WebAPI dynamic tables (standard library only, no streamlit).

Request (documented URL form, as used by BPS's own ``stadata`` client and by ``bpsr``)::

    <base>/api/list/model/data/lang/<ind|eng>/domain/<domain>/var/<var>/key/<key>/

``base`` is ``JABODASH_BPS_URL`` (default :data:`DEFAULT_BASE_URL`, BPS's v1 API). The key sits in
the request path, as BPS requires; it is never put into anything this module returns: the URL a
figure keeps (:func:`public_url`) leaves the key segment out, and every :class:`BpsError` message is
written by this module from fixed texts (never the server's text or an exception's text, which may
repeat the request URL), and is scrubbed of the key once more (:func:`scrub`).

Answers (see the fixtures in tests/bps_server.py):

* ``{"status": "OK", "data-availability": "available", "var": [...], "turvar": [...],
  "labelvervar": ..., "vervar": [...], "tahun": [...], "turtahun": [...], "datacontent": {...}}``
* ``{"status": "OK", "data-availability": "list-not-available", "data": ""}``: no data
* ``{"status": "Error", "message": "..."}`` (or HTTP 401/403) naming the key: a bad key
* HTTP 429, or an error message about a quota or a limit: quota / rate limit
* anything that is not a JSON object (an HTML error page), a timeout, a refused connection.

Every request goes through the one hardened client (:mod:`jabodash.official.http_client`): no redirect
to another host (the key is in the path, so it is refused, never followed), deadlines per table
and per run, a size cap, a content-type check, a nesting bound, no duplicate keys, retries with
backoff on 429/5xx.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from jabodash.official import http_client
from jabodash.official.http_client import (  # noqa: F401
    BAD_KEY,
    DEADLINE,
    HTTP,
    MALFORMED,
    NETWORK,
    NOT_AVAILABLE,
    NOT_JSON,
    QUOTA,
    REDIRECT,
    TIMEOUT,
    TOO_LARGE,
    Deadline,
    Limits,
)
from jabodash.official.http_client import FetchError as BpsError

DEFAULT_BASE_URL = http_client.SOURCES["bps"].default
DEFAULT_TIMEOUT_S = Limits.read_timeout_s
MAX_BYTES = Limits.max_bytes

_QUOTA_WORDS = re.compile(r"quota|kuota|limit|too many|rate", re.IGNORECASE)
_KEY_WORDS = re.compile(r"\bkey\b|token|apikey|unauthori[sz]ed", re.IGNORECASE)
_SEGMENT = re.compile(r"^[0-9A-Za-z]{1,16}$")


def base_url() -> str:
    return http_client.SOURCES["bps"].base_url()


def scrub(text: str, key: str | None) -> str:
    """``text`` with every occurrence of the key replaced (belt and braces)."""
    return http_client.scrub(text, (key,))


def _path(domain: str, var: str, lang: str) -> str:
    for value in (domain, var, lang):
        if not _SEGMENT.match(str(value)):
            raise ValueError(f"not a plain URL segment: {value!r}")
    return f"api/list/model/data/lang/{lang}/domain/{domain}/var/{var}/"


def public_url(domain: str, var: str, lang: str = "ind", base: str | None = None) -> str:
    """The table's URL as a figure keeps and a page shows it: without the key."""
    return (base or base_url()) + _path(domain, var, lang)


def _status_error(code: int, body: bytes) -> BpsError | None:
    """What an HTTP error status means for BPS (the body is only a hint, never repeated)."""
    text = body[:4096].decode("utf-8", "replace")
    if code == 429 or (code in (403, 503) and _QUOTA_WORDS.search(text)):
        return BpsError(QUOTA, f"HTTP {code}")
    if code in (401, 403):
        return BpsError(BAD_KEY, f"HTTP {code}")
    return None


@dataclass
class BpsClient:
    key: str
    base: str = ""
    timeout: float = DEFAULT_TIMEOUT_S
    limits: Limits | None = None
    run: Deadline | None = None
    fetcher: http_client.Fetcher = field(init=False, repr=False)

    def __post_init__(self):
        self.base = self.base or base_url()
        if not self.key or not re.fullmatch(r"[0-9A-Za-z_-]{4,128}", self.key):
            raise BpsError(BAD_KEY, "format")
        self.limits = self.limits or Limits.from_env(read_timeout_s=self.timeout)
        self.fetcher = http_client.Fetcher(self.base, self.limits, secrets=(self.key,), run=self.run)
        self.run = self.fetcher.run

    def table(self, domain: str, var: str, lang: str = "ind") -> dict:
        """The JSON answer for one dynamic table (status OK, data available), else BpsError."""
        return self.answer(_path(domain, var, lang))

    def answer(self, path: str) -> dict:
        """The JSON answer of ``<base><path>key/<key>/`` (status OK, data available), else BpsError;
        ``path`` is built by the caller from plain segments (the SIMDASI endpoints use it too)."""
        url = self.base + path + f"key/{self.key}/"
        try:
            data = self.fetcher.get_json(url, _status_error)
        except BpsError as exc:
            raise BpsError(exc.kind, scrub(exc.detail, self.key)) from None
        return self._decode(data)

    @staticmethod
    def _decode(data) -> dict:
        if not isinstance(data, dict):
            raise BpsError(NOT_JSON, "not an object")
        status = str(data.get("status", "")).upper()
        if status != "OK":
            message = str(data.get("message") or data.get("message2") or "")
            if _QUOTA_WORDS.search(message):
                raise BpsError(QUOTA, "status Error")
            if _KEY_WORDS.search(message):
                raise BpsError(BAD_KEY, "status Error")
            raise BpsError(HTTP, f"status {status[:20] or 'missing'}")
        if "not-available" in str(data.get("data-availability", "")):
            raise BpsError(NOT_AVAILABLE, str(data.get("data-availability"))[:40])
        return data
