-- Every indicator of the cooperation theme with its years and the widest coverage in the set,
-- so that new cooperation data shows up here as soon as it is loaded.
WITH regions AS (
    SELECT code FROM region
    WHERE ($region_set = 'agglomeration' AND in_agglomeration) OR ($region_set = 'jabodetabek' AND in_jabodetabek)
), cov AS (
    SELECT o.indicator_id, o.year, count(*) AS n
    FROM shown_figures($official_only) o JOIN regions r ON r.code = o.region_code
    GROUP BY ALL
)
SELECT i.id AS indicator_id, i.name_id, i.name_en, i.unit_id, i.unit_en, i.sort_order,
       list(c.year ORDER BY c.year) FILTER (WHERE c.year IS NOT NULL) AS years,
       coalesce(max(c.n), 0) AS max_regions,
       (SELECT count(*) FROM regions) AS total
FROM indicator i
LEFT JOIN cov c ON c.indicator_id = i.id
WHERE i.theme = 'kerja_sama'
GROUP BY ALL
ORDER BY i.sort_order;
