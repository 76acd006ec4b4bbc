"""Image exports (PNG, SVG, PDF) of any figure, rendered by kaleido 1.x with the system Chromium.

The browser
-----------
kaleido 1.x drives a Chrome/Chromium through choreographer. We always hand it the system
Chromium (:func:`chromium_path`: ``BROWSER_PATH`` or ``/usr/bin/chromium``) and never fetch one
(no ``kaleido.get_chrome``/``plotly_get_chrome``). When there is none, :class:`ExportUnavailable`
says so in the UI language; the in-browser download of Plotly's own toolbar keeps working.

No network
----------
kaleido renders a local HTML page (``file://``) that loads plotly.js from the installed plotly
package; we pass that file explicitly (:func:`plotlyjs_path`) and switch MathJax off (kaleido's
default is a CDN URL). Chromium itself calls Google services at start-up even headless (network
time, account list, "AI mode" eligibility), so :class:`OfflineChromium` adds flags that switch
these off and, as a backstop, ``--host-resolver-rules`` that make every host name unresolvable
inside the browser: nothing can leave the machine (checked in tests/test_exports.py with
Chromium's own network log).

One browser per batch
---------------------
:func:`batch_export` and :func:`render_many` open one Chromium for all figures
(``async with kaleido.Kaleido(...)``, the object ``kaleido.start_sync_server`` wraps). We do not
use the global ``start_sync_server`` itself: when the browser fails to start, its worker thread
dies and every later ``calc_fig_sync`` waits forever (kaleido 1.5, ``_sync_server.py``); here
the error reaches the caller as :class:`ExportUnavailable`. Renders run in a worker thread with
their own event loop, so this works from Streamlit callbacks and from the command line alike.

Nothing here imports streamlit.
"""
from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from queue import Queue
from typing import Callable, Iterable

import plotly.graph_objects as go

from jabodash.core.i18n import t

FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
SIZES = ((1920, 1080), (1280, 720), (3840, 2160), (1080, 1080))   # offered on the presenter page
DEFAULT_CHROMIUM = "/usr/bin/chromium"
RENDER_TIMEOUT_S = 60
BATCH_TABS = 2                     # tabs rendering at once in a batch (see tests/test_bench_export.py)
SIZE_LIMITS = (320, 7680)          # smallest and largest width/height in pixels

# Flags on top of choreographer's own (--headless, --no-sandbox, --disable-gpu, --disable-sync,
# --disable-component-update, --no-first-run, ...): no background services, no QUIC, no
# Google start-up calls, and no host name resolves, so no request leaves the machine.
NO_NETWORK_ARGS = (
    "--disable-background-networking",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--disable-features=NetworkTimeServiceQuerying,DnsOverHttps,AimEligibilityService,"
    "AimServerEligibilityEnabled,AimServerRequestOnStartupEnabled,AimEnabled,OptimizationHints,"
    "MediaRouter,Translate,AutofillServerCommunication",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
    # The start page: without it Debian's Chromium opens its configured home page
    # (start.duckduckgo.com) in the first tab before kaleido takes over.
    "about:blank",
)


class ExportUnavailable(RuntimeError):
    """Image export cannot run here (no Chromium, or it failed to start). ``key`` is the i18n
    key under ``export.`` and ``detail`` a short technical reason."""

    def __init__(self, key: str = "unavailable", detail: str = ""):
        self.key = key
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, lang: str = "id") -> str:
        text = t(f"export.{self.key}", lang)
        return f"{text} ({self.detail})" if self.detail else text


def chromium_path() -> str | None:
    """The system Chromium: ``BROWSER_PATH`` when set, else /usr/bin/chromium; None when that
    file is missing or not executable."""
    path = os.environ.get("BROWSER_PATH") or DEFAULT_CHROMIUM
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def plotlyjs_path() -> Path:
    """plotly.min.js of the installed plotly package (what the on-screen charts use, too)."""
    import plotly
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ExportUnavailable("no_plotlyjs", str(path))
    return path


def _offline_browser_class(extra_args: tuple[str, ...] = ()):
    from choreographer.browsers.chromium import Chromium

    class OfflineChromium(Chromium):
        """choreographer's Chromium with the no-network flags (and any extra ones)."""

        def get_cli(self):
            return [*super().get_cli(), *NO_NETWORK_ARGS, *extra_args]

    return OfflineChromium


def kaleido_options(extra_args: tuple[str, ...] = ()) -> dict:
    """Keyword arguments for ``kaleido.Kaleido``: the system Chromium, local plotly.js, no
    MathJax, no extensions, the no-network flags. Raises ExportUnavailable without Chromium."""
    path = chromium_path()
    if path is None:
        raise ExportUnavailable("unavailable", os.environ.get("BROWSER_PATH") or DEFAULT_CHROMIUM)
    return dict(path=path, browser_cls=_offline_browser_class(tuple(extra_args)),
                plotlyjs=str(plotlyjs_path()), mathjax=False, enable_extensions=False,
                timeout=RENDER_TIMEOUT_S, n=1)


