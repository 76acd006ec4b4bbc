-- Values of the weight indicator in its fixed weight year, for weighted metro means.
SELECT region_code, value
FROM observation_all
WHERE indicator_id = $indicator_id AND year = $year;
