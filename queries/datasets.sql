-- Sources of the loaded data, with how many figures each gave: the built-in ones, then the
-- saved uploads, then this session's.
SELECT id, title, origin, license, source_url, rows, sha256, loaded_at, grade, grade_reason
FROM dataset
ORDER BY provenance, rows DESC, id;
