-- A per-100,000 indicator in one year for every region of the set, with its parts: the
-- count (numerator) and the population used as denominator, with the series it came from
-- (census count in census years, else the BPS estimate of that year; never the registry).
-- A region without the figure keeps its row with NULLs.
WITH ind AS (SELECT id, numerator FROM indicator WHERE id = $indicator_id)
SELECT r.code AS region_code, r.name, r.short_name, r.province_code,
       v.value, v.derived, v.note, v.dataset_id, v.grade,
       n.value AS numerator, n.dataset_id AS numerator_dataset_id, dn.title AS numerator_source,
       dn.origin AS numerator_origin, n.grade AS numerator_grade,
       p.value AS population, p.series AS population_series,
       pd.id AS population_dataset_id, pd.title AS population_source, pd.origin AS population_origin,
       po.grade AS population_grade,
       CASE WHEN v.value IS NOT NULL THEN dn.title END AS source
FROM region r
CROSS JOIN ind
LEFT JOIN shown_figures($official_only) v ON v.region_code = r.code AND v.indicator_id = ind.id AND v.year = $year
LEFT JOIN shown_observations($official_only) n ON n.region_code = r.code AND n.indicator_id = ind.numerator AND n.year = $year
LEFT JOIN dataset dn ON dn.id = n.dataset_id
LEFT JOIN shown_population_best($official_only) p ON p.region_code = r.code AND p.year = $year
LEFT JOIN shown_observations($official_only) po ON po.region_code = r.code AND po.indicator_id = p.series AND po.year = $year
LEFT JOIN dataset pd ON pd.id = po.dataset_id
WHERE ($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek)
ORDER BY v.value DESC NULLS LAST, r.code;
