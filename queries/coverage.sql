-- Coverage: for each indicator and year, how many regions of the set have a figure.
SELECT o.indicator_id, o.year, count(*) AS regions_with_value,
       list(o.region_code ORDER BY o.region_code) AS region_codes
FROM shown_figures($official_only) o
JOIN region r ON r.code = o.region_code
WHERE ($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek)
GROUP BY o.indicator_id, o.year
ORDER BY o.indicator_id, o.year;
