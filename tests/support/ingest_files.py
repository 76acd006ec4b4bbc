"""Large, realistic upload files for the ingest benchmarks (deterministic: the same bytes every time).

Every file uses the 15 kab/kota of the agglomeration (codes and names from data/regions.csv,
names in mixed case), years, Indonesian number form (``1.234.567,89``) and a few missing
markers (``-``, ``...``, ``n/a``), ``;`` as delimiter, like a BPS or open-data export:

* ``long``             kode_wilayah;nama_wilayah;tahun;indikator;nilai;satuan, 2,667 indicators
                       with long names (15 regions x 25 years each)
* ``wide_years``       kode_wilayah;nama_wilayah;indikator;satuan;2015;...;2024 (one row per
                       region and indicator, 66,667 indicators)
* ``wide_indicators``  kode_wilayah;nama_wilayah;tahun;kelompok;<10 indicator columns> (one row per
                       region, year and group; the group is a dimension of the indicators)
* ``points``           no;nama_fasilitas;jenis;kab_kota;alamat;latitude;longitude, a facility list
                       with decimal-comma coordinates around each region's centre
* ``bench``            the file of the first benchmark (tests/test_ingest_bench.py): 5 columns,
                       indicators ``ind_0000``..``ind_2666``, no unit, no missing values

    .venv/bin/python tests/support/ingest_files.py OUTDIR [--rows N] [--layout long ...]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
LAYOUTS = ("long", "wide_years", "wide_indicators", "points", "bench")
MISSING = ("-", "...", "n/a")

_TOPICS = ["Jumlah Penduduk", "Persentase Penduduk Miskin", "Angka Partisipasi Sekolah", "Jumlah Sekolah",
           "Jumlah Tenaga Kesehatan", "Produksi Padi", "Luas Panen", "Jumlah Rumah Tangga", "Rata-rata Upah",
           "Pengeluaran per Kapita", "Jumlah Kendaraan Bermotor", "Panjang Jalan", "Jumlah Wisatawan",
           "Konsumsi Listrik", "Jumlah Pencari Kerja", "Tingkat Partisipasi Angkatan Kerja", "Jumlah Koperasi",
           "Realisasi Pendapatan Daerah", "Jumlah Puskesmas", "Angka Harapan Hidup", "Jumlah Kelahiran",
           "Jumlah Kematian Bayi", "Rasio Guru Murid"]
_GROUPS = ["Laki-laki", "Perempuan", "Perkotaan", "Perdesaan"] + [f"Umur {a}-{a + 4}" for a in range(0, 75, 5)]
_UNITS = ["Jiwa", "Persen", "Unit", "Ton", "Hektar", "Rupiah", "Km", "Orang", "KWh", "Rumah Tangga"]


def _regions() -> pd.DataFrame:
    df = pd.read_csv(ROOT / "data" / "regions.csv", dtype={"code": str})
    df = df[df["in_agglomeration"].astype(str).str.lower() == "true"].sort_values("code").reset_index(drop=True)
    df["label"] = [n.upper() if i % 3 == 1 else n for i, n in enumerate(df["name"])]
    return df


def _indicator_names(n: int) -> list[str]:
    out = []
    for k in range(n):
        topic = _TOPICS[k % len(_TOPICS)]
        group = _GROUPS[(k // len(_TOPICS)) % len(_GROUPS)]
        out.append(f"{topic} {group} Seri {k // (len(_TOPICS) * len(_GROUPS)) + 1}")
    return out


def _id_numbers(rng: np.random.Generator, n: int, missing_share: float = 0.003, high: int = 10**10) -> np.ndarray:
    """Indonesian number texts (``1.234.567,89``, some integers) with a few missing markers."""
    cents = rng.integers(0, high, n)
    whole = pd.Series(cents // 100).map("{:,}".format).str.replace(",", ".", regex=False)
    frac = pd.Series(cents % 100).map("{:02d}".format)
    text = np.where(cents % 7 == 0, whole, whole + "," + frac).astype(object)
    gaps = rng.random(n) < missing_share
    text[gaps] = np.asarray(MISSING, dtype=object)[rng.integers(0, len(MISSING), int(gaps.sum()))]
    return text


def _write(path: Path, header: str, columns: list) -> None:
    """Write columns of equal length (arrays of text) as ';'-separated lines."""
    n = len(columns[0])
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(header + "\n")
        for start in range(0, n, 100_000):
            parts = [[str(v) for v in c[start:start + 100_000]] for c in columns]
            fh.write("\n".join(map(";".join, zip(*parts))) + "\n")


def write_long(path: Path, rows: int) -> None:
    """Long layout: region, year, indicator, value, unit; 375 rows (15 regions x 25 years) per indicator."""
    reg = _regions()
    rng = np.random.default_rng(14)
    i = np.arange(rows)
    r, year, ind = i % 15, 2000 + (i // 15) % 25, i // 375
    names = np.asarray(_indicator_names(int(ind.max()) + 1), dtype=object)
    units = np.asarray(_UNITS, dtype=object)[ind % len(_UNITS)]
    _write(path, "kode_wilayah;nama_wilayah;tahun;indikator;nilai;satuan",
           [reg["code"].to_numpy()[r], reg["label"].to_numpy()[r], year, names[ind], _id_numbers(rng, rows), units])


def write_wide_years(path: Path, rows: int) -> None:
    """Years as columns: one row per region and indicator, 2015..2024 (smaller numbers: under the upload limit)."""
    reg = _regions()
    rng = np.random.default_rng(15)
    i = np.arange(rows)
    r, ind = i % 15, i // 15
    names = np.asarray(_indicator_names(int(ind.max()) + 1), dtype=object)
    years = list(range(2015, 2025))
    cols = [reg["code"].to_numpy()[r], reg["label"].to_numpy()[r], names[ind],
            np.asarray(_UNITS, dtype=object)[ind % len(_UNITS)]] + [_id_numbers(rng, rows, high=10**8) for _ in years]
    _write(path, "kode_wilayah;nama_wilayah;indikator;satuan;" + ";".join(map(str, years)), cols)


def write_wide_indicators(path: Path, rows: int) -> None:
    """Indicators as columns: one row per region, year and group (a dimension such as an age group)."""
    reg = _regions()
    rng = np.random.default_rng(16)
    i = np.arange(rows)
    n_groups = -(-rows // 375)
    r, year, grp = i % 15, 2000 + (i // 15) % 25, i // 375
    groups = np.asarray([f"{_GROUPS[k % len(_GROUPS)]} Seri {k // len(_GROUPS) + 1}" for k in range(n_groups)],
                        dtype=object)
    inds = _TOPICS[:10]
    cols = [reg["code"].to_numpy()[r], reg["label"].to_numpy()[r], year, groups[grp]] + \
        [_id_numbers(rng, rows) for _ in inds]
    _write(path, "kode_wilayah;nama_wilayah;tahun;kelompok;" + ";".join(inds), cols)


def write_points(path: Path, rows: int) -> None:
    """A facility list: row number, name, kind, kab/kota, address, latitude and longitude (decimal comma)."""
    reg = _regions()
    rng = np.random.default_rng(17)
    r = rng.integers(0, 15, rows)
    lat = reg["lat"].to_numpy()[r] + rng.normal(0, 0.03, rows)
    lon = reg["lon"].to_numpy()[r] + rng.normal(0, 0.03, rows)
    kinds = np.asarray(["Puskesmas", "Klinik", "Sekolah Dasar", "SMP", "Posyandu", "Apotek"], dtype=object)
    kind = kinds[np.arange(rows) % len(kinds)]
    num = np.arange(1, rows + 1)
    lat_t = pd.Series(lat).map("{:.5f}".format).str.replace(".", ",", regex=False).to_numpy(dtype=object)
    lon_t = pd.Series(lon).map("{:.5f}".format).str.replace(".", ",", regex=False).to_numpy(dtype=object)
    gaps = np.flatnonzero(rng.random(rows) < 0.001)
    lat_t[gaps], lon_t[gaps] = "-", "-"
    _write(path, "no;nama_fasilitas;jenis;kab_kota;alamat;latitude;longitude",
           [num, [f"{k} {n}" for k, n in zip(kind, num)], kind, reg["label"].to_numpy()[r],
            [f"Jl. Raya No. {n % 250 + 1}" for n in num], lat_t, lon_t])


def write_bench(path: Path, rows: int) -> None:
    """The first benchmark's file: kode_wilayah;nama_wilayah;tahun;indikator;nilai, short indicator codes."""
    regions = _regions()
    codes = regions["code"].to_numpy()
    names = np.asarray([n.upper() if i % 2 else n for i, n in enumerate(regions["short_name"])], dtype=object)
    rng = np.random.default_rng(7)
    cents = rng.integers(0, 10**10, rows)
    i = np.arange(rows)
    r = i % 15
    whole = pd.Series(cents // 100).map("{:,}".format).str.replace(",", ".", regex=False)
    value = (whole + "," + pd.Series(cents % 100).map("{:02d}".format)).to_numpy(dtype=object)
    ind = pd.Series(i // 375).map("ind_{:04d}".format).to_numpy(dtype=object)
    _write(path, "kode_wilayah;nama_wilayah;tahun;indikator;nilai",
           [codes[r], names[r], 2000 + (i // 15) % 25, ind, value])


WRITERS = {"long": write_long, "wide_years": write_wide_years, "wide_indicators": write_wide_indicators,
           "points": write_points, "bench": write_bench}


def write(layout: str, path: Path, rows: int = 1_000_000) -> Path:
    WRITERS[layout](Path(path), rows)
    return Path(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--layout", action="append", choices=LAYOUTS)
    args = ap.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    for layout in args.layout or LAYOUTS:
        print(write(layout, args.outdir / f"{layout}_{args.rows}.csv", args.rows))


if __name__ == "__main__":
    main()
