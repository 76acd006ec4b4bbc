-- Coverage of the core set: for each of the yearly core indicators ($indicators, a list of ids)
-- and each region of the set, the latest year with a figure shown (with the official-only switch,
-- official and official-cited figures only), its value, grade and dataset. A region with no
-- figure is a row with an empty year: a gap stays a gap.
WITH members AS (
    SELECT code, short_name FROM region
    WHERE ($region_set = 'agglomeration' AND in_agglomeration) OR ($region_set = 'jabodetabek' AND in_jabodetabek)
),
wanted AS (SELECT unnest($indicators) AS indicator_id),
latest AS (
    SELECT o.indicator_id, o.region_code, o.year, o.value, o.grade, o.dataset_id,
           row_number() OVER (PARTITION BY o.indicator_id, o.region_code ORDER BY o.year DESC) AS rn
    FROM shown_figures($official_only) o
    WHERE o.indicator_id IN (SELECT indicator_id FROM wanted) AND o.value IS NOT NULL
)
SELECT w.indicator_id, m.code AS region_code, m.short_name, l.year, l.value, l.grade, l.dataset_id
FROM wanted w
CROSS JOIN members m
LEFT JOIN latest l ON l.indicator_id = w.indicator_id AND l.region_code = m.code AND l.rn = 1
ORDER BY w.indicator_id, m.code;
