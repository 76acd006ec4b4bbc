-- Similar regions: the chosen indicators for every region of the set, each indicator in the
-- latest year in which at least $min_regions regions of the set have a figure. Indicators
-- without such a year are left out (the page lists them); no value is ever imputed.
WITH members AS (
    SELECT code, short_name FROM region
    WHERE ($region_set = 'agglomeration' AND in_agglomeration) OR ($region_set = 'jabodetabek' AND in_jabodetabek)
), counts AS (
    SELECT o.indicator_id, o.year, count(*) AS regions_with_value
    FROM shown_figures($official_only) o
    JOIN members m ON m.code = o.region_code
    WHERE list_contains($indicator_ids::VARCHAR[], o.indicator_id)
    GROUP BY o.indicator_id, o.year
), chosen AS (
    SELECT indicator_id, max(year) AS year
    FROM counts
    WHERE regions_with_value >= $min_regions
    GROUP BY indicator_id
)
SELECT o.indicator_id, o.region_code, m.short_name, o.year, o.value, c2.regions_with_value,
       o.dataset_id, d.cite AS source, o.grade
FROM shown_figures($official_only) o
JOIN members m ON m.code = o.region_code
LEFT JOIN dataset d ON d.id = o.dataset_id
JOIN chosen c ON c.indicator_id = o.indicator_id AND c.year = o.year
JOIN counts c2 ON c2.indicator_id = o.indicator_id AND c2.year = o.year
ORDER BY o.indicator_id, o.region_code;
