"""Provenance grades of datasets and figures.

* ``official``: a BPS or ministry/government publication or API, read directly at the publisher.
* ``official-cited``: a news agency or document quoting a named BPS table, release or officer (or a
  verbatim copy of a named official table kept elsewhere).
* ``secondary``: a compilation, mirror, encyclopedia, blog, or a page naming no official source.
* ``unrated``: the analyst's own uploads, unless their metadata carries one of the grades above
  (a BPS refresh saves ``"grade": "official"``).

The built-in datasets are graded by ``tools/build_data.py`` (rules there, reason per dataset in
``data/datasets.csv``). A derived figure takes the weakest grade of its inputs. The switch
"official figures only" keeps the grades in SHOWN_WHEN_OFFICIAL_ONLY: every named query takes the
parameter ``$official_only`` and reads the figures through the ``shown_*`` table macros of
``queries/overlay/views.sql``, so built-in and uploaded figures are filtered by the same SQL.
"""
from __future__ import annotations

from jabodash.core.i18n import t

GRADES = ("official", "official-cited", "secondary", "unrated")   # strongest first
SHOWN_WHEN_OFFICIAL_ONLY = ("official", "official-cited")
UNRATED = "unrated"


def rank(grade: str | None) -> int:
    """3 official ... 0 unrated (or unknown)."""
    return len(GRADES) - 1 - GRADES.index(grade) if grade in GRADES else 0


def of_metadata(meta: dict | None) -> str:
    """The grade an uploaded or saved dataset declares in its metadata, else ``unrated``."""
    grade = (meta or {}).get("grade")
    return grade if grade in GRADES else UNRATED


def label(grade: str | None, lang: str) -> str:
    """The grade as the reader sees it ("resmi", "official-cited"...); empty for no grade."""
    if not grade or grade != grade:   # None or NaN
        return ""
    return t(f"grade.{grade}" if grade in GRADES else "grade.unrated", lang)


def shown(grade: str | None, official_only: bool) -> bool:
    return not official_only or grade in SHOWN_WHEN_OFFICIAL_ONLY
