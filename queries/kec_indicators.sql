-- The uploaded indicators with the years and the widest coverage each has over the kecamatan of
-- the cached boundaries (the built-in data has no kecamatan figures).
SELECT i.*,
       coalesce(y.years, []) AS years,
       coalesce(y.max_regions, 0) AS max_regions,
       y.first_year, y.last_year
FROM indicator i
LEFT JOIN (
    SELECT indicator_id, list(DISTINCT year ORDER BY year) AS years, max(n) AS max_regions,
           min(year) AS first_year, max(year) AS last_year
    FROM (SELECT o.indicator_id, o.year, count(*) AS n
          FROM observation_all o JOIN kecamatan k ON k.code = o.region_code GROUP BY ALL)
    GROUP BY indicator_id
) y ON y.indicator_id = i.id
WHERE i.theme = 'uploaded'
ORDER BY i.sort_order;
