-- The stored (built-in) figures by provenance grade: how much of the embedded data is official.
SELECT coalesce(grade, 'unrated') AS grade, count(*) AS figures
FROM observation
WHERE provenance = 'builtin'
GROUP BY ALL
ORDER BY figures DESC;
