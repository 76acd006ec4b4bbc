// jabodash map component: a Plotly map whose GeoJSON is fetched once per page by content hash
// (geo/<hash>.json beside this file) and kept; every render gets the figure without geometry (each
// GeoJSON a reference {ref, ids}, the layout's template {ref}) and redraws with Plotly.react. Speaks
// Streamlit's component protocol (version 1) with postMessage; no inline script (the content security policy).
"use strict";
(function () {
  const pools = new Map();     // hash -> Promise<Map(feature id -> feature)>
  const subsets = new Map();   // hash|ids -> FeatureCollection (the same object on every redraw)
  const CONFIG = {displaylogo: false, responsive: true, scrollZoom: true};
  let shown = null;            // the spec text drawn last (or being drawn)
  let clicks = 0;

  // Plotly's JavaScript is loaded when the first figure arrives, the bundle it needs: the geo bundle
  // (choropleth and scattergeo: the white map; a third of the full bundle to fetch and compile) or the
  // full one (MapLibre traces on OpenStreetMap tiles). The names are this script's data attributes.
  const BUNDLES = {geo: document.currentScript.dataset.geo, full: document.currentScript.dataset.full};
  const GEO_TYPES = new Set(["choropleth", "scattergeo"]);
  const bundles = new Map();   // kind -> Promise<the Plotly object that bundle defined>
  let drawnWith = null;        // the Plotly object whose plot the div holds

  function bundleFor(fig) {
    const geo = fig.data.every(function (t) { return GEO_TYPES.has(t.type || "scatter"); });
    return geo && !bundles.has("full") ? "geo" : "full";   // the full bundle draws geo traces too
  }

  function plotly(kind) {
    if (!bundles.has(kind)) {
      bundles.set(kind, new Promise(function (done, failed) {
        const script = document.createElement("script");
        script.src = BUNDLES[kind];
        script.onload = function () { done(window.Plotly); };
        script.onerror = function () { bundles.delete(kind); failed(new Error("Plotly (" + kind + ") did not load")); };
        document.head.appendChild(script);
      }));
    }
    return bundles.get(kind);
  }

  // What st.plotly_chart's Streamlit theme (light) adds to this app's map figures, so that the map
  // looks the same in both: a bold title 4 px in, legend title and items in Streamlit's text colours.
  // Only where the figure leaves them unset.
  function streamlitLook(layout) {
    const title = layout.title;
    if (title && typeof title.text === "string" && title.text && !/^<b>/.test(title.text)) {
      title.text = "<b>" + title.text + "</b>";
    }
    if (title && !(title.pad && title.pad.l !== undefined)) title.pad = Object.assign({}, title.pad, {l: 4});
    const legend = layout.legend || (layout.legend = {});
    legend.title = legend.title || {};
    legend.title.font = Object.assign({color: "#808495"}, legend.title.font);
    legend.font = Object.assign({color: "#262730"}, legend.font);
    return layout;
  }

  function send(type, extra) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, extra || {}), "*");
  }

  function pool(hash) {
    if (!/^[0-9a-f]{16,64}$/.test(hash)) return Promise.reject(new Error("bad geometry reference"));
    if (!pools.has(hash)) {
      const got = fetch("geo/" + hash + ".json", {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error("geometry " + r.status); return r.json(); })
        .then(function (fc) { return new Map(fc.features.map(function (f) { return [String(f.id), f]; })); });
      got.catch(function () { pools.delete(hash); });   // a failed fetch is tried again next time
      pools.set(hash, got);
    }
    return pools.get(hash);
  }

  // the layout's template (a pool of its own, fetched once): parsed anew for every figure, as it
  // was when it came inside the figure
  const templates = new Map();   // hash -> Promise<JSON text>
  async function template(hash) {
    if (!/^[0-9a-f]{16,64}$/.test(hash)) throw new Error("bad template reference");
    if (!templates.has(hash)) {
      const got = fetch("geo/" + hash + ".json", {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error("template " + r.status); return r.text(); });
      got.catch(function () { templates.delete(hash); });
      templates.set(hash, got);
    }
    return JSON.parse(await templates.get(hash));
  }

  async function subset(ref) {
    const key = ref.ref + "|" + ref.ids.join(",");
    let fc = subsets.get(key);
    if (!fc) {
      const byId = await pool(ref.ref);
      fc = {type: "FeatureCollection", features: ref.ids.map(function (i) { return byId.get(i); })
        .filter(Boolean)};
      if (subsets.size > 400) subsets.clear();
      subsets.set(key, fc);
    }
    return fc;
  }

  // Plotly's promise can end (rejected by such an error) while MapLibre still loads the map; a redraw
  // then would add its layers twice. The next redraw waits until the map is idle (at most 10 s).
  function settled(div) {
    const sub = div._fullLayout && div._fullLayout.map && div._fullLayout.map._subplot;
    const map = sub && sub.map;
    if (!map || map.loaded()) return Promise.resolve();
    return new Promise(function (done) {
      const timer = setTimeout(done, 10000);
      map.once("idle", function () { clearTimeout(timer); done(); });
    });
  }

  // Plotly's map compares the new basemap style with the last one as JSON and, when they differ, sets
  // the style anew and adds every layer again (MapLibre changes the style object it was given, so an
  // equal new object looks different): the layers stay as they were. The same object is passed again.
  const styles = new Map();
  function sameStyle(layout) {
    const style = layout.map && layout.map.style;
    if (!style || typeof style !== "object") return;
    const key = JSON.stringify(style);
    if (!styles.has(key)) styles.set(key, style);
    layout.map.style = styles.get(key);
  }

  let queue = Promise.resolve();
  let latest = null;
  function enqueue(args) {   // one redraw at a time; of the figures that arrive meanwhile, the last
    latest = args;
    queue = queue.then(function () {
      if (latest === null) return;
      const next = latest;
      latest = null;
      return render(next);
    }).catch(fail);
  }

  function fail(err) {
    shown = null;
    const div = document.getElementById("map");
    div.textContent = "";
    const p = document.createElement("p");
    p.textContent = String(err && err.message || err);
    div.appendChild(p);
  }

  async function render(args) {
    if (!args || typeof args.spec !== "string" || args.spec === shown) return;
    performance.mark("geomap:render");
    const spec = args.spec;
    shown = spec;
    const fig = JSON.parse(spec);
    fig.data.forEach(function (trace, i) { if (trace.uid === undefined) trace.uid = "jd" + i; });
    const loading = plotly(bundleFor(fig));   // fetched and compiled while the geometry arrives
    const layoutTemplate = fig.layout && fig.layout.template;
    await Promise.all(fig.data.map(async function (trace) {
      if (trace.geojson && trace.geojson.ref) trace.geojson = await subset(trace.geojson);
    }).concat(layoutTemplate && typeof layoutTemplate.ref === "string" ? [template(layoutTemplate.ref)
      .then(function (t) { fig.layout.template = t; })] : []));
    performance.mark("geomap:geometry");
    const Plotly = await loading;
    performance.mark("geomap:plotly");
    const layout = streamlitLook(fig.layout || {});
    sameStyle(layout);
    const height = layout.height || 450;
    delete layout.width;
    layout.autosize = true;
    const div = document.getElementById("map");
    div.style.height = height + "px";
    if (drawnWith && drawnWith !== Plotly) {   // the geo bundle's plot, now drawn by the full one
      drawnWith.purge(div);
      delete div.dataset.listening;
    }
    drawnWith = Plotly;
    try {
      await Plotly.react(div, fig.data, layout, CONFIG);
    } catch (err) {
      // MapLibre reports e.g. a glyph it draws locally as "Map error." while the map is drawn:
      // logged, as st.plotly_chart does, not shown instead of the map
      console.warn("jabodash map:", err);
    }
    performance.mark("geomap:drawn");
    await settled(div);
    if (!div.dataset.listening) {
      div.dataset.listening = "1";
      div.on("plotly_click", function (ev) {
        const points = (ev.points || []).map(function (p) {
          return {curve_number: p.curveNumber, point_number: p.pointNumber, point_index: p.pointIndex,
                  location: p.location === undefined ? null : p.location,
                  lat: p.lat === undefined ? null : p.lat, lon: p.lon === undefined ? null : p.lon};
        });
        clicks += 1;
        send("streamlit:setComponentValue", {value: {selection: {points: points}, clicks: clicks}, dataType: "json"});
      });
    }
    send("streamlit:setFrameHeight", {height: height});
    div.dataset.drawn = String(Date.now());
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== "streamlit:render") return;
    enqueue(event.data.args);
  });
  window.addEventListener("resize", function () {
    const div = document.getElementById("map");
    if (div.data && drawnWith) drawnWith.Plots.resize(div);
  });
  // an inline frame leaves a line's descender below it (~8 px more than st.plotly_chart's element)
  try { window.frameElement.style.display = "block"; } catch (e) { /* not same-origin: keep the gap */ }
  performance.mark("geomap:ready");
  send("streamlit:componentReady", {apiVersion: 1});
})();
