"""Logic of the Wilayah page: pure functions, no streamlit.

Official area and census density per kab/kota, the kecamatan of one kab/kota (table and map
coloured by area), each region's distance from Monas (great-circle, from the boundary
centroids when boundaries are cached, else from the published coordinates) and the map of
the agglomeration against Jabodetabek. The page reads the ViewState, calls these functions
and renders what they return.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from jabodash.charts import peta, wrap_lines
from jabodash.core.i18n import t
from jabodash.core.textsafe import plotly_escape
from jabodash.features.peta import classes_for

MONAS = (-6.1754, 106.8272)   # lat, lon of the National Monument, central Jakarta
EARTH_KM = 6371.0088
MEMBERSHIP_COLOURS = {"jabodetabek": "#1b6ca8", "agglomeration_only": "#f0a202", "outside": "#dddddd"}


def haversine_km(lat, lon, lat0: float = MONAS[0], lon0: float = MONAS[1]):
    """Great-circle distance in km from (lat0, lon0)."""
    lat, lon = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    p0, l0 = math.radians(lat0), math.radians(lon0)
    a = np.sin((lat - p0) / 2) ** 2 + math.cos(p0) * np.cos(lat) * np.sin((lon - l0) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(a))


def distances(regions: pd.DataFrame, gdf=None) -> tuple[pd.DataFrame, str]:
    """Distance of each region from Monas: from the boundary centroids (equal-area
    projection) when ``gdf`` is given, else from the published lat/lon of regions.csv.
    Returns (code, name, lat, lon, distance_km sorted ascending) and the basis
    ("boundaries" or "published")."""
    basis = "published"
    pts = regions[["code", "name", "lat", "lon"]].copy()
    if gdf is not None and len(gdf):
        cent = gdf.to_crs(6933).geometry.centroid.to_crs(4326)
        geo = pd.DataFrame({"code": gdf["code"].astype(str).to_numpy(), "lat_b": cent.y.to_numpy(),
                            "lon_b": cent.x.to_numpy()})
        pts = pts.merge(geo, on="code", how="left")
        if pts["lat_b"].notna().any():
            basis = "boundaries"
            pts["lat"], pts["lon"] = pts["lat_b"].fillna(pts["lat"]), pts["lon_b"].fillna(pts["lon"])
        pts = pts.drop(columns=["lat_b", "lon_b"])
    pts["distance_km"] = np.round(haversine_km(pts["lat"], pts["lon"]), 1)
    return pts.sort_values("distance_km").reset_index(drop=True), basis


def membership(regions: pd.DataFrame) -> pd.Series:
    """Per region: "jabodetabek" or "agglomeration_only" (in the agglomeration, not Jabodetabek)."""
    jab = regions["in_jabodetabek"].astype(str).str.lower().isin(("true", "1"))
    return pd.Series(np.where(jab, "jabodetabek", "agglomeration_only"), index=regions["code"].astype(str))


def membership_figure(regions: pd.DataFrame, lang: str, geojson: dict | None = None,
                      attribution: str | None = None) -> go.Figure:
    """The agglomeration vs Jabodetabek on one map: geographic when ``geojson`` (kab/kota) is
    given (white background, offline), else the tile grid; colour by membership."""
    member = membership(regions)
    names = dict(zip(regions["code"].astype(str), regions["short_name"]))
    fig = go.Figure()
    if geojson is not None:
        fig.add_trace(go.Scattergeo(**peta.GEO_FIRST_TRACE))
        shapes = peta.wound(geojson)
        for group, colour in MEMBERSHIP_COLOURS.items():
            codes = [c for c in member.index if member[c] == group]
            if not codes:
                continue
            fig.add_trace(go.Choropleth(
                geojson=shapes, locations=codes, z=[1] * len(codes), colorscale=[[0, colour], [1, colour]],
                showscale=False, name=t(f"wilayah.member.{group}", lang), showlegend=True,
                text=[names.get(c, c) for c in codes], hovertemplate="%{text}<extra>%{fullData.name}</extra>",
                marker=dict(line=dict(color="white", width=1))))
        fig.update_layout(geo=peta.geo_layout(peta.all_bounds(geojson)), height=560)
    else:
        grid = peta.tile_layout("kabkota")
        grid = grid[grid["code"].isin(member.index)]
        for group, colour in MEMBERSHIP_COLOURS.items():
            part = grid[grid["code"].map(member) == group]
            if part.empty:
                continue
            # the short name a reader knows (no tile abbreviation), on two lines, inside its square
            fig.add_trace(go.Scatter(
                x=part["col"], y=-part["row"], mode="markers+text", name=t(f"wilayah.member.{group}", lang),
                text=["<br>".join(wrap_lines(plotly_escape(names.get(c, c)), 10)) for c in part["code"]],
                textfont=dict(size=10, color="white" if group == "jabodetabek" else "#222"),
                hovertext=[names.get(c, c) for c in part["code"]], hovertemplate="%{hovertext}<extra></extra>",
                marker=dict(symbol="square", size=66, color=colour)))
        fig.update_xaxes(visible=False, range=[grid["col"].min() - 0.8, grid["col"].max() + 0.8])
        fig.update_yaxes(visible=False, scaleanchor="x", range=[-grid["row"].max() - 0.8, 0.8])
        fig.update_layout(height=640, plot_bgcolor="white", paper_bgcolor="white")
    footer = t("wilayah.membership_note", lang) + (f"<br>{attribution}" if attribution else "")
    fig.add_annotation(text=footer, xref="paper", yref="paper", x=0, y=-0.02, xanchor="left", yanchor="top",
                       showarrow=False, align="left", font=dict(size=11, color="#555"))
    fig.update_layout(title=t("wilayah.membership_title", lang), margin=dict(l=10, r=10, t=50, b=60),
                      legend=dict(orientation="h", y=1.02, x=0))
    return fig


def area_table(regions: pd.DataFrame, density: pd.DataFrame) -> pd.DataFrame:
    """Official area (BIG, regions.csv) and census density per kab/kota, densest first."""
    out = regions[["code", "name", "area_km2"]].merge(
        density[["region_code", "value"]].rename(columns={"region_code": "code", "value": "density"}),
        on="code", how="left")
    return out.sort_values("density", ascending=False, na_position="last").reset_index(drop=True)


# The built-in kecamatan figure the drill-down shows beside the area: (indicator, year).
KEC_CENSUS = ("population_census_sp2010_preliminary", 2010)


def kecamatan_table(gdf, regions: pd.DataFrame, parent: str | None = None,
                    population: pd.DataFrame | None = None, census: pd.DataFrame | None = None) -> pd.DataFrame:
    """Kecamatan of one kab/kota (or all): code, name, kab/kota, area from the boundaries; with
    ``census`` (the values of KEC_CENSUS at kecamatan level: region_code, value) its figure as
    ``census_2010``; with ``population`` (DataSource.kecamatan_population) also Dukcapil's latest
    population, its period ("2025 S2"), the density over the boundaries' area and the change from the
    figure before (% and since when). A kecamatan without a figure keeps empty cells: a gap, never a zero."""
    df = pd.DataFrame({"code": gdf["code"].astype(str).to_numpy(), "name": gdf["name"].to_numpy(),
                       "parent_code": gdf["parent_code"].astype(str).to_numpy(),
                       "area_km2": pd.to_numeric(gdf["area_km2"], errors="coerce").round(2).to_numpy()})
    if parent:
        df = df[df["parent_code"] == parent]
    kab = dict(zip(regions["code"].astype(str), regions["name"]))
    df.insert(2, "kabkota", df["parent_code"].map(kab))
    if census is not None and census["value"].notna().any():
        known = census.dropna(subset=["value"])
        df["census_2010"] = df["code"].map(dict(zip(known["region_code"].astype(str), known["value"].astype(float))))
    if population is not None and len(population):
        df = with_density(df.merge(population_columns(population), on="code", how="left"))
        df[["period", "since"]] = df[["period", "since"]].fillna("–")     # no figure: a gap
    return df.drop(columns="parent_code").sort_values("area_km2", ascending=False).reset_index(drop=True)


def population_columns(pop: pd.DataFrame) -> pd.DataFrame:
    """code, population, period, change_pct, since from DataSource.kecamatan_population's rows."""
    def period(year, semester):
        return None if pd.isna(year) else f"{int(year)} S{int(semester)}"
    prev = pd.to_numeric(pop["prev_value"], errors="coerce")
    return pd.DataFrame({
        "code": pop["region_code"].astype(str).to_numpy(), "population": pop["value"].astype(float).to_numpy(),
        "period": [period(y, s) for y, s in zip(pop["year"], pop["semester"])],
        "change_pct": ((pop["value"] - prev) / prev * 100).round(2).to_numpy(),
        "since": [period(y, s) for y, s in zip(pop["prev_year"], pop["prev_semester"])]})


