"""Warm-up before the server reports healthy: a fresh process's first page costs what a later first
load costs.

A fresh worker's first page used to take ~1.7 s more than later first loads: the pages' modules are
imported, the DuckDB store opened, the boundaries read and turned into GeoJSON, the shared figures and
tables built. :class:`Warmup` does that work once, as soon as Streamlit's runtime has started: it opens
each page in an in-process session (the runtime's own ``connect_session``/``handle_backmsg``, the path
a browser's websocket takes, with no network), waits for every run to finish, closes the session, and
then applies the garbage-collection policy (:func:`jabodash.server.gcpolicy.settle`). Until then the
health route answers 503 ``warming up`` (:class:`jabodash.server.middleware.Protection`), so the proxy
of ``serve`` and the start scripts send no user to a cold worker.

``JABODASH_WARMUP=off`` skips the page visits (the GC policy still applies).
"""
from __future__ import annotations

import asyncio
import sys
import time

from jabodash.core.paths import ROOT
from jabodash.server import gcpolicy

ENV = "JABODASH_WARMUP"
PAGE_TIMEOUT = 180.0      # seconds for one page (a loaded machine), then the next
DEFAULT_PAGE = "ringkasan"
EXTRA_VIEWS = (("peta", "map_type=geo"),)   # the geographic map: the boundaries' GeoJSON


def views(root=ROOT) -> list[tuple[str, str]]:
    """(page url path, query string) of every page (the default page as ""), then the extra views."""
    slugs = sorted(p.stem for p in (root / "pages").glob("*.py") if not p.stem.startswith("_"))
    pages = [("", "")] + [(s, "") for s in slugs if s != DEFAULT_PAGE]
    return pages + [v for v in EXTRA_VIEWS if v[0] in slugs]


def enabled(env: dict) -> bool:
    return env.get(ENV, "").strip().lower() not in ("off", "0", "false", "no")


class _Client:
    """A Streamlit SessionClient that only watches for the end of the script run."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop, self.done, self.exceptions = loop, asyncio.Event(), 0

    def write_forward_msg(self, msg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
            self.exceptions += 1
        elif kind == "script_finished" and msg.script_finished != msg.FINISHED_EARLY_FOR_RERUN:
            self.loop.call_soon_threadsafe(self.done.set)

    @property
    def client_context(self):
        return None


class Warmup:
    """``await Warmup().run()`` on the server's event loop once the runtime has started; ``ready``
    turns true at the end (also after a failure: a page that cannot warm up is logged, not fatal)."""

    def __init__(self, env: dict | None = None, root=ROOT, settle=gcpolicy.settle):
        import os
        env = os.environ if env is None else env
        self.views = views(root) if enabled(env) else []
        self.settle = settle
        self.ready = False
        self.report: list[dict] = []
        self._task = None

    def start(self) -> None:
        """Schedule :meth:`run` on the running loop (once)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run())

    async def run(self) -> None:
        started = time.perf_counter()
        try:
            from streamlit.runtime import Runtime
            runtime = Runtime.instance()
            await self._runtime_ready(runtime)
            for page, query in self.views:
                await self._visit(runtime, page, query)
        except Exception as exc:  # noqa: BLE001 (the server serves anyway; logged)
            _say(f"warm-up stopped: {type(exc).__name__}: {exc}")
        finally:
            try:
                self.settle()
                views = ", ".join(f"{r['page']}{'?' + r['query'] if r['query'] else ''} {r['s']} s" for r in self.report)
                policy = gcpolicy.state()
                _say(f"warmed up {len(self.report)} views in {time.perf_counter() - started:.1f} s ({views}); "
                     f"{policy['frozen']} objects frozen, " + (f"a full collection every {policy['interval']:g} s"
                                                               if policy["interval"] else "no timed collection")
                     + "; healthy")
            finally:
                self.ready = True

    @staticmethod
    async def _runtime_ready(runtime, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not (await runtime.is_ready_for_browser_connection)[0]:
            if time.monotonic() > deadline:
                raise TimeoutError("the runtime did not start")
            await asyncio.sleep(0.05)

    async def _visit(self, runtime, page: str, query: str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        client = _Client(asyncio.get_running_loop())
        session_id = runtime.connect_session(client=client, user_info={})
        start = time.perf_counter()
        try:
            msg = BackMsg()
            msg.rerun_script.query_string = query
            msg.rerun_script.page_name = page
            runtime.handle_backmsg(session_id, msg)
            await asyncio.wait_for(client.done.wait(), PAGE_TIMEOUT)
            row = {"page": page or DEFAULT_PAGE, "query": query, "s": round(time.perf_counter() - start, 2),
                   "exceptions": client.exceptions}
        except asyncio.TimeoutError:
            row = {"page": page or DEFAULT_PAGE, "query": query, "s": None, "exceptions": client.exceptions}
        finally:
            runtime.close_session(session_id)
        self.report.append(row)
        if row["s"] is None or row["exceptions"]:
            _say(f"warm-up of {row['page']}?{query}: " + ("timed out" if row["s"] is None else
                                                          f"{row['exceptions']} exception(s) shown"))


def _say(text: str) -> None:
    print(f"jabodash.server: {text}", file=sys.stderr, flush=True)
