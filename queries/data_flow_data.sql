-- Every flow row of one flow indicator (origin and destination may be a group such as
-- BODETABEK), with its source and licence: the CSV download of the data and methods page.
SELECT f.indicator_id, f.origin_code, f.destination_code, f.year, f.value, f.note,
       f.dataset_id, d.title AS source, d.source_url, d.license, f.grade
FROM shown_flows($official_only) f
LEFT JOIN dataset d ON d.id = f.dataset_id
WHERE f.indicator_id = $indicator_id
ORDER BY f.year, f.origin_code, f.destination_code;
