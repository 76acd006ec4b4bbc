-- Years of one indicator with how many regions of the set have a value.
SELECT o.year, count(*) AS regions_with_value
FROM observation_all o
JOIN region r ON r.code = o.region_code
WHERE o.indicator_id = $indicator_id
  AND (($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek))
GROUP BY o.year
ORDER BY o.year;
