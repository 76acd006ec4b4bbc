-- The latest year of each listed indicator ($indicator_ids) for every region of the set;
-- a region without a figure in that year keeps its row with value NULL.
WITH regions AS (
    SELECT * FROM region
    WHERE ($region_set = 'agglomeration' AND in_agglomeration) OR ($region_set = 'jabodetabek' AND in_jabodetabek)
), latest AS (
    SELECT o.indicator_id, max(o.year) AS year
    FROM shown_figures($official_only) o JOIN regions r ON r.code = o.region_code
    WHERE list_contains($indicator_ids, o.indicator_id)
    GROUP BY o.indicator_id
)
SELECT l.indicator_id, l.year, r.code AS region_code, r.short_name, r.province_code,
       o.value, o.note, o.dataset_id, d.title AS source, d.origin, o.grade
FROM latest l
CROSS JOIN regions r
LEFT JOIN shown_figures($official_only) o ON o.indicator_id = l.indicator_id AND o.year = l.year AND o.region_code = r.code
LEFT JOIN dataset d ON d.id = o.dataset_id
ORDER BY l.indicator_id, r.code;
