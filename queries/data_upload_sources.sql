-- Every uploaded dataset (saved and this session's) with its indicators and how many figures
-- each gave, in the columns of meta_sources (the data page lists them beside the built-in ones).
SELECT d.id AS dataset_id, d.title, d.origin, d.source_url, d.license, d.grade,
       list(DISTINCT o.indicator_id ORDER BY o.indicator_id) AS indicators,
       count(*) AS figures, min(o.year) AS first_year, max(o.year) AS last_year
FROM dataset d
JOIN shown_observations($official_only) o ON o.dataset_id = d.id
WHERE d.provenance <> 'builtin'
GROUP BY d.id, d.title, d.origin, d.source_url, d.license, d.grade
ORDER BY figures DESC, d.id;
