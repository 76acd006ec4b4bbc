-- Commuting and other flows between regions (origin/destination may be a group such as BODETABEK).
SELECT f.origin_code, f.destination_code, f.year, f.indicator_id, f.value, f.note,
       f.dataset_id, d.title AS source, d.source_url, f.grade
FROM shown_flows($official_only) f
LEFT JOIN dataset d ON d.id = f.dataset_id
ORDER BY f.year, f.indicator_id, f.value DESC;
