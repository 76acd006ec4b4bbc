"""Image exports: every figure type to PNG of the requested pixel size (read back with Pillow, not
blank), SVG and PDF, the text drawn into the image, presenter styling, no network, and a clear
message without Chromium. Rendering tests need the system Chromium and are skipped without it."""
import io
import json
import re
from urllib.parse import urlsplit

import pandas as pd
import pytest
from PIL import Image

from jabodash.core.paths import DATA_DIR
from jabodash.core.state import ViewState, from_params
from jabodash.presenter import exports, stories, views

needs_chromium = pytest.mark.skipif(exports.chromium_path() is None, reason="no system Chromium")

KINDS = {
    "ranking": ViewState(indicator="population_census", year=2020, regions=("3203",)),
    "trend": ViewState(indicator="poverty_rate", regions=("3101",)),
    "tiles": ViewState(indicator="population_density_census", year=2020),
    "geo": ViewState(indicator="poverty_rate", year=2024, map_type="geo"),
}


def kind_of(name: str) -> str:
    return "map" if name in ("tiles", "geo") else name


def square_boundaries() -> dict:
    """A small square around each kab/kota point: stands in for cached boundaries."""
    regions = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str})
    features = []
    for r in regions.itertuples():
        d = 0.04
        ring = [[r.lon - d, r.lat - d], [r.lon + d, r.lat - d], [r.lon + d, r.lat + d], [r.lon - d, r.lat + d],
                [r.lon - d, r.lat - d]]
        features.append({"type": "Feature", "id": r.code, "properties": {"name": r.name},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


@pytest.fixture
def cached_boundaries(monkeypatch):
    from jabodash.geo import boundaries
    fc = square_boundaries()
    monkeypatch.setattr(boundaries, "geojson_for", lambda level: fc if level == "kabkota" else None)
    monkeypatch.setattr(boundaries, "attribution", lambda level: "Batas uji (CC0)")
    return fc


def figure(store, name, lang="id", width=1920, height=1080, **changes):
    state = KINDS[name].with_(lang=lang, **changes)
    return views.figure_for(state, store, lang, presenter=True, kind=kind_of(name), width=width, height=height)


def distinct_colours(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 20) or [])


# --- presenter styling (no browser needed) -----------------------------------------------------

def all_text_sizes(fig) -> list[float]:
    layout = fig.layout
    sizes = [layout.font.size, layout.title.font.size, layout.legend.font.size]
    sizes += [a.font.size for a in layout.annotations]
    for axis in (layout.xaxis, layout.yaxis):
        if axis.visible is not False:
            sizes += [axis.tickfont.size]
    for trace in fig.data:
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and textfont.size is not None:
            sizes += [textfont.size] if not isinstance(textfont.size, (list, tuple)) else list(textfont.size)
    return [s for s in sizes if s is not None]


@pytest.mark.parametrize("name", list(KINDS))
def test_presentify_sets_large_type_and_keeps_the_footer(store, cached_boundaries, name):
    fig, data = figure(store, name)
    assert not data.empty
    assert (fig.layout.width, fig.layout.height) == (1920, 1080)
    assert fig.layout.title.font.size == views.TITLE_PX
    assert min(all_text_sizes(fig)) >= 20, sorted(all_text_sizes(fig))[:5]
    footers = [a.text for a in fig.layout.annotations if a.yref == "paper" and a.y == 0]
    assert any(text.startswith("Sumber:") for text in footers), footers
    if name == "geo":
        assert any("Batas uji (CC0)" in text for text in footers), footers
    # title, unit and year are drawn in the figure
    assert fig.layout.title.text and str(fig.layout.title.subtitle.text)
    if name != "trend":
        assert str(KINDS[name].year) in fig.layout.title.subtitle.text


def test_presentify_scales_with_the_export_size(store):
    fig, _ = figure(store, "ranking", width=3840, height=2160)
    assert fig.layout.title.font.size == 2 * views.TITLE_PX
    small, _ = figure(store, "ranking", width=1280, height=720)
    assert small.layout.title.font.size == round(views.TITLE_PX * 720 / 1080)


def test_high_contrast_darkens_bars_and_text(store):
    fig, _ = figure(store, "ranking", palette="high_contrast")
    colours = set(fig.data[0].marker.color)
    assert views.HC_BAR in colours and "#0072B2" not in colours
    assert fig.layout.font.color == "#000000"


def test_map_without_cached_boundaries_is_the_tile_grid(store, monkeypatch):
    from jabodash.geo import boundaries
    monkeypatch.setattr(boundaries, "geojson_for", lambda level: None)
    fig, _ = figure(store, "geo")
    assert {trace.type for trace in fig.data} == {"scatter"}   # tiles, no Choroplethmap
    assert any("Peta petak" in (a.text or "") for a in fig.layout.annotations)


def test_map_with_cached_boundaries_is_geographic_and_offline(store, cached_boundaries):
    fig, _ = figure(store, "geo")
    assert any(trace.type == "choropleth" for trace in fig.data)
    # Plotly's geo subplot with no base layer: SVG, no tiles, no glyph files, no world outline
    assert fig.layout.geo.visible is False and fig.data[0].type == "scattergeo" and fig.data[0].locations is None


def test_share_url_round_trips_the_view():
    state = ViewState(lang="en", indicator="ipm", year=2024, regions=("3203", "3201"), palette="high_contrast",
                      presenter=True, story="jabodetabek_dalam_angka", step=3)
    url = views.share_url("http://127.0.0.1:8501/presentasi?old=1", state)
    assert url.startswith("http://127.0.0.1:8501/presentasi?") and "old=" not in url
    query = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
    parsed = from_params({k: v.replace("%2C", ",") for k, v in query.items()})
    assert parsed.state == state and parsed.notices == []
    assert views.share_url("http://h/ringkasan", state, path="presentasi").startswith("http://h/presentasi?")


def test_presenter_css_is_a_constant_without_user_text():
    css = views.presenter_css()
    assert css.startswith("<style>") and css.endswith("</style>") and css.count("<") == 2
    assert "stSidebar" in css and "stHeader" in css


# --- without Chromium --------------------------------------------------------------------------

def test_missing_chromium_says_so_in_both_languages(monkeypatch, store):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert exports.chromium_path() is None
    fig, _ = figure(store, "ranking")
    with pytest.raises(exports.ExportUnavailable) as info:
        exports.to_image(fig)
    assert "Chromium" in info.value.message("id") and "BROWSER_PATH" in info.value.message("en")
    assert "/nonexistent/chromium" in info.value.message("en")


def test_chromium_path_prefers_browser_path(monkeypatch, tmp_path):
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    assert exports.chromium_path() == str(fake)
    fake.chmod(0o644)
    assert exports.chromium_path() is None


def test_bad_format_or_size_is_refused(store):
    fig, _ = figure(store, "ranking")
    with pytest.raises(ValueError):
        exports.to_image(fig, "gif")
    with pytest.raises(ValueError):
        exports.to_image(fig, "png", 100000, 1080)


# --- rendering with the system Chromium --------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(store):
    """Every figure type as PNG at 1920x1080, rendered in one batch (one browser)."""
    from jabodash.geo import boundaries
    fc = square_boundaries()
    original = boundaries.geojson_for, boundaries.attribution
    boundaries.geojson_for = lambda level: fc if level == "kabkota" else None
    boundaries.attribution = lambda level: "Batas uji (CC0)"
    try:
        figs = {name: figure(store, name)[0] for name in KINDS}
    finally:
        boundaries.geojson_for, boundaries.attribution = original
    if exports.chromium_path() is None:
        pytest.skip("no system Chromium")
    images = exports.render_many(list(figs.values()), "png", 1920, 1080)
    return dict(zip(figs, images))


@needs_chromium
@pytest.mark.parametrize("name", list(KINDS))
def test_png_of_each_figure_type_has_the_requested_size_and_is_not_blank(rendered, name):
    png = rendered[name]
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (1920, 1080)
    assert distinct_colours(png) > 40
    # the corners are the white paper, the middle is not all white
    rgb = image.convert("RGB")
    assert rgb.getpixel((2, 2)) == (255, 255, 255)
    assert rgb.crop((300, 300, 1500, 800)).getextrema() != ((255, 255), (255, 255), (255, 255))


@needs_chromium
def test_to_image_chosen_size_png_svg_pdf(store, tmp_path):
    fig, _ = figure(store, "ranking", width=1280, height=720)
    png = exports.to_image(fig, "png", 1280, 720)
    assert Image.open(io.BytesIO(png)).size == (1280, 720) and distinct_colours(png) > 40


@needs_chromium
def test_svg_and_pdf_carry_title_unit_year_source_and_attribution(store, cached_boundaries):
    fig, _ = figure(store, "geo")
    svg, pdf = exports.render_many([fig, fig], "svg", 1920, 1080)[0], None
    text = svg.decode("utf-8")
    assert re.search(r'<svg[^>]*width="1920"[^>]*height="1080"', text)
    for expected in ("Persentase penduduk miskin", "persen penduduk", "2024", "Sumber", "Batas uji (CC0)"):
        assert expected in text, expected
    pdf = exports.to_image(fig, "pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


@needs_chromium
def test_batch_export_writes_files_with_one_browser(store, tmp_path):
    assert exports.BATCH_TABS >= 1
    story = stories.load_story("jabodetabek_dalam_angka")
    done = []
    figs = ((f"{i:02d}", views.figure_for(stories.step_state(s, "id"), store, "id", presenter=True,
                                          kind=s.kind)[0]) for i, s in enumerate(story.steps[:3], 1))
    paths = exports.batch_export(figs, tmp_path / "out", "png", progress=lambda n, name: done.append((n, name)))
    assert [p.name for p in paths] == ["01.png", "02.png", "03.png"]
    assert [n for n, _ in done] == [1, 2, 3]                 # progress counts files done
    assert sorted(name for _, name in done) == ["01", "02", "03"]   # two tabs: any order
    for path in paths:
        assert Image.open(path).size == (1920, 1080)
        assert path.stat().st_mode & 0o044            # readable like any new file, not 0600


@needs_chromium
def test_kaleido_and_chromium_make_no_outside_request(store, tmp_path):
    """The page kaleido renders loads plotly.js from the installed package (file://) and no
    MathJax; Chromium's own network log shows no CDN URL, and every request Chromium starts to an
    outside host on its own fails before leaving the machine (host names do not resolve; no TCP
    connection, no DNS query)."""
    import kaleido
    options = exports.kaleido_options()
    assert options["mathjax"] is False and options["path"] == exports.chromium_path()
    page = kaleido.PageGenerator(plotly=options["plotlyjs"], mathjax=options["mathjax"]).generate_index()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts and all(not src.startswith("http") for src in scripts), scripts
    assert any(src.endswith("package_data/plotly.min.js") for src in scripts), scripts

    log = tmp_path / "netlog.json"
    fig, _ = figure(store, "ranking")
    exports.to_image(fig, extra_args=(f"--log-net-log={log}",))
    netlog = json.loads(log.read_text())
    names = {v: k for k, v in netlog["constants"]["logEventTypes"].items()}
    urls = {e["params"]["url"] for e in netlog["events"] if "url" in e.get("params", {})}
    outside = {u for u in urls if not u.startswith(("file:", "data:", "about:", "chrome:", "blob:"))}
    # the host, not the whole URL: a background update check's random query string can spell "cdn"
    hosts = {urlsplit(u).hostname or "" for u in outside}
    assert not any(re.search(r"cdn|mathjax|plot\.ly", h, re.I) for h in hosts), hosts
    # every outside request failed; and no TCP connection nor DNS query happened at all
    by_source: dict[int, list] = {}
    for event in netlog["events"]:
        by_source.setdefault(event["source"]["id"], []).append(event)
    for events in by_source.values():
        started = [e for e in events if names[e["type"]] == "REQUEST_ALIVE"
                   and e.get("params", {}).get("url") in outside]
        if started:
            ends = [e for e in events if names[e["type"]] == "REQUEST_ALIVE" and e.get("phase") == 2]
            assert ends and all(e.get("params", {}).get("net_error") for e in ends), started[0]["params"]["url"]
    kinds = {names[e["type"]] for e in netlog["events"]}
    assert not kinds & {"TCP_CONNECT", "HOST_RESOLVER_DNS_TASK", "HOST_RESOLVER_SYSTEM_TASK",
                        "SSL_CONNECT", "HTTP_TRANSACTION_SEND_REQUEST"}, kinds


# --- python -m jabodash export ----------------------------------------------------------------------

@needs_chromium
def test_export_command_renders_every_step_of_the_shipped_story(tmp_path):
    import subprocess
    import sys

    from jabodash.core.paths import ROOT
    out = tmp_path / "deck"
    proc = subprocess.run([sys.executable, "-m", "jabodash", "export", "--story", "jabodetabek_dalam_angka",
                           "--out", str(out), "--format", "png"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    files = sorted(out.glob("*.png"))
    assert [f.name[:3] for f in files] == ["01_", "02_", "03_", "04_", "05_", "06_", "07_", "08_"]
    assert files[0].name == "01_33_7_juta_penduduk_di_kawasan_aglomerasi.png"
    assert files[-1].name == "08_praktik_kerja_sama_yang_sudah_berjalan.png"   # the cooperation network
    for f in files:
        image = Image.open(f)
        assert image.size == (1920, 1080)
        assert distinct_colours(f.read_bytes()) > 40
    progress = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 8 and progress[-1].startswith("[" + "#" * 30 + "] 8/8")
    assert "8 PNG files (1920x1080)" in proc.stdout and "per image" in proc.stdout


@needs_chromium
def test_export_command_svg_from_a_story_file_in_english(tmp_path):
    from jabodash import cli
    story = tmp_path / "my story.toml"
    story.write_text('title = "x"\n[[step]]\ntitle = "Satu"\ntitle_en = "One"\nindicator = "ipm"\n'
                     'kind = "trend"\n', encoding="utf-8")
    assert cli.main(["export", "--story", str(story), "--out", str(tmp_path / "o"), "--format", "svg",
                     "--lang", "en", "--width", "1280", "--height", "720"]) == 0
    svg = (tmp_path / "o" / "01_one.svg").read_text()
    assert 'width="1280"' in svg and "HDI (IPM), older series" in svg and "[official-cited]" in svg


def test_export_command_errors(tmp_path, capsys, monkeypatch):
    from jabodash import cli
    broken = tmp_path / "broken.toml"
    broken.write_text('title = "x"\n[[step]]\ntitle = "a"\nindicator = "nope"\n')
    assert cli.main(["export", "--story", str(broken), "--out", str(tmp_path / "o")]) == 2
    assert "Step 1: unknown indicator 'nope'" in capsys.readouterr().err
    assert cli.main(["export", "--story", "../etc/passwd", "--out", str(tmp_path / "o")]) == 2
    assert "There is no story" in capsys.readouterr().err
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert cli.main(["export", "--story", "jabodetabek_dalam_angka", "--out", str(tmp_path / "o")]) == 3
    err = capsys.readouterr().err
    assert "no Chromium found" in err and "Traceback" not in err
    assert not list((tmp_path / "o").glob("*.png"))


@needs_chromium
def test_geographic_map_of_the_real_boundaries(store, test_boundaries, tmp_path, monkeypatch):
    """With the development boundaries (JABODASH_TEST_BOUNDARIES) imported into a fresh cache, a
    map step is the geographic map with the boundary attribution drawn into the image."""
    if test_boundaries is None:
        pytest.skip("JABODASH_TEST_BOUNDARIES not set")
    from jabodash.geo import boundaries
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    boundaries.import_file(test_boundaries / "jabodetabek_adm2.geojson", "kabkota")
    fig, _ = figure(store, "geo")
    assert any(trace.type == "choropleth" for trace in fig.data)
    footers = " ".join(a.text for a in fig.layout.annotations)
    assert boundaries.attribution("kabkota") in footers
    png = exports.to_image(fig)
    assert Image.open(io.BytesIO(png)).size == (1920, 1080) and distinct_colours(png) > 40
