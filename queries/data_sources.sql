-- The datasets behind one indicator, with link and licence, and how many figures each gave:
-- the best graded first (official, official-cited, secondary), then the most figures.
-- An observed (or flow) indicator lists the sources of its own figures. A derived indicator
-- lists the sources of the inputs that went into its figures, in the regions and years used:
-- its numerator, the official area for densities, the population series chosen by
-- population_best for per-100,000 ratios, and both census counts for census growth.
WITH ind AS (
    SELECT id, kind, numerator, denominator, derivation FROM indicator WHERE id = $indicator_id
), derived_rows AS (
    SELECT region_code, year FROM shown_figures($official_only) WHERE indicator_id = $indicator_id AND derived
), used AS (
    SELECT o.indicator_id, o.year, o.dataset_id
    FROM shown_observations($official_only) o JOIN ind ON o.indicator_id = ind.id
    UNION ALL
    SELECT f.indicator_id, f.year, f.dataset_id
    FROM shown_flows($official_only) f JOIN ind ON f.indicator_id = ind.id
    UNION ALL
    SELECT o.indicator_id, o.year, o.dataset_id
    FROM shown_observations($official_only) o JOIN ind ON o.indicator_id = ind.numerator
    WHERE ind.kind = 'derived'
      AND ((ind.derivation IN ('density', 'per_100k')
            AND EXISTS (SELECT 1 FROM derived_rows r WHERE r.region_code = o.region_code AND r.year = o.year))
        OR (ind.derivation = 'cagr_census' AND o.year IN (2010, 2020)
            AND EXISTS (SELECT 1 FROM derived_rows r WHERE r.region_code = o.region_code)))
    UNION ALL
    SELECT o.indicator_id, o.year, o.dataset_id
    FROM shown_observations($official_only) o JOIN ind ON ind.kind = 'derived' AND ind.denominator = 'area'
    WHERE o.indicator_id = 'area_km2_big'
      AND EXISTS (SELECT 1 FROM derived_rows r WHERE r.region_code = o.region_code)
    UNION ALL
    SELECT o.indicator_id, o.year, o.dataset_id
    FROM shown_population_best($official_only) p
    JOIN shown_observations($official_only) o ON o.indicator_id = p.series AND o.region_code = p.region_code AND o.year = p.year
    JOIN ind ON ind.kind = 'derived' AND ind.denominator = 'population_best'
    WHERE EXISTS (SELECT 1 FROM derived_rows r WHERE r.region_code = p.region_code AND r.year = p.year)
)
SELECT d.id AS dataset_id, d.title, d.origin, d.source_url, d.license, d.grade,
       list(DISTINCT u.indicator_id ORDER BY u.indicator_id) AS indicators,
       count(*) AS figures, min(u.year) AS first_year, max(u.year) AS last_year
FROM used u
JOIN dataset d ON d.id = u.dataset_id
GROUP BY d.id, d.title, d.origin, d.source_url, d.license, d.grade
ORDER BY list_position(['official', 'official-cited', 'secondary'], d.grade) IS NULL,
         list_position(['official', 'official-cited', 'secondary'], d.grade), figures DESC, d.id;
