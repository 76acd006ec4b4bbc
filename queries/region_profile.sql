-- Every figure of one region, all indicators and years.
SELECT o.indicator_id, o.year, o.value, o.derived, o.note, o.dataset_id, d.cite AS source, o.grade
FROM shown_figures($official_only) o
LEFT JOIN dataset d ON d.id = o.dataset_id
WHERE o.region_code = $region_code
ORDER BY o.indicator_id, o.year;
