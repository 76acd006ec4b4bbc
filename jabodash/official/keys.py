"""Where the user's BPS WebAPI key comes from: ``JABODASH_BPS_KEY``, else the user's config file
(``JABODASH_CONFIG_DIR`` or ``~/.config/jabodash``, file ``bps_key``, readable by the user only),
else what the page was given (kept in the session). Never in the repository: a config folder
inside it is refused."""
from __future__ import annotations

import os
from pathlib import Path

from jabodash.core.paths import ROOT

KEY_FILE = "bps_key"


def config_dir() -> Path:
    base = os.environ.get("JABODASH_CONFIG_DIR") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"), "jabodash")
    return Path(base)


def _key_path() -> Path:
    path = config_dir() / KEY_FILE
    try:
        path.resolve().relative_to(ROOT.resolve())
    except ValueError:
        return path
    raise OSError("the config folder lies inside the repository")


def stored_key() -> str | None:
    try:
        text = _key_path().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def resolve_key(given: str | None = None) -> tuple[str | None, str]:
    """(key, where from: "env", "page", "config" or "none"); an explicit key wins."""
    if given and given.strip():
        return given.strip(), "page"
    env = (os.environ.get("JABODASH_BPS_KEY") or "").strip()
    if env:
        return env, "env"
    stored = stored_key()
    return (stored, "config") if stored else (None, "none")


def save_key(key: str) -> Path:
    """Keep the key in the user's config file (mode 0600); returns its path."""
    path = _key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key.strip() + "\n")
    os.chmod(path, 0o600)
    return path


def forget_key() -> None:
    try:
        _key_path().unlink()
    except OSError:
        pass
