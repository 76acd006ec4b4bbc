-- Years of one indicator with how many kecamatan of the cached boundaries have a value.
SELECT o.year, count(*) AS regions_with_value
FROM observation_all o
JOIN kecamatan k ON k.code = o.region_code
WHERE o.indicator_id = $indicator_id
GROUP BY o.year
ORDER BY o.year;
