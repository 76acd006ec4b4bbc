"""A cache folder that cannot be written: the app falls back to a temporary cache and says so
once per session, plainly and translated, instead of Streamlit's generic error on every page."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from jabodash.core import paths
from jabodash.core.paths import ROOT

CHILD = r"""
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.run()
first = {"exceptions": [e.value for e in at.exception], "warnings": [w.value for w in at.warning]}
at.switch_page("pages/ringkasan.py").run()
second = {"exceptions": [e.value for e in at.exception], "warnings": [w.value for w in at.warning],
          "kpis": len(at.metric)}
print("RESULT " + json.dumps([first, second]))
"""


def _read_only_prefix(folder) -> list[str]:
    """A command prefix under which ``folder`` cannot be written: chmod for a normal user; for
    root (whom chmod does not stop) a read-only bind mount in a private mount namespace."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return []
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: no way to make a folder read-only")
    mount = f"mount --bind -o ro '{folder}' '{folder}'"
    trial = subprocess.run(["unshare", "-m", "sh", "-c", f"{mount} && ! touch '{folder}/x' 2>/dev/null"],
                           capture_output=True)
    if trial.returncode != 0:
        pytest.skip("running as root where a read-only bind mount is not allowed")
    return ["unshare", "-m", "sh", "-c", f'{mount} && exec "$@"', "sh"]


def test_an_empty_read_only_cache_folder_gives_a_working_app_and_one_plain_notice(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    prefix = _read_only_prefix(cache)
    env = {**os.environ, "JABODASH_CACHE_DIR": str(cache), "JABODASH_WORKSPACE": str(tmp_path / "ws")}
    try:
        out = subprocess.run([*prefix, sys.executable, "-c", CHILD, str(ROOT / "app.py")], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=600)
    finally:
        cache.chmod(0o755)
    line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")]
    assert line, out.stderr[-3000:]
    first, second = json.loads(line[0][len("RESULT "):])
    assert first["exceptions"] == [] and second["exceptions"] == []
    notice = [w for w in first["warnings"] if "Folder cache" in w]
    assert len(notice) == 1 and "tidak dapat ditulisi (folder hanya-baca)" in notice[0]
    assert not any("Folder cache" in w for w in second["warnings"])   # said once per session
    assert second["kpis"] > 0                                          # the overview shows its figures
    assert list(cache.iterdir()) == []


def test_cache_dir_falls_back_to_a_temporary_folder_when_it_cannot_be_created(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")                # a folder cannot be made under a file, even by root
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(blocker / "cache"))
    used = paths.cache_dir()
    assert used != blocker / "cache" and used.is_dir()
    (used / "probe").write_text("x")
    assert paths.cache_dir() == used                  # the same folder for the rest of the process
    fallback = paths.cache_fallback()
    assert fallback.configured == blocker / "cache" and fallback.path == used and fallback.kind == "other"
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "fine"))
    assert paths.cache_dir() == tmp_path / "fine" and paths.cache_fallback() is None
