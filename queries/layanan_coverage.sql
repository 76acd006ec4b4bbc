-- Coverage of every per-100,000 indicator: for each year with data, how many regions of the
-- set have the figure and whether they are all DKI Jakarta units. Indicators without any
-- figure keep one row with year NULL, so an empty indicator is still listed.
WITH regions AS (
    SELECT code, province_code FROM region
    WHERE ($region_set = 'agglomeration' AND in_agglomeration) OR ($region_set = 'jabodetabek' AND in_jabodetabek)
), cov AS (
    SELECT o.indicator_id, o.year, count(*) AS regions_with_value,
           bool_and(r.province_code = '31') AS dki_only
    FROM shown_figures($official_only) o
    JOIN regions r ON r.code = o.region_code
    GROUP BY o.indicator_id, o.year
)
SELECT i.id AS indicator_id, i.name_id, i.name_en, i.short_id, i.short_en, i.sort_order,
       c.year, coalesce(c.regions_with_value, 0) AS regions_with_value, c.dki_only,
       (SELECT count(*) FROM regions) AS total
FROM indicator i
LEFT JOIN cov c ON c.indicator_id = i.id
WHERE i.derivation = 'per_100k'
ORDER BY i.sort_order, c.year;
