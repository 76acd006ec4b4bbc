"""Integrity of the store's database file in the user cache (no streamlit).

Beside each ``jabodash-<fingerprint>.duckdb`` the build writes ``jabodash-<fingerprint>.json``,
a manifest: the fingerprint, the DuckDB version, the file's size and sha256. :func:`check` compares the file with its manifest (size and sha256: a few
milliseconds for the ~3 MB file), so a truncated, emptied or overwritten file, or one whose
manifest is missing or unreadable, is found before DuckDB reads it; the store then rebuilds it
from ``data/``.

:func:`stat_key` (size, modification time, inode) lets callers re-check only when the file on
disk has changed since it was last found sound. :func:`build_lock` keeps two processes (the app
and the command line, say) from checking or building the same folder at the same time.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

import duckdb

from jabodash.core.paths import atomic_write_bytes

MANIFEST_FORMAT = 1

try:  # POSIX only; elsewhere the in-process lock of the store is all there is
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None


def manifest_path(db_path: Path) -> Path:
    return Path(db_path).with_suffix(".json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(db_file: Path, target_db_path: Path, fingerprint: str) -> None:
    """Write the manifest of ``db_file`` (the finished build) for the file it becomes, ``target_db_path``."""
    manifest = {"format": MANIFEST_FORMAT, "fingerprint": fingerprint, "duckdb": duckdb.__version__,
                "size": os.path.getsize(db_file), "sha256": file_sha256(db_file)}
    atomic_write_bytes(manifest_path(target_db_path), json.dumps(manifest, indent=1).encode())


def check(db_path: Path, fingerprint: str) -> str | None:
    """None when the file matches its manifest; otherwise what is wrong (for the log)."""
    db_path = Path(db_path)
    try:
        manifest = json.loads(manifest_path(db_path).read_bytes())
    except FileNotFoundError:
        return "no manifest"
    except (OSError, ValueError) as exc:
        return f"manifest unreadable ({type(exc).__name__})"
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return "manifest of another format"
    if manifest.get("fingerprint") != fingerprint or manifest.get("duckdb") != duckdb.__version__:
        return "manifest of another build"
    try:
        size = db_path.stat().st_size
        if size != manifest.get("size"):
            return f"{size} bytes, {manifest.get('size')} expected"
        if file_sha256(db_path) != manifest.get("sha256"):
            return "checksum differs"
    except OSError as exc:
        return f"unreadable ({type(exc).__name__})"
    return None


def stat_key(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@contextlib.contextmanager
def build_lock(folder: Path):
    """An exclusive lock on ``folder/.lock`` across processes (where the OS has flock)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    with open(folder / ".lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
