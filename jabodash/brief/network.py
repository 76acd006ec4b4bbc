"""A story step of kind "cooperation" (the network of the agreements register, jabodash.store.
cooperation) as a brief slide: the network as an image, findings by rules, every agreement's page
as a source.

Findings: how many agreements (and how many are active), the party named in the most agreements
(a kab/kota or a province), the pair of parties linked by the most, and the kab/kota of the set
named in none (they may still take part through their province).
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from jabodash import charts
from jabodash.brief import findings as rules
from jabodash.brief.outline import Slide, Source, speaker_notes
from jabodash.core import catalog
from jabodash.core.i18n import t
from jabodash.store import cooperation


def indicator():
    """The agreements counted per party, described as an indicator (for the notes and tables)."""
    base = catalog.get("population_census")
    return replace(base, id="cooperation_agreements", theme="kerja_sama", kind="observed",
                   name_id=t("brief.coop.name", "id"), name_en=t("brief.coop.name", "en"),
                   short_id=t("brief.coop.name", "id"), short_en=t("brief.coop.name", "en"),
                   unit_id=t("brief.coop.unit", "id"), unit_en=t("brief.coop.unit", "en"),
                   definition_id=t("brief.coop.definition", "id"), definition_en=t("brief.coop.definition", "en"),
                   higher_is_better=None, aggregation="none", weight_indicator=None, weight_year=None,
                   numerator=None, denominator=None, derivation=None, formula_id=None, formula_en=None,
                   decimals=0, source_note=None)


def party_names(regions: pd.DataFrame) -> dict[str, str]:
    names = dict(zip(regions["code"].astype(str), regions["short_name"].astype(str)))
    for code, province in zip(regions["code"].astype(str), regions["province"].astype(str)):
        names.setdefault(code[:2], province)
    names.setdefault("0", t("brief.coop.central", "id"))
    return names


def counts(links: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Agreements naming each kab/kota of the set: region_code, short_name, value, rank_desc."""
    named = [c for cell in links["party_codes"] for c in set(cooperation.party_codes(cell))]
    per = pd.Series(named, dtype=str).value_counts()
    frame = pd.DataFrame({"region_code": regions["code"].astype(str), "short_name": regions["short_name"]})
    frame["value"] = frame["region_code"].map(per).fillna(0).astype(float)
    frame["rank_desc"] = frame["value"].rank(ascending=False, method="min").astype(int)
    return frame.sort_values(["value", "region_code"], ascending=[False, True], ignore_index=True)


def findings_of(links: pd.DataFrame, regions: pd.DataFrame, region_set: str, lang: str) -> list[rules.Finding]:
    names = party_names(regions)
    if lang == "en":
        names["0"] = t("brief.coop.central", "en")
    total, active = len(links), int((links["status"] == "active").sum())
    found = [rules.Finding("coop_total", t("brief.coop.total", lang, n=total, active=active,
                                           area=rules.area_name(region_set, lang)), (float(total), float(active)))]
    named = pd.Series([c for cell in links["party_codes"] for c in set(cooperation.party_codes(cell))
                       if c in names], dtype=str).value_counts()
    if len(named):
        top = named.sort_index().sort_values(ascending=False, kind="stable").index[0]
        found.append(rules.Finding("coop_top", t("brief.coop.top", lang, name=names[top], n=int(named[top])),
                                   (float(named[top]),), (top,)))
    pairs = cooperation.edges(links, list(names))
    if len(pairs):
        a, b, n = pairs.iloc[0][["a", "b", "n"]]
        found.append(rules.Finding("coop_pair", t("brief.coop.pair", lang, a=names[a], b=names[b], n=int(n)),
                                   (float(n),), (a, b)))
    codes = list(regions["code"].astype(str))
    none = [c for c in codes if c not in set(cooperation.covered_regions(links, codes))]
    if none:
        found.append(rules.Finding("missing", t("brief.coop.none", lang, names=rules.names_text(
            [names[c] for c in none], lang)), regions=tuple(none)))
    return rules.pick(found, drop=("coop_pair",))


def sources_of(links: pd.DataFrame) -> list[Source]:
    out, seen = [], set()
    for row in links.itertuples():
        url = str(row.source_url or "")
        if url in seen:
            continue
        seen.add(url)
        name = charts.plain(str(row.publisher or row.source_title or url)[:70])
        out.append(Source(f"coop:{row.id}", name, row.grade if isinstance(row.grade, str) else None, "", url))
    return out


def slide(src, state, lang: str, title: str = "", note: str = "", register: pd.DataFrame | None = None) -> Slide:
    """The cooperation step of a story as a slide (the network image is drawn by render)."""
    regions = src.regions(state.region_set)
    links = cooperation.agreements_only(register if register is not None else cooperation.register())
    ind = indicator()
    frame = counts(links, regions)
    sources = sources_of(links)
    groups: dict[tuple, list] = {}
    for s in sources:
        groups.setdefault((s.grade,), []).append(s.name)
    footer = "; ".join(charts.graded(rules.names_text(sorted(set(n)), lang, limit=3), g[0], lang)
                       for g, n in groups.items())
    covered = int((frame["value"] > 0).sum())
    coverage = t("brief.coop.coverage", lang, covered=covered, total=len(frame))
    found = findings_of(links, regions, state.region_set, lang)
    year = int(pd.to_numeric(links["year_start"], errors="coerce").max()) if len(links) else 0
    return Slide(title=title or ind.name(lang), kind="cooperation", state=state.with_(lang=lang), indicator=ind,
                 year=year, frame=frame, findings=found, sources=sources, footer=footer,
                 notes=speaker_notes(ind, coverage, note, sources, lang), note=note,
                 alt=t("brief.coop.alt", lang, findings=" ".join(f.text for f in found)))
