-- Population of every region of the set in every year, one row per series and year:
-- census counts, BPS projections/estimates and the Dukcapil registry stay separate series
-- ($series: list of indicator ids). Regions without any figure keep one row with NULLs.
SELECT r.code AS region_code, r.name, r.short_name, r.province_code,
       o.indicator_id AS series, o.year, o.value, o.note, o.dataset_id,
       d.title AS source, d.origin, d.source_url, o.grade
FROM region r
LEFT JOIN shown_observations($official_only) o
       ON o.region_code = r.code AND list_contains($series, o.indicator_id)
LEFT JOIN dataset d ON d.id = o.dataset_id
WHERE ($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek)
ORDER BY r.code, o.indicator_id, o.year;
