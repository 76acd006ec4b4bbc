"""The data of data/, read independently of jabodash (pandas on the CSV files), for tests that check
what the app shows against the source."""
import math
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]

OBS = pd.read_csv(ROOT / "data" / "observations.csv", dtype={"region_code": str})
FLOWS = pd.read_csv(ROOT / "data" / "flows.csv", dtype={"origin_code": str, "destination_code": str})
REGIONS = pd.read_csv(ROOT / "data" / "regions.csv", dtype={"code": str, "province_code": str})
REGIONS_BY_CODE = REGIONS.set_index("code")
DKI = [c for c in REGIONS_BY_CODE.index if c.startswith("31")]


def obs(region, indicator, year):
    """One figure of data/observations.csv, NaN when it is not there."""
    row = OBS[(OBS.region_code == region) & (OBS.indicator_id == indicator) & (OBS.year == year)]
    return float(row.value.iloc[0]) if len(row) else math.nan


def obs_exact(region, indicator, year):
    """One figure of data/observations.csv, which must be there exactly once."""
    row = OBS[(OBS.region_code == region) & (OBS.indicator_id == indicator) & (OBS.year == year)]
    assert len(row) == 1
    return float(row.value.iloc[0])


def values(indicator, year, codes=None):
    rows = OBS[(OBS.indicator_id == indicator) & (OBS.year == year)]
    if codes is not None:
        rows = rows[rows.region_code.isin(codes)]
    return rows.set_index("region_code")["value"]

