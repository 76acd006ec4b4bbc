"""Where things live: the embedded data, the SQL files, the user cache and the workspace."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
LOCALES_DIR = ROOT / "jabodash" / "locales"


def cache_dir() -> Path:
    """User cache folder (outside git): JABODASH_CACHE_DIR, else ~/.cache/jabodash."""
    base = os.environ.get("JABODASH_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "jabodash")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


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
