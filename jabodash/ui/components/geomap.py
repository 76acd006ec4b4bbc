"""The map as a small Streamlit component whose geometry reaches the browser once per page.

``st.plotly_chart`` sends the whole figure on every change, boundaries included (the kab/kota map:
~183 KB per year change to a year the browser has not seen), and the browser builds the map anew.
:func:`geomap` draws the same figure with Plotly's own JavaScript (the ``plotly.min.js`` that ships in
the plotly package) inside a component: the figure goes without its GeoJSON
(:func:`jabodash.charts.geosplit.split`), the GeoJSON is a file named by its content hash that the
component fetches once and keeps, and a new figure is drawn with ``Plotly.react``. A year change
sends values, colours and texts only.

The component's files live in a folder of the cache (``components/geomap-<version>``): its
index.html, script and style from this package, a copy of plotly.min.js (as ``plotly-<version>.min.js``),
Plotly's geo bundle (as ``plotly-geo-<version>.min.js``) and ``geo/<hash>.json`` written as figures need
them (atomically: workers share the folder). Those names change with their content, so the server lets
browsers keep them (``immutable``): a later visit of the map page neither downloads nor compiles Plotly
again. The script loads the bundle the figure needs: the geo bundle draws the white map (choropleth and
scattergeo; 1.4 MB against 4.8 MB to fetch and compile on a first visit: about 0.3 s against 1.1 s in
headless Chromium here), the full bundle the OpenStreetMap background (MapLibre). ``plotly-geo.min.js``
beside this module is the npm package plotly.js-geo-dist-min at the plotly.js version of the pinned
plotly package (MIT, ``plotly-geo.LICENSE``; sha256 in :data:`GEO_SHA256`); when the two versions
differ, the full bundle draws every map. Streamlit serves that folder at
``/component/<name>/``; the content security policy allows same-origin frames for that path only
(jabodash.server.headers).

Clicks come back as ``{"selection": {"points": [{"location": code, ...}]}, "clicks": n}``, the shape of
``st.plotly_chart``'s selection event that jabodash.features.peta.selected_code reads.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

import plotly

from jabodash.charts.geosplit import Split, split
from jabodash.core.paths import cache_dir

SOURCE = Path(__file__).resolve().parent / "geomap"
FILES = ("index.html", "geomap.js", "geomap.css")
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
GEO_JS = SOURCE / "plotly-geo.min.js"   # npm plotly.js-geo-dist-min 4.1.1
GEO_SHA256 = "3da0a26e92ce47dad2b18c6e7cf5018335a003f50f5fe41710f52508af579b7c"
FOLDER_LAYOUT = 3   # raise when folder() writes its files differently (a new folder for the new layout)
_LOCK = threading.Lock()
_ready: dict[str, object] = {}      # folder -> the declared component function
_written: set[tuple[str, str]] = set()


@functools.lru_cache(maxsize=1)
def _version() -> str:
    digest = hashlib.sha256(f"{FOLDER_LAYOUT}:{plotly.__version__}:{geo_name()}".encode())
    for name in FILES:
        digest.update((SOURCE / name).read_bytes())
    return digest.hexdigest()[:12]


def plotly_name() -> str:
    """plotly.min.js under a name with plotly's version (served as immutable)."""
    return f"plotly-{plotly.__version__}.min.js"


def js_version(path: Path) -> str | None:
    """The plotly.js version a bundle's header names ("plotly.js (geo - minified) v4.1.1" -> "4.1.1")."""
    import re
    with open(path, "rb") as f:
        head = f.read(300).decode("ascii", "replace")
    found = re.search(r"plotly\.js[^\n]*? v(\d+\.\d+\.\d+)", head)
    return found.group(1) if found else None


@functools.lru_cache(maxsize=1)
def geo_name() -> str | None:
    """The geo bundle's served name, or None when it is not the full bundle's plotly.js version."""
    if not GEO_JS.exists() or js_version(GEO_JS) != js_version(PLOTLY_JS):
        return None
    return f"plotly-geo-{plotly.__version__}.min.js"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def folder() -> Path:
    """The component's served folder, made (once per process) with its files."""
    path = cache_dir() / "components" / f"geomap-{_version()}"
    if str(path) in _ready:
        return path
    (path / "geo").mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if not (path / name).exists():
            data = (SOURCE / name).read_bytes()
            if name == "index.html":   # versioned names: browsers may keep them for good
                data = data.replace(b'data-full="plotly.min.js"', f'data-full="{plotly_name()}"'.encode())
                data = data.replace(b'data-geo="plotly-geo.min.js"',
                                    f'data-geo="{geo_name() or plotly_name()}"'.encode())
            _atomic_write(path / name, data)
    _copy_once(PLOTLY_JS, path / plotly_name())
    if geo_name():
        _copy_once(GEO_JS, path / geo_name())
    return path


def _copy_once(source: Path, target: Path) -> None:
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)


def _component():
    import streamlit.components.v1 as components
    path = folder()
    with _LOCK:
        if str(path) not in _ready:
            _ready[str(path)] = components.declare_component("geomap", path=str(path))
        return _ready[str(path)]


def write_pools(shown: Split, path: Path | None = None) -> None:
    """The figure's GeoJSON pools as geo/<hash>.json in the served folder (each once)."""
    path = path or folder()
    for digest, body in shown.pools.items():
        if (str(path), digest) in _written:
            continue
        target = path / "geo" / f"{digest}.json"
        if not target.exists():
            _atomic_write(target, body)
        _written.add((str(path), digest))


def prepare(figure) -> Split:
    """What :func:`geomap` draws: build it once per figure (e.g. inside ui.per_data_version)."""
    return split(figure)


def geomap(shown, key: str):
    """Draw ``shown`` (a :func:`prepare`\\ d figure, or a figure) in the map component; returns the
    last click's selection event or None."""
    if not isinstance(shown, Split):
        shown = prepare(shown)
    component = _component()
    write_pools(shown)
    return component(spec=shown.spec, key=key, default=None, height=shown.height)


def figure_of(json_args: str, path: Path | None = None) -> dict:
    """The whole figure a geomap element shows (its ``json_args``, with the GeoJSON read back from the
    served folder), as the browser puts it together: for tests and for looking at what was sent."""
    import json

    from jabodash.charts.geosplit import join
    spec = json.loads(json.loads(json_args)["spec"])
    path = path or folder()
    refs = {t["geojson"]["ref"] for t in spec["data"] if isinstance(t.get("geojson"), dict) and "ref" in t["geojson"]}
    template = spec["layout"].get("template")
    if isinstance(template, dict) and "ref" in template:
        refs.add(template["ref"])
    pools = {h: json.loads((path / "geo" / f"{h}.json").read_text(encoding="utf-8")) for h in refs}
    return join(spec, pools)
