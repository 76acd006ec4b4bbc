-- Numerator and denominator of a ratio indicator for one year, per region
-- (denominator 'area' = official area; 'population_best' = census year count else BPS estimate).
SELECT r.code AS region_code, n.value AS numerator,
       CASE WHEN $denominator = 'area' THEN r.area_km2
            WHEN $denominator = 'population_best' THEN p.value
            ELSE d.value END AS denominator
FROM region r
LEFT JOIN shown_figures($official_only) n ON n.region_code = r.code AND n.indicator_id = $numerator AND n.year = $year
LEFT JOIN shown_figures($official_only) d ON d.region_code = r.code AND d.indicator_id = $denominator AND d.year = $year
LEFT JOIN shown_population_best($official_only) p ON p.region_code = r.code AND p.year = $year;
