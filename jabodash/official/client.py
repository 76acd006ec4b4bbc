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
"""
from __future__ import annotations

import json
import os
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

DEFAULT_BASE_URL = "https://webapi.bps.go.id/v1/"
DEFAULT_TIMEOUT_S = 20.0
MAX_BYTES = 20 * 1024 * 1024     # a dynamic table of one variable is far smaller
USER_AGENT = "jabodash (BPS WebAPI refresh)"

# kinds of failure; the refresh translates them (bps_refresh.error.<kind>)
BAD_KEY, QUOTA, NOT_AVAILABLE, NOT_JSON, TIMEOUT, HTTP, NETWORK, MALFORMED = (
    "bad_key", "quota", "not_available", "not_json", "timeout", "http", "network", "malformed")
_QUOTA_WORDS = re.compile(r"quota|kuota|limit|too many|rate", re.IGNORECASE)
_KEY_WORDS = re.compile(r"\bkey\b|token|apikey|unauthori[sz]ed", re.IGNORECASE)
_SEGMENT = re.compile(r"^[0-9A-Za-z]{1,16}$")


class BpsError(Exception):
    """One table could not be read: ``kind`` is one of the constants above, ``detail`` a short
    text of this module (an HTTP status, a content type), never the server's words or the key."""

    def __init__(self, kind: str, detail: str = ""):
        self.kind = kind
        self.detail = detail
        super().__init__(f"{kind}{': ' + detail if detail else ''}")


def base_url() -> str:
    url = (os.environ.get("JABODASH_BPS_URL") or DEFAULT_BASE_URL).strip()
    return url if url.endswith("/") else url + "/"


def scrub(text: str, key: str | None) -> str:
    """``text`` with every occurrence of the key replaced (belt and braces)."""
    text = str(text)
    return text.replace(key, "***") if key else text


def _path(domain: str, var: str, lang: str) -> str:
    for value in (domain, var, lang):
        if not _SEGMENT.match(str(value)):
            raise ValueError(f"not a plain URL segment: {value!r}")
    return f"api/list/model/data/lang/{lang}/domain/{domain}/var/{var}/"


def public_url(domain: str, var: str, lang: str = "ind", base: str | None = None) -> str:
    """The table's URL as a figure keeps and a page shows it: without the key."""
    return (base or base_url()) + _path(domain, var, lang)


@dataclass
class BpsClient:
    key: str
    base: str = ""
    timeout: float = DEFAULT_TIMEOUT_S

    def __post_init__(self):
        self.base = self.base or base_url()
        if not self.key or not re.fullmatch(r"[0-9A-Za-z_-]{4,128}", self.key):
            raise BpsError(BAD_KEY, "format")

    def table(self, domain: str, var: str, lang: str = "ind") -> dict:
        """The JSON answer for one dynamic table (status OK, data available), else BpsError."""
        url = self.base + _path(domain, var, lang) + f"key/{self.key}/"
        try:
            body, ctype = self._get(url)
        except BpsError as exc:
            raise BpsError(exc.kind, scrub(exc.detail, self.key)) from None
        return self._decode(body, ctype)

    def _get(self, url: str) -> tuple[bytes, str]:
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - http(s) base URL
                return resp.read(MAX_BYTES + 1), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc) from None
        except (TimeoutError, socket.timeout):
            raise BpsError(TIMEOUT, f"{self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise BpsError(TIMEOUT, f"{self.timeout:g} s") from None
            raise BpsError(NETWORK, type(exc.reason).__name__) from None
        except (OSError, ValueError) as exc:
            raise BpsError(NETWORK, type(exc).__name__) from None

    @staticmethod
    def _http_error(exc: urllib.error.HTTPError) -> BpsError:
        code = exc.code
        try:
            text = exc.read(4096).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - the body is only a hint
            text = ""
        if code == 429 or (code in (403, 503) and _QUOTA_WORDS.search(text)):
            return BpsError(QUOTA, f"HTTP {code}")
        if code in (401, 403):
            return BpsError(BAD_KEY, f"HTTP {code}")
        return BpsError(HTTP, f"HTTP {code}")

    @staticmethod
    def _decode(body: bytes, ctype: str) -> dict:
        if len(body) > MAX_BYTES:
            raise BpsError(MALFORMED, "too large")
        try:
            data = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            kind = (ctype.split(";")[0].strip() or "unknown")[:40]
            raise BpsError(NOT_JSON, kind) from None
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
