"""A region profile deck: one kab/kota's figures on the headline indicators, each slide the
ranking among the regions of the set with that region highlighted, its rank, its change since the
previous year and, where data/targets.csv has one, its target. An indicator is shown for the latest
year in which the region and at least two thirds of the set have a figure."""
from __future__ import annotations

from datetime import date as date_cls

from jabodash.brief import targets as targets_mod
from jabodash.brief.outline import Brief, BriefError, _brief, _datasets, comparable_year, view_slide
from jabodash.core import state as state_mod
from jabodash.core.i18n import t

# The headline indicators of a profile, in order (those the region has a figure for).
PROFILE_INDICATORS = ("population_census", "population_estimate_bps", "population_density_census",
                      "ipm_lfsp2020", "ipm", "poverty_rate", "unemployment_rate_tpt", "puskesmas_per_100k",
                      "schools_total_dapodik_per_100k", "area_km2_big")
MAX_SLIDES = 8
def resolve_region(src, spec: str, region_set: str) -> tuple[str, str]:
    """(code, short name) of a kab/kota of the set, from its code or its (short) name."""
    regions = src.regions(region_set)
    wanted = str(spec).strip().casefold()
    for row in regions.itertuples():
        if wanted in (str(row.code), str(row.name).casefold(), str(row.short_name).casefold()):
            return str(row.code), str(row.short_name)
    raise BriefError("unknown_region", value=str(spec)[:40])


def from_region(src, spec: str, lang: str = "id", region_set: str = "agglomeration",
                today: date_cls | None = None) -> Brief:
    code, name = resolve_region(src, spec, region_set)
    profile = src.profile(code).dropna(subset=["value"])
    have = set(profile["indicator_id"])
    datasets, targets = _datasets(src), targets_mod.load()
    slides = []
    for indicator in PROFILE_INDICATORS:
        if indicator not in have or len(slides) >= MAX_SLIDES:
            continue
        own = set(int(y) for y in profile.loc[profile["indicator_id"] == indicator, "year"])
        try:
            year = comparable_year(src, indicator, region_set, own)
        except KeyError:
            continue
        if year is None:
            continue
        state = state_mod.ViewState(lang=lang, region_set=region_set, indicator=indicator, year=year,
                                    regions=(code,))
        try:
            slide = view_slide(src, state, "ranking", lang, datasets=datasets, focus=code, targets=targets)
        except BriefError:
            continue       # an indicator the catalog no longer has, or no figure in this set
        rank = slide.findings[0]
        slide.title = (t("brief.profile_title", lang, region=name, indicator=slide.indicator.short(lang),
                         rank=int(rank.values[1]), ranked=int(rank.values[2]))
                       if len(rank.values) == 3 else
                       t("brief.profile_title_missing", lang, region=name, indicator=slide.indicator.short(lang)))
        slides.append(slide)
    if not slides:
        raise BriefError("no_figures", region=name)
    return _brief(src, t("brief.profile_deck", lang, region=name), region_set, lang, today, slides=slides,
                  name=f"profil_{code}")
