-- Every figure of one region, all indicators and years.
SELECT o.indicator_id, o.year, o.value, o.derived, o.note, o.dataset_id, d.cite AS source
FROM observation_all o
LEFT JOIN dataset d ON d.id = o.dataset_id
WHERE o.region_code = $region_code
ORDER BY o.indicator_id, o.year;
