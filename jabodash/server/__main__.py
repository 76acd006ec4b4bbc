"""``python -m jabodash.server [streamlit run flags...]``: ``streamlit run app.py [flags]`` with the
protections of :mod:`jabodash.server` installed first."""
from __future__ import annotations

import sys

from jabodash.core.paths import ROOT
from jabodash.server.hook import install
from jabodash.server.hosts import allowed_hosts


def main(argv: list[str]) -> None:
    try:
        allowed_hosts()  # a bad JABODASH_ALLOWED_HOSTS stops here, before the server starts
    except ValueError as exc:
        raise SystemExit(f"jabodash.server: {exc}") from None
    install()
    from streamlit.web import cli
    cli.main(args=["run", str(ROOT / "app.py"), *argv], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
