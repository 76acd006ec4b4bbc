"""Limits on a boundary file, checked before it is unpacked or loaded (hostile or runaway files:
zip bombs, hundreds of thousands of features, millions of vertices).

Every check is cheap and comes before the expensive step it guards:

* a zip: the number of members, the declared uncompressed size of the members read and every
  member's compression ratio, from the central directory (:func:`check_zip`), before anything is
  unpacked; unpacking then counts the bytes it writes and stops at the limit, whatever the
  headers declared (:func:`extract`);
* any file: its size on disk (:func:`check_size`); the feature count from pyogrio's
  ``read_info`` (the shapefile index, the GeoPackage table, the GeoJSON streaming first pass)
  and then the feature and vertex counts from a streamed, geometry-only read in batches
  (:func:`check_counts`), so that the full read only starts on a file known to fit.

The limits (module constants, so tests can lower them) sit far above the real Jabodetabek
kecamatan file (217 features, 86,683 vertices, 2.2 MB of GeoJSON) and above all ~7,300
kecamatan of Indonesia; a file over a limit is refused with a message naming the limit.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from jabodash.geo.boundaries.model import BoundaryError

MAX_BYTES = 200 * 1024 * 1024  # uncompressed bytes of the file, or of the zip members read
MAX_FEATURES = 20_000
MAX_VERTICES = 5_000_000
MAX_ZIP_MEMBERS = 200
MAX_ZIP_RATIO = 200  # uncompressed / compressed, per member ...
RATIO_FLOOR = 1024 * 1024  # ... for members that unpack to more than this (small files may pack tighter)
BATCH = 5_000  # features per batch of the streamed count

_MB = 1024 * 1024
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _mb(n: int) -> str:
    return f"{n / _MB:.1f}" if n < 10 * _MB else f"{n / _MB:.0f}"


def check_size(nbytes: int, filename: str) -> None:
    """Refuse a file (or the unpacked members of a zip) larger than :data:`MAX_BYTES`."""
    if nbytes > MAX_BYTES:
        raise BoundaryError("boundaries.error.too_large", filename=filename, size_mb=_mb(nbytes),
                            limit_mb=_mb(MAX_BYTES))


def shapefile_parts(member: str, names: list[str]) -> list[str]:
    """The members that make one shapefile layer: the .shp and its siblings of the same stem."""
    stem = member[:-4].lower()
    return [n for n in names if n[:-4].lower() == stem and n[-4:].lower() in _SHAPEFILE_PARTS]


def check_zip(zf: zipfile.ZipFile, filename: str, members: list[str]) -> None:
    """From the central directory only: member count, every member's ratio, declared size read."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise BoundaryError("boundaries.error.zip_members", filename=filename, count=len(infos),
                            limit=MAX_ZIP_MEMBERS)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_ZIP_RATIO:
            raise BoundaryError("boundaries.error.zip_ratio", filename=filename, member=info.filename,
                                ratio=f"{ratio:.0f}", limit=MAX_ZIP_RATIO)
    wanted = set(members)
    check_size(sum(i.file_size for i in infos if i.filename in wanted), filename)


def extract(zf: zipfile.ZipFile, members: list[str], dest: Path, filename: str) -> None:
    """Unpack ``members`` flat into ``dest``, counting the bytes written: a member whose header
    understates its size is stopped at :data:`MAX_BYTES` all the same."""
    total = 0
    for member in members:
        with zf.open(member) as src, (dest / Path(member).name).open("wb") as out:
            while chunk := src.read(_MB):
                total += len(chunk)
                check_size(total, filename)
                out.write(chunk)


def check_counts(target: str, layer: str | None, filename: str) -> None:
    """Feature count from the driver, then features and vertices streamed geometry-only in
    batches: refused as soon as a count passes its limit, nothing kept between batches."""
    import pyogrio
    import shapely

    declared = int(pyogrio.read_info(target, layer=layer).get("features") or -1)
    if declared > MAX_FEATURES:
        raise BoundaryError("boundaries.error.too_many_features", filename=filename, count=declared,
                            limit=MAX_FEATURES)
    features = vertices = 0
    with pyogrio.open_arrow(target, layer=layer, columns=[], batch_size=BATCH, use_pyarrow=True) as (meta, reader):
        column = meta.get("geometry_name") or "wkb_geometry"
        for batch in reader:
            features += batch.num_rows
            if features > MAX_FEATURES:
                raise BoundaryError("boundaries.error.too_many_features", filename=filename,
                                    count=f"> {MAX_FEATURES}", limit=MAX_FEATURES)
            if column in batch.schema.names:
                geoms = shapely.from_wkb(batch.column(column).to_numpy(zero_copy_only=False), on_invalid="ignore")
                vertices += int(shapely.get_num_coordinates(geoms).sum())
            if vertices > MAX_VERTICES:
                raise BoundaryError("boundaries.error.too_many_vertices", filename=filename,
                                    limit=MAX_VERTICES)

