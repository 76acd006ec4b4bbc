"""Where things live: the embedded data, the SQL files, the user cache and the workspace."""
from __future__ import annotations

import atexit
import errno
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
LOCALES_DIR = ROOT / "jabodash" / "locales"


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CacheFallback:
    """The configured cache folder could not be written; ``path`` is used instead."""

    configured: Path
    path: Path
    reason: str        # the system's words (for the log)
    errno: int | None  # EROFS, EACCES... (the app says it in the UI's language)

    @property
    def kind(self) -> str:
        """read_only, permission or other."""
        if self.errno == errno.EROFS:
            return "read_only"
        return "permission" if self.errno in (errno.EACCES, errno.EPERM) else "other"


_CACHE_OK: set[str] = set()                  # configured folders found writable in this process
_FALLBACKS: dict[str, CacheFallback] = {}    # configured folder -> the temporary one used instead
_CACHE_LOCK = threading.Lock()


def _configured_cache() -> Path:
    return Path(os.environ.get("JABODASH_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "jabodash"))


def _probe_write(path: Path) -> None:
    """Create the folder and a file in it (and remove it); OSError when either cannot be done."""
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(prefix=".probe-", dir=path):
        pass


def cache_dir() -> Path:
    """User cache folder (outside git): JABODASH_CACHE_DIR, else ~/.cache/jabodash. When that
    folder cannot be written (a read-only mount, no permission), a temporary folder of this
    process is used instead, logged once; :func:`cache_fallback` says so for the app's notice."""
    path = _configured_cache()
    key = str(path)
    if key in _CACHE_OK:
        return path
    with _CACHE_LOCK:
        if key in _FALLBACKS:
            return _FALLBACKS[key].path
        try:
            _probe_write(path)
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
            fallback = CacheFallback(path, Path(tempfile.mkdtemp(prefix="jabodash-cache-")), reason, exc.errno)
            atexit.register(shutil.rmtree, fallback.path, True)
            _FALLBACKS[key] = fallback
            log.warning("The cache folder %s cannot be written (%s); using %s until this process stops.",
                        path, reason, fallback.path)
            return fallback.path
        _CACHE_OK.add(key)
    return path


def cache_fallback() -> CacheFallback | None:
    """The fallback in use for the configured cache folder, or None when it is writable."""
    cache_dir()
    return _FALLBACKS.get(str(_configured_cache()))


def workspace_dir() -> Path:
    """Saved uploads: JABODASH_WORKSPACE, else ~/.local/share/jabodash/workspace."""
    base = os.environ.get("JABODASH_WORKSPACE") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "jabodash", "workspace")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that readers see either the old or the new content, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
