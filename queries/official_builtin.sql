-- The built-in observed figures of some indicators with the source they cite: what a BPS
-- refresh (jabodash.official.fetch.compare) is compared with. Run over the built-in data only.
SELECT o.region_code, o.indicator_id, o.year, o.value, coalesce(d.cite, d.title, o.dataset_id) AS source
FROM observation o
LEFT JOIN dataset d ON d.id = o.dataset_id
WHERE o.provenance = 'builtin' AND list_contains($indicators, o.indicator_id)
ORDER BY o.indicator_id, o.region_code, o.year;
