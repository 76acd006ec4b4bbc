-- Every figure of one indicator for the regions of the set, all years, with its source and
-- licence (the CSV download of the data and methods page).
SELECT o.indicator_id, o.region_code, r.name, r.short_name, o.year, o.value, o.derived, o.note,
       o.dataset_id, d.cite AS source, d.source_url, d.license, o.grade
FROM shown_figures($official_only) o
JOIN region r ON r.code = o.region_code
LEFT JOIN dataset d ON d.id = o.dataset_id
WHERE o.indicator_id = $indicator_id
  AND (($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek))
ORDER BY o.year, o.region_code;
