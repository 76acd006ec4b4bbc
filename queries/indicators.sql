-- The indicator catalog with the years and the widest coverage each has in the data (over the
-- kab/kota: an upload's kecamatan figures count in kec_indicators).
SELECT i.*,
       coalesce(y.years, []) AS years,
       coalesce(y.max_regions, 0) AS max_regions,
       y.first_year, y.last_year
FROM indicator i
LEFT JOIN (
    SELECT indicator_id, list(DISTINCT year ORDER BY year) AS years, max(n) AS max_regions,
           min(year) AS first_year, max(year) AS last_year
    FROM (SELECT o.indicator_id, o.year, count(*) AS n
          FROM observation_all o JOIN region r ON r.code = o.region_code GROUP BY ALL)
    GROUP BY indicator_id
) y ON y.indicator_id = i.id
ORDER BY i.sort_order;
