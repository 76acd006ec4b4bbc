-- Every year of one indicator for the regions of the set (time series).
SELECT o.region_code, r.name, r.short_name, o.year, o.value, o.derived, o.note, o.dataset_id,
       d.cite AS source, coalesce(d.origin, d.cite) AS origin, d.source_url, o.grade
FROM shown_figures($official_only) o
JOIN region r ON r.code = o.region_code
LEFT JOIN dataset d ON d.id = o.dataset_id
WHERE o.indicator_id = $indicator_id
  AND (($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek))
ORDER BY o.region_code, o.year;