def with_density(table: pd.DataFrame) -> pd.DataFrame:
    """The kecamatan table with ``density`` (population per km² of the boundaries' area) after the
    population, when it has one."""
    if "population" not in table:
        return table
    density = (table["population"] / table["area_km2"].where(table["area_km2"] > 0)).round(0)
    return table.assign(density=density)[[c for c in table.columns if c not in ("change_pct", "since")]
                                         + ["density", "change_pct", "since"]]


def kecamatan_map(gdf, geojson: dict, parent: str, state, lang: str, attribution: str | None = None,
                  figures: tuple | None = None) -> go.Figure:
    """The kecamatan of one kab/kota coloured by their area from the boundaries, or by ``figures``
    (values at kecamatan level, the indicator, the year: e.g. KEC_CENSUS through the DataSource),
    framed on that kab/kota and labelled (the Wilayah page's drill-down)."""
    fc = {"type": "FeatureCollection",
          "features": [f for f in geojson["features"] if str(f.get("properties", {}).get("parent_code")) == parent]}
    if figures is None:
        ind, year = peta.AreaIndicator(), t("peta.area_year", lang)
        values = peta.area_values(gdf[gdf["parent_code"].astype(str) == parent], attribution)
    else:
        values, ind, year = figures
        values = values[values["region_code"].astype(str).str[:4] == parent]
    classes = classes_for(values, ind, state, lang)
    return peta.choropleth(values, fc, ind, year, lang, classes, fit="all", attribution=attribution, labels=True)
