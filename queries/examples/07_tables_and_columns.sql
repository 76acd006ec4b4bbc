-- title: Every table and view with its columns (your uploads included)
-- title_id: Semua tabel dan view beserta kolomnya (termasuk unggahan Anda)
-- Uploads of this session are views of the temp catalog; built-in data is the jabodash catalog.
-- id: Unggahan sesi ini adalah view di katalog temp; data bawaan ada di katalog jabodash.
SELECT database_name AS catalog, table_name, list(column_name ORDER BY column_index) AS columns
FROM duckdb_columns()
WHERE schema_name = 'main' AND database_name IN ('jabodash', 'temp')
GROUP BY ALL
ORDER BY catalog, table_name;
