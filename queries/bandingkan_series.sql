-- Compare page: every figure of the chosen indicators for every region of the region set, all
-- years (the chosen regions are compared with each other and ranked and scaled within the set).
-- Only figures that exist are returned: a region-year without a figure has no row, so a gap
-- stays a gap (nothing is filled in).
SELECT o.indicator_id, o.region_code, r.name, r.short_name, o.year, o.value, o.derived, o.note,
       o.dataset_id, d.cite AS source, d.source_url, d.license, o.grade
FROM shown_figures($official_only) o
JOIN region r ON r.code = o.region_code
LEFT JOIN dataset d ON d.id = o.dataset_id
WHERE list_contains($indicator_ids::VARCHAR[], o.indicator_id)
  AND (($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek))
ORDER BY o.indicator_id, o.region_code, o.year;
