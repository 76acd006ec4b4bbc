-- Values of the weight indicator in its fixed weight year, for weighted metro means.
SELECT region_code, value
FROM shown_figures($official_only)
WHERE indicator_id = $indicator_id AND year = $year;
