"""The naive Streamlit map app the map page is measured against (issue 14's yardstick).

What a first version of such a dashboard does: the data and the boundaries are read once
(st.cache_data / st.cache_resource), then every rerun filters the observations with pandas,
turns the same boundaries into GeoJSON (gdf.to_json()) and draws a Plotly choropleth map.
The boundaries are read at run time from JABODASH_TEST_BOUNDARIES (never part of the
repository). JABODASH_NAIVE_LEVEL=kecamatan maps the bench's kecamatan CSV
(JABODASH_NAIVE_KEC_CSV, written by tools/bench/pages.py) on the ADM3 boundaries.

    JABODASH_TEST_BOUNDARIES=/path/to/geo streamlit run tools/bench/naive_app.py
"""
import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import plotly.express as px
import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
FOLDER = Path(os.environ["JABODASH_TEST_BOUNDARIES"])
LEVEL = os.environ.get("JABODASH_NAIVE_LEVEL", "kabkota")


@st.cache_data
def observations() -> pd.DataFrame:
    if LEVEL == "kecamatan":
        csv = os.environ.get("JABODASH_NAIVE_KEC_CSV") or str(Path(os.environ["JABODASH_WORKSPACE"]).parent
                                                              / "kecamatan.csv")
        df = pd.read_csv(csv, dtype={"kode_kecamatan": str})
        return df.rename(columns={"kode_kecamatan": "region_code", "tahun": "year", "jumlah_bench": "value"}) \
            .assign(indicator_id="jumlah_bench")
    return pd.read_csv(ROOT / "data" / "observations.csv", dtype={"region_code": str})


@st.cache_resource
def boundaries() -> gpd.GeoDataFrame:
    name = "adm3" if LEVEL == "kecamatan" else "adm2"
    return gpd.read_file(FOLDER / f"jabodetabek_{name}.geojson")


st.title("Naive map")
obs = observations()
indicators = sorted(obs["indicator_id"].unique())
# the view from the URL (?indicator=&year=), as a shared link would give it, and back into it
wanted = st.query_params.get("indicator", "population_census")
indicator = st.selectbox("Indicator", indicators, key="indicator",
                         index=indicators.index(wanted) if wanted in indicators else 0)
years = [int(y) for y in sorted(obs.loc[obs["indicator_id"] == indicator, "year"].unique())]
asked = int(st.query_params.get("year", years[-1]))
year = st.selectbox("Year", years, index=years.index(asked) if asked in years else len(years) - 1, key="w_year")
st.query_params.update(indicator=indicator, year=str(year))
gdf = boundaries()
df = obs[(obs["indicator_id"] == indicator) & (obs["year"] == year)]
fig = px.choropleth_map(df, geojson=json.loads(gdf.to_json()), locations="region_code",
                        featureidkey="properties.code", color="value", map_style="white-bg",
                        center={"lat": -6.3, "lon": 106.8}, zoom=8, title=f"{indicator} {year}")
st.plotly_chart(fig)
st.dataframe(df)
