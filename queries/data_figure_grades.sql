-- The stored (built-in) figures by provenance grade and level: how much of the embedded data is
-- official, for the regions (kab/kota, provinces) and for the kecamatan (7-digit codes) apart.
SELECT coalesce(grade, 'unrated') AS grade,
       CASE WHEN length(region_code) = 7 THEN 'kecamatan' ELSE 'region' END AS level,
       count(*) AS figures
FROM observation
WHERE provenance = 'builtin'
GROUP BY ALL
ORDER BY figures DESC;
