-- One census year for every region of the set: population, official area, density,
-- 2010-2020 growth and each region's share of the metro. The share is computed only when
-- every region of the set has a census count (never a share of an incomplete total).
WITH regions AS (
    SELECT * FROM region
    WHERE ($region_set = 'agglomeration' AND in_agglomeration) OR ($region_set = 'jabodetabek' AND in_jabodetabek)
), rows AS (
    SELECT r.code AS region_code, r.name, r.short_name, r.province_code, r.area_km2,
           p.value AS population, p.dataset_id, d.title AS source, d.origin, d.source_url, p.note, p.grade,
           p.value / r.area_km2 AS density,
           g.value AS growth_2010_2020
    FROM regions r
    LEFT JOIN shown_observations($official_only) p ON p.region_code = r.code AND p.indicator_id = 'population_census' AND p.year = $year
    LEFT JOIN dataset d ON d.id = p.dataset_id
    LEFT JOIN shown_figures($official_only) g ON g.region_code = r.code AND g.indicator_id = 'population_growth_2010_2020'
)
SELECT *,
       count(population) OVER () AS covered,
       count(*) OVER () AS total,
       CASE WHEN count(population) OVER () = count(*) OVER ()
            THEN population / sum(population) OVER () * 100 END AS share_pct
FROM rows
ORDER BY population DESC NULLS LAST, region_code;
