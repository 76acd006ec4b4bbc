-- Census years in the data with how many regions of the set have a count.
SELECT o.year, count(*) AS regions_with_value
FROM shown_observations($official_only) o
JOIN region r ON r.code = o.region_code
WHERE o.indicator_id = 'population_census'
  AND (($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek))
GROUP BY o.year
ORDER BY o.year;
