"""A simulated Streamlit user at the protocol level: Streamlit's websocket (``/_stcore/stream``), its
protobuf messages, no browser.

:class:`Session` opens a page as the browser does (a ``rerun_script`` BackMsg with the page's URL path
and query string), reads the ForwardMsgs until the run has finished, remembers the widgets it was sent,
and changes a selectbox the way the frontend does (the widget's new state; the fragment's id when the
widget is in a fragment; the hashes of the cacheable messages it already holds, so the server sends
references instead of repeating them). Each run reports its wall time, the bytes and messages received
and whether an exception was shown. The message cache follows the frontend's (entries expire after
``global.maxCachedMessageAge`` = 2 runs; after a fragment run only the fragment's own entries age).

Used by tools/bench/wsload.py; needs ``websockets`` (a test dependency).
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINAL = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
         ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class Run:
    """One script run as the client saw it."""
    seconds: float
    bytes: int
    messages: int
    exceptions: int
    status: int
    by_element: dict = field(default_factory=dict)   # element type -> bytes of its messages


@dataclass
class Widget:
    id: str
    label: str
    options: list[str]
    fragment_id: str = ""
    value: str | None = None


@dataclass
class Session:
    url: str                      # http://127.0.0.1:PORT (a proxy or a worker)
    page: str = ""                # URL path of the page ("" = the default page)
    query: str = ""
    timeout: float = 120.0
    widgets: dict[str, Widget] = field(default_factory=dict)
    cached: dict = field(default_factory=dict)   # hash -> [run count when stored or used, fragment id]
    runs: int = 0
    max_age: int = 2                                # Streamlit's global.maxCachedMessageAge
    ws: object = None

    async def connect(self) -> None:
        from websockets.asyncio.client import connect
        host = urlparse(self.url)
        self.ws = await connect(f"ws://{host.netloc}/_stcore/stream", subprotocols=["streamlit"],
                                origin=f"http://{host.netloc}", max_size=None, open_timeout=self.timeout,
                                ping_interval=None, compression=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def open(self) -> Run:
        """Connect and run the page (a first load)."""
        await self.connect()
        return await self._run(self._rerun_msg())

    async def choose(self, label: str, option: str) -> Run:
        """Pick ``option`` (or the first option that starts with it, e.g. a year) in the selectbox
        labelled ``label`` (a widget change: one rerun)."""
        widget = self.find(label)
        if option not in widget.options:
            matches = [o for o in widget.options if o.startswith(option)]
            if not matches:
                raise ValueError(f"{option!r} is not an option of {label!r}: {widget.options}")
            option = matches[0]
        msg = self._rerun_msg(widget.fragment_id)
        state = msg.rerun_script.widget_states.widgets.add()
        state.id, state.string_value = widget.id, option
        widget.value = option
        return await self._run(msg)

    def find(self, label: str) -> Widget:
        for widget in self.widgets.values():
            if widget.label == label:
                return widget
        raise KeyError(f"no selectbox labelled {label!r}; seen: {[w.label for w in self.widgets.values()]}")

    def _rerun_msg(self, fragment_id: str = "") -> BackMsg:
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_name = self.page
        msg.rerun_script.fragment_id = fragment_id
        msg.rerun_script.cached_message_hashes.extend(sorted(self.cached))
        return msg

    async def _run(self, msg: BackMsg) -> Run:
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        size = count = errors = 0
        by_element: dict[str, int] = {}
        deadline = start + self.timeout
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.perf_counter()))
            size += len(raw)
            count += 1
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            if fwd.metadata.cacheable and fwd.hash:
                self.cached[fwd.hash] = [self.runs, fwd.delta.fragment_id]
            elif fwd.ref_hash in self.cached:
                self.cached[fwd.ref_hash][0] = self.runs
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                errors += self._element(fwd)
                element = fwd.delta.new_element.WhichOneof("type") or fwd.delta.WhichOneof("type")
                by_element[element] = by_element.get(element, 0) + len(raw)
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "script_finished" and fwd.script_finished in FINAL:
                self._age(msg.rerun_script.fragment_id)
                return Run(time.perf_counter() - start, size, count, errors, fwd.script_finished, by_element)

    def _age(self, fragment_id: str) -> None:
        """The frontend's message cache after a run: entries older than ``max_age`` runs are dropped
        (after a fragment run, only the fragment's own)."""
        self.runs += 1
        for key, (used, fragment) in list(self.cached.items()):
            if fragment_id and fragment != fragment_id:
                continue
            if self.runs - used > self.max_age:
                del self.cached[key]

    def _element(self, fwd: ForwardMsg) -> int:
        element = fwd.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "selectbox":
            box = element.selectbox
            self.widgets[box.id] = Widget(box.id, box.label, list(box.options), fwd.delta.fragment_id,
                                          box.raw_value if box.HasField("raw_value") else None)
        return int(kind == "exception")
