-- Sources of the loaded data, with how many figures each gave.
SELECT id, title, origin, license, source_url, rows, sha256, loaded_at
FROM dataset
ORDER BY rows DESC, id;
