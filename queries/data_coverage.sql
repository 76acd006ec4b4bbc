-- Coverage matrix: for every indicator (flows excluded) and every region of the set, how many
-- years have a figure and which. Zero years is a gap, kept as a row.
WITH members AS (
    SELECT code, short_name FROM region
    WHERE ($region_set = 'agglomeration' AND in_agglomeration) OR ($region_set = 'jabodetabek' AND in_jabodetabek)
)
SELECT i.id AS indicator_id, i.sort_order, m.code AS region_code, m.short_name,
       count(o.year) AS years_with_value,
       coalesce(list(o.year ORDER BY o.year) FILTER (WHERE o.year IS NOT NULL), []) AS years
FROM indicator i
CROSS JOIN members m
LEFT JOIN shown_figures($official_only) o ON o.indicator_id = i.id AND o.region_code = m.code
WHERE i.kind <> 'flow'
GROUP BY i.id, i.sort_order, m.code, m.short_name
ORDER BY i.sort_order, m.code;