def _check(fmt: str, width: int, height: int) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {FORMATS}")
    low, high = SIZE_LIMITS
    if not (low <= int(width) <= high and low <= int(height) <= high):
        raise ValueError(f"image size {width}x{height} outside {low}..{high} pixels")


def _in_thread(coro_fn, *args):
    """Run an async function in a fresh thread with its own event loop (safe whatever loop the
    caller runs) and return its result or raise its exception."""
    out: Queue = Queue(maxsize=1)

    def run():
        try:
            out.put((True, asyncio.run(coro_fn(*args))))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            out.put((False, exc))

    worker = threading.Thread(target=run, name="jabodash-export", daemon=True)
    worker.start()
    worker.join()
    ok, value = out.get()
    if ok:
        return value
    raise value


async def _render(figures: Iterable[go.Figure], opts: dict, on_image: Callable[[int, bytes], None],
                  extra_args: tuple[str, ...], tabs: int = 1) -> int:
    """Render in one browser with ``tabs`` tabs working at once; ``on_image(index, bytes)`` as
    each image is done (in completion order)."""
    import kaleido
    from choreographer.errors import BrowserFailedError, ChromeNotFoundError

    options = {**kaleido_options(extra_args), "n": max(1, tabs)}
    count = 0
    try:
        async with kaleido.Kaleido(**options) as k:
            pending: set[asyncio.Task] = set()

            async def one(index: int, fig: go.Figure) -> None:
                on_image(index, await k.calc_fig(fig, opts=opts))

            for count, fig in enumerate(figures, start=1):
                if len(pending) >= max(1, tabs):
                    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        task.result()
                pending.add(asyncio.create_task(one(count - 1, fig)))
            for task in asyncio.as_completed(pending):
                await task
    except (ChromeNotFoundError, BrowserFailedError) as exc:
        raise ExportUnavailable("failed", type(exc).__name__) from None
    return count


def render_many(figures: Iterable[go.Figure], fmt: str = "png", width: int = 1920, height: int = 1080,
                on_image: Callable[[int, bytes], None] | None = None,
                extra_args: tuple[str, ...] = (), tabs: int = 1, scale: float = 1) -> list[bytes]:
    """Render figures with one browser and return the images in the order of ``figures``;
    ``on_image(index, bytes)`` after each (progress). Figures may come from a generator (each is
    built while the previous ones render). ``tabs`` > 1 renders that many at once; ``scale`` > 1
    gives that many pixels per figure pixel (a sharper image of the same layout)."""
    _check(fmt, width, height)
    images: dict[int, bytes] = {}

    def keep(index: int, data: bytes) -> None:
        images[index] = data
        if on_image:
            on_image(index, data)

    opts = dict(format=fmt, width=int(width), height=int(height), scale=scale)
    _in_thread(_render, figures, opts, keep, tuple(extra_args), tabs)
    return [images[i] for i in sorted(images)]


def to_image(fig: go.Figure, fmt: str = "png", width: int = 1920, height: int = 1080,
             extra_args: tuple[str, ...] = ()) -> bytes:
    """One figure as PNG, SVG or PDF bytes at width x height pixels (PDF: the same size in CSS
    pixels). Starts the system Chromium for this one image (a few seconds); use render_many or
    batch_export for several."""
    return render_many([fig], fmt, width, height, extra_args=extra_args)[0]


def batch_export(figures: Iterable[tuple[str, go.Figure]], out_dir: str | Path, fmt: str = "png",
                 width: int = 1920, height: int = 1080,
                 progress: Callable[[int, str], None] | None = None, tabs: int = BATCH_TABS) -> list[Path]:
    """Write ``<name>.<fmt>`` for every (name, figure) into ``out_dir`` with one browser for the
    whole batch; ``progress(done, name)`` after each file. Returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    written: list[Path] = []

    def figs():
        for name, fig in figures:
            names.append(name)
            yield fig

    def save(index: int, data: bytes) -> None:
        path = out / f"{names[index]}.{fmt}"
        _write(path, data)
        written.append(path)
        if progress:
            progress(len(written), names[index])

    _check(fmt, width, height)
    opts = dict(format=fmt, width=int(width), height=int(height), scale=1)
    _in_thread(_render, figs(), opts, save, (), tabs)
    return sorted(written)


def _write(path: Path, data: bytes) -> None:
    """Write next to the target, then rename: a reader never sees half an image. Unlike
    paths.atomic_write_bytes (private temporary files, mode 0600) the image gets the usual
    permissions of a new file (umask), as a slide-deck file should."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def plotly_config(filename: str = "jabodash", width: int = 1920, height: int = 1080) -> dict:
    """Config for st.plotly_chart: the toolbar's camera button downloads a PNG of the
    presentation size in the browser itself (works without Chromium on the server)."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": filename, "width": width, "height": height,
                                     "scale": 1}}
