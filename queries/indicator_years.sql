-- Years of one indicator with how many regions of the set have a value (region_set
-- 'kecamatan': the kecamatan of the cached boundaries).
SELECT o.year, count(*) AS regions_with_value
FROM shown_figures($official_only) o
JOIN place r ON r.code = o.region_code
WHERE o.indicator_id = $indicator_id
  AND (($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek)
       OR ($region_set = 'kecamatan' AND r.level = 'kecamatan'))
GROUP BY o.year
ORDER BY o.year;
