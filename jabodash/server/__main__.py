"""``python -m jabodash.server [streamlit run flags...]``: ``streamlit run app.py [flags]`` with the
protections of :mod:`jabodash.server` installed first."""
from __future__ import annotations

import sys

from jabodash.core.paths import ROOT
from jabodash.server import gcpolicy
from jabodash.server.hook import install
from jabodash.server.hosts import allowed_hosts
from jabodash.server.warmup import Warmup

# Streamlit's full collection after every script run is off whatever the working folder's config says:
# jabodash.server.gcpolicy replaces it once the server has warmed up.
FIXED_FLAGS = ["--runner.postScriptGC", "false"]


def tidy_workspace() -> int:
    """Remove what killed saves left in the shared workspace (stale ``.tmp-``/``.trash-``
    folders, see jabodash.store.shelf.cleanup_temp) when the process starts, as the README
    says: a worker started again after a kill does it before its first page. Not in a read-only
    workspace; a workspace that cannot be read is the pages' concern, not the start's."""
    from jabodash.core.paths import workspace_dir
    from jabodash.store import access, shelf
    root = workspace_dir() / "datasets"
    if access.read_only() or not root.is_dir():
        return 0
    try:
        return shelf.cleanup_temp(root=root)
    except OSError:
        return 0


def main(argv: list[str]) -> None:
    try:
        allowed_hosts()  # a bad JABODASH_ALLOWED_HOSTS or JABODASH_GC_INTERVAL stops here, before the start
        gcpolicy.interval_from()
    except ValueError as exc:
        raise SystemExit(f"jabodash.server: {exc}") from None
    tidy_workspace()
    install(Warmup)
    from streamlit.web import cli
    cli.main(args=["run", str(ROOT / "app.py"), *argv, *FIXED_FLAGS], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
