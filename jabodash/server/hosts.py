"""Which ``Host`` header values the server answers: a request for any other host name is refused, so
a page on another site whose name was re-pointed at this machine (DNS rebinding) reaches nothing.

Names compare without case and without a trailing dot. An allowed entry without a port matches any
port; one with a port (``dash.example.org:8443``) only that port. ``*`` allows every host (for a
proxy that checks the host itself). IPv6 addresses are written with or without brackets."""
from __future__ import annotations

import ipaddress
import os
import re
from typing import NamedTuple

ENV = "JABODASH_ALLOWED_HOSTS"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_ANY_ADDRESS = ("", "0.0.0.0", "::")
_NAME = re.compile(r"[a-z0-9_.-]+")


class HostPort(NamedTuple):
    name: str
    port: str | None


def _ipv6(text: str) -> str | None:
    """The compressed form of an IPv6 address (``0:0::1`` -> ``::1``), None if text is not one."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.compressed if address.version == 6 else None


def split_host(value: str) -> HostPort | None:
    """``Host`` header or allowed entry -> (lower-case name without trailing dot, port or None);
    None when the value is not a host name at all (empty, bad brackets or characters, bad port)."""
    value = value.strip().lower()
    if value.startswith("["):
        inside, sep, rest = value[1:].partition("]")
        name = _ipv6(inside)
        if not sep or (rest and not rest.startswith(":")) or name is None:
            return None
        port = rest[1:] if rest else None
    elif value.count(":") > 1:  # a bare IPv6 address has no port
        name, port = _ipv6(value), None
        if name is None:
            return None
    else:
        name, sep, port = value.partition(":")
        port = port if sep else None
        name = name[:-1] if name.endswith(".") else name
        if not _NAME.fullmatch(name) or ".." in name or name.startswith("."):
            return None
    if port is not None and not port.isdigit():
        return None
    return HostPort(name, port)


def parse_allowed(text: str | None) -> list[HostPort]:
    """Comma- or space-separated entries of ``JABODASH_ALLOWED_HOSTS`` (bad entries raise ValueError
    so that a typo stops the server instead of locking everyone out quietly)."""
    entries = []
    for item in (text or "").replace(",", " ").split():
        if item == "*":
            entries.append(HostPort("*", None))
            continue
        parsed = split_host(item)
        if parsed is None:
            raise ValueError(f"{ENV}: not a host name: {item!r}")
        entries.append(parsed)
    return entries


def allowed_hosts(server_address: str | None = None, env: dict | None = None) -> list[HostPort]:
    """Loopback names, the address the server binds to (unless it binds every interface) and the
    entries of ``JABODASH_ALLOWED_HOSTS``."""
    env = os.environ if env is None else env
    entries = [HostPort(name, None) for name in LOOPBACK]
    address = (server_address or "").strip()
    if address not in _ANY_ADDRESS and not address.startswith("unix://"):
        entries.extend(parse_allowed(address))
    return entries + parse_allowed(env.get(ENV))


def host_allowed(host_header: str | None, allowed: list[HostPort]) -> bool:
    """Is a request with this ``Host`` header for one of the allowed hosts? A request without the
    header (None) passes: browsers always send it, so it comes from a program (a proxy's health
    check, curl) that could send any Host it liked; the check is against pages in a browser."""
    if host_header is None or any(entry.name == "*" for entry in allowed):
        return True
    host = split_host(host_header)
    if host is None:
        return False
    return any(entry.name == host.name and entry.port in (None, host.port) for entry in allowed)
